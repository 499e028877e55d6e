/**
 * Cases 8 and 9: latin1 and UTF-16 (with BOM) files, and NUL bytes. Positions are counted in characters
 * of the decoded text, so a finding is on the same line and column whatever the encoding. nginx reads
 * bytes: latin1 is fine for it, UTF-16 is not (its first "directive" is the BOM plus NULs), and it treats
 * a NUL as an ordinary character; ngxlint refuses a file with a NUL (binary junk or corruption, in practice)
 * with a message pointing at it.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli, tempTree } from '../harness/cli.js';
import { nginxSkipReason, nginxTestAt } from '../harness/nginx.js';
import { compactLines } from './child.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));
const tree = (files: Record<string, string | Uint8Array>): string => {
  const d = tempTree(files);
  dirs.push(d);
  return d;
};

/** Non-ASCII before the findings on the same line: columns must count characters, not bytes. */
const TEXT =
  'events {}\nhttp {\n    # café ü\n    server { server_name éé.example; location / { proxy_connect_timeout 300s; proxy_pass http://localhost:8080; } }\n}\n';
const ENCODED: Record<string, Uint8Array> = {
  'latin1.conf': Buffer.from(TEXT, 'latin1'),
  'utf8.conf': Buffer.from(TEXT, 'utf8'),
  'utf16le.conf': Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(TEXT, 'utf16le')]),
  'utf16be.conf': Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(TEXT, 'utf16le').swap16()]),
};
const RULES = ['--rule', 'upstream-timeout-missing:off'];
/** The findings TEXT has in any encoding, at columns counted in characters of line 4. */
const LINE4 = TEXT.split('\n')[3]!;
const COMMON = [`:4:${LINE4.indexOf('proxy_connect_timeout') + 1}: info: "proxy_connect_timeout 300s"`, `:4:${LINE4.indexOf('http://localhost') + 1}: warning: localhost resolves`];

describe('latin1 and UTF-16 files', () => {
  it('report the same findings at the same positions as UTF-8, with a note on the encoding', async () => {
    const dir = tree(ENCODED);
    for (const file of Object.keys(ENCODED)) {
      const r = await runCli(['--no-config', '-f', 'compact', ...RULES, file], { cwd: dir });
      const lines = compactLines(r.stdout);
      const common = lines.filter((l) => !l.includes('[syntax-error]'));
      expect(common.map((l, i) => l.slice(file.length, file.length + (COMMON[i] ?? '').length)), file).toEqual(COMMON);
      if (file === 'utf8.conf') expect(r.stderr).toBe('');
      if (file === 'latin1.conf') expect(r.stderr).toBe('ngxlint: latin1.conf: invalid UTF-8 at byte 26; read as latin1\n');
    }
  });

  it('UTF-16 is a syntax error at 1:1 in nginx\'s words (nginx stops at the BOM)', async () => {
    const dir = tree(ENCODED);
    const le = await runCli(['--no-config', '-f', 'compact', ...RULES, 'utf16le.conf'], { cwd: dir });
    const be = await runCli(['--no-config', '-f', 'compact', ...RULES, 'utf16be.conf'], { cwd: dir });
    expect(le.code).toBe(1);
    expect(compactLines(le.stdout)[0]).toBe(
      'utf16le.conf:1:1: error: unknown directive "\\xFF\\xFEe": the file is UTF-16LE, which nginx reads byte by byte (a NUL after or before every ASCII character), so no directive in it is recognised; save it as UTF-8 [syntax-error]',
    );
    expect(compactLines(be.stdout)[0]).toMatch(/^utf16be\.conf:1:1: error: unknown directive "\\xFE\\xFF": the file is UTF-16BE, .* \[syntax-error\]$/);
    expect(le.stderr).toBe('ngxlint: utf16le.conf: file is UTF-16LE; nginx reads configuration files as bytes (UTF-8 or ASCII)\n');
  });

  it.skipIf(nginxSkipReason() !== undefined)('nginx agrees: latin1 loads, UTF-16 fails at line 1 on the BOM', () => {
    const dir = tree({ 'latin1.conf': ENCODED['latin1.conf']!, 'utf16le.conf': ENCODED['utf16le.conf']!, 'utf16be.conf': ENCODED['utf16be.conf']! });
    expect(nginxTestAt(dir, 'latin1.conf').ok).toBe(true);
    const le = nginxTestAt(dir, 'utf16le.conf');
    expect([le.ok, le.line]).toEqual([false, 1]);
    expect(le.output).toContain('unknown directive "\xff\xfee"'.replace(/[\xff\xfe]/g, '\ufffd'));
    expect(nginxTestAt(dir, 'utf16be.conf').line).toBe(1);
  });

  it('--fix writes a latin1 file back in latin1, changing only the fixed bytes', async () => {
    const dir = tree({ 'nginx.conf': ENCODED['latin1.conf']! });
    const r = await runCli(['--no-config', '--fix', ...RULES, '--rule', 'localhost-dual-stack:off', 'nginx.conf'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(fs.readFileSync(path.join(dir, 'nginx.conf'))).toEqual(Buffer.from(TEXT.replace('300s', '75s'), 'latin1'));
  });

  it('--fix leaves a UTF-16 file alone (nginx cannot read it: a syntax error)', async () => {
    const dir = tree({ 'nginx.conf': ENCODED['utf16le.conf']! });
    const r = await runCli(['--no-config', '--fix', ...RULES, 'nginx.conf'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(fs.readFileSync(path.join(dir, 'nginx.conf'))).toEqual(Buffer.from(ENCODED['utf16le.conf']!));
  });
});

describe('NUL bytes', () => {
  const WITH_NUL = 'events {}\nhttp {\n  server { listen 80; server_name a\0b; }\n}\n';

  it('in the file given: exit 2, the message points at the first NUL', async () => {
    const dir = tree({ 'nginx.conf': WITH_NUL });
    const r = await runCli(['--no-config', 'nginx.conf'], { cwd: dir });
    expect([r.code, r.stdout, r.stderr]).toEqual([2, '', `ngxlint: ${dir}/nginx.conf:3:36: binary file (NUL byte), not an nginx configuration\n`]);
    const parsed = await runCli(['parse', 'nginx.conf'], { cwd: dir });
    expect([parsed.code, parsed.stderr]).toEqual([2, `ngxlint: ${dir}/nginx.conf:3:36: binary file (NUL byte), not an nginx configuration\n`]);
  });

  it('in an included file: include-not-found at the include, naming the NUL\'s position', async () => {
    const dir = tree({ 'nginx.conf': 'events {}\nhttp {\n    include conf.d/*.conf;\n}\n', 'conf.d/a.conf': 'map $a $b {\n    default 1;\n}\n# \0\n' });
    const r = await runCli(['--no-config', '-f', 'compact', 'nginx.conf'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(compactLines(r.stdout)).toEqual([`nginx.conf:3:5: error: ${dir}/conf.d/a.conf:4:3: binary file (NUL byte), not an nginx configuration [include-not-found]`]);
  });

  it.skipIf(nginxSkipReason() !== undefined)('(nginx reads a NUL as an ordinary character: the same file loads)', () => {
    const dir = tree({ 'nginx.conf': WITH_NUL });
    expect(nginxTestAt(dir, 'nginx.conf').ok).toBe(true);
  });
});
