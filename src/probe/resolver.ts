/**
 * The system resolver (getaddrinfo, as nginx uses at startup) in a child process that can be abandoned.
 *
 * In-process, dns.lookup() runs getaddrinfo on libuv's thread pool, where it cannot be cancelled: with an
 * unreachable name server each call blocks a pool thread for glibc's full retry time (5s × attempts ×
 * servers) and keeps the process from exiting until it returns, long after --probe gave up on it. libuv
 * also lets lookups use only half of its 4 threads, so further lookups queue behind blocked ones and time
 * out without ever being sent. The child has its own pool, sized for the probe's concurrency, and is killed
 * when the probe ends, whatever it is still waiting for. It only resolves names; it connects nowhere.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as dns from 'node:dns';

/** Resolves a hostname to its addresses (system resolver); rejects with `code` ENOTFOUND, EAI_AGAIN, .... */
export type Lookup = (host: string) => Promise<readonly string[]>;

export interface SystemResolver {
  readonly lookup: Lookup;
  /** The child's PID; undefined when it could not start. */
  readonly pid: number | undefined;
  /** Resolves when the child answers (true), or false when it could not start: lookups then run in-process. */
  readonly ready: Promise<boolean>;
  /** Kills the child; pending lookups reject with ECANCELLED. */
  close(): void;
}

/** In-process getaddrinfo: all addresses, in the resolver's order. */
export const inProcessLookup: Lookup = async (host) => {
  const found = await dns.promises.lookup(host, { all: true, verbatim: true });
  return found.map((a) => a.address);
};

// Reads {id, host} lines, answers {id, addresses} or {id, code} lines; "ready" first. CommonJS for `-e`.
const CHILD_SOURCE = `
const dns = require('node:dns');
let buffer = '';
const answer = (reply) => process.stdout.write(JSON.stringify(reply) + '\\n');
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk) => {
  buffer += chunk;
  for (let nl = buffer.indexOf('\\n'); nl !== -1; nl = buffer.indexOf('\\n')) {
    const { id, host } = JSON.parse(buffer.slice(0, nl));
    buffer = buffer.slice(nl + 1);
    dns.lookup(host, { all: true, verbatim: true }, (error, found) =>
      answer(error ? { id, code: error.code || 'EAI_FAIL' } : { id, addresses: found.map((a) => a.address) }));
  }
});
process.stdin.on('end', () => process.exit(0));
answer('ready');
`;

const lookupError = (code: string, host: string): Error => Object.assign(new Error(`getaddrinfo ${code} ${host}`), { code, hostname: host });

type Reply = { id: number; addresses: string[] } | { id: number; code: string };

/** Starts the resolver child, able to run `concurrency` lookups at once. */
export function startSystemResolver(concurrency: number): SystemResolver {
  let child: ChildProcess | undefined;
  /** The child could not start or died: lookups run in-process. */
  let fallback = false;
  let closed = false;
  let nextId = 0;
  const pending = new Map<number, { host: string; resolve: (a: readonly string[]) => void; reject: (e: Error) => void }>();
  const failAll = (code: string): void => {
    for (const [id, p] of pending) {
      pending.delete(id);
      p.reject(lookupError(code, p.host));
    }
  };

  let markReady: (ok: boolean) => void = () => undefined;
  const ready = new Promise<boolean>((resolve) => (markReady = resolve));
  try {
    child = spawn(process.execPath, ['-e', CHILD_SOURCE], {
      stdio: ['pipe', 'pipe', 'ignore'],
      env: { ...process.env, UV_THREADPOOL_SIZE: String(Math.min(256, Math.max(4, 2 * concurrency))), NODE_OPTIONS: '' },
      windowsHide: true,
    });
  } catch {
    child = undefined;
  }
  if (child?.stdout == null || child.stdin == null) {
    fallback = true;
    markReady(false);
  } else {
    const proc = child;
    let buffer = '';
    proc.stdout?.setEncoding('utf8');
    proc.stdout?.on('data', (chunk: string) => {
      buffer += chunk;
      for (let nl = buffer.indexOf('\n'); nl !== -1; nl = buffer.indexOf('\n')) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 1);
        let reply: Reply | 'ready';
        try {
          reply = JSON.parse(line) as Reply | 'ready';
        } catch {
          continue;
        }
        if (reply === 'ready') {
          markReady(true);
          continue;
        }
        const p = pending.get(reply.id);
        if (p === undefined) continue;
        pending.delete(reply.id);
        if ('code' in reply) p.reject(lookupError(reply.code, p.host));
        else p.resolve(reply.addresses);
      }
    });
    const gone = (): void => {
      if (fallback) return;
      fallback = true;
      markReady(false);
      failAll('ECANCELLED');
    };
    proc.on('error', gone);
    proc.on('exit', gone);
    proc.stdin?.on('error', gone);
    // Never what keeps ngxlint running: the probe's own timers do that while it waits.
    proc.unref();
    for (const stream of [proc.stdin, proc.stdout]) if (stream !== null && 'unref' in stream && typeof stream.unref === 'function') stream.unref();
  }

  const lookup: Lookup = (host) => {
    if (closed) return Promise.reject(lookupError('ECANCELLED', host));
    if (fallback || child?.stdin == null) return inProcessLookup(host);
    const id = nextId++;
    const stdin = child.stdin;
    return new Promise<readonly string[]>((resolve, reject) => {
      pending.set(id, { host, resolve, reject });
      stdin.write(JSON.stringify({ id, host }) + '\n');
    });
  };

  return {
    lookup,
    pid: child?.pid,
    ready,
    close: () => {
      if (child !== undefined && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      closed = true;
      fallback = true;
      markReady(false);
      failAll('ECANCELLED');
    },
  };
}
