import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, tempTrees } from '../harness/cli.js';

const tree = tempTrees();

const BROKEN_BUFFERS = 'events {}\nhttp {\n    proxy_buffer_size 16k;\n}\n';
const CLEAN = 'events {}\nhttp {\n    server {\n        listen 80;\n    }\n}\n';

describe('ngxlint lint', () => {
  it('exits 0 on a clean config and prints nothing', async () => {
    const dir = tree({ 'nginx.conf': CLEAN });
    const r = await runCli(['nginx.conf'], { cwd: dir });
    expect([r.code, r.stdout, r.stderr]).toEqual([0, '', '']);
  });

  it('exits 1 on an error finding; compact format', async () => {
    const dir = tree({ 'nginx.conf': BROKEN_BUFFERS });
    const r = await runCli(['-f', 'compact', 'nginx.conf'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^nginx\.conf:3:5: error: "proxy_busy_buffers_size" must be less than .* \[buffer-size-constraints\]\n$/);
  });

  it('files named on the command line that the config ignores: a note and exit 0 (a pre-commit hook passes them)', async () => {
    const dir = tree({ 'nginx.conf': BROKEN_BUFFERS, 'ngxlint.config.json': '{ "ignore": ["nginx.conf"] }' });
    const r = await runCli(['nginx.conf'], { cwd: dir });
    expect([r.code, r.stdout, r.stderr]).toEqual([0, '', 'ngxlint: every input file is ignored by the config\'s "ignore" patterns; nothing to check\n']);
  });

  it('--fix refuses /dev/stdin as it refuses --stdin', async () => {
    const dir = tree({});
    const r = await runCli(['--fix', '/dev/stdin'], { cwd: dir });
    expect([r.code, r.stderr]).toEqual([2, 'ngxlint: --fix cannot write back to standard input; use --diff\n']);
  });

  it('a directory means its nginx.conf', async () => {
    const dir = tree({ 'etc/nginx.conf': BROKEN_BUFFERS });
    const r = await runCli(['-f', 'compact', 'etc'], { cwd: dir });
    expect(r.stdout).toContain('etc/nginx.conf:3:5');
  });

  it('json output follows the documented schema, listing clean files too', async () => {
    const dir = tree({ 'nginx.conf': BROKEN_BUFFERS, 'other.conf': 'server { listen 80; }\n' });
    const r = await runCli(['-f', 'json', 'nginx.conf', 'other.conf'], { cwd: dir });
    const json = JSON.parse(r.stdout);
    expect(json.map((f: { filePath: string }) => path.basename(f.filePath))).toEqual(['nginx.conf', 'other.conf']);
    expect(json[0]).toMatchObject({ errorCount: 1, warningCount: 0, infoCount: 0, fixableCount: 1 });
    expect(json[0].messages[0].fix).toMatchObject({ applicability: 'safe', title: 'set proxy_busy_buffers_size 16k' });
    expect(json[0].messages[0]).toMatchObject({ ruleId: 'buffer-size-constraints', severity: 'error', line: 3, column: 5, endLine: 3, endColumn: 27 });
    expect(json[1].messages).toEqual([]);
  });

  it('--rule turns a rule off or lowers it; --max-warnings and --quiet', async () => {
    const dir = tree({ 'nginx.conf': BROKEN_BUFFERS });
    expect((await runCli(['--rule', 'buffer-size-constraints:off', 'nginx.conf'], { cwd: dir })).code).toBe(0);
    const warn = await runCli(['--rule', 'buffer-size-constraints:warn', '-f', 'compact', 'nginx.conf'], { cwd: dir });
    expect(warn.code).toBe(0);
    expect(warn.stdout).toContain(': warning: ');
    const capped = await runCli(['--rule', 'buffer-size-constraints:warn', '--max-warnings', '0', 'nginx.conf'], { cwd: dir });
    expect(capped.code).toBe(1);
    expect(capped.stderr).toBe('ngxlint: 1 warnings exceed --max-warnings 0\n');
    const quiet = await runCli(['--rule', 'buffer-size-constraints:warn', '--quiet', 'nginx.conf'], { cwd: dir });
    expect([quiet.code, quiet.stdout]).toEqual([0, '']);
    const bad = await runCli(['--rule', 'no-such-rule:off', 'nginx.conf'], { cwd: dir });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/unknown rule "no-such-rule"/);
  });

  it('finds a config file upward, honours it, and --no-config ignores it', async () => {
    const dir = tree({
      'ngxlint.config.json': JSON.stringify({ rules: { 'buffer-size-constraints': 'off' } }),
      'sub/nginx.conf': BROKEN_BUFFERS,
    });
    const cwd = path.join(dir, 'sub');
    expect((await runCli(['nginx.conf'], { cwd })).code).toBe(0);
    expect((await runCli(['--no-config', 'nginx.conf'], { cwd })).code).toBe(1);
    const printed = JSON.parse((await runCli(['--print-config'], { cwd })).stdout);
    expect(printed.configFile).toBe(path.join(dir, 'ngxlint.config.json'));
    expect(printed.rules['buffer-size-constraints']).toBeUndefined();
    expect(printed.rules['syntax-error']).toEqual(['error', {}]);
  });

  it('a broken config file is a usage error naming the file', async () => {
    const dir = tree({ '.ngxlintrc.json': '{ "rules": { "syntax-error": "loud" } }', 'nginx.conf': CLEAN });
    const r = await runCli(['nginx.conf'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^ngxlint: .*\.ngxlintrc\.json.*syntax-error/);
  });

  it('inline suppression comments, --no-inline-config and unused-directive reports', async () => {
    const code = 'events {}\nhttp {\n    # ngxlint-disable-next-line buffer-size-constraints -- tested elsewhere\n    proxy_buffer_size 16k;\n    # ngxlint-disable-next-line syntax-error\n}\n';
    const dir = tree({ 'nginx.conf': code });
    expect((await runCli(['nginx.conf'], { cwd: dir })).code).toBe(0);
    expect((await runCli(['--no-inline-config', 'nginx.conf'], { cwd: dir })).code).toBe(1);
    const unused = await runCli(['--report-unused-disable-directives', '-f', 'compact', 'nginx.conf'], { cwd: dir });
    expect(unused.stdout).toContain('nginx.conf:5:33: warning: unused ngxlint-disable-next-line directive');
  });

  it('lints a snippet inside the main config that includes it, reporting only the snippet', async () => {
    const dir = tree({
      'nginx.conf': 'events {}\nhttp {\n    proxy_buffer_size 16k;\n    include conf.d/*.conf;\n}\n',
      'conf.d/app.conf': 'server {\n    location / {\n        proxy_buffers 1 4k;\n    }\n}\n',
    });
    const r = await runCli(['-f', 'compact', 'conf.d/app.conf'], { cwd: dir });
    expect(r.stdout).toBe('conf.d/app.conf:3:9: error: there must be at least 2 "proxy_buffers" [buffer-size-constraints]\n');
    expect(r.stderr).toBe('');
  });

  it('infers the context of a lone snippet and says so once', async () => {
    const dir = tree({ 'snippets/proxy.conf': 'proxy_pass http://127.0.0.1:8080;\nproxy_buffer_size 32k;\n' });
    const r = await runCli(['-f', 'compact', 'snippets/proxy.conf'], { cwd: dir });
    expect(r.stderr).toBe('ngxlint: snippets/proxy.conf: no main nginx.conf found that includes it; linted as location context ("proxy_pass" at top level)\n');
    expect(r.stdout).toContain('snippets/proxy.conf:2:1: error: "proxy_busy_buffers_size"');
  });

  it('skips template files with a note', async () => {
    const dir = tree({ 'site.conf.tmpl': 'server {\n    listen {{ .Port }};\n}\n' });
    const r = await runCli(['site.conf.tmpl'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('looks like a template (placeholder at line 2)');
  });

  it('writes the report to --output-file', async () => {
    const dir = tree({ 'nginx.conf': BROKEN_BUFFERS });
    const r = await runCli(['-f', 'compact', '-o', 'report.txt', 'nginx.conf'], { cwd: dir });
    expect([r.code, r.stdout]).toEqual([1, '']);
    expect(fs.readFileSync(path.join(dir, 'report.txt'), 'utf8')).toContain('[buffer-size-constraints]');
  });

  it('rejects an invalid --nginx-version and an empty invocation', async () => {
    const dir = tree({ 'nginx.conf': CLEAN });
    const v = await runCli(['--nginx-version', 'latest', 'nginx.conf'], { cwd: dir });
    expect(v.code).toBe(2);
    const none = await runCli([], { cwd: dir });
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('no input files');
  });
});

describe('ngxlint rules / explain', () => {
  it('lists every rule', async () => {
    const r = await runCli(['rules', '-f', 'json'], { cwd: '/' });
    const rows = JSON.parse(r.stdout) as { name: string }[];
    expect(rows.map((x) => x.name)).toContain('buffer-size-constraints');
  });
  it('prints a rule README, and suggests on a typo', async () => {
    const ok = await runCli(['explain', 'syntax-error'], { cwd: '/' });
    expect(ok.stdout.startsWith('# syntax-error\n')).toBe(true);
    const typo = await runCli(['explain', 'syntax-eror'], { cwd: '/' });
    expect(typo.code).toBe(2);
    expect(typo.stderr).toContain('did you mean "syntax-error"');
  });
});

describe('--stdin', () => {
  it('lints standard input under the given name, resolving includes next to it', async () => {
    const { spawnSync } = await import('node:child_process');
    const dir = tree({ 'snippets/buffers.conf': 'proxy_buffers 1 4k;\n' });
    const bin = path.resolve(__dirname, '../../bin/ngxlint.js');
    const r = spawnSync(process.execPath, [bin, '--stdin', '--stdin-filename', 'nginx.conf', '-f', 'compact'], {
      cwd: dir,
      input: 'events {}\nhttp {\n    include snippets/buffers.conf;\n}\n',
      encoding: 'utf8',
    });
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('snippets/buffers.conf:1:1: error: there must be at least 2 "proxy_buffers" [buffer-size-constraints]\n');
    const missing = spawnSync(process.execPath, [bin, '--stdin'], { cwd: dir, input: '', encoding: 'utf8' });
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain('--stdin needs --stdin-filename');
  });
});
