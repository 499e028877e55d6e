import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { runCli, tempTrees } from '../harness/cli.js';

const tree = tempTrees();

const BROKEN = 'events {}\nhttp {\n    proxy_buffer_size 16k;\n    include conf.d/*.conf;\n}\n';
const SNIPPET = 'server {\n    listen 80;\n    location / {\n        fastcgi_buffers 1 8k;\n    }\n}\n';
const FIXED = 'events {}\nhttp {\n    proxy_buffer_size 16k;\n    proxy_busy_buffers_size 16k;\n    include conf.d/*.conf;\n}\n';

describe('--fix', () => {
  it('writes the fixes in place, keeps the file mode, and exits 0 when nothing remains', async () => {
    const dir = tree({ 'nginx.conf': BROKEN, 'conf.d/app.conf': SNIPPET });
    fs.chmodSync(path.join(dir, 'nginx.conf'), 0o640);
    const r = await runCli(['--fix', '--show-fixes', 'nginx.conf'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    expect(fs.readFileSync(path.join(dir, 'nginx.conf'), 'utf8')).toBe(FIXED);
    expect(fs.readFileSync(path.join(dir, 'conf.d/app.conf'), 'utf8')).toContain('fastcgi_buffers 3 8k;');
    expect(fs.statSync(path.join(dir, 'nginx.conf')).mode & 0o777).toBe(0o640);
    expect(r.stderr).toContain('ngxlint: fixed nginx.conf:3:5 [buffer-size-constraints]: set proxy_busy_buffers_size 16k\n');
    expect(r.stderr).toContain('ngxlint: fixed 2 problems in 2 files\n');
    expect(fs.readdirSync(dir).filter((f) => f.includes('.tmp'))).toEqual([]);
  });

  it('writes through a symlink to its target, leaving the link a link', async () => {
    const dir = tree({ 'real/nginx.conf': BROKEN });
    fs.symlinkSync(path.join(dir, 'real/nginx.conf'), path.join(dir, 'nginx.conf'));
    await runCli(['--fix', 'nginx.conf'], { cwd: dir });
    expect(fs.lstatSync(path.join(dir, 'nginx.conf')).isSymbolicLink()).toBe(true);
    expect(fs.readFileSync(path.join(dir, 'real/nginx.conf'), 'utf8')).toBe(FIXED);
  });

  it('never writes a file that has a syntax error, and exits 1 for what remains', async () => {
    const text = 'events {}\nhttp {\n    proxy_buffer_size 16k;\n';
    const dir = tree({ 'nginx.conf': text });
    const r = await runCli(['--fix', 'nginx.conf'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(fs.readFileSync(path.join(dir, 'nginx.conf'), 'utf8')).toBe(text);
  });

  it('reports a file it cannot write and goes on with the others (exit 2)', async () => {
    const dir = tree({ 'nginx.conf': 'events {}\nhttp {\n    include ro/*.conf;\n    include rw/*.conf;\n}\n', 'ro/a.conf': SNIPPET, 'rw/b.conf': SNIPPET });
    const readOnly = path.join(dir, 'ro/a.conf');
    const r = await runCli(['--fix', 'nginx.conf'], {
      cwd: dir,
      replaceFile: (file, bytes) => {
        if (file === readOnly) throw Object.assign(new Error('read-only file system'), { code: 'EROFS' });
        fs.writeFileSync(file, bytes);
      },
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('ngxlint: ro/a.conf: not fixed, cannot write (EROFS)\n');
    expect(fs.readFileSync(readOnly, 'utf8')).toBe(SNIPPET);
    expect(fs.readFileSync(path.join(dir, 'rw/b.conf'), 'utf8')).toContain('fastcgi_buffers 3 8k;');
  });
});

describe('--diff and --output-dir', () => {
  it('prints a diff that git apply and patch -p1 accept, writes nothing, exits 1', async () => {
    const dir = tree({ 'nginx.conf': BROKEN, 'conf.d/app.conf': SNIPPET });
    const r = await runCli(['--diff', 'nginx.conf'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(fs.readFileSync(path.join(dir, 'nginx.conf'), 'utf8')).toBe(BROKEN);
    expect(r.stdout).toBe(
      [
        'diff --git a/conf.d/app.conf b/conf.d/app.conf',
        '--- a/conf.d/app.conf',
        '+++ b/conf.d/app.conf',
        '@@ -1,6 +1,6 @@',
        ' server {',
        '     listen 80;',
        '     location / {',
        '-        fastcgi_buffers 1 8k;',
        '+        fastcgi_buffers 3 8k;',
        '     }',
        ' }',
        'diff --git a/nginx.conf b/nginx.conf',
        '--- a/nginx.conf',
        '+++ b/nginx.conf',
        '@@ -1,5 +1,6 @@',
        ' events {}',
        ' http {',
        '     proxy_buffer_size 16k;',
        '+    proxy_busy_buffers_size 16k;',
        '     include conf.d/*.conf;',
        ' }',
        '',
      ].join('\n'),
    );
    fs.writeFileSync(path.join(dir, 'fix.patch'), r.stdout);
    spawnSync('git', ['init', '-q'], { cwd: dir });
    const git = spawnSync('git', ['apply', '--check', 'fix.patch'], { cwd: dir, encoding: 'utf8' });
    expect(git.status, git.stderr).toBe(0);
    const patch = spawnSync('patch', ['-p1', '--dry-run', '-i', 'fix.patch'], { cwd: dir, encoding: 'utf8' });
    if (!patch.error) expect(patch.status, patch.stdout + patch.stderr).toBe(0);
    const applied = spawnSync('git', ['apply', 'fix.patch'], { cwd: dir, encoding: 'utf8' });
    expect(applied.status).toBe(0);
    expect(fs.readFileSync(path.join(dir, 'nginx.conf'), 'utf8')).toBe(FIXED);
  });

  it('--fix-dry-run is --diff; a clean config gives an empty diff and exit 0', async () => {
    const dir = tree({ 'nginx.conf': 'events {}\nhttp {}\n' });
    const r = await runCli(['--fix-dry-run', 'nginx.conf'], { cwd: dir });
    expect([r.code, r.stdout]).toEqual([0, '']);
  });

  it('--output-dir writes patched copies mirroring the inputs plus ngxlint.patch', async () => {
    const dir = tree({ 'etc/nginx.conf': BROKEN, 'etc/conf.d/app.conf': SNIPPET });
    const r = await runCli(['--output-dir', 'out', 'etc/nginx.conf'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(fs.readFileSync(path.join(dir, 'etc/nginx.conf'), 'utf8')).toBe(BROKEN);
    expect(fs.readFileSync(path.join(dir, 'out/etc/nginx.conf'), 'utf8')).toBe(FIXED);
    expect(fs.readFileSync(path.join(dir, 'out/etc/conf.d/app.conf'), 'utf8')).toContain('fastcgi_buffers 3 8k;');
    expect(fs.readFileSync(path.join(dir, 'out/ngxlint.patch'), 'utf8')).toContain('+++ b/etc/nginx.conf');
  });

  it('keeps CRLF line endings and latin1 bytes', async () => {
    const dir = tree({});
    const bytes = Buffer.concat([Buffer.from('events {}\r\nhttp {\r\n    # caf'), Buffer.from([0xe9]), Buffer.from('\r\n    proxy_buffer_size 16k;\r\n}\r\n')]);
    fs.writeFileSync(path.join(dir, 'nginx.conf'), bytes);
    await runCli(['--fix', 'nginx.conf'], { cwd: dir });
    const after = fs.readFileSync(path.join(dir, 'nginx.conf'));
    expect(after.includes(Buffer.from([0xe9]))).toBe(true);
    expect(after.toString('latin1')).toBe('events {}\r\nhttp {\r\n    # café\r\n    proxy_buffer_size 16k;\r\n    proxy_busy_buffers_size 16k;\r\n}\r\n');
  });
});
