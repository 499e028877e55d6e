import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli, tempTree } from '../harness/cli.js';
import { createMemoryHost, HostError, type Host } from '../../src/include/index.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));
const tree = (files: Record<string, string | Uint8Array>) => {
  const d = tempTree(files);
  dirs.push(d);
  return d;
};

const GOOD = 'events {}\nhttp {\n    include conf.d/*.conf;\n}\n';

describe('ngxlint parse', () => {
  it('prints the crossplane payload following includes', async () => {
    const dir = tree({ 'nginx.conf': GOOD, 'conf.d/app.conf': 'server { listen 80; }\n' });
    const r = await runCli(['parse', 'nginx.conf'], { cwd: dir });
    expect(r.code).toBe(0);
    const payload = JSON.parse(r.stdout);
    expect(payload.status).toBe('ok');
    expect(payload.config.map((c: { file: string }) => path.relative(dir, c.file))).toEqual(['nginx.conf', 'conf.d/app.conf']);
    expect(payload.config[0].parsed[1].block[0]).toEqual({ directive: 'include', line: 3, args: ['conf.d/*.conf'], includes: [1] });
  });

  it('supports --single-file, --combine, --include-comments, --positions, --prefix, --indent and -o', async () => {
    const dir = tree({ 'etc/nginx.conf': '# top\n' + GOOD, 'p/conf.d/app.conf': 'server { listen 80; }\n' });
    const single = JSON.parse((await runCli(['parse', 'etc/nginx.conf', '--single-file'], { cwd: dir })).stdout);
    expect(single.config).toHaveLength(1);
    const combined = JSON.parse((await runCli(['parse', 'etc/nginx.conf', '--combine', '--prefix', 'p'], { cwd: dir })).stdout);
    expect(combined.config).toHaveLength(1);
    expect(combined.config[0].parsed[1].block[0].directive).toBe('server');
    const comments = JSON.parse((await runCli(['parse', 'etc/nginx.conf', '--include-comments', '--single-file'], { cwd: dir })).stdout);
    expect(comments.config[0].parsed[0]).toEqual({ directive: '#', line: 1, args: [], comment: ' top' });
    const positions = JSON.parse((await runCli(['parse', 'etc/nginx.conf', '--positions', '--single-file'], { cwd: dir })).stdout);
    expect(positions.config[0].parsed[0].position).toMatchObject({ line: 2, column: 1 });
    const indented = await runCli(['parse', 'etc/nginx.conf', '--single-file', '--indent', '2', '-o', 'out.json'], { cwd: dir });
    expect(indented.stdout).toBe('');
    expect(fs.readFileSync(path.join(dir, 'out.json'), 'utf8')).toMatch(/^\{\n {2}"status": "ok"/);
  });

  it('exits 1 on syntax errors, with the error in the payload', async () => {
    const dir = tree({ 'nginx.conf': 'http {\n  server {\n' });
    const r = await runCli(['parse', 'nginx.conf'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).errors[0].error).toBe(`unexpected end of file, expecting "}" in ${path.join(dir, 'nginx.conf')}:3`);
  });
});

describe('bad input', () => {
  it('nonexistent path: one line, exit 2', async () => {
    const dir = tree({});
    const r = await runCli(['parse', 'missing.conf'], { cwd: dir });
    expect([r.code, r.stdout, r.stderr]).toEqual([2, '', 'ngxlint: missing.conf: no such file or directory\n']);
  });

  it('a directory where a file is expected: exit 2', async () => {
    const dir = tree({ 'sub/x': '' });
    const r = await runCli(['parse', 'sub'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('ngxlint: sub: is a directory, expected an nginx configuration file\n');
  });

  it('an unreadable file: exit 2 with the errno text', async () => {
    const memory = createMemoryHost({ '/w/nginx.conf': 'events {}\n' });
    const host: Host = {
      ...memory,
      readFile: (p) => {
        throw new HostError('EACCES', p, `open() "${p}" failed (13: Permission denied)`);
      },
    };
    const r = await runCli(['parse', 'nginx.conf'], { cwd: '/w', host });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('ngxlint: open() "/w/nginx.conf" failed (13: Permission denied)\n');
  });

  it('a binary file: exit 2 naming file, line and column', async () => {
    const dir = tree({ 'nginx.conf': Buffer.from([0x65, 0x76, 0x0a, 0x00, 0xff, 0x10]) });
    const r = await runCli(['parse', 'nginx.conf'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`ngxlint: ${path.join(dir, 'nginx.conf')}:2:1: binary file (NUL byte), not an nginx configuration\n`);
  });

  it('an empty file: valid, says so on stderr', async () => {
    const dir = tree({ 'nginx.conf': '' });
    const r = await runCli(['parse', 'nginx.conf'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).config[0].parsed).toEqual([]);
    expect(r.stderr).toBe('ngxlint: nginx.conf: file is empty\n');
  });

  it('a 1 MB line parses', async () => {
    const dir = tree({ 'nginx.conf': `map_hash_max_size ${'9'.repeat(1 << 20)};\n` });
    const r = await runCli(['parse', 'nginx.conf'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).config[0].parsed[0].args[0]).toHaveLength(1 << 20);
  });

  it('invalid UTF-8 is read as latin1 and said so', async () => {
    const dir = tree({ 'nginx.conf': Buffer.concat([Buffer.from('server_name caf'), Buffer.from([0xe9]), Buffer.from(';\n')]) });
    const r = await runCli(['parse', 'nginx.conf'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('ngxlint: nginx.conf: invalid UTF-8 at byte 15; read as latin1\n');
    expect(JSON.parse(r.stdout).config[0].parsed[0].args).toEqual(['café']);
  });

  it('unknown options are usage errors (exit 2)', async () => {
    const r = await runCli(['--bogus-option'], { cwd: '/' });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('Unknown argument: bogus-option');
  });
});

describe('the ngxlint binary', () => {
  const bin = path.resolve(__dirname, '../../bin/ngxlint.js');
  it('prints its version', () => {
    const r = spawnSync(process.execPath, [bin, '--version'], { encoding: 'utf8' });
    const pkg = JSON.parse(fs.readFileSync(path.resolve(__dirname, '../../package.json'), 'utf8'));
    expect(r.stdout).toBe(`${pkg.version}\n`);
    expect(r.status).toBe(0);
  });
  it('reports syntax errors with file:line:col, a caret and exit 1, no stack trace', () => {
    const dir = tree({ 'nginx.conf': 'events {}\nhttp {\n    server { listen 80 }\n}\n' });
    const r = spawnSync(process.execPath, [bin, 'nginx.conf'], { cwd: dir, encoding: 'utf8' });
    expect(r.status).toBe(1);
    expect(r.stdout).toBe(
      '\nnginx.conf\n  3:24  error  unexpected "}"  syntax-error\n      |\n    3 |     server { listen 80 }\n      |                        ^\n\n✖ 1 problem (1 error, 0 warnings, 0 infos)\n',
    );
    expect(r.stderr).toBe('');
  });
});
