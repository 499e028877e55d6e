/**
 * `--probe` connects only to what the configuration names as a backend. Real listeners on 127.0.0.1 and unix
 * sockets in a temp dir count the connections they accept: every address a `*_pass` or an upstream `server`
 * names sees exactly one, and every other address the configuration mentions (a `listen`, a `down` server,
 * a pass through a variable, a comment, a `return` URL, nginx's own `resolver`) sees none. Names go through
 * a stub resolver in the API test and through /etc/hosts (`localhost`) in the CLI test, so nothing is
 * asked of a real name server.
 */
import * as dgram from 'node:dgram';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMemoryHost, createNodeHost, loadConfig } from '../../src/include/index.js';
import { resolveConfig } from '../../src/engine/config.js';
import { listProbeTargets } from '../../src/engine/lint.js';
import { ScopeModel, UpstreamGraph } from '../../src/model/index.js';
import { probe, probeKey, variablePassesOf } from '../../src/probe/index.js';
import { runCli } from '../harness/cli.js';

interface Counter {
  readonly where: string;
  accepted: number;
  close(): Promise<void>;
}

function countingServer(where: number | string): Promise<Counter & { port: number }> {
  return new Promise((resolve, reject) => {
    const counter = { where: String(where), accepted: 0, port: 0, close: (): Promise<void> => new Promise<void>((done) => server.close(() => done())) };
    const server = net.createServer((socket) => {
      counter.accepted++;
      socket.destroy();
    });
    server.once('error', reject);
    const ready = (): void => {
      const address = server.address();
      counter.port = typeof address === 'object' && address !== null ? address.port : 0;
      resolve(counter);
    };
    if (typeof where === 'number') server.listen(where, '127.0.0.1', ready);
    else server.listen(where, ready);
  });
}

/** A UDP socket on loopback counting datagrams: what a DNS query to nginx's `resolver` would hit. */
function countingUdp(): Promise<Counter & { port: number }> {
  return new Promise((resolve) => {
    const socket = dgram.createSocket('udp4');
    const counter = { where: 'udp', accepted: 0, port: 0, close: (): Promise<void> => new Promise<void>((done) => socket.close(() => done())) };
    socket.on('message', () => counter.accepted++);
    socket.bind(0, '127.0.0.1', () => {
      counter.port = socket.address().port;
      resolve(counter);
    });
  });
}

