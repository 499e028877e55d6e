/**
 * --probe against real sockets on loopback and in a temp dir (a live server, a closed port, a unix socket,
 * a missing path, a regular file, a socket nobody may open), and against injected connectors for what real
 * sockets cannot show without leaving the machine: timeouts, the overall deadline, the concurrency limit,
 * DNS failures. Nothing here connects anywhere but 127.0.0.1, ::1 (only when `localhost` resolves to it)
 * and the temp dir.
 */
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createMemoryHost, loadConfig } from '../../src/include/index.js';
import { ScopeModel, UpstreamGraph } from '../../src/model/index.js';
import {
  defaultDeadlineMs,
  errnoInfo,
  hostsFileNames,
  nginxConnectLog,
  probe,
  probeKey,
  probeTargetsOf,
  type Connector,
  type Endpoint,
  type ProbeResult,
  type ProbeTarget,
} from '../../src/probe/index.js';

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;

function listen(server: net.Server, where: number | string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    if (typeof where === 'number') server.listen(where, '127.0.0.1', () => resolve());
    else server.listen(where, () => resolve());
  });
}

function portOf(server: net.Server): number {
  const address = server.address();
  return typeof address === 'object' && address !== null ? address.port : 0;
}

const close = (server: net.Server): Promise<void> => new Promise((resolve) => server.close(() => resolve()));

/** A port nothing listens on: bind to port 0, read it, close. */
async function closedPort(): Promise<number> {
  const s = net.createServer();
  await listen(s, 0);
  const port = portOf(s);
  await close(s);
  return port;
}

describe('probe: real sockets', () => {
  let dir: string;
  const servers: net.Server[] = [];
  let livePort: number;
  let deadPort: number;
  let liveSocket: string;
  let lockedSocket: string;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ngxlint-probe-'));
    const live = net.createServer((c) => c.destroy());
    servers.push(live);
    await listen(live, 0);
    livePort = portOf(live);
    deadPort = await closedPort();
    liveSocket = path.join(dir, 'live.sock');
    const unixServer = net.createServer((c) => c.destroy());
    servers.push(unixServer);
    await listen(unixServer, liveSocket);
    lockedSocket = path.join(dir, 'locked.sock');
    const locked = net.createServer((c) => c.destroy());
    servers.push(locked);
    await listen(locked, lockedSocket);
    fs.chmodSync(lockedSocket, 0o000);
    fs.writeFileSync(path.join(dir, 'plain-file'), 'not a socket\n');
  });

  afterAll(async () => {
    for (const s of servers) await close(s);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('a live TCP port: ok; a closed one: 111 Connection refused, as nginx logs it', async () => {
    const results = await probe([
      { kind: 'tcp', host: '127.0.0.1', port: livePort },
      { kind: 'tcp', host: '127.0.0.1', port: deadPort },
    ]);
    const live = results.get(`127.0.0.1:${livePort}`);
    expect(live?.status).toBe('ok');
    expect(live?.addresses).toEqual([{ address: `127.0.0.1:${livePort}`, outcome: 'ok' }]);
    const dead = results.get(`127.0.0.1:${deadPort}`);
    expect(dead?.status).toBe('unreachable');
    expect(dead?.addresses[0]?.error).toEqual({ errno: 111, code: 'ECONNREFUSED', text: '111: Connection refused' });
    expect(dead?.addresses[0]?.log).toBe('connect() failed (111: Connection refused) while connecting to upstream');
  });

  it('a listening unix socket: ok, and stat() sees a socket', async () => {
    const r = (await probe([{ kind: 'unix', path: liveSocket }])).get(`unix:${liveSocket}`);
    expect(r?.status).toBe('ok');
    expect(r?.stat?.kind).toBe('socket');
  });

  it('a missing socket: 2 No such file or directory, with the address in the log line', async () => {
    const missing = path.join(dir, 'php7.4-fpm.sock');
    const r = (await probe([{ kind: 'unix', path: missing }])).get(`unix:${missing}`);
    expect(r?.status).toBe('unreachable');
    expect(r?.stat?.kind).toBe('missing');
    expect(r?.addresses[0]?.error?.text).toBe('2: No such file or directory');
    expect(r?.addresses[0]?.log).toBe(`connect() to unix:${missing} failed (2: No such file or directory) while connecting to upstream`);
  });

  it('a regular file where the socket should be: refused, and stat() says it is a file', async () => {
    const file = path.join(dir, 'plain-file');
    const r = (await probe([{ kind: 'unix', path: file }])).get(`unix:${file}`);
    expect(r?.status).toBe('unreachable');
    expect(r?.stat?.kind).toBe('file');
    expect(r?.addresses[0]?.error?.code).toBe('ECONNREFUSED');
  });

  it(`a mode 0000 socket: 13 Permission denied for a normal user${isRoot ? ' (running as root, which opens it anyway)' : ''}`, async () => {
    const r = (await probe([{ kind: 'unix', path: lockedSocket }])).get(`unix:${lockedSocket}`);
    expect(r?.stat).toMatchObject({ kind: 'socket', mode: 0 });
    if (isRoot) {
      expect(r?.status).toBe('ok');
    } else {
      expect(r?.status).toBe('unreachable');
      expect(r?.addresses[0]?.error?.text).toBe('13: Permission denied');
      expect(r?.addresses[0]?.log).toBe(`connect() to unix:${lockedSocket} failed (13: Permission denied) while connecting to upstream`);
    }
  });

  it('localhost goes through the system resolver; each address it resolves to is probed', async () => {
    const r = (await probe([{ kind: 'tcp', host: 'localhost', port: livePort }])).get(`localhost:${livePort}`);
    expect(r?.addresses.length).toBeGreaterThan(0);
    for (const a of r?.addresses ?? []) expect(a.address === `127.0.0.1:${livePort}` || a.address === `[::1]:${livePort}`).toBe(true);
    // The server listens on 127.0.0.1 only: ::1, when localhost resolves to it too, refuses.
    expect(r?.addresses.find((a) => a.address === `127.0.0.1:${livePort}`)?.outcome).toBe('ok');
    expect(r?.status).toBe(r?.addresses.length === 1 ? 'ok' : 'partial');
    expect(r?.inHostsFile).toBe(hostsFileNames(fs.existsSync('/etc/hosts') ? fs.readFileSync('/etc/hosts', 'utf8') : '').has('localhost'));
  });
});

