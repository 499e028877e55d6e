/**
 * What `--fix`, `--unsafe-fixes`, `--diff` / `--fix-dry-run`, `--output-dir` and `--show-fixes` do with
 * a fix outcome: write files atomically, print a unified diff, or write patched copies plus a patch.
 */
import * as path from 'node:path';
import type { FixOutcome } from '../fix/index.js';
import { unifiedDiff, writeCopy } from '../fix/index.js';
import { FileChangedError, type AtomicWriteOptions } from '../fix/write.js';
import type { Finding } from '../engine/types.js';
import type { CliIo } from './io.js';

export type FixMode = { readonly kind: 'write' } | { readonly kind: 'diff' } | { readonly kind: 'output-dir'; readonly dir: string };

export interface FixWriteResult {
  /** Files that could not be written (read-only, permissions) or changed on disk meanwhile: the run exits 2. */
  readonly failures: number;
  /** Whether anything changed (or would change). */
  readonly changed: boolean;
}

const rel = (io: CliIo, file: string): string => path.relative(io.cwd, file) || file;

/**
 * CliIo.replaceFile as writeFileAtomic takes it: with the bytes the file must still hold. A replaceFile
 * that ignores the third argument (a test's) still works, without the check.
 */
type ReplaceFile = (filePath: string, bytes: Uint8Array, options?: AtomicWriteOptions) => void;

function notWrittenMessage(io: CliIo, file: string, e: unknown): string {
  if (e instanceof FileChangedError) return `ngxlint: ${rel(io, file)}: not fixed, it changed on disk after ngxlint read it (another editor or ngxlint run?); run ngxlint again\n`;
  const code = typeof e === 'object' && e !== null && 'code' in e ? String(e.code) : '';
  // The file may be writable while its directory is not: the atomic replace needs both.
  const hint = code === 'EACCES' || code === 'EPERM' ? ': the file and its directory must both be writable, as the fix is written to a temp file there and renamed over it' : '';
  return `ngxlint: ${rel(io, file)}: not fixed, cannot write (${code || (e instanceof Error ? e.message : String(e))}${hint})\n`;
}

function where(io: CliIo, f: Finding): string {
  return `${rel(io, f.file)}:${f.start.line}:${f.start.column}`;
}

export function writeFixes(outcome: FixOutcome, mode: FixMode, showFixes: boolean, io: CliIo, encode: (file: string, text: string) => Uint8Array): FixWriteResult {
  const changes = outcome.changes;
  /** Files --fix could not write: their fixes are not counted or listed as made. */
  const notWritten = new Set<string>();

  if (mode.kind === 'diff') {
    io.stdout(unifiedDiff(changes, io.cwd));
  } else if (mode.kind === 'output-dir') {
    const outDir = path.resolve(io.cwd, mode.dir);
    for (const [file, { after }] of changes) {
      // Mirror the input's path relative to the working directory; a path outside it keeps its absolute form.
      const relative = path.relative(io.cwd, file);
      const target = relative.startsWith('..') || path.isAbsolute(relative) ? path.join(outDir, file) : path.join(outDir, relative);
      writeCopy(target, encode(file, after));
    }
    writeCopy(path.join(outDir, 'ngxlint.patch'), Buffer.from(unifiedDiff(changes, io.cwd), 'utf8'));
    io.stderr(`ngxlint: wrote ${changes.size} patched file${changes.size === 1 ? '' : 's'} and ngxlint.patch to ${rel(io, outDir)}\n`);
  } else {
    const replaceFile: ReplaceFile = io.replaceFile;
    for (const [file, { before, after, original }] of changes) {
      try {
        replaceFile(file, encode(file, after), { expected: original ?? encode(file, before) });
      } catch (e) {
        notWritten.add(file);
        io.stderr(notWrittenMessage(io, file, e));
      }
    }
  }

  const verb = mode.kind === 'write' ? 'fixed' : 'would fix';
  const made = outcome.applied.filter((f) => !(f.fix?.edits ?? []).some((e) => notWritten.has(e.file)));
  const files = changes.size - notWritten.size;
  if (showFixes) for (const f of made) io.stderr(`ngxlint: ${verb} ${where(io, f)} [${f.ruleId}]: ${f.fix?.title ?? ''}\n`);
  for (const d of outcome.dropped) io.stderr(`ngxlint: ${where(io, d.finding)} [${d.finding.ruleId}]: fix not applied: ${d.reason}\n`);
  for (const f of outcome.shown) {
    io.stderr(`ngxlint: ${where(io, f)} [${f.ruleId}]: fix not applied: ${rel(io, f.file)} is included from several places; apply it by hand: ${f.fix?.title ?? ''}\n`);
  }
  if (!outcome.converged) io.stderr('ngxlint: fixes did not settle after 10 passes; the result was kept but may offer more fixes (please report this)\n');
  if (files > 0 || made.length > 0) {
    io.stderr(`ngxlint: ${verb} ${made.length} problem${made.length === 1 ? '' : 's'} in ${files} file${files === 1 ? '' : 's'}\n`);
  }
  if (notWritten.size > 0) io.stderr(`ngxlint: ${notWritten.size} file${notWritten.size === 1 ? '' : 's'} not fixed (see above); the findings reported for ${notWritten.size === 1 ? 'it' : 'them'} assume the fixes were written\n`);
  return { failures: notWritten.size, changed: changes.size > 0 };
}
