/**
 * End to end, with the real nginx: (1) a hostname in a variable without a resolver is a 502 with "no resolver
 * defined to resolve localhost"; `ngxlint --fix` (proxy-pass-variable-needs-resolver, with its `nameserver`
 * option pointing at a tiny DNS server on loopback) adds the resolver, and after a reload the same request gets
 * 200. (2) `proxy_pass http://localhost:PORT` with `proxy_next_upstream off` and a backend bound to 127.0.0.1
 * only: what nginx does depends on whether this machine maps localhost to ::1 too; the test asserts the real
 * behaviour, then applies localhost-dual-stack's fix (--unsafe-fixes) and expects 200.
 * Everything listens on loopback; every process is stopped by its PID.
 */
import * as dgram from 'node:dgram';
import * as dns from 'node:dns';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { nginxBinary, nginxSkipReason } from '../harness/nginx.js';
import { ensureBuilt, freePort, get, runCliProcess, startChild, stopChild, waitFor, type Child, type Response } from './helpers.js';

const RULE_SOURCES = ['rules/proxy-pass-variable-needs-resolver/index.ts', 'rules/localhost-dual-stack/index.ts', 'rules/index.ts'];
const nginxReason = nginxSkipReason();
const hasIPv6Loopback = Object.values(os.networkInterfaces()).some((list) => (list ?? []).some((a) => a.family === 'IPv6' && a.address === '::1'));

function tempDir(rc: object = { root: '.' }): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ngxlint-e2e-dns-'));
  fs.chmodSync(dir, 0o755);
  fs.mkdirSync(path.join(dir, 'tmp'));
  fs.writeFileSync(path.join(dir, '.ngxlintrc.json'), JSON.stringify(rc) + '\n');
  return dir;
}

function nginxConf(dir: string, port: number, location: readonly string[]): string {
  return [
    'daemon off;',
    'master_process on;',
    'worker_processes 1;',
    `error_log ${dir}/error.log info;`,
    'events {',
    '    worker_connections 64;',
    '}',
    'http {',
    '    access_log off;',
    `    client_body_temp_path ${dir}/tmp/client_body;`,
    `    proxy_temp_path ${dir}/tmp/proxy;`,
    `    fastcgi_temp_path ${dir}/tmp/fastcgi;`,
    `    uwsgi_temp_path ${dir}/tmp/uwsgi;`,
    `    scgi_temp_path ${dir}/tmp/scgi;`,
    '    server {',
    `        listen 127.0.0.1:${port};`,
    '        location / {',
    ...location.map((l) => `            ${l}`),
    '        }',
    '    }',
    '}',
    '',
  ].join('\n');
}

function startNginx(dir: string): Child {
  if (nginxBinary === undefined) throw new Error('nginx not available');
  return startChild(nginxBinary, ['-p', `${dir}/`, '-c', path.join(dir, 'nginx.conf'), '-e', path.join(dir, 'error.log'), '-g', `pid ${path.join(dir, 'nginx.pid')};`]);
}

const readLog = (file: string): string => (fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '');

async function waitForNginx(nginx: Child, dir: string, port: number): Promise<void> {
  const up = await waitFor(async () => (nginx.exited() ? 'exited' : (await get(port)).status > 0 ? 'up' : undefined));
  if (up !== 'up') throw new Error(`nginx did not start (${up ?? 'timeout'}):\n${nginx.output()}\n${readLog(path.join(dir, 'error.log'))}`);
}