describe('--probe contacts only the backends the configuration names', () => {
  let dir: string;
  const named = new Map<string, Counter & { port: number }>();
  const decoys = new Map<string, Counter & { port: number }>();
  const socks: Record<'upstream' | 'fastcgi' | 'decoy', string> = { upstream: '', fastcgi: '', decoy: '' };

  const config = (withStubName: boolean): string => {
    const p = (name: string): number => (named.get(name) ?? decoys.get(name))?.port as number;
    return [
      'events {}',
      'http {',
      `    resolver 127.0.0.1:${p('resolver')};`,
      '    upstream app {',
      `        server 127.0.0.1:${p('upstream')};`,
      `        server 127.0.0.1:${p('backup')} backup;`,
      `        server 127.0.0.1:${p('down')} down;`,
      `        server unix:${socks.upstream};`,
      '    }',
      `    upstream grpc_app { server 127.0.0.1:${p('grpc-upstream')}; }`,
      '    server {',
      `        listen 127.0.0.1:${p('listen')};`,
      '        location / { proxy_pass http://app; }',
      `        location /direct { proxy_pass http://127.0.0.1:${p('proxy')}/api/; }`,
      `        location ~ \\.php$ { fastcgi_pass 127.0.0.1:${p('fastcgi')}; }`,
      `        location /sock { fastcgi_pass unix:${socks.fastcgi}; }`,
      `        location /py { uwsgi_pass 127.0.0.1:${p('uwsgi')}; }`,
      `        location /scgi { scgi_pass 127.0.0.1:${p('scgi')}; }`,
      '        location /g { grpc_pass grpc://grpc_app; }',
      `        location /g2 { grpc_pass grpc://127.0.0.1:${p('grpc')}; }`,
      `        location /local { proxy_pass http://localhost:${p('localhost')}; }`,
      ...(withStubName ? [`        location /name { proxy_pass http://backend.test:${p('stub-name')}; }`] : []),
      `        location /var { set $backend 127.0.0.1:${p('variable')}; proxy_pass http://$backend; }`,
      '        location /port { proxy_pass http://127.0.0.1:$arg_port; }',
      `        location /vsock { set $sock unix:${socks.decoy}; fastcgi_pass $sock; }`,
      `        # proxy_pass http://127.0.0.1:${p('comment')};`,
      `        location /moved { return 302 http://127.0.0.1:${p('return')}/; }`,
      '    }',
      '}',
      '',
    ].join('\n');
  };

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ngxlint-only-named-'));
    for (const name of ['upstream', 'backup', 'grpc-upstream', 'proxy', 'fastcgi', 'uwsgi', 'scgi', 'grpc', 'localhost', 'stub-name']) named.set(name, await countingServer(0));
    for (const name of ['down', 'listen', 'variable', 'comment', 'return']) decoys.set(name, await countingServer(0));
    decoys.set('resolver', await countingUdp());
    for (const key of Object.keys(socks) as (keyof typeof socks)[]) {
      socks[key] = path.join(dir, `${key}.sock`);
      (key === 'decoy' ? decoys : named).set(`unix-${key}`, await countingServer(socks[key]));
    }
    fs.writeFileSync(path.join(dir, 'nginx.conf'), config(true));
    fs.writeFileSync(path.join(dir, 'cli.conf'), config(false));
  });

  afterAll(async () => {
    for (const c of [...named.values(), ...decoys.values()]) await c.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const reset = (): void => [...named.values(), ...decoys.values()].forEach((c) => (c.accepted = 0));
  const counts = (m: Map<string, Counter>): Record<string, number> => Object.fromEntries([...m].map(([k, c]) => [k, c.accepted]));

  it('through the API: one connection to each named address, none elsewhere; names via the stub resolver only', async () => {
    reset();
    const request = { files: [path.join(dir, 'nginx.conf')], host: createNodeHost(), config: resolveConfig({ extends: [], rules: {} }, { rules: [], baseDir: '/' }), rules: [] };
    const targets = listProbeTargets(request);
    const looked: string[] = [];
    const results = await probe(targets, { lookup: async (host) => (looked.push(host), ['127.0.0.1']), hostsFile: '' });
    expect(looked.sort()).toEqual(['backend.test', 'localhost']);
    expect(counts(named)).toEqual(Object.fromEntries([...named.keys()].map((k) => [k, 1])));
    expect(counts(decoys)).toEqual(Object.fromEntries([...decoys.keys()].map((k) => [k, 0])));
    expect([...results.values()].every((r) => r.status === 'ok')).toBe(true);
    expect(results.size).toBe(named.size);
  });

  it('through the CLI: the same, with localhost resolved by the system resolver (/etc/hosts)', async () => {
    reset();
    const r = await runCli(['--no-config', '--probe', '--format', 'json', 'cli.conf'], { cwd: dir });
    expect(r.stderr).toMatch(/^ngxlint: probed \d+ addresses in \d+ms/m);
    expect(counts(named)).toEqual(Object.fromEntries([...named.keys()].map((k) => [k, k === 'stub-name' ? 0 : 1])));
    expect(counts(decoys)).toEqual(Object.fromEntries([...decoys.keys()].map((k) => [k, 0])));
  });

  it('without --probe nothing is contacted at all', async () => {
    reset();
    await runCli(['--no-config', '--format', 'json', 'cli.conf'], { cwd: dir });
    expect(counts(named)).toEqual(Object.fromEntries([...named.keys()].map((k) => [k, 0])));
    expect(counts(decoys)).toEqual(Object.fromEntries([...decoys.keys()].map((k) => [k, 0])));
  });
});

describe('passes through variables', () => {
  it('are listed with where they are, for the output to say they were not probed', () => {
    const text = [
      'http {',
      '    server {',
      '        location /a { set $backend 127.0.0.1:9000; proxy_pass http://$backend; }',
      '        location /b { proxy_pass http://127.0.0.1:$arg_port/x; }',
      '        location /c { fastcgi_pass $php; }',
      '        location /d { proxy_pass http://127.0.0.1:9001; }',
      '    }',
      '}',
      '',
    ].join('\n');
    const tree = loadConfig('/etc/nginx/nginx.conf', { host: createMemoryHost({ '/etc/nginx/nginx.conf': text }) });
    const graph = new UpstreamGraph(new ScopeModel(tree, 'main'));
    expect(variablePassesOf(graph)).toEqual([
      { file: '/etc/nginx/nginx.conf', line: 3, column: 63, text: 'proxy_pass http://$backend' },
      { file: '/etc/nginx/nginx.conf', line: 4, column: 34, text: 'proxy_pass http://127.0.0.1:$arg_port/x' },
      { file: '/etc/nginx/nginx.conf', line: 5, column: 36, text: 'fastcgi_pass $php' },
    ]);
    // And none of them is a probe target.
    const targets = listProbeTargets({ files: ['/etc/nginx/nginx.conf'], host: createMemoryHost({ '/etc/nginx/nginx.conf': text }), config: resolveConfig({ extends: [], rules: {} }, { rules: [], baseDir: '/' }), rules: [] });
    expect(targets.map(probeKey)).toEqual(['127.0.0.1:9001']);
  });
});
