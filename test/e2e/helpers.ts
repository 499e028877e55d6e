/**
 * End-to-end helpers: free loopback ports, child processes stopped by PID, plain HTTP requests, the compiled
 * CLI. Everything listens on 127.0.0.1 only.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as dgram from 'node:dgram';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type * as https from 'node:https';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { nginxBinary } from '../harness/nginx.js';

export const ROOT = path.resolve(__dirname, '../..');

/** A free TCP port on 127.0.0.1: listen on port 0, read the port, close. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export interface Response {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: string;
}

/** GET http://127.0.0.1:port/path without keep-alive. */
export function get(port: number, urlPath = '/'): Promise<Response> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path: urlPath, agent: false, timeout: 5000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error('request timed out')));
    req.on('error', reject);
  });
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Polls `probe` until it returns a value (not undefined) or `ms` pass; returns the last value or undefined. */
export async function waitFor<T>(probe: () => Promise<T | undefined>, ms = 5000, step = 100): Promise<T | undefined> {
  const deadline = Date.now() + ms;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch {
      // not ready yet
    }
    if (Date.now() >= deadline) return undefined;
    await sleep(step);
  }
}

/** A child process started by us, with its output kept for failure messages. */
export interface Child {
  readonly proc: ChildProcess;
  readonly pid: number;
  output(): string;
  exited(): boolean;
}

