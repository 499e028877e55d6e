/**
 * Case 2: 100,000 files through one `include conf.d/*.conf;`. Linted in a child process: every file is
 * loaded once, in nginx's byte-wise order, and the findings are exactly the planted ones.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compactLines, runNgxlint } from './child.js';
import { serverFile } from './generate.js';

const FILES = 100_000;
const EVERY = 1000;
/** Peak RSS bound (measured: 0.67 GB; an AST, a source text and a scope subtree per file). */
const RSS_LIMIT_KB = 1.2 * 1024 * 1024;

const name = (i: number): string => `s${String(i).padStart(6, '0')}.conf`;

describe('100,000 files through one include glob', () => {
  let dir: string;

  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ngxlint-hostile-many-'));
    fs.writeFileSync(path.join(dir, 'nginx.conf'), 'events {}\nhttp {\n    include conf.d/*.conf;\n}\n');
    fs.mkdirSync(path.join(dir, 'conf.d'));
    for (let i = 0; i < FILES; i++) fs.writeFileSync(path.join(dir, 'conf.d', name(i)), serverFile(i, i % EVERY === EVERY - 1));
  }, 120_000);
  // rm(1) unlinks 100,000 files several times faster than fs.rmSync's walk.
  afterAll(() => {
    if (spawnSync('rm', ['-rf', dir], { timeout: 110_000 }).status !== 0) fs.rmSync(dir, { recursive: true, force: true });
  }, 120_000);

  it('lints every file and reports exactly the planted findings', () => {
    const r = runNgxlint(['-f', 'compact', '--no-config', 'nginx.conf'], { cwd: dir, timeoutMs: 300_000 });
    expect(r.signal, 'killed at the timeout').toBeNull();
    expect(r.stderr).toBe('');
    expect(r.status).toBe(1);
    const expected: string[] = [];
    for (let i = EVERY - 1; i < FILES; i += EVERY) expected.push(`conf.d/${name(i)}:6:9`);
    expect(compactLines(r.stdout).map((l) => l.split(': ')[0])).toEqual(expected);
    expect(compactLines(r.stdout).every((l) => l.endsWith('[buffer-size-constraints]'))).toBe(true);
    expect(r.peakRssKb).toBeLessThan(RSS_LIMIT_KB);
  }, 360_000);
});
