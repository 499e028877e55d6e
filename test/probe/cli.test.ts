/**
 * --probe through the CLI (in-process): the options, the flow (targets from the loaded configuration, probe,
 * then lint with the results) and what reaches stdout and stderr. Loopback and a temp dir only.
 */
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, tempTree } from '../harness/cli.js';
import { createMemoryHost } from '../../src/include/index.js';
import { listProbeTargets } from '../../src/engine/lint.js';
import { resolveConfig } from '../../src/engine/config.js';
import { probeKey } from '../../src/probe/index.js';
import { probeProgressLine } from '../../src/cli/lint-command.js';

interface JsonMessage {
  readonly ruleId: string;
  readonly message: string;
  readonly line: number;
  readonly column: number;
}

const messagesOf = (stdout: string): JsonMessage[] => (JSON.parse(stdout) as { messages: JsonMessage[] }[]).flatMap((f) => f.messages);

describe('ngxlint --probe', () => {
  let live: net.Server;
  let livePort: number;
  let deadPort: number;
  let dir: string;
  let accepted = 0;

  beforeAll(async () => {
    live = net.createServer((c) => {
      accepted++;
      c.destroy();
    });
    await new Promise<void>((resolve) => live.listen(0, '127.0.0.1', resolve));
    livePort = (live.address() as net.AddressInfo).port;
    const closed = net.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    deadPort = (closed.address() as net.AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    dir = tempTree({
      'nginx.conf': [
        'events {}',
        'http {',
        '    server {',
        '        listen 127.0.0.1:18080;',
        `        location /live { proxy_pass http://127.0.0.1:${livePort}; }`,
        `        location /dead { proxy_pass http://127.0.0.1:${deadPort}; }`,
        '        location /var { proxy_pass http://$arg_backend; }',
        '    }',
        '}',
        '',
      ].join('\n'),
    });
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => live.close(() => resolve()));
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('reports the closed port only, on its directive; a summary on stderr; exit 1', async () => {
    const before = accepted;
    const r = await runCli(['--no-config', '--probe', '--format', 'json', 'nginx.conf'], { cwd: dir });
    const found = messagesOf(r.stdout).filter((m) => m.ruleId === 'upstream-unreachable');
    expect(found).toEqual([
      {
        ...found[0],
        line: 6,
        column: 37,
        message: `nothing accepts connections at 127.0.0.1:${deadPort} (--probe): nginx logs "connect() failed (111: Connection refused) while connecting to upstream" and answers 502`,
      },
    ]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^ngxlint: probed 2 addresses in \d+ms: 1 with problems$/m);
    // No progress line for a captured stderr.
    expect(r.stderr).not.toContain('\r');
    expect(accepted - before).toBe(1);
  });

  it('without --probe: no connection, no finding, no summary', async () => {
    const before = accepted;
    const r = await runCli(['--no-config', '--format', 'json', 'nginx.conf'], { cwd: dir });
    expect(messagesOf(r.stdout).filter((m) => m.ruleId === 'upstream-unreachable')).toEqual([]);
    expect(r.stderr).not.toContain('probed');
    expect(accepted).toBe(before);
  });

  it('--probe-timeout takes milliseconds or an nginx time; --probe-concurrency a whole number', async () => {
    for (const args of [['--probe-timeout', '500'], ['--probe-timeout', '2s'], ['--probe-timeout', '1500ms'], ['--probe-concurrency', '1']]) {
      const r = await runCli(['--no-config', '--probe', ...args, '--format', 'json', 'nginx.conf'], { cwd: dir });
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(1);
      expect(messagesOf(r.stdout).filter((m) => m.ruleId === 'upstream-unreachable')).toHaveLength(1);
    }
  });

  it('rejects bad probe options with exit 2', async () => {
    const cases: [string[], RegExp][] = [
      [['--probe', '--probe-timeout', 'soon'], /invalid --probe-timeout "soon"/],
      [['--probe', '--probe-timeout', '0'], /invalid --probe-timeout "0"/],
      [['--probe', '--probe-timeout', '1h'], /invalid --probe-timeout "1h"/],
      [['--probe', '--probe-concurrency', '0'], /invalid --probe-concurrency "0"/],
      [['--probe', '--probe-concurrency', '2.5'], /invalid --probe-concurrency "2.5"/],
      [['--probe', '--probe-budget', 'later'], /invalid --probe-budget "later"/],
      [['--probe', '--probe-budget', '0'], /invalid --probe-budget "0"/],
      [['--probe-timeout', '2s'], /--probe-timeout, --probe-concurrency and --probe-budget need --probe/],
      [['--probe-budget', '10s'], /--probe-timeout, --probe-concurrency and --probe-budget need --probe/],
    ];
    for (const [args, message] of cases) {
      const r = await runCli(['--no-config', ...args, 'nginx.conf'], { cwd: dir });
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(message);
    }
  });

  it('says which passes it did not probe because their targets have variables', async () => {
    const r = await runCli(['--no-config', '--probe', '--format', 'json', 'nginx.conf'], { cwd: dir });
    expect(r.stderr).toContain('ngxlint: not probed, the target is known only per request (variables): nginx.conf:7:36 (proxy_pass http://$arg_backend)\n');
  });

  it('--probe-budget caps the whole probe: what it leaves out is listed, not reported as unreachable', async () => {
    const before = accepted;
    // 1ms leaves no attempt time to start.
    const r = await runCli(['--no-config', '--probe', '--probe-budget', '1', '--format', 'json', 'nginx.conf'], { cwd: dir });
    expect(messagesOf(r.stdout).filter((m) => m.ruleId === 'upstream-unreachable')).toEqual([]);
    expect(r.stderr).toContain(`ngxlint: not probed before the overall deadline (0.001s, --probe-budget): 127.0.0.1:${livePort}, 127.0.0.1:${deadPort}\n`);
    expect(accepted).toBe(before);
    const ok = await runCli(['--no-config', '--probe', '--probe-budget', '1m', '--format', 'json', 'nginx.conf'], { cwd: dir });
    expect(messagesOf(ok.stdout).filter((m) => m.ruleId === 'upstream-unreachable')).toHaveLength(1);
  });

  it('--fix with --probe: the results reach every pass of the fixer', async () => {
    const copy = tempTree({ 'nginx.conf': fs.readFileSync(path.join(dir, 'nginx.conf'), 'utf8') });
    try {
      const r = await runCli(['--no-config', '--probe', '--fix', '--format', 'json', 'nginx.conf'], { cwd: copy });
      expect(messagesOf(r.stdout).filter((m) => m.ruleId === 'upstream-unreachable')).toHaveLength(1);
      expect(r.code).toBe(1);
    } finally {
      fs.rmSync(copy, { recursive: true, force: true });
    }
  });
});

describe('listProbeTargets', () => {
  it('takes the targets from the configuration that would be linted: a snippet inside its main file', () => {
    const host = createMemoryHost({
      '/etc/nginx/nginx.conf': 'events {}\nhttp {\n    upstream app { server 10.0.0.1:8080; server 10.0.0.2:8080 down; }\n    include /etc/nginx/sites-enabled/*;\n}\n',
      '/etc/nginx/sites-enabled/site': 'server {\n    location / { proxy_pass http://app; }\n    location ~ \\.php$ { fastcgi_pass unix:/run/php/php8.2-fpm.sock; }\n    location /v { proxy_pass http://$host; }\n}\n',
      '/etc/nginx/unrelated.conf': 'events {}\nhttp { server { location / { proxy_pass http://10.9.9.9:1; } } }\n',
    });
    const config = resolveConfig({ extends: [], rules: {} }, { rules: [], baseDir: '/' });
    const targets = listProbeTargets({ files: ['/etc/nginx/sites-enabled/site'], host, config, rules: [] });
    expect(targets.map(probeKey)).toEqual(['unix:/run/php/php8.2-fpm.sock', '10.0.0.1:8080']);
  });
});

it('the progress line', () => {
  expect(probeProgressLine(12, 40)).toBe('ngxlint: probing 12/40 addresses');
});
