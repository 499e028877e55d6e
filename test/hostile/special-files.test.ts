/**
 * Cases 6 and 7: a directory named like a configuration file, and FIFOs (and other special files) where a
 * file is expected. A FIFO with no writer blocks open() and read() forever, so ngxlint refuses every
 * non-regular file with a message, except standard input named as a file (`ngxlint /dev/stdin`), which is
 * read like --stdin. The FIFO cases run in a child process so that a regression fails at the timeout.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, tempTrees } from '../harness/cli.js';
import { compactLines, runNgxlint } from './child.js';

const tree = tempTrees();
const mkfifo = (p: string): void => {
  const r = spawnSync('mkfifo', [p]);
  if (r.status !== 0) throw new Error(`mkfifo ${p} failed: ${r.stderr}`);
};

const LOCALHOST = 'events {}\nhttp {\n    server {\n        location / {\n            proxy_pass http://localhost:8080;\n        }\n    }\n}\n';
const LOCALHOST_FINDING = ':5:24: warning: localhost resolves to every loopback address';

describe('a directory named nginx.conf', () => {
  it('lint: exit 2 with a message naming it', async () => {
    const dir = tree({ 'etc/nginx.conf/README': 'not a config\n' });
    const r = await runCli(['--no-config', 'etc/nginx.conf'], { cwd: dir });
    expect([r.code, r.stdout, r.stderr]).toEqual([2, '', 'ngxlint: etc/nginx.conf: is a directory with no nginx.conf and no *.conf files in it\n']);
  });

  it('lint of its parent directory: the *.conf directory is not taken for a file', async () => {
    const dir = tree({ 'etc/nginx.conf/README': 'not a config\n' });
    const r = await runCli(['--no-config', 'etc'], { cwd: dir });
    expect([r.code, r.stderr]).toEqual([2, 'ngxlint: etc: is a directory with no nginx.conf and no *.conf files in it\n']);
  });

  it('parse: exit 2 with a message', async () => {
    const dir = tree({ 'etc/nginx.conf/README': 'not a config\n' });
    const r = await runCli(['parse', 'etc/nginx.conf'], { cwd: dir });
    expect([r.code, r.stdout, r.stderr]).toEqual([2, '', 'ngxlint: etc/nginx.conf: is a directory, expected an nginx configuration file\n']);
  });

  it('as an include target: nginx\'s pread() wording at the include', async () => {
    const dir = tree({ 'nginx.conf': 'events {}\nhttp {\n    include site.conf;\n}\n', 'site.conf/x': '' });
    const r = await runCli(['--no-config', '-f', 'compact', 'nginx.conf'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(compactLines(r.stdout)).toEqual([expect.stringMatching(/^nginx\.conf:3:5: error: pread\(\) ".*\/site\.conf" failed \(21: Is a directory\): .*\[include-not-found\]$/)]);
  });
});

describe('FIFOs and other special files', () => {
  it('a FIFO given as the file is refused at once, with exit 2', () => {
    const dir = tree({});
    mkfifo(path.join(dir, 'nginx.conf'));
    const r = runNgxlint(['--no-config', 'nginx.conf'], { cwd: dir, timeoutMs: 30_000 });
    expect(r.signal, 'blocked on the FIFO').toBeNull();
    expect([r.status, r.stdout, r.stderr]).toEqual([2, '', 'ngxlint: nginx.conf: not a regular file (a FIFO); pipe a stream in with --stdin --stdin-filename PATH\n']);
  });

  it('a FIFO as an include target, plain or matched by a glob, is an include-not-found error, not a hang', () => {
    const dir = tree({ 'nginx.conf': 'events {}\nhttp {\n    include conf.d/*.conf;\n    include pipe;\n}\n', 'conf.d/a.conf': 'map $a $b { default 1; }\n' });
    mkfifo(path.join(dir, 'conf.d/b.conf'));
    mkfifo(path.join(dir, 'pipe'));
    const r = runNgxlint(['--no-config', '-f', 'compact', 'nginx.conf'], { cwd: dir, timeoutMs: 30_000 });
    expect(r.signal, 'blocked on a FIFO').toBeNull();
    expect(r.status).toBe(1);
    const refused = (p: string): string => `error: "${path.join(dir, p)}" is not a regular file (a FIFO); ngxlint reads only regular files, as reading a FIFO or a device can block forever [include-not-found]`;
    expect(compactLines(r.stdout)).toEqual([`nginx.conf:3:5: ${refused('conf.d/b.conf')}`, `nginx.conf:4:5: ${refused('pipe')}`]);
  });

  it('a character device is refused like a FIFO', async () => {
    const dir = tree({});
    const r = await runCli(['--no-config', '/dev/null'], { cwd: dir });
    expect([r.code, r.stderr]).toEqual([2, 'ngxlint: /dev/null: not a regular file (a character device); pipe a stream in with --stdin --stdin-filename PATH\n']);
  });

  it('/dev/stdin and /dev/fd/0 read the piped configuration', () => {
    const dir = tree({});
    for (const name of ['/dev/stdin', '/dev/fd/0']) {
      const r = runNgxlint(['--no-config', '-f', 'compact', '--rule', 'upstream-timeout-missing:off', name], { cwd: dir, timeoutMs: 30_000, input: LOCALHOST });
      expect(r.status, r.stderr).toBe(0);
      expect(compactLines(r.stdout)).toEqual([expect.stringContaining(`${path.relative(dir, name)}${LOCALHOST_FINDING}`)]);
    }
  });

  it('--stdin still works', () => {
    const dir = tree({});
    const r = runNgxlint(['--no-config', '-f', 'compact', '--rule', 'upstream-timeout-missing:off', '--stdin', '--stdin-filename', 'nginx.conf'], { cwd: dir, timeoutMs: 30_000, input: LOCALHOST });
    expect(r.status, r.stderr).toBe(0);
    expect(compactLines(r.stdout)).toEqual([expect.stringContaining(`nginx.conf${LOCALHOST_FINDING}`)]);
  });
});