export function startChild(command: string, args: readonly string[], options: { cwd?: string } = {}): Child {
  const proc = spawn(command, args, { cwd: options.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  proc.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  proc.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  let done = false;
  proc.on('exit', () => (done = true));
  if (proc.pid === undefined) throw new Error(`could not start ${command}`);
  return { proc, pid: proc.pid, output: () => output, exited: () => done || proc.exitCode !== null || proc.signalCode !== null };
}

/** Stops a child by its PID: `graceful` first (SIGQUIT for nginx and php-fpm), SIGKILL after `ms`. */
export async function stopChild(child: Child | undefined, graceful: NodeJS.Signals = 'SIGQUIT', ms = 3000): Promise<void> {
  if (child === undefined || child.exited()) return;
  const exited = new Promise<void>((resolve) => child.proc.once('exit', () => resolve()));
  try {
    process.kill(child.pid, graceful);
  } catch {
    return; // already gone
  }
  const stopped = await Promise.race([exited.then(() => true), sleep(ms).then(() => false)]);
  if (!stopped && !child.exited()) {
    try {
      process.kill(child.pid, 'SIGKILL');
    } catch {
      // gone meanwhile
    }
    await Promise.race([exited, sleep(ms)]);
  }
}

/**
 * The compiled CLI (bin/ngxlint.js loads dist/): `npm test` compiles first; a plain `vitest run` compiles here
 * when dist is missing or older than the rule's source.
 */
export function ensureBuilt(sources: readonly string[]): void {
  const main = path.join(ROOT, 'dist/src/cli/main.js');
  const stale = (src: string): boolean => {
    const out = path.join(ROOT, 'dist', src.replace(/\.ts$/, '.js'));
    return !fs.existsSync(out) || fs.statSync(out).mtimeMs < fs.statSync(path.join(ROOT, src)).mtimeMs;
  };
  if (fs.existsSync(main) && !sources.some(stale)) return;
  const tsc = spawnSync(process.execPath, [path.join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', path.join(ROOT, 'tsconfig.json')], { encoding: 'utf8', timeout: 120_000 });
  if (tsc.status !== 0) throw new Error(`tsc failed:\n${tsc.stdout}${tsc.stderr}`);
}

/** Runs `node bin/ngxlint.js ...args` in `cwd`. */
export function runCliProcess(args: readonly string[], cwd: string): { status: number | null; stdout: string; stderr: string } {
  const run = spawnSync(process.execPath, [path.join(ROOT, 'bin/ngxlint.js'), ...args], { cwd, encoding: 'utf8', timeout: 60_000, env: { ...process.env, NO_COLOR: '1' } });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

/** The first php-fpm binary: php-fpm8.2 on PATH or in /usr/sbin, else any /usr/sbin/php-fpm*. */
export function findPhpFpm(): string | undefined {
  const which = spawnSync('sh', ['-c', 'command -v php-fpm8.2'], { encoding: 'utf8' }).stdout.trim();
  if (which !== '') return which;
  if (fs.existsSync('/usr/sbin/php-fpm8.2')) return '/usr/sbin/php-fpm8.2';
  const others = fs.existsSync('/usr/sbin') ? fs.readdirSync('/usr/sbin').filter((f) => /^php-fpm/.test(f)).sort() : [];
  return others.length > 0 ? path.join('/usr/sbin', others[others.length - 1] as string) : undefined;
}

/** Running as root: then php-fpm's pool needs an unprivileged user, and nginx's workers run as nobody. */
export const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;

/** The unprivileged group that goes with `nobody` here (Debian: nogroup). */
export function nobodyGroup(): string {
  const groups = fs.existsSync('/etc/group') ? fs.readFileSync('/etc/group', 'utf8') : '';
  return /^nogroup:/m.test(groups) ? 'nogroup' : 'nobody';
}

/**
 * A temp dir for one test: world-readable (nginx's workers and php-fpm's pool run as nobody when the tests run as
 * root), with tmp/ for nginx's temp paths and an .ngxlintrc.json (`rc`; null: none) so that no config file above
 * it is used and no backend discovery reads the host's /etc. The dir is `ngxlint-e2e-TAG-XXXXXX` (no tag:
 * `ngxlint-e2e-XXXXXX`).
 */
export function e2eDir(tag = '', rc: object | null = { root: '.' }): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), tag === '' ? 'ngxlint-e2e-' : `ngxlint-e2e-${tag}-`));
  fs.chmodSync(dir, 0o755);
  fs.mkdirSync(path.join(dir, 'tmp'));
  if (rc !== null) fs.writeFileSync(path.join(dir, '.ngxlintrc.json'), JSON.stringify(rc) + '\n');
  return dir;
}

export interface NginxMainConfOptions {
  /** error_log level; `error` unless told. */
  readonly errorLevel?: string;
  /** worker_connections; 64 unless told. */
  readonly workerConnections?: number;
  /** Lines before the preamble, at main level. */
  readonly main?: readonly string[];
  /** The http block's own lines after the temp paths, unindented (indented by 4 here). */
  readonly http: readonly string[];
}

/**
 * A main config that stays attached to its parent (`daemon off`) with a master that reloads on SIGHUP: one worker,
 * error.log and every temp path in `dir`, no access log.
 */
export function nginxMainConf(dir: string, options: NginxMainConfOptions): string {
  return [
    ...(options.main ?? []),
    'daemon off;',
    'master_process on;',
    'worker_processes 1;',
    `error_log ${dir}/error.log ${options.errorLevel ?? 'error'};`,
    'events {',
    `    worker_connections ${options.workerConnections ?? 64};`,
    '}',
    'http {',
    '    access_log off;',
    `    client_body_temp_path ${dir}/tmp/client_body;`,
    `    proxy_temp_path ${dir}/tmp/proxy;`,
    `    fastcgi_temp_path ${dir}/tmp/fastcgi;`,
    `    uwsgi_temp_path ${dir}/tmp/uwsgi;`,
    `    scgi_temp_path ${dir}/tmp/scgi;`,
    ...options.http.map((l) => `    ${l}`),
    '}',
    '',
  ].join('\n');
}

/** `lines` indented by `depth` levels of 4 spaces. */
export const indent = (lines: readonly string[], depth = 1): string[] => lines.map((l) => `${' '.repeat(4 * depth)}${l}`);

/** The text of a log file, '' while it does not exist. */
export function readLog(file: string): string {
  return fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
}

/** Starts nginx (foreground, prefix `dir`, error log `dir`/error.log, pid file in `dir`) on `conf`. */
export function startNginx(dir: string, conf = path.join(dir, 'nginx.conf')): Child {
  const nginx = nginxBinary;
  if (nginx === undefined) throw new Error('nginx not available');
  return startChild(nginx, ['-p', `${dir}/`, '-c', conf, '-e', path.join(dir, 'error.log'), '-g', `pid ${path.join(dir, 'nginx.pid')};`]);
}

/**
 * Waits until nginx accepts connections: `probe` is a port (any HTTP answer on `urlPath`) or a function whose
 * result is not undefined once it is up. Fails with nginx's output and error.log when it exits or never listens.
 */
export async function waitForNginx(nginx: Child, dir: string, probe: number | (() => Promise<unknown>), urlPath = '/'): Promise<void> {
  const check = typeof probe === 'number' ? async () => ((await get(probe, urlPath)).status > 0 ? true : undefined) : probe;
  const up = await waitFor(async () => (nginx.exited() ? 'exited' : (await check()) !== undefined ? 'up' : undefined));
  if (up !== 'up') throw new Error(`nginx did not start (${up ?? 'timeout'}):\n${nginx.output()}\n${readLog(path.join(dir, 'error.log'))}`);
}

/** Listens on `host:port` (port 0: any free one); resolves with the server and its port. */
export function startHttpServer(handler: http.RequestListener, host = '127.0.0.1', port = 0): Promise<{ server: http.Server; port: number }> {
  return listen(http.createServer(handler), host, port);
}

/** `server.listen(port, host)`, for any http or https server; resolves with the server and its port. */
export function listen<S extends http.Server | https.Server>(server: S, host = '127.0.0.1', port = 0): Promise<{ server: S; port: number }> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const address = server.address();
      resolve({ server, port: typeof address === 'object' && address !== null ? address.port : 0 });
    });
  });
}

