/**
 * Writing fixed files so that no crash, kill or power cut can leave a half-written configuration:
 *
 * - the new bytes go to a temp file in the target's directory (`.NAME.ngxlint-PID-RANDOM.tmp`), written in
 *   full, given the original's owner and mode, and fsync'd; then one rename() replaces the file, and the
 *   directory is fsync'd so that the rename itself survives a power cut. At every instant the path holds
 *   either the old bytes or the new ones, never a mix and never nothing.
 * - A temp file left behind by a SIGKILL can never be read by nginx: the leading dot keeps every glob
 *   (`include conf.d/*.conf;`, `include sites-enabled/*;`) from matching it, as glob(3) does not match a
 *   leading dot with a wildcard, and the `.tmp` suffix keeps it out of any `*.conf` pattern as well.
 * - A file the user could not write in place (read-only for them) is not replaced behind their back, even
 *   though rename() over it would work: it fails with the access error, as an editor would.
 * - With `expected`, a file that no longer holds the bytes the fixer read (another editor, another ngxlint
 *   run) is left alone: FileChangedError. The check runs just before the rename; what remains is the
 *   window between that read and the rename, which only a lock shared by every writer could close.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';

/** The filesystem calls writeFileAtomic makes; tests replace some of them to inject failures. */
export interface AtomicWriteFs {
  readonly realpath: (p: string) => string;
  readonly stat: (p: string) => { readonly mode: number; readonly uid: number; readonly gid: number };
  /** Throws (EACCES, EROFS, EPERM) when the current user may not write the file in place. */
  readonly checkWritable: (p: string) => void;
  readonly readFile: (p: string) => Uint8Array;
  /** Creates a new file exclusively (fails when it exists); returns a descriptor. */
  readonly createExclusive: (p: string, mode: number) => number;
  /** Writes from `offset` of `bytes`; returns how many bytes were written (possibly fewer). */
  readonly write: (fd: number, bytes: Uint8Array, offset: number) => number;
  readonly fchown: (fd: number, uid: number, gid: number) => void;
  readonly fchmod: (fd: number, mode: number) => void;
  readonly fsync: (fd: number) => void;
  readonly close: (fd: number) => void;
  readonly rename: (from: string, to: string) => void;
  readonly remove: (p: string) => void;
  /** fsync of a directory, so that a rename in it is durable. */
  readonly syncDirectory: (dir: string) => void;
}

export const nodeAtomicWriteFs: AtomicWriteFs = {
  realpath: (p) => fs.realpathSync(p),
  stat: (p) => fs.statSync(p),
  checkWritable: (p) => fs.accessSync(p, fs.constants.W_OK),
  readFile: (p) => fs.readFileSync(p),
  createExclusive: (p, mode) => fs.openSync(p, 'wx', mode),
  write: (fd, bytes, offset) => fs.writeSync(fd, bytes, offset, bytes.length - offset),
  fchown: (fd, uid, gid) => fs.fchownSync(fd, uid, gid),
  fchmod: (fd, mode) => fs.fchmodSync(fd, mode),
  fsync: (fd) => fs.fsyncSync(fd),
  close: (fd) => fs.closeSync(fd),
  rename: (from, to) => fs.renameSync(from, to),
  remove: (p) => fs.rmSync(p, { force: true }),
  syncDirectory: (dir) => {
    const fd = fs.openSync(dir, 'r');
    try {
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
  },
};

export interface AtomicWriteOptions {
  /** The bytes the file held when it was read: anything else on disk just before the rename means FileChangedError. */
  readonly expected?: Uint8Array;
  readonly fs?: AtomicWriteFs;
}

/** The file changed on disk after it was read; nothing was written. */
export class FileChangedError extends Error {
  readonly code = 'ECHANGED';
  readonly path: string;
  constructor(filePath: string) {
    super(`${filePath} changed on disk after it was read`);
    this.name = 'FileChangedError';
    this.path = filePath;
  }
}

/** Long names are cut (in bytes) so that the temp name stays within NAME_MAX (255 bytes). */
const TEMP_BASE_MAX_BYTES = 100;

/** `.nginx.conf.ngxlint-1234-0a1b2c3d.tmp`: hidden from every include glob, and not a `*.conf`. */
export function tempFileName(target: string, pid: number = process.pid, random: string = randomBytes(4).toString('hex')): string {
  let base = path.basename(target);
  while (Buffer.byteLength(base) > TEMP_BASE_MAX_BYTES) base = base.slice(0, -1);
  return path.join(path.dirname(target), `.${base}.ngxlint-${pid}-${random}.tmp`);
}

/** What tempFileName produces, to recognise what a killed run left behind. */
export const TEMP_FILE_PATTERN = /^\..*\.ngxlint-\d+-[0-9a-f]{8}\.tmp$/;

/** Whether the file still holds `expected`; a file deleted since it was read has changed too. */
function stillHolds(io: AtomicWriteFs, file: string, expected: Uint8Array): boolean {
  let current: Uint8Array;
  try {
    current = io.readFile(file);
  } catch (e) {
    if (typeof e === 'object' && e !== null && 'code' in e && e.code === 'ENOENT') return false;
    throw e;
  }
  return Buffer.compare(current, expected) === 0;
}

/**
 * Replaces a file's contents atomically and durably (see the module comment). A symlink is written through
 * to its target, so the link stays a link. Throws the system error (with its `code`) or FileChangedError;
 * either way the file is untouched and no temp file is left.
 */
export function writeFileAtomic(filePath: string, bytes: Uint8Array, options: AtomicWriteOptions = {}): void {
  const io = options.fs ?? nodeAtomicWriteFs;
  const target = io.realpath(filePath);
  const st = io.stat(target);
  io.checkWritable(target);
  const mode = st.mode & 0o7777;
  const tmp = tempFileName(target);
  // Owner-only until the owner and mode are set, so no other user can open it in between.
  const fd = io.createExclusive(tmp, 0o600);
  let closed = false;
  try {
    for (let offset = 0; offset < bytes.length; ) {
      const written = io.write(fd, bytes, offset);
      if (written <= 0) throw Object.assign(new Error(`short write to ${tmp}`), { code: 'EIO' });
      offset += written;
    }
    try {
      io.fchown(fd, st.uid, st.gid);
    } catch {
      // Not root: the file keeps our owner, as any editor would leave it.
    }
    // After fchown, which clears set-user-ID and set-group-ID bits.
    io.fchmod(fd, mode);
    io.fsync(fd);
    closed = true;
    io.close(fd);
    if (options.expected !== undefined && !stillHolds(io, target, options.expected)) throw new FileChangedError(filePath);
    io.rename(tmp, target);
  } catch (e) {
    if (!closed) {
      try {
        io.close(fd);
      } catch {
        // The write error is the one worth reporting.
      }
    }
    io.remove(tmp);
    throw e;
  }
  try {
    io.syncDirectory(path.dirname(target));
  } catch {
    // The new contents are in place; only their durability across a power cut is not confirmed (some
    // filesystems refuse fsync on a directory). Not a reason to report the file as not fixed.
  }
}

/** Writes a new file (and its directories) for --output-dir. */
export function writeCopy(filePath: string, bytes: Uint8Array): void {
  fs.mkdirSync(path.dirname(filePath), { recursive: true });
  fs.writeFileSync(filePath, bytes);
}
