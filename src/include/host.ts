/**
 * The only door to the filesystem. Parser, include resolution and model read files through a Host,
 * so every test can run on an in-memory file map.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { globWith } from './glob.js';

export type FileKind = 'file' | 'directory' | 'other';

export interface FileStat {
  readonly kind: FileKind;
  readonly size: number;
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
  /** Absolute paths matching a glob pattern (`*`, `?`, `[...]` per path segment), sorted byte-wise. */
  glob(pattern: string): string[];
  /** Absolute form of a path. */
  resolve(...segments: string[]): string;
}

const ERRNO_TEXT: Record<string, string> = {
  ENOENT: '2: No such file or directory',
  EACCES: '13: Permission denied',
  EISDIR: '21: Is a directory',
  ENOTDIR: '20: Not a directory',
  ELOOP: '40: Too many levels of symbolic links',
  EMFILE: '24: Too many open files',
};

/** nginx's wording for a failed open, e.g. `open() "/x" failed (2: No such file or directory)`. */
export function openFailedMessage(filePath: string, code: string): string {
  return `open() "${filePath}" failed (${ERRNO_TEXT[code] ?? code})`;
}

/** Files larger than this are refused rather than read into memory. */
export const MAX_FILE_BYTES = 512 * 1024 * 1024;

export function createNodeHost(): Host {
  return {
    readFile(filePath) {
      let st: fs.Stats;
      try {
        st = fs.statSync(filePath);
      } catch (e) {
        throw toHostError(e, filePath);
      }
      if (st.isDirectory()) throw new HostError('EISDIR', filePath, openFailedMessage(filePath, 'EISDIR'));
      if (!st.isFile()) throw new HostError('ENOTREG', filePath, `"${filePath}" is not a regular file`);
      if (st.size > MAX_FILE_BYTES) throw new HostError('EFBIG', filePath, `"${filePath}" is too large (${st.size} bytes)`);
      try {
        return fs.readFileSync(filePath);
      } catch (e) {
        throw toHostError(e, filePath);
      }
    },
    stat(filePath) {
      try {
        const st = fs.statSync(filePath);
        return { kind: st.isFile() ? 'file' : st.isDirectory() ? 'directory' : 'other', size: st.size };
      } catch {
        return undefined;
      }
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
  };
}

function isDirectory(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}

function toHostError(e: unknown, filePath: string): HostError {
  const code = typeof e === 'object' && e !== null && 'code' in e && typeof e.code === 'string' ? e.code : 'EIO';
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
  };
}