/** A Node HTTP backend on 127.0.0.1 (IPv4 only). */
async function startBackend(): Promise<{ server: http.Server; port: number }> {
  const server = http.createServer((_req, res) => {
    res.setHeader('Content-Type', 'text/plain');
    res.end('backend ok\n');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return { server, port: typeof address === 'object' && address !== null ? address.port : 0 };
}

async function stopBackend(server: http.Server | undefined): Promise<void> {
  if (server === undefined) return;
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

/**
 * A minimal DNS server on 127.0.0.1: answers A queries for `localhost` with 127.0.0.1 and everything else
 * (AAAA included) with an empty NOERROR answer. Enough for nginx's resolver.
 */
async function startDns(): Promise<{ socket: dgram.Socket; port: number; queries: string[] }> {
  const socket = dgram.createSocket('udp4');
  const queries: string[] = [];
  socket.on('message', (msg, rinfo) => {
    if (msg.length < 12) return;
    let offset = 12;
    const labels: string[] = [];
    while (offset < msg.length && msg[offset] !== 0) {
      const len = msg[offset] ?? 0;
      labels.push(msg.subarray(offset + 1, offset + 1 + len).toString('ascii'));
      offset += len + 1;
    }
    offset += 1;
    const qtype = msg.readUInt16BE(offset);
    const question = msg.subarray(12, offset + 4);
    const name = labels.join('.').toLowerCase();
    queries.push(`${name} ${qtype}`);
    const answer = qtype === 1 && name === 'localhost';
    const header = Buffer.alloc(12);
    msg.copy(header, 0, 0, 2);
    header.writeUInt16BE(0x8180, 2);
    header.writeUInt16BE(1, 4);
    header.writeUInt16BE(answer ? 1 : 0, 6);
    const rr = answer ? Buffer.from([0xc0, 0x0c, 0, 1, 0, 1, 0, 0, 0, 30, 0, 4, 127, 0, 0, 1]) : Buffer.alloc(0);
    socket.send(Buffer.concat([header, question, rr]), rinfo.port, rinfo.address);
  });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  return { socket, port: socket.address().port, queries };
}

beforeAll(() => {
  if (nginxReason === undefined) ensureBuilt(RULE_SOURCES);
}, 180_000);

describe.skipIf(nginxReason !== undefined)(`e2e: proxy_pass with a variable host and no resolver${nginxReason ? ` (skipped: ${nginxReason})` : ''}`, () => {
  it('502 "no resolver defined to resolve localhost", 200 after ngxlint --fix adds the resolver and a reload', async () => {
    let nginx: Child | undefined;
    let backend: http.Server | undefined;
    let dnsServer: dgram.Socket | undefined;
    let dir: string | undefined;
    try {
      const b = await startBackend();
      backend = b.server;
      const d = await startDns();
      dnsServer = d.socket;
      dir = tempDir({ root: '.', rules: { 'proxy-pass-variable-needs-resolver': ['error', { nameserver: `127.0.0.1:${d.port}` }] } });
      const port = await freePort();
      const conf = path.join(dir, 'nginx.conf');
      const errorLog = path.join(dir, 'error.log');
      fs.writeFileSync(conf, nginxConf(dir, port, ['set $backend localhost;', `proxy_pass http://$backend:${b.port};`]));
      nginx = startNginx(dir);
      await waitForNginx(nginx, dir, port);

      const broken = await get(port);
      expect(broken.status, `expected 502 before the fix; error.log:\n${readLog(errorLog)}`).toBe(502);
      expect(readLog(errorLog)).toContain('no resolver defined to resolve localhost');

      // ngxlint reports it, then fixes it.
      const lint = runCliProcess(['-f', 'compact', conf], dir);
      expect(lint.stdout).toContain('proxy-pass-variable-needs-resolver');
      const before = fs.readFileSync(conf, 'utf8');
      const cli = runCliProcess(['--fix', conf], dir);
      expect(cli.status, `ngxlint --fix exit code\n${cli.stdout}\n${cli.stderr}`).not.toBe(2);
      const after = fs.readFileSync(conf, 'utf8');
      expect(after).not.toBe(before);
      expect(after).toContain(`resolver 127.0.0.1:${d.port} valid=30s;`);

      process.kill(nginx.pid, 'SIGHUP');
      const fixed = await waitFor<Response>(async () => {
        const res = await get(port);
        return res.status === 200 ? res : undefined;
      }, 5000);
      expect(fixed?.status, `expected 200 after the reload; error.log:\n${readLog(errorLog)}\n${nginx.output()}\nconfig:\n${after}`).toBe(200);
      expect(fixed?.body).toBe('backend ok\n');
      expect(d.queries).toContain('localhost 1');
    } finally {
      await stopChild(nginx);
      await stopBackend(backend);
      dnsServer?.close();
      if (dir !== undefined) fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe.skipIf(nginxReason !== undefined || !hasIPv6Loopback)(
  `e2e: localhost with proxy_next_upstream off, backend on 127.0.0.1 only${nginxReason ? ` (skipped: ${nginxReason})` : !hasIPv6Loopback ? ' (skipped: this machine has no IPv6 loopback ::1)' : ''}`,
  () => {
    it('behaves as this machine resolves localhost; 200 after ngxlint --fix --unsafe-fixes', async () => {
      // nginx resolves the name at load time with getaddrinfo(), as Node's dns.lookup does.
      const addresses = (await dns.promises.lookup('localhost', { all: true })).map((a) => a.address);
      const dualStack = addresses.includes('::1');
      let nginx: Child | undefined;
      let backend: http.Server | undefined;
      const dir = tempDir();
      try {
        const b = await startBackend();
        backend = b.server;
        const port = await freePort();
        const conf = path.join(dir, 'nginx.conf');
        const errorLog = path.join(dir, 'error.log');
        fs.writeFileSync(conf, nginxConf(dir, port, ['proxy_next_upstream off;', `proxy_pass http://localhost:${b.port};`]));
        nginx = startNginx(dir);
        await waitForNginx(nginx, dir, port);

        const statuses: number[] = [];
        for (let i = 0; i < 4; i++) statuses.push((await get(port)).status);
        const log = readLog(errorLog);
        if (dualStack) {
          // localhost -> ::1 and 127.0.0.1: the try at ::1 is refused and, with retries off, is a 502.
          expect(statuses, `localhost resolves to ${addresses.join(', ')}; error.log:\n${log}`).toContain(502);
          expect(log).toMatch(/connect\(\) failed \(111: Connection refused\) while connecting to upstream.*upstream: "http:\/\/\[::1\]/);
        } else {
          // This machine maps localhost to 127.0.0.1 only (no "::1 localhost" in /etc/hosts): nothing fails.
          expect(statuses, `localhost resolves to ${addresses.join(', ')}; error.log:\n${log}`).toEqual([200, 200, 200, 200]);
          expect(log).not.toContain('[::1]');
        }

        const lint = runCliProcess(['-f', 'compact', conf], dir);
        expect(lint.stdout).toContain('localhost-dual-stack');
        const cli = runCliProcess(['--fix', '--unsafe-fixes', conf], dir);
        expect(cli.status, `${cli.stdout}\n${cli.stderr}`).not.toBe(2);
        const after = fs.readFileSync(conf, 'utf8');
        expect(after).toContain(`proxy_pass http://127.0.0.1:${b.port};`);
        process.kill(nginx.pid, 'SIGHUP');
        const fixed = await waitFor<Response>(async () => {
          const res = await get(port);
          return res.status === 200 ? res : undefined;
        }, 5000);
        expect(fixed?.status, readLog(errorLog)).toBe(200);
        // After the reload only 127.0.0.1 is used: every request succeeds.
        for (let i = 0; i < 4; i++) expect((await get(port)).status).toBe(200);
      } finally {
        await stopChild(nginx);
        await stopBackend(backend);
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });
  },
);
