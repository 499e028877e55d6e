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
import { nginxSkipReason } from '../harness/nginx.js';
import {
  e2eDir,
  ensureBuilt,
  freePort,
  get,
  indent,
  nginxMainConf,
  readLog,
  runCliProcess,
  startDnsServer,
  startHttpServer,
  startNginx,
  stopChild,
  stopHttpServer,
  waitFor,
  waitForNginx,
  type Child,
  type Response,
} from './helpers.js';

const RULE_SOURCES = ['rules/proxy-pass-variable-needs-resolver/index.ts', 'rules/localhost-dual-stack/index.ts', 'rules/index.ts'];
const nginxReason = nginxSkipReason();
const hasIPv6Loopback = Object.values(os.networkInterfaces()).some((list) => (list ?? []).some((a) => a.family === 'IPv6' && a.address === '::1'));

function nginxConf(dir: string, port: number, location: readonly string[]): string {
  return nginxMainConf(dir, {
    errorLevel: 'info',
    http: ['server {', `    listen 127.0.0.1:${port};`, '    location / {', ...indent(location, 2), '    }', '}'],
  });
}

/** A Node HTTP backend on 127.0.0.1 (IPv4 only). */
function startBackend(): Promise<{ server: http.Server; port: number }> {
  return startHttpServer((_req, res) => {
    res.setHeader('Content-Type', 'text/plain');
    res.end('backend ok\n');
  });
}

/**
 * A minimal DNS server on 127.0.0.1: answers A queries for `localhost` with 127.0.0.1 and everything else
 * (AAAA included) with an empty NOERROR answer. Enough for nginx's resolver.
 */
const startDns = () => startDnsServer((name, qtype) => (qtype === 1 && name === 'localhost' ? { address: '127.0.0.1', ttl: 30 } : undefined));

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
      dir = e2eDir('dns', { root: '.', rules: { 'proxy-pass-variable-needs-resolver': ['error', { nameserver: `127.0.0.1:${d.port}` }] } });
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
      await stopHttpServer(backend);
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
      const dir = e2eDir('dns');
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
        await stopHttpServer(backend);
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });
  },
);
