/**
 * The only door to the filesystem. Parser, include resolution and model read files through a Host,
 * so every test can run on an in-memory file map.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tty from 'node:tty';
import { globWith } from './glob.js';

export type FileKind = 'file' | 'directory' | 'other';

export interface FileStat {
  readonly kind: FileKind;
  readonly size: number;
  /**
   * For kind 'other': what the path is ("a FIFO", "a socket", ...), or, when the path exists but cannot be
   * examined, nginx's wording of the errno (`40: Too many levels of symbolic links`).
   */
  readonly what?: string;
  /** The errno name when the path exists but stat() failed (ELOOP, EACCES): kind is then 'other'. */
  readonly code?: string;
}

/** Raised by Host methods; `code` is a POSIX-style errno name such as ENOENT, EACCES, EISDIR. */
export class HostError extends Error {
  readonly code: string;
  readonly path: string;
  constructor(code: string, filePath: string, message: string) {
    super(message);
    this.name = 'HostError';
    this.code = code;
    this.path = filePath;
  }
}

export interface Host {
  /** Reads a whole regular file; throws HostError. */
  readFile(filePath: string): Uint8Array;
  /** Stats a path following symlinks; undefined when it does not exist. */
  stat(filePath: string): FileStat | undefined;
  /**
   * Absolute paths matching a glob pattern (`*`, `?`, `[...]` per path segment), sorted byte-wise; throws
   * GlobLimitError for a pattern that would look at too many directory entries.
   */
  glob(pattern: string): string[];
  /** Absolute form of a path. */
  resolve(...segments: string[]): string;
  /**
   * The path with every symlink resolved, to tell that two names are one file (`sites-enabled/shop` and the
   * `sites-available/shop` it links to); undefined when it cannot be resolved. Hosts without symlinks omit it.
   */
  realpath?(filePath: string): string | undefined;
}

const ERRNO_TEXT: Record<string, string> = {
  ENOENT: '2: No such file or directory',
  EACCES: '13: Permission denied',
  EISDIR: '21: Is a directory',
  ENOTDIR: '20: Not a directory',
  ELOOP: '40: Too many levels of symbolic links',
  EMFILE: '24: Too many open files',
  ENAMETOOLONG: '36: File name too long',
  EIO: '5: Input/output error',
};

/** nginx's wording for a failed open, e.g. `open() "/x" failed (2: No such file or directory)`. */
export function openFailedMessage(filePath: string, code: string): string {
  return `open() "${filePath}" failed (${ERRNO_TEXT[code] ?? code})`;
}

/** Files larger than this are refused rather than read into memory. */
export const MAX_FILE_BYTES = 512 * 1024 * 1024;

/** Paths that name this process's standard input, which the Node host reads (once) from descriptor 0. */
const STDIN_PATHS = new Set(['/dev/stdin', '/dev/fd/0', '/proc/self/fd/0', `/proc/${process.pid}/fd/0`]);

export function isStdinPath(filePath: string): boolean {
  return STDIN_PATHS.has(filePath);
}

export function createNodeHost(): Host {
  let stdin: Uint8Array | undefined;
  return {
    readFile(filePath) {
      if (isStdinPath(path.resolve(filePath))) return (stdin ??= readStdin(filePath));
      return readRegularFile(filePath);
    },
    stat(filePath) {
      let st: fs.Stats | undefined;
      try {
        st = fs.statSync(filePath, { throwIfNoEntry: false });
      } catch (e) {
        const code = errnoOf(e);
        if (code === 'ENOTDIR') return undefined;
        return { kind: 'other', size: 0, code, what: ERRNO_TEXT[code] ?? code };
      }
      if (st === undefined) return undefined;
      if (st.isFile()) return { kind: 'file', size: st.size };
      if (st.isDirectory()) return { kind: 'directory', size: st.size };
      return { kind: 'other', size: st.size, what: describeSpecial(st) };
    },
    glob(pattern) {
      return globWith(pattern, (dir) => {
        try {
          return fs.readdirSync(dir, { withFileTypes: true }).map((d) => ({
            name: d.name,
            directory: d.isDirectory() || (d.isSymbolicLink() && isDirectory(path.join(dir, d.name))),
          }));
        } catch {
          return [];
        }
      });
    },
    resolve: (...segments) => path.resolve(...segments),
    realpath(filePath) {
      try {
        return fs.realpathSync(filePath);
      } catch {
        return undefined;
      }
    },
  };
}