/**
 * A connector that records what it was asked to open, answers per address after `delayMs`, counts connects
 * in flight (`peak`) and those abandoned through their abort signal (`aborted`).
 */
function fakeConnector(answer: (e: Endpoint) => 'ok' | 'never' | string, delayMs = 0): Connector & { calls: string[]; peak: number; aborted: number; inFlight: () => number } {
  let active = 0;
  const calls: string[] = [];
  const connector = Object.assign(
    (endpoint: Endpoint, signal: AbortSignal): Promise<void> => {
      calls.push('path' in endpoint ? `unix:${endpoint.path}` : `${endpoint.host}:${endpoint.port}`);
      active++;
      connector.peak = Math.max(connector.peak, active);
      return new Promise<void>((resolve, reject) => {
        let finished = false;
        const done = (error?: Error): void => {
          if (finished) return;
          finished = true;
          active--;
          if (error) reject(error);
          else resolve();
        };
        signal.addEventListener('abort', () => (finished ? undefined : (connector.aborted++, done(new Error('aborted')))), { once: true });
        const a = answer(endpoint);
        if (a === 'never') return;
        setTimeout(() => done(a === 'ok' ? undefined : Object.assign(new Error(a), { code: a })), delayMs);
      });
    },
    { calls, peak: 0, aborted: 0, inFlight: () => active },
  );
  return connector;
}

const tcpTargets = (n: number, base = 20000): ProbeTarget[] => Array.from({ length: n }, (_, i) => ({ kind: 'tcp', host: '127.0.0.1', port: base + i }));

/** probe() on fake timers: `settled()` says whether it has finished at the current fake time. */
function startProbe(targets: ProbeTarget[], options: Parameters<typeof probe>[1]): { result: Promise<Map<string, ProbeResult>>; settled: () => boolean } {
  let done = false;
  const result = probe(targets, { now: () => Date.now(), hostsFile: '', ...options }).then((r) => ((done = true), r));
  return { result, settled: () => done };
}

