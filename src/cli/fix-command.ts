/**
 * What `--fix`, `--unsafe-fixes`, `--diff` / `--fix-dry-run`, `--output-dir` and `--show-fixes` do with
 * a fix outcome: write files atomically, print a unified diff, or write patched copies plus a patch.
 */
import * as path from 'node:path';
import type { FixOutcome } from '../fix/index.js';
import { unifiedDiff, writeCopy } from '../fix/index.js';
import type { Finding } from '../engine/types.js';
import type { CliIo } from './io.js';

export type FixMode = { readonly kind: 'write' } | { readonly kind: 'diff' } | { readonly kind: 'output-dir'; readonly dir: string };

export interface FixWriteResult {
  /** Files that could not be written (read-only, permissions): the run exits 2. */
  readonly failures: number;
  /** Whether anything changed (or would change). */
  readonly changed: boolean;
}

const rel = (io: CliIo, file: string): string => path.relative(io.cwd, file) || file;

function where(io: CliIo, f: Finding): string {
  return `${rel(io, f.file)}:${f.start.line}:${f.start.column}`;
}

export function writeFixes(outcome: FixOutcome, mode: FixMode, showFixes: boolean, io: CliIo, encode: (file: string, text: string) => Uint8Array): FixWriteResult {
  let failures = 0;
  const changes = outcome.changes;

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
    for (const [file, { after }] of changes) {
      try {
        io.replaceFile(file, encode(file, after));
      } catch (e) {
        failures++;
        const code = typeof e === 'object' && e !== null && 'code' in e ? String(e.code) : '';
        io.stderr(`ngxlint: ${rel(io, file)}: not fixed, cannot write (${code || (e instanceof Error ? e.message : String(e))})\n`);
      }
    }
  }

  const verb = mode.kind === 'write' ? 'fixed' : 'would fix';
  if (showFixes) for (const f of outcome.applied) io.stderr(`ngxlint: ${verb} ${where(io, f)} [${f.ruleId}]: ${f.fix?.title ?? ''}\n`);
  for (const d of outcome.dropped) io.stderr(`ngxlint: ${where(io, d.finding)} [${d.finding.ruleId}]: fix not applied: ${d.reason}\n`);
  for (const f of outcome.shown) {
    io.stderr(`ngxlint: ${where(io, f)} [${f.ruleId}]: fix not applied: ${rel(io, f.file)} is included from several places; apply it by hand: ${f.fix?.title ?? ''}\n`);
  }
  if (!outcome.converged) io.stderr('ngxlint: fixes did not settle after 10 passes; the result was kept but may offer more fixes (please report this)\n');
  if (changes.size > 0 || outcome.applied.length > 0) {
    io.stderr(`ngxlint: ${verb} ${outcome.applied.length} problem${outcome.applied.length === 1 ? '' : 's'} in ${changes.size} file${changes.size === 1 ? '' : 's'}\n`);
  }
  return { failures, changed: changes.size > 0 };
}
