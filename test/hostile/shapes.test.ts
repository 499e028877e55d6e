/**
 * Cases 10 and 11: one directive with 100,000 arguments (and a 1 MB argument), and `location` blocks
 * nested 10,000 deep, in one file and across included files. Each runs in a child process with a timeout:
 * bounded time, correct findings, and no stack overflow in lint, --fix, the JSON report or `parse`.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempTrees } from '../harness/cli.js';
import { compactLines, runNgxlint } from './child.js';

const tree = tempTrees();
const run = (dir: string, args: string[]) => {
  const r = runNgxlint(args, { cwd: dir, timeoutMs: 120_000 });
  expect(r.signal, 'killed at the timeout').toBeNull();
  expect(r.stderr).not.toMatch(/internal error|Maximum call stack|\n\s+at /);
  return r;
};

describe('100,000 arguments on one directive', () => {
  const many = (prefix: string): string => Array.from({ length: 100_000 }, (_, i) => `${prefix}${i}`).join(' ');
  const CONFIG =
    'events {}\nhttp {\n    server {\n        listen 80;\n' +
    `        server_name ${many('s')};\n` +
    `        location ${many('/l')} {\n            proxy_pass ${many('http://h')};\n        }\n` +
    '        location / {\n            proxy_read_timeout 30s;\n' +
    `            proxy_set_header ${many('X')};\n            try_files ${many('/t')};\n` +
    `            return 200 "${'x'.repeat(1 << 20)}";\n        }\n    }\n}\n`;

  it('invalid-arguments fires where nginx\'s argument count is exceeded, and only there', () => {
    const dir = tree({ 'nginx.conf': CONFIG });
    const r = run(dir, ['--no-config', '-f', 'compact', '--rule', 'upstream-timeout-missing:off', '--rule', 'static-dns-upstream:off', 'nginx.conf']);
    expect(r.status).toBe(1);
    expect(compactLines(r.stdout)).toEqual([
      'nginx.conf:6:9: error: invalid number of arguments in "location" directive [invalid-arguments]',
      'nginx.conf:7:13: error: invalid number of arguments in "proxy_pass" directive [invalid-arguments]',
      'nginx.conf:11:13: error: invalid number of arguments in "proxy_set_header" directive [invalid-arguments]',
    ]);
  });
});

describe('10,000 nested locations', () => {
  const DEPTH = 10_000;
  const nested = (depth: number, inner: string): string => `${'location /a {\n'.repeat(depth)}${inner}${'}\n'.repeat(depth)}`;
  const ONE_FILE = `events {}\nhttp {\n    server {\n        listen 80;\n${nested(DEPTH, 'proxy_pass http://127.0.0.1:1;\n')}    }\n}\n`;
  /** The parser keeps 200 levels: the 201st block opens on line 203 (after events, http, server, listen). */
  const TOO_DEEP = 'nginx.conf:203:13: error: blocks nested more than 200 levels deep; this block is not analysed [syntax-error]';

  it('in one file: one syntax error where nesting passes 200 levels', () => {
    const dir = tree({ 'nginx.conf': ONE_FILE });
    const r = run(dir, ['--no-config', '-f', 'compact', 'nginx.conf']);
    expect([r.status, compactLines(r.stdout)]).toEqual([1, [TOO_DEEP]]);
    const json = run(dir, ['--no-config', '-f', 'json', 'nginx.conf']);
    expect((JSON.parse(json.stdout) as { messages: { line: number }[] }[])[0]?.messages.map((m) => m.line)).toEqual([203]);
  });

  it('in one file: --fix changes nothing (a file with a syntax error is never written)', () => {
    const dir = tree({ 'nginx.conf': ONE_FILE });
    const r = run(dir, ['--no-config', '--unsafe-fixes', '-f', 'compact', 'nginx.conf']);
    expect([r.status, compactLines(r.stdout)]).toEqual([1, [TOO_DEEP]]);
    expect(fs.readFileSync(path.join(dir, 'nginx.conf'), 'utf8')).toBe(ONE_FILE);
  });

  it('in one file: parse prints the payload with the error, with and without --combine', () => {
    const dir = tree({ 'nginx.conf': ONE_FILE });
    for (const extra of [[], ['--combine']]) {
      const r = run(dir, ['parse', ...extra, 'nginx.conf']);
      expect(r.status).toBe(1);
      const payload = JSON.parse(r.stdout) as { errors: { line: number; error: string }[] };
      expect(payload.errors.map((e) => [e.line, e.error.split(' in ')[0]])).toEqual([[203, 'blocks nested more than 200 levels deep; this block is not analysed']]);
    }
  });

  /** 70 files of 150 levels each, every one included at the bottom of the previous: 10,500 levels in all. */
  const chain = (serverLevel = ''): Record<string, string> => {
    const files: Record<string, string> = { 'nginx.conf': `events {}\nhttp {\n    server {\n        listen 80;\n${serverLevel}        include f0.conf;\n    }\n}\n` };
    for (let f = 0; f < 70; f++) files[`f${f}.conf`] = nested(150, f < 69 ? `include f${f + 1}.conf;\n` : 'proxy_pass http://127.0.0.1:1;\n');
    return files;
  };

  it('across 70 included files: lint and --fix handle 10,500 levels', () => {
    const dir = tree(chain());
    const r = run(dir, ['--no-config', '-f', 'compact', 'nginx.conf']);
    expect([r.status, compactLines(r.stdout)]).toEqual([0, [expect.stringMatching(/^f69\.conf:151:1: info: .*\[upstream-timeout-missing\]$/)]]);
    const fixed = run(dir, ['--no-config', '--unsafe-fixes', '-f', 'compact', 'nginx.conf']);
    expect([fixed.status, fixed.stdout]).toEqual([0, '']);
    expect(fs.readFileSync(path.join(dir, 'f69.conf'), 'utf8')).toContain('proxy_read_timeout 60s;');
  });

  it('across 70 included files: rules that follow nested locations do not overflow (auth_request at the top)', () => {
    const dir = tree(chain('        auth_request /a;\n'));
    const r = run(dir, ['--no-config', '-f', 'compact', '--rule', 'upstream-timeout-missing:off', 'nginx.conf']);
    expect(r.stdout).not.toContain('[internal-error]');
    expect([r.status, compactLines(r.stdout)]).toEqual([0, [expect.stringMatching(/^f69\.conf:151:1: warning: "auth_request \/a" subrequests land here, .*\[upstream-header-buffer-too-small\]$/)]]);
  });

  it('across 70 included files: parse prints every file', () => {
    const dir = tree(chain());
    const r = run(dir, ['parse', 'nginx.conf']);
    expect(r.status).toBe(0);
    expect((JSON.parse(r.stdout) as { config: unknown[] }).config).toHaveLength(71);
  });

  // combine() recursed once per level and JSON.stringify overflowed on 10,500 levels (RangeError).
  it('across 70 included files: parse --combine answers with a payload cut at 1000 levels and an error, not a stack overflow', () => {
    const dir = tree(chain());
    const r = run(dir, ['parse', '--combine', 'nginx.conf']);
    expect(r.status).toBe(1);
    const payload = JSON.parse(r.stdout) as { errors: { error: string }[] };
    expect(payload.errors.map((e) => e.error)).toContain('blocks nested more than 1000 levels deep across included files; deeper levels are left out of the combined config');
  });
});