describe('probe: timeouts, deadline, concurrency (injected connector and lookup, fake timers)', () => {
  beforeEach(() => void vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] }));
  afterEach(() => void vi.useRealTimers());

  it('a target that never answers is abandoned exactly at the per-target timeout: 110, as nginx logs a connect timeout', async () => {
    const connector = fakeConnector(() => 'never');
    const run = startProbe([{ kind: 'tcp', host: '127.0.0.1', port: 1 }], { timeoutMs: 1000, connect: connector });
    await vi.advanceTimersByTimeAsync(999);
    expect(run.settled()).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(run.settled()).toBe(true);
    const r = (await run.result).get('127.0.0.1:1');
    expect(r?.status).toBe('unreachable');
    expect(r?.addresses[0]).toMatchObject({ outcome: 'timeout', error: { errno: 110, text: '110: Connection timed out' } });
    expect(r?.addresses[0]?.log).toBe('upstream timed out (110: Connection timed out) while connecting to upstream');
    // The connect was told to give up (the real connector destroys its socket), and no timer is left behind.
    expect(connector.aborted).toBe(1);
    expect(connector.inFlight()).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('the overall deadline: nothing starts after it, and a target cut short by it is skipped, not a timeout', async () => {
    const connector = fakeConnector(() => 'never');
    const run = startProbe(tcpTargets(10), { timeoutMs: 200, deadlineMs: 500, concurrency: 2, connect: connector });
    await vi.advanceTimersByTimeAsync(499);
    expect(run.settled()).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(run.settled()).toBe(true);
    const statuses = [...(await run.result).values()].map((r) => r.status);
    // Two rounds of two get their full 200ms (timeouts); the third round has 100ms left (skipped); the rest never start.
    expect(statuses.filter((s) => s === 'unreachable')).toHaveLength(4);
    expect(statuses.filter((s) => s === 'skipped')).toHaveLength(6);
    expect(connector.calls).toHaveLength(6);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('the default overall deadline is 30s, or ten timeouts when longer, whatever the number of targets', async () => {
    expect(defaultDeadlineMs(1000)).toBe(30_000);
    expect(defaultDeadlineMs(5000)).toBe(50_000);
    const connector = fakeConnector(() => 'never');
    const run = startProbe(tcpTargets(25), { timeoutMs: 5000, concurrency: 1, connect: connector });
    await vi.advanceTimersByTimeAsync(49_999);
    expect(run.settled()).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(run.settled()).toBe(true);
    const statuses = [...(await run.result).values()].map((r) => r.status);
    expect(statuses.filter((s) => s === 'unreachable')).toHaveLength(10);
    expect(statuses.filter((s) => s === 'skipped')).toHaveLength(15);
  });

  it('never more connects in flight than the concurrency', async () => {
    const connector = fakeConnector(() => 'ok', 15);
    const run = startProbe(tcpTargets(40), { concurrency: 5, connect: connector });
    await vi.runAllTimersAsync();
    const results = await run.result;
    expect(connector.peak).toBe(5);
    expect(connector.calls).toHaveLength(40);
    expect([...results.values()].every((r) => r.status === 'ok')).toBe(true);
  });

  it('the default concurrency is 16', async () => {
    const connector = fakeConnector(() => 'ok', 15);
    const run = startProbe(tcpTargets(50), { connect: connector });
    await vi.runAllTimersAsync();
    await run.result;
    expect(connector.peak).toBe(16);
  });

  it('lookups and connects share the concurrency limit', async () => {
    let active = 0;
    let peak = 0;
    const track = <T>(value: T, ms: number): Promise<T> => {
      peak = Math.max(peak, ++active);
      return new Promise((resolve) => setTimeout(() => (active--, resolve(value)), ms));
    };
    const targets: ProbeTarget[] = [...tcpTargets(6), ...Array.from({ length: 6 }, (_, i): ProbeTarget => ({ kind: 'tcp', host: `app${i}.internal`, port: 80 }))];
    const run = startProbe(targets, {
      concurrency: 3,
      connect: () => track(undefined, 10),
      lookup: (host) => track([`127.0.0.${Number(host.slice(3, 4)) + 2}`], 25),
    });
    await vi.runAllTimersAsync();
    const results = await run.result;
    expect(peak).toBe(3);
    expect([...results.values()].every((r) => r.status === 'ok')).toBe(true);
  });

  it('reports progress once per target', async () => {
    const seen: string[] = [];
    const run = startProbe(tcpTargets(5), { connect: fakeConnector(() => 'ok'), onProgress: (done, total) => seen.push(`${done}/${total}`) });
    await vi.runAllTimersAsync();
    await run.result;
    expect(seen).toEqual(['1/5', '2/5', '3/5', '4/5', '5/5']);
  });

  it('DNS: a name that does not resolve, a lookup that never answers (abandoned at the timeout), a name in /etc/hosts', async () => {
    const lookup = (host: string): Promise<readonly string[]> => {
      if (host === 'gone.internal') return Promise.reject(Object.assign(new Error('getaddrinfo ENOTFOUND'), { code: 'ENOTFOUND' }));
      if (host === 'slow.internal') return new Promise(() => undefined);
      return Promise.resolve(['127.0.0.1', '::1']);
    };
    const connector = fakeConnector((e) => ('host' in e && e.host === '::1' ? 'ECONNREFUSED' : 'ok'));
    const run = startProbe(
      [
        { kind: 'tcp', host: 'gone.internal', port: 80 },
        { kind: 'tcp', host: 'slow.internal', port: 80 },
        { kind: 'tcp', host: 'app.internal', port: 8080 },
      ],
      { timeoutMs: 50, lookup, connect: connector, hostsFile: '127.0.0.1 localhost\n127.0.0.1 app.internal app # local\n# 10.0.0.1 gone.internal\n' },
    );
    await vi.advanceTimersByTimeAsync(49);
    expect(run.settled()).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(run.settled()).toBe(true);
    const results = await run.result;
    expect(results.get('gone.internal:80')).toMatchObject({ status: 'unresolved', dnsError: 'host not found', inHostsFile: false, addresses: [] });
    expect(results.get('slow.internal:80')).toMatchObject({ status: 'unresolved', dnsError: 'no answer within 50ms' });
    const app = results.get('app.internal:8080');
    expect(app).toMatchObject({ status: 'partial', inHostsFile: true });
    expect(app?.addresses.map((a) => `${a.address} ${a.outcome}`)).toEqual(['127.0.0.1:8080 ok', '[::1]:8080 failed']);
    // Only the addresses the name resolved to were contacted; nothing waits on the lookup that never returns.
    expect(connector.calls.sort()).toEqual(['127.0.0.1:8080', '::1:8080']);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('a lookup that never returns takes its slot only until the timeout: the targets behind it still get probed', async () => {
    const connector = fakeConnector(() => 'ok');
    const run = startProbe([{ kind: 'tcp', host: 'slow.internal', port: 80 }, ...tcpTargets(3)], { timeoutMs: 100, concurrency: 1, lookup: () => new Promise(() => undefined), connect: connector });
    await vi.advanceTimersByTimeAsync(99);
    expect(connector.calls).toEqual([]);
    await vi.runAllTimersAsync();
    const results = await run.result;
    expect(results.get('slow.internal:80')?.dnsError).toBe('no answer within 100ms');
    expect(connector.calls).toHaveLength(3);
    expect([...results.values()].filter((r) => r.status === 'ok')).toHaveLength(3);
  });

  it('a stat() that never returns is abandoned at the timeout too (a hung file system)', async () => {
    const run = startProbe([{ kind: 'unix', path: '/run/app.sock' }], { timeoutMs: 300, connect: fakeConnector(() => 'ok'), stat: () => new Promise(() => undefined) });
    await vi.advanceTimersByTimeAsync(300);
    expect(run.settled()).toBe(true);
    const r = (await run.result).get('unix:/run/app.sock');
    expect(r?.status).toBe('ok');
    expect(r?.stat).toEqual({ kind: 'unreadable', error: errnoInfo('ETIMEDOUT') });
    expect(vi.getTimerCount()).toBe(0);
  });

  it('each target once, each hostname looked up once', async () => {
    let lookups = 0;
    const connector = fakeConnector(() => 'ok');
    const run = startProbe(
      [
        { kind: 'tcp', host: 'app.internal', port: 80 },
        { kind: 'tcp', host: 'app.internal', port: 80 },
        { kind: 'tcp', host: 'app.internal', port: 81 },
      ],
      { connect: connector, lookup: async () => (lookups++, ['127.0.0.1']) },
    );
    await vi.runAllTimersAsync();
    const results = await run.result;
    expect([...results.keys()]).toEqual(['app.internal:80', 'app.internal:81']);
    expect(lookups).toBe(1);
    expect(connector.calls).toEqual(['127.0.0.1:80', '127.0.0.1:81']);
  });
});

describe('probe targets: only what the configuration names', () => {
  const conf = [
    'events {}',
    'http {',
    '    upstream app {',
    '        server 127.0.0.1:8001;',
    '        server 127.0.0.1:8002 backup;',
    '        server 127.0.0.1:8003 down;',
    '        server unix:/run/app.sock;',
    '        server app.internal:8080;',
    '    }',
    '    upstream unused { server [::1]:8004; }',
    '    server {',
    '        listen 127.0.0.1:80;',
    '        location / { proxy_pass http://app; }',
    '        location /php { fastcgi_pass unix:/run/php/php8.2-fpm.sock; }',
    '        location /api { proxy_pass http://127.0.0.1:9000/api/; }',
    '        location /same { proxy_pass http://127.0.0.1:9000; }',
    '        location /dyn { proxy_pass http://$arg_host:9001; }',
    '        location /name { proxy_pass http://api.internal; }',
    '        location /g { grpc_pass grpc://[::1]:50051; }',
    '    }',
    '}',
    'stream {',
    '    upstream db { server 127.0.0.1:5432; }',
    '    server { listen 127.0.0.1:15432; proxy_pass db; }',
    '}',
    '',
  ].join('\n');

  it('lists pass sites and upstream servers, without variables, down servers or listen addresses', () => {
    const host = createMemoryHost({ '/etc/nginx/nginx.conf': conf });
    const tree = loadConfig('/etc/nginx/nginx.conf', { host });
    const targets = probeTargetsOf(new UpstreamGraph(new ScopeModel(tree, 'main')));
    expect(targets.map(probeKey).sort()).toEqual(
      [
        'unix:/run/php/php8.2-fpm.sock',
        '127.0.0.1:9000',
        'api.internal:80',
        '[::1]:50051',
        '127.0.0.1:8001',
        '127.0.0.1:8002',
        'unix:/run/app.sock',
        'app.internal:8080',
        '[::1]:8004',
        '127.0.0.1:5432',
      ].sort(),
    );
  });

  it('the probe contacts exactly those targets (and the addresses their names resolve to)', async () => {
    const host = createMemoryHost({ '/etc/nginx/nginx.conf': conf });
    const tree = loadConfig('/etc/nginx/nginx.conf', { host });
    const targets = probeTargetsOf(new UpstreamGraph(new ScopeModel(tree, 'main')));
    const connector = fakeConnector(() => 'ECONNREFUSED');
    const looked: string[] = [];
    await probe(targets, { connect: connector, lookup: async (h) => (looked.push(h), ['127.0.0.2']), stat: async () => ({ kind: 'missing' }), hostsFile: '' });
    expect(looked.sort()).toEqual(['api.internal', 'app.internal']);
    expect(connector.calls.sort()).toEqual(
      ['unix:/run/php/php8.2-fpm.sock', '127.0.0.1:9000', '127.0.0.2:80', '::1:50051', '127.0.0.1:8001', '127.0.0.1:8002', 'unix:/run/app.sock', '127.0.0.2:8080', '::1:8004', '127.0.0.1:5432'].sort(),
    );
  });
});

describe('errno texts', () => {
  it('match what nginx logs on Linux', () => {
    expect(errnoInfo('ECONNREFUSED').text).toBe('111: Connection refused');
    expect(errnoInfo('ENOENT').text).toBe('2: No such file or directory');
    expect(errnoInfo('EACCES').text).toBe('13: Permission denied');
    expect(errnoInfo('ETIMEDOUT').text).toBe('110: Connection timed out');
    expect(errnoInfo('EHOSTUNREACH').text).toBe('113: No route to host');
    expect(errnoInfo('EAGAIN').text).toBe('11: Resource temporarily unavailable');
    expect(errnoInfo('EWHATEVER', 'odd failure')).toEqual({ errno: 0, code: 'EWHATEVER', text: 'odd failure' });
  });

  it('TCP refusals arrive asynchronously (no address in the line); unix and synchronous errors name the address', () => {
    expect(nginxConnectLog('127.0.0.1:8080', 'tcp', errnoInfo('ECONNREFUSED'))).toBe('connect() failed (111: Connection refused) while connecting to upstream');
    expect(nginxConnectLog('127.0.0.1:8080', 'tcp', errnoInfo('EACCES'))).toBe('connect() to 127.0.0.1:8080 failed (13: Permission denied) while connecting to upstream');
    expect(nginxConnectLog('[2001:db8::1]:443', 'tcp', errnoInfo('ENETUNREACH'))).toBe('connect() to [2001:db8::1]:443 failed (101: Network is unreachable) while connecting to upstream');
    expect(nginxConnectLog('unix:/run/x.sock', 'unix', errnoInfo('ECONNREFUSED'))).toBe('connect() to unix:/run/x.sock failed (111: Connection refused) while connecting to upstream');
  });
});