/** Closes a server started here, dropping its open connections; nothing to do when it is not listening. */
export async function stopHttpServer(server: http.Server | https.Server | undefined): Promise<void> {
  if (server === undefined || !server.listening) return;
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

/** One finding of `ngxlint -f json`. */
export interface Finding {
  readonly ruleId: string;
  readonly message: string;
  readonly line: number;
}

/** `ngxlint -f json ...extra conf` in `dir` (the compiled CLI): the findings of every file, flattened. */
export function lintJson(conf: string, dir: string, extra: readonly string[] = []): Finding[] {
  const run = runCliProcess(['-f', 'json', ...extra, conf], dir);
  let parsed: unknown;
  try {
    parsed = JSON.parse(run.stdout);
  } catch {
    throw new Error(`ngxlint -f json did not print JSON (exit ${String(run.status)}):\n${run.stdout}\n${run.stderr}`);
  }
  const files = (Array.isArray(parsed) ? parsed : [parsed]) as { messages?: { ruleId?: string | null; message?: string; line?: number }[] }[];
  return files.flatMap((f) => (f.messages ?? []).map((m) => ({ ruleId: m.ruleId ?? '', message: m.message ?? '', line: m.line ?? 0 })));
}

/** An A record to answer with. */
export interface DnsAnswer {
  readonly address: string;
  readonly ttl: number;
}

/**
 * A minimal DNS server on 127.0.0.1 (UDP): for each question, `answer(name, qtype)` gives one A record or
 * undefined (an empty NOERROR answer). `queries` records `NAME QTYPE` per question. Enough for nginx's resolver.
 */
export async function startDnsServer(answer: (name: string, qtype: number) => DnsAnswer | undefined): Promise<{ socket: dgram.Socket; port: number; queries: string[] }> {
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
    if (offset + 4 > msg.length) return;
    const qtype = msg.readUInt16BE(offset);
    const question = msg.subarray(12, offset + 4);
    const name = labels.join('.').toLowerCase();
    queries.push(`${name} ${qtype}`);
    const a = answer(name, qtype);
    const header = Buffer.alloc(12);
    msg.copy(header, 0, 0, 2);
    header.writeUInt16BE(0x8180, 2);
    header.writeUInt16BE(1, 4);
    header.writeUInt16BE(a ? 1 : 0, 6);
    const rr = a ? Buffer.concat([Buffer.from([0xc0, 0x0c, 0, 1, 0, 1]), uint32(a.ttl), Buffer.from([0, 4, ...a.address.split('.').map(Number)])]) : Buffer.alloc(0);
    socket.send(Buffer.concat([header, question, rr]), rinfo.port, rinfo.address);
  });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  return { socket, port: socket.address().port, queries };
}

function uint32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
}