/**
 * Reads a regular file through one descriptor: opened without blocking (a FIFO with no writer would block
 * open() forever) and without becoming our terminal, checked with fstat() on that same descriptor (so a
 * file swapped for a FIFO or a directory after a stat() cannot slip through), then read to its end but
 * never past MAX_FILE_BYTES (a file that keeps growing while it is read is refused, not followed).
 */
function readRegularFile(filePath: string): Uint8Array {
  let fd: number;
  try {
    fd = fs.openSync(filePath, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK | fs.constants.O_NOCTTY);
  } catch (e) {
    throw toHostError(e, filePath);
  }
  try {
    const st = fs.fstatSync(fd);
    if (st.isDirectory()) throw new HostError('EISDIR', filePath, openFailedMessage(filePath, 'EISDIR'));
    if (!st.isFile()) throw notRegular(filePath, describeSpecial(st));
    if (st.size > MAX_FILE_BYTES) throw tooLarge(filePath, st.size);
    return readToEnd(fd, filePath, st.size);
  } catch (e) {
    throw e instanceof HostError ? e : toHostError(e, filePath);
  } finally {
    fs.closeSync(fd);
  }
}

/** Reads a descriptor to its end; `expected` sizes the first buffer (a file may shrink or grow meanwhile). */
function readToEnd(fd: number, filePath: string, expected: number): Uint8Array {
  // One byte more than expected, so that the common case ends with a read that returns 0 into spare room;
  // a size of 0 says nothing (a pipe, a /proc file), so that starts with a page.
  let buffer = Buffer.allocUnsafe(Math.min(MAX_FILE_BYTES + 1, expected > 0 ? expected + 1 : 4096));
  let length = 0;
  for (;;) {
    if (length === buffer.length) {
      if (length > MAX_FILE_BYTES) throw tooLarge(filePath, length);
      const bigger = Buffer.allocUnsafe(Math.min(MAX_FILE_BYTES + 1, buffer.length * 2));
      buffer.copy(bigger, 0, 0, length);
      buffer = bigger;
    }
    let n: number;
    try {
      n = fs.readSync(fd, buffer, length, buffer.length - length, null);
    } catch (e) {
      if (errnoOf(e) !== 'EAGAIN') throw e;
      // A pipe with a writer that has not written yet (standard input): wait a little, as a blocking read would.
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10);
      continue;
    }
    if (n === 0) break;
    length += n;
  }
  if (length > MAX_FILE_BYTES) throw tooLarge(filePath, length);
  return buffer.subarray(0, length);
}

/** Standard input named as a file (`ngxlint /dev/stdin`): a pipe or a redirected file, never a terminal. */
function readStdin(filePath: string): Uint8Array {
  let st: fs.Stats;
  try {
    st = fs.fstatSync(0);
  } catch (e) {
    throw toHostError(e, filePath);
  }
  if (st.isCharacterDevice() && tty.isatty(0)) {
    throw new HostError('ENOTREG', filePath, `"${filePath}" is a terminal; pipe the configuration in (or use --stdin --stdin-filename PATH)`);
  }
  if (st.isDirectory()) throw new HostError('EISDIR', filePath, openFailedMessage(filePath, 'EISDIR'));
  try {
    return readToEnd(0, filePath, st.isFile() ? st.size : 0);
  } catch (e) {
    throw e instanceof HostError ? e : toHostError(e, filePath);
  }
}

