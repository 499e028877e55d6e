/**
 * End-to-end helpers: free loopback ports, child processes stopped by PID, plain HTTP requests, the compiled
 * CLI. Everything listens on 127.0.0.1 only.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import * as path from 'node:path';

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
