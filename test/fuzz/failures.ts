/**
 * Writes a fuzz counterexample (or a very slow input) to fuzz-failures/<name>/ so it can be replayed and
 * debugged: the input files under files/ at their absolute paths, case.json with the error, seed, replay
 * path and the generated case, and README.txt with the commands to reproduce it.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const FAILURES_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../fuzz-failures');

export interface SavedCase {
  readonly kind: 'failure' | 'slow';
  readonly property: string;
  readonly seed: number;
  /** fast-check's path to the (shrunk) counterexample, for FUZZ_REPLAY. */
  readonly path: string | null;
  readonly error: string;
  readonly files: ReadonlyMap<string, Uint8Array>;
  readonly notes: unknown;
}

/** Saves a case; returns its directory. */
export function saveCase(c: SavedCase): string {
  const dir = path.join(FAILURES_DIR, `${c.kind}-${c.property}-${c.seed}`);
  const filesDir = path.join(dir, 'files');
  mkdirSync(filesDir, { recursive: true });
  for (const [file, bytes] of c.files) {
    const target = path.join(filesDir, file);
    mkdirSync(path.dirname(target), { recursive: true });
    writeFileSync(target, bytes);
  }
  writeFileSync(path.join(dir, 'case.json'), JSON.stringify({ property: c.property, seed: c.seed, path: c.path, error: c.error, notes: c.notes }, null, 2) + '\n');
  const main = [...c.files.keys()].find((f) => f.endsWith('/nginx.conf')) ?? [...c.files.keys()][0] ?? '';
  const replay = c.path === null ? '' : `FUZZ_PROPERTIES=${c.property} FUZZ_SEED=${c.seed} FUZZ_REPLAY=${c.path} npm run fuzz\n`;
  writeFileSync(
    path.join(dir, 'README.txt'),
    `${c.kind === 'failure' ? 'Property failed' : 'Slow input'}: ${c.property}\n\n${c.error}\n\n` +
      `Replay the (shrunk) case:\n  ${replay || '(no replay path)\n'}` +
      `Run the CLI on its files (case.json notes say what was linted and how):\n` +
      `  node bin/ngxlint.js --prefix ${path.join(filesDir, 'etc/nginx')} ${path.join(filesDir, main)}\n`,
  );
  return dir;
}
