/**
 * What the pre-commit hooks pass: changed snippets, alone or several at once, relative to the repository root.
 * Each must be checked inside the main nginx.conf that includes it, so that names defined elsewhere in the tree
 * (upstreams, maps) are known.
 */
import * as fs from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../harness/cli.js';
import { NGINX_REPO, tempDir, writeTree } from './helpers.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

function repo(files: Record<string, string | { symlink: string }>): string {
  const dir = tempDir('snippets');
  dirs.push(dir);
  writeTree(dir, files);
  return dir;
}

/** A site that uses upstream "app" from conf.d/upstreams.conf: out of context, "app" is a host name. */
const USES_APP = ['server {', '    listen 8090;', '    location / {', '        proxy_pass http://app;', '        proxy_connect_timeout 5s;', '        proxy_send_timeout 60s;', '        proxy_read_timeout 60s;', '    }', '}', ''].join('\n');

describe('snippets passed by pre-commit', () => {
  it('a snippet alone is checked inside the nginx.conf above it, without a note', async () => {
    const cwd = repo(NGINX_REPO);
    const r = await runCli(['nginx/conf.d/site.conf'], { cwd });
    expect(r).toEqual({ code: 0, stdout: '', stderr: '' });
  });

  it('several snippets of one tree are reported once each, together', async () => {
    const cwd = repo(NGINX_REPO);
    const r = await runCli(['-f', 'json', 'nginx/conf.d/api.conf', 'nginx/conf.d/site.conf', 'nginx/conf.d/upstreams.conf'], { cwd });
    expect(r.code).toBe(1);
    const results = JSON.parse(r.stdout) as { filePath: string; messages: { ruleId: string; line: number }[] }[];
    const findings = results.flatMap((f) => f.messages.map((m) => `${f.filePath.slice(cwd.length + 1)}:${m.line} ${m.ruleId}`));
    expect(findings).toEqual(['nginx/conf.d/api.conf:4 unix-socket-uri-missing-colon']);
    expect(r.stderr).not.toContain('no main nginx.conf');
  });

  it('snippets of two trees are each checked in their own tree', async () => {
    const cwd = repo({
      ...Object.fromEntries(Object.entries(NGINX_REPO).map(([k, v]) => [`a/${k}`, v])),
      'b/nginx/nginx.conf': 'events {}\nhttp {\n    include conf.d/*.conf;\n}\n',
      'b/nginx/conf.d/upstreams.conf': 'upstream app {\n    server 127.0.0.1:9000;\n}\n',
      'b/nginx/conf.d/site.conf': USES_APP,
    });
    const r = await runCli(['a/nginx/conf.d/site.conf', 'b/nginx/conf.d/site.conf'], { cwd });
    expect(r).toEqual({ code: 0, stdout: '', stderr: '' });
  });

  it('a snippet without a main nginx.conf is checked in the context its directives suggest, with a note', async () => {
    const cwd = repo({ 'conf.d/site.conf': USES_APP });
    const r = await runCli(['conf.d/site.conf'], { cwd });
    expect(r.stderr).toContain('conf.d/site.conf: no main nginx.conf found that includes it; linted as http context');
    expect(r.stdout).toContain('static-dns-upstream');
  });

  it('a site enabled through a sites-enabled/ symlink is checked inside the main nginx.conf', async () => {
    const cwd = repo({ ...NGINX_REPO, 'nginx/sites-available/shop': USES_APP });
    const r = await runCli(['nginx/sites-available/shop'], { cwd });
    expect(r).toEqual({ code: 0, stdout: '', stderr: '' });
  });

  it('in a repository that mirrors the server (etc/nginx/...), --root . reads absolute includes from the checkout', async () => {
    const cwd = repo({
      'etc/nginx/nginx.conf': 'events {}\nhttp {\n    include /etc/nginx/conf.d/*.conf;\n}\n',
      'etc/nginx/conf.d/upstreams.conf': 'upstream app {\n    server 127.0.0.1:9000;\n}\n',
      'etc/nginx/conf.d/site.conf': USES_APP,
    });
    const rooted = await runCli(['--root', '.', 'etc/nginx/conf.d/site.conf'], { cwd });
    expect(rooted).toEqual({ code: 0, stdout: '', stderr: '' });
    // Without it the main file includes the live /etc/nginx/conf.d, so the snippet is linted alone.
    const alone = await runCli(['etc/nginx/conf.d/site.conf'], { cwd });
    expect(alone.stderr).toContain('no main nginx.conf found that includes it');
  });

  it('a finding in a symlinked site is reported under the name nginx includes it by, and --fix edits the file the link points to', async () => {
    const broken = USES_APP.replace('proxy_pass http://app;', 'proxy_pass http://unix:/run/app.sock/app/;');
    const cwd = repo({ ...NGINX_REPO, 'nginx/sites-available/shop': broken });
    const lintRun = await runCli(['-f', 'json', 'nginx/sites-available/shop'], { cwd });
    const results = JSON.parse(lintRun.stdout) as { filePath: string; messages: { ruleId: string; line: number }[] }[];
    const findings = results.flatMap((f) => f.messages.map((m) => `${f.filePath.slice(cwd.length + 1)}:${m.line} ${m.ruleId}`));
    expect(findings).toEqual(['nginx/sites-enabled/shop:4 unix-socket-uri-missing-colon']);
    expect(lintRun.stderr).not.toContain('no main nginx.conf');

    const fixRun = await runCli(['--fix', 'nginx/sites-available/shop'], { cwd });
    expect(fixRun.code).toBe(0);
    expect(fs.lstatSync(`${cwd}/nginx/sites-enabled/shop`).isSymbolicLink()).toBe(true);
    expect(fs.readFileSync(`${cwd}/nginx/sites-available/shop`, 'utf8')).toBe(broken.replace('unix:/run/app.sock/app/;', 'unix:/run/app.sock:/app/;'));
  });
});
