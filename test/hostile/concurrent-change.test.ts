/**
 * Case 5: a file that changes while ngxlint reads it. Every read goes through one descriptor that is
 * checked with fstat(), so a file swapped for a FIFO or a directory after the stat() is refused, not read;
 * a file rewritten, truncated or appended meanwhile is linted as read; and --fix does not write over a
 * file whose bytes changed since they were read.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, tempTrees } from '../harness/cli.js';
import { writeFileAtomic, type AtomicWriteOptions } from '../../src/fix/write.js';
import { runNgxlint } from './child.js';

const tree = tempTrees();

const BIG = `events {}\nhttp {\n${'    map $a $b { default 1; }\n'.repeat(20_000)}    server {\n        proxy_connect_timeout 300s;\n    }\n}\n`;

/** Rewrites, truncates, appends to and replaces `file` (argv[1]) with the text of argv[2], until killed. */
const WRITER = `
const fs = require('node:fs');
const [file, seed] = process.argv.slice(1);
const text = fs.readFileSync(seed);
for (;;) {
  fs.writeFileSync(file, text);
  fs.truncateSync(file, 1000);
  fs.appendFileSync(file, 'x'.repeat(5000));
  fs.writeFileSync(file + '.tmp', text);
  fs.renameSync(file + '.tmp', file);
}`;

describe('a file that changes while it is read', () => {
  it('rewritten, truncated, appended and replaced by another process during lint: every run completes, no crash', async () => {
    const dir = tree({ 'nginx.conf': BIG, 'seed.txt': BIG });
    const file = path.join(dir, 'nginx.conf');
    const writer = spawn(process.execPath, ['-e', WRITER, file, path.join(dir, 'seed.txt')], { stdio: 'ignore' });
    try {
      const codes = new Set<number>();
      for (let i = 0; i < 20; i++) {
        const r = await runCli(['--no-config', '-f', 'compact', 'nginx.conf'], { cwd: dir });
        expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
        expect([0, 1, 2]).toContain(r.code);
        codes.add(r.code);
      }
      // Whole reads find the planted timeout (exit 1); torn ones find syntax errors (exit 1) too.
      expect(codes.has(1)).toBe(true);
    } finally {
      writer.kill('SIGKILL');
    }
  });

  for (const kind of ['fifo', 'directory'] as const) {
    it(`replaced by a ${kind} between stat() and read: refused with a message, no hang`, () => {
      const dir = tree({ 'nginx.conf': 'events {}\n' });
      const target = path.join(dir, 'nginx.conf');
      const r = runNgxlint(['--no-config', 'nginx.conf'], {
        cwd: dir,
        timeoutMs: 30_000,
        preload: [path.join(__dirname, 'swap-after-stat.cjs')],
        env: { NGXLINT_SWAP_TARGET: target, NGXLINT_SWAP_KIND: kind },
      });
      expect(r.signal, 'blocked reading the FIFO').toBeNull();
      expect(fs.statSync(target).isFile(), 'the swap happened').toBe(false);
      expect([r.status, r.stdout]).toEqual([2, '']);
      expect(r.stderr).toBe(
        kind === 'fifo'
          ? `ngxlint: "${target}" is not a regular file (a FIFO); ngxlint reads only regular files, as reading a FIFO or a device can block forever\n`
          : `ngxlint: open() "${target}" failed (21: Is a directory)\n`,
      );
    });
  }

  it('--fix does not write over a file changed on disk after it was read', async () => {
    const dir = tree({ 'nginx.conf': 'events {}\nhttp {\n    proxy_connect_timeout 300s;\n}\n' });
    const file = path.join(dir, 'nginx.conf');
    const edited = 'events {}\nhttp {\n    proxy_connect_timeout 300s; # edited meanwhile\n}\n';
    // Another editor saves the file between ngxlint's read and its write.
    const replaceFile = (p: string, bytes: Uint8Array, options?: AtomicWriteOptions): void => {
      fs.writeFileSync(p, edited);
      writeFileAtomic(p, bytes, options);
    };
    const r = await runCli(['--no-config', '--fix', 'nginx.conf'], { cwd: dir, replaceFile });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('ngxlint: nginx.conf: not fixed, it changed on disk after ngxlint read it');
    expect(fs.readFileSync(file, 'utf8')).toBe(edited);
  });
});
