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
import * as os from 'node:os';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { nginxBinary, nginxSkipReason, nginxTest, removeDir } from '../harness/nginx.js';
import { ensureBuilt, freePort, get, runCliProcess, sleep, startChild, stopChild, waitFor, type Child, type Response } from './helpers.js';

const RULE_SOURCES = ['rules/static-dns-upstream/index.ts', 'rules/index.ts'];
const nginxReason = nginxSkipReason();
const HOST = 'app.test';

const readLog = (file: string): string => (fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '');

function nginxConf(dir: string, port: number, http: readonly string[], location: readonly string[]): string {
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
    ...http.map((l) => `    ${l}`),
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

/** A Node HTTP backend on `host:port` answering `body`. */
async function startBackend(host: string, port: number, body: string): Promise<http.Server> {
  const server = http.createServer((_req, res) => {
    res.setHeader('Content-Type', 'text/plain');
    res.end(body);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, resolve);
  });
  return server;
}

async function stopBackend(server: http.Server | undefined): Promise<void> {
  if (server === undefined) return;
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

/**
 * A minimal DNS server on 127.0.0.1: answers A queries for `app.test` with `current.address` (TTL 1s),
 * everything else with an empty NOERROR answer. `current` can be changed while it runs.
 */
async function startDns(): Promise<{ socket: dgram.Socket; port: number; queries: string[]; current: { address: string } }> {
  const socket = dgram.createSocket('udp4');
  const queries: string[] = [];
  const current = { address: '127.0.0.2' };
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
    if (offset + 4 > msg.length) return;
    const qtype = msg.readUInt16BE(offset);
    const question = msg.subarray(12, offset + 4);
    const name = labels.join('.').toLowerCase();
    queries.push(`${name} ${qtype} -> ${current.address}`);
    const answer = qtype === 1 && name === HOST;
    const header = Buffer.alloc(12);
    msg.copy(header, 0, 0, 2);
    header.writeUInt16BE(0x8180, 2);
    header.writeUInt16BE(1, 4);
    header.writeUInt16BE(answer ? 1 : 0, 6);
    const octets = current.address.split('.').map(Number);
    const rr = answer ? Buffer.from([0xc0, 0x0c, 0, 1, 0, 1, 0, 0, 0, 1, 0, 4, ...octets]) : Buffer.alloc(0);
    socket.send(Buffer.concat([header, question, rr]), rinfo.port, rinfo.address);
  });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  return { socket, port: socket.address().port, queries, current };
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
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ngxlint-e2e-static-dns-'));
    try {
      fs.chmodSync(dir, 0o755);
      fs.mkdirSync(path.join(dir, 'tmp'));
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
      if (nginxBinary === undefined) throw new Error('nginx not available');
      nginx = startChild(nginxBinary, ['-p', `${dir}/`, '-c', conf, '-e', errorLog, '-g', `pid ${path.join(dir, 'nginx.pid')};`]);
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
      await stopBackend(oldBackend);
      await stopBackend(newBackend);
      dnsServer?.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 30_000);
});
