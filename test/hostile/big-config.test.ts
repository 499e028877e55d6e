/**
 * Case 1: a 50 MB nginx.conf (127,000 server blocks, 12,700 upstreams). It is linted in a child process,
 * once: the findings must be exactly the planted ones, and the peak RSS stay under a generous bound (a
 * quadratic structure or a copy per directive would blow through it).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compactLines, runNgxlint } from './child.js';
import { writeBigConfig } from './generate.js';

const SIZE = 50 * 1024 * 1024;
/** One finding per this many servers. */
const EVERY = 1000;
/** Peak RSS bound, about 30 bytes per configuration byte (measured: 1.2 GB, mostly the AST and the scope model). */
const RSS_LIMIT_KB = 1.5 * 1024 * 1024;

describe('a 50 MB configuration', () => {
  let dir: string;
  let planted: number[];

  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ngxlint-hostile-big-'));
    const written = writeBigConfig(path.join(dir, 'nginx.conf'), SIZE, EVERY);
    planted = written.plantedLines;
    expect(written.size).toBeGreaterThanOrEqual(SIZE);
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('lints to exactly the planted findings, in bounded memory', () => {
    const r = runNgxlint(['-f', 'compact', '--no-config', 'nginx.conf'], { cwd: dir, timeoutMs: 540_000 });
    expect(r.signal, 'killed at the timeout').toBeNull();
    expect(r.stderr).toBe('');
    expect(r.status).toBe(1);
    const findings = compactLines(r.stdout);
    expect(planted.length).toBe(127);
    expect(findings).toEqual(planted.map((line) => expect.stringMatching(new RegExp(`^nginx\\.conf:${line}:13: error: "proxy_busy_buffers_size" must be less than .*\\[buffer-size-constraints\\]$`))));
    expect(r.peakRssKb).toBeLessThan(RSS_LIMIT_KB);
  }, 600_000);
});
