import * as fs from 'node:fs';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';

/**
 * Replaces a file's contents atomically: a temp file in the same directory, flushed, given the original's
 * mode (and owner, when allowed), then renamed over it. A symlink is written through to its target, so
 * the link stays a link. A crash leaves either the old file or the new one, never a mix.
 */
export function writeFileAtomic(filePath: string, bytes: Uint8Array): void {
  const target = fs.realpathSync(filePath);
  const st = fs.statSync(target);
  const tmp = path.join(path.dirname(target), `.${path.basename(target)}.ngxlint-${process.pid}-${randomBytes(4).toString('hex')}.tmp`);
  const fd = fs.openSync(tmp, 'wx', st.mode & 0o7777);
  try {
    fs.writeSync(fd, bytes);
    fs.fchmodSync(fd, st.mode & 0o7777);
    try {
      fs.fchownSync(fd, st.uid, st.gid);
    } catch {
      // Not root: the file keeps our owner, as any editor would leave it.
    }
    fs.fsyncSync(fd);
  } catch (e) {
    fs.closeSync(fd);
    fs.rmSync(tmp, { force: true });
    throw e;
  }
  fs.closeSync(fd);
  try {
    fs.renameSync(tmp, target);
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    throw e;
  }
}

/** Writes a new file (and its directories) for --output-dir. */
export function writeCopy(filePath: string, bytes: Uint8Array): void {
  fs.mkdirSync(path.dirname(filePath), { recursive: true });
  fs.writeFileSync(filePath, bytes);
}
