/**
 * End to end, with the real nginx, for static-dns-upstream. Without editing /etc/hosts nginx cannot resolve
 * a static name such as `app.test` (static names go through the system resolver, not `resolver`), so:
 * (a) `proxy_pass http://app.test:PORT` is reported by ngxlint, and the real `nginx -t` rejects it with
 * `host not found in upstream "app.test"`; (b) the fix form the rule suggests before 1.27.3 (a variable and
 * a `resolver`, here a tiny DNS server on 127.0.0.1 with `valid=1s`) loads, serves the backend at 127.0.0.2
 * ("old"), and after the DNS answer switches to 127.0.0.3 and the valid time passes, serves "new" without a
 * reload. Everything listens on loopback (127.0.0.1-3); every process is stopped by its PID.
 */
import * as dgram from 'node:dgram';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { nginxSkipReason, nginxTest, removeDir } from '../harness/nginx.js';
import {
  e2eDir,
  ensureBuilt,
  freePort,
  get,
  indent,
  nginxMainConf,
  readLog,
  runCliProcess,
  sleep,
  startDnsServer,
  startHttpServer,
  startNginx,
  stopChild,
  stopHttpServer,
  waitFor,
  type Child,
  type Response,
} from './helpers.js';

const RULE_SOURCES = ['rules/static-dns-upstream/index.ts', 'rules/index.ts'];
const nginxReason = nginxSkipReason();
const HOST = 'app.test';

function nginxConf(dir: string, port: number, http: readonly string[], location: readonly string[]): string {
  return nginxMainConf(dir, {
    errorLevel: 'info',
    http: [...http, 'server {', `    listen 127.0.0.1:${port};`, '    location / {', ...indent(location, 2), '    }', '}'],
  });
}

/** A Node HTTP backend on `host:port` answering `body`. */
async function startBackend(host: string, port: number, body: string): Promise<http.Server> {
  const { server } = await startHttpServer(
    (_req, res) => {
      res.setHeader('Content-Type', 'text/plain');
      res.end(body);
    },
    host,
    port,
  );
  return server;
}

/**
 * A minimal DNS server on 127.0.0.1: answers A queries for `app.test` with `current.address` (TTL 1s),
 * everything else with an empty NOERROR answer. `current` can be changed while it runs; `queries` records
 * `NAME QTYPE -> ADDRESS` per question.
 */
async function startDns(): Promise<{ socket: dgram.Socket; port: number; queries: string[]; current: { address: string } }> {
  const queries: string[] = [];
  const current = { address: '127.0.0.2' };
  const { socket, port } = await startDnsServer((name, qtype) => {
    queries.push(`${name} ${qtype} -> ${current.address}`);
    return qtype === 1 && name === HOST ? { address: current.address, ttl: 1 } : undefined;
  });
  return { socket, port, queries, current };
}

beforeAll(() => {
  if (nginxReason === undefined) ensureBuilt(RULE_SOURCES);
}, 180_000);

describe.skipIf(nginxReason !== undefined)(`e2e: static-dns-upstream with the real nginx${nginxReason ? ` (skipped: ${nginxReason})` : ''}`, () => {
  it('lint reports proxy_pass http://app.test:PORT; nginx -t cannot resolve it with the system resolver', () => {
    const port = 4567;
    const conf = ['events {', '}', 'http {', '    server {', '        listen 127.0.0.1:18080;', '        location / {', `            proxy_pass http://${HOST}:${port};`, '        }', '    }', '}', ''].join('\n');
    const res = nginxTest({ 'nginx.conf': conf, '.ngxlintrc.json': JSON.stringify({ root: '.' }) + '\n' });
    try {
      expect(res.ok, res.output).toBe(false);
      expect(res.message, res.output).toBe(`host not found in upstream "${HOST}"`);

      const lint = runCliProcess(['-f', 'compact', '--nginx-version', '1.22.1', 'nginx.conf'], res.dir);
      expect(lint.stdout, lint.stderr).toContain('[static-dns-upstream]');
      expect(lint.stdout).toContain(`nginx resolves "${HOST}" once, at start or reload`);
      // The 1.22 template: a variable plus a resolver (what part (b) runs).
      expect(lint.stdout).toContain(`set $app ${HOST}; proxy_pass http://$app:${port};`);
    } finally {
      removeDir(res.dir);
    }
  });

  it('the fix form (variable + resolver valid=1s) serves "old", then "new" after the DNS answer changes, without a reload', async () => {
    let nginx: Child | undefined;
    let oldBackend: http.Server | undefined;
    let newBackend: http.Server | undefined;
    let dnsServer: dgram.Socket | undefined;
    // The .ngxlintrc.json is written once nginx runs.
    const dir = e2eDir('static-dns', null);
    try {
      // Same port on 127.0.0.2 and 127.0.0.3: Linux routes all of 127/8 to loopback.
      const backendPort = await freePort();
      oldBackend = await startBackend('127.0.0.2', backendPort, 'old');
      newBackend = await startBackend('127.0.0.3', backendPort, 'new');
      const d = await startDns();
      dnsServer = d.socket;

      const port = await freePort();
      const conf = path.join(dir, 'nginx.conf');
      const errorLog = path.join(dir, 'error.log');
      fs.writeFileSync(
        conf,
        nginxConf(dir, port, [`resolver 127.0.0.1:${d.port} valid=1s ipv6=off;`, 'resolver_timeout 2s;'], ['set $app app.test;', `proxy_pass http://$app:${backendPort};`]),
      );
      nginx = startNginx(dir, conf);
      const started = nginx;
      const up = await waitFor(async () => (started.exited() ? 'exited' : (await get(port)).status > 0 ? 'up' : undefined));
      expect(up, `nginx did not start:\n${nginx.output()}\n${readLog(errorLog)}`).toBe('up');

      // ngxlint has nothing to say about the fixed form.
      fs.writeFileSync(path.join(dir, '.ngxlintrc.json'), JSON.stringify({ root: '.' }) + '\n');
      const lint = runCliProcess(['-f', 'compact', '--nginx-version', '1.22.1', conf], dir);
      expect(lint.stdout).not.toContain('static-dns-upstream');

      const first = await get(port);
      expect(first.status, `error.log:\n${readLog(errorLog)}\nDNS: ${d.queries.join(', ')}`).toBe(200);
      expect(first.body).toBe('old');
      expect(d.queries).toContain(`${HOST} 1 -> 127.0.0.2`);

      // The name moves; nginx is not reloaded.
      d.current.address = '127.0.0.3';
      await sleep(1500);
      const moved = await waitFor<Response>(async () => {
        const res = await get(port);
        return res.status === 200 && res.body === 'new' ? res : undefined;
      }, 8000, 250);
      expect(moved?.body, `error.log:\n${readLog(errorLog)}\nDNS: ${d.queries.join(', ')}`).toBe('new');
      expect(d.queries).toContain(`${HOST} 1 -> 127.0.0.3`);
      // And it stays there.
      for (let i = 0; i < 3; i++) expect((await get(port)).body).toBe('new');
      expect(nginx.exited()).toBe(false);
    } finally {
      await stopChild(nginx);
      await stopHttpServer(oldBackend);
      await stopHttpServer(newBackend);
      dnsServer?.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 30_000);
});