function describeSpecial(st: fs.Stats): string {
  if (st.isFIFO()) return 'a FIFO';
  if (st.isSocket()) return 'a socket';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  return 'not a regular file';
}

function notRegular(filePath: string, what: string): HostError {
  return new HostError('ENOTREG', filePath, `"${filePath}" is not a regular file (${what}); ngxlint reads only regular files, as reading a FIFO or a device can block forever`);
}

function tooLarge(filePath: string, size: number): HostError {
  return new HostError('EFBIG', filePath, `"${filePath}" is too large (${size} bytes; the limit is ${MAX_FILE_BYTES})`);
}

function isDirectory(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}

function errnoOf(e: unknown): string {
  return typeof e === 'object' && e !== null && 'code' in e && typeof e.code === 'string' ? e.code : 'EIO';
}

function toHostError(e: unknown, filePath: string): HostError {
  const code = errnoOf(e);
  return new HostError(code, filePath, openFailedMessage(filePath, code));
}

/** An in-memory host over a map of absolute POSIX paths to contents; directories are implied. */
export function createMemoryHost(files: Record<string, string | Uint8Array>, cwd = '/'): Host {
  const contents = new Map<string, Uint8Array>();
  const dirs = new Set<string>(['/']);
  for (const [name, value] of Object.entries(files)) {
    const abs = path.posix.resolve(cwd, name);
    contents.set(abs, typeof value === 'string' ? Buffer.from(value, 'utf8') : value);
    for (let d = path.posix.dirname(abs); !dirs.has(d); d = path.posix.dirname(d)) dirs.add(d);
  }
  return {
    readFile(filePath) {
      const abs = path.posix.resolve(cwd, filePath);
      const data = contents.get(abs);
      if (data !== undefined) return data;
      const code = dirs.has(abs) ? 'EISDIR' : 'ENOENT';
      throw new HostError(code, filePath, openFailedMessage(filePath, code));
    },
    stat(filePath) {
      const abs = path.posix.resolve(cwd, filePath);
      const data = contents.get(abs);
      if (data !== undefined) return { kind: 'file', size: data.length };
      return dirs.has(abs) ? { kind: 'directory', size: 0 } : undefined;
    },
    glob(pattern) {
      return globWith(path.posix.resolve(cwd, pattern), (dir) => {
        const prefix = dir.endsWith('/') ? dir : dir + '/';
        const seen = new Map<string, boolean>();
        for (const p of [...contents.keys(), ...dirs]) {
          if (p.length > prefix.length && p.startsWith(prefix)) {
            const rest = p.slice(prefix.length);
            const slash = rest.indexOf('/');
            const name = slash === -1 ? rest : rest.slice(0, slash);
            seen.set(name, (seen.get(name) ?? false) || slash !== -1 || dirs.has(prefix + name));
          }
        }
        return [...seen].map(([name, directory]) => ({ name, directory }));
      });
    },
    resolve: (...segments) => path.posix.resolve(cwd, ...segments),
  };
}

/**
 * A host that reads some files from memory (stdin, or fixed texts not yet written) and everything else
 * from `base`. Globs see both.
 */
export function overlayHost(base: Host, files: ReadonlyMap<string, Uint8Array | string>): Host {
  const memory = createMemoryHost(Object.fromEntries(files));
  const mine = (p: string): boolean => files.has(path.resolve(p));
  return {
    readFile: (p) => (mine(p) ? memory.readFile(p) : base.readFile(p)),
    stat: (p) => (mine(p) ? memory.stat(p) : base.stat(p)),
    glob: (pattern) => [...new Set([...base.glob(pattern), ...memory.glob(pattern)])].sort(),
    resolve: base.resolve,
    ...(base.realpath !== undefined ? { realpath: (p: string) => base.realpath?.(p) ?? (mine(p) ? path.resolve(p) : undefined) } : {}),
  };
}
