/**
 * `--probe`: connect to each target once and close at once, stat unix sockets, resolve hostnames with the
 * system resolver (getaddrinfo, which reads /etc/hosts as nginx does at startup). At most `concurrency`
 * connects and lookups run at a time; each waits at most `timeoutMs`, and nothing starts or keeps waiting
 * after the overall deadline. Only the given targets are contacted: the caller takes them from the
 * configuration (see targets.ts). Hostnames are resolved in a child process (resolver.ts) that is killed
 * when the probe ends, so that a lookup that never returns holds neither the probe nor the process exit.
 */
import * as fs from 'node:fs';
import * as net from 'node:net';
import { ASYNC_TCP_ERRORS, errnoInfo, errnoOf, type ErrnoInfo } from './errno.js';
import { inProcessLookup, startSystemResolver, type Lookup, type SystemResolver } from './resolver.js';
import { formatHostPort, probeKey } from './targets.js';
import type { AddressProbe, Endpoint, ProbeResult, ProbeTarget, SocketStat } from './types.js';

/** Opens a connection and closes it; rejects with a Node error (`code` set) on failure; aborts on `signal`. */
export type Connector = (endpoint: Endpoint, signal: AbortSignal) => Promise<void>;
export type { Lookup } from './resolver.js';
export type StatFn = (path: string) => Promise<SocketStat>;

export interface ProbeOptions {
  /** Per connect() and per lookup, in ms. Default 1000. */
  readonly timeoutMs?: number;
  /** Connects and lookups in flight at once. Default 16. */
  readonly concurrency?: number;
  /** The whole run, in ms. Default: 30s or 10 × timeoutMs, whichever is larger. */
  readonly deadlineMs?: number;
  /** Called after each target with (targets done, targets in all). */
  readonly onProgress?: (done: number, total: number) => void;
  /** Replaceable for tests. */
  readonly connect?: Connector;
  /** Default: the system resolver in a child process (startSystemResolver), killed when the probe ends. */
  readonly lookup?: Lookup;
  readonly stat?: StatFn;
  /** The text of /etc/hosts (default: read it; missing = empty). */
  readonly hostsFile?: string;
  readonly now?: () => number;
}

export const DEFAULT_PROBE_TIMEOUT_MS = 1000;
export const DEFAULT_PROBE_CONCURRENCY = 16;

/** An attempt is not started with less time than this left before the deadline. */
const MIN_ATTEMPT_MS = 10;
/** How long the resolver child may take to start before lookups run in-process instead. */
const RESOLVER_START_MS = 5000;

export function defaultDeadlineMs(timeoutMs: number): number {
  return Math.max(30_000, 10 * timeoutMs);
}

/** net.connect to an IP literal or a socket path; no DNS, no data sent. */
export const netConnect: Connector = (endpoint, signal) =>
  new Promise<void>((resolve, reject) => {
    if (signal.aborted) return reject(abortError());
    let socket: net.Socket;
    try {
      socket = 'path' in endpoint ? net.connect({ path: endpoint.path }) : net.connect({ host: endpoint.host, port: endpoint.port, autoSelectFamily: false });
    } catch (e) {
      return reject(e);
    }
    const finish = (error?: unknown): void => {
      signal.removeEventListener('abort', onAbort);
      socket.removeAllListeners('connect');
      socket.on('error', () => undefined);
      socket.destroy();
      if (error === undefined) resolve();
      else reject(error);
    };
    const onAbort = (): void => finish(abortError());
    signal.addEventListener('abort', onAbort, { once: true });
    socket.once('connect', () => finish());
    socket.once('error', (e) => finish(e));
  });

/** getaddrinfo in this process: cannot be abandoned (see resolver.ts); probe() uses a child unless given a lookup. */
export const systemLookup: Lookup = inProcessLookup;

export const statSocket: StatFn = async (path) => {
  try {
    const st = await fs.promises.stat(path);
    const kind = st.isSocket() ? 'socket' : st.isFile() ? 'file' : st.isDirectory() ? 'directory' : 'other';
    return { kind, mode: st.mode & 0o7777, uid: st.uid, gid: st.gid };
  } catch (e) {
    const error = errnoOf(e);
    return { kind: error.code === 'ENOENT' ? 'missing' : 'unreadable', error };
  }
};

function abortError(): Error {
  return Object.assign(new Error('aborted'), { code: 'ABORT_ERR' });
}

/** Names listed in an /etc/hosts text, lower-cased. */
export function hostsFileNames(text: string): Set<string> {
  const names = new Set<string>();
  for (const line of text.split('\n')) {
    const fields = (line.split('#')[0] ?? '').trim().split(/\s+/);
    for (const name of fields.slice(1)) if (name !== '') names.add(name.toLowerCase());
  }
  return names;
}

function readHostsFile(): string {
  try {
    return fs.readFileSync('/etc/hosts', 'utf8');
  } catch {
    return '';
  }
}

/** The error.log line nginx writes when connecting to `address` fails this way. */
export function nginxConnectLog(address: string, transport: 'tcp' | 'unix', error: ErrnoInfo | 'timeout'): string {
  if (error === 'timeout') return 'upstream timed out (110: Connection timed out) while connecting to upstream';
  if (transport === 'tcp' && ASYNC_TCP_ERRORS.has(error.code)) return `connect() failed (${error.text}) while connecting to upstream`;
  return `connect() to ${address} failed (${error.text}) while connecting to upstream`;
}

const DNS_ERRORS: Readonly<Record<string, string>> = {
  ENOTFOUND: 'host not found',
  EAI_NONAME: 'host not found',
  EAI_NODATA: 'host not found',
  ENODATA: 'host not found',
  EAI_AGAIN: 'temporary failure in name resolution',
  EAI_FAIL: 'non-recoverable failure in name resolution',
};

/** At most `limit` functions in flight; the peak is kept for tests. */
class Limiter {
  private active = 0;
  private readonly waiting: (() => void)[] = [];
  constructor(private readonly limit: number) {}

  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.active >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.active++;
    try {
      return await fn();
    } finally {
      this.active--;
      this.waiting.shift()?.();
    }
  }
}

type Attempt<T> = { kind: 'ok'; value: T } | { kind: 'error'; error: unknown } | { kind: 'timeout' } | { kind: 'skipped' };

/** Probes every target; resolves to results keyed by `probeKey`, in the order given. Never rejects. */
export async function probe(targets: readonly ProbeTarget[], options: ProbeOptions = {}): Promise<Map<string, ProbeResult>> {
  const timeoutMs = Math.max(1, options.timeoutMs ?? DEFAULT_PROBE_TIMEOUT_MS);
  const now = options.now ?? (() => performance.now());
  const deadline = now() + (options.deadlineMs ?? defaultDeadlineMs(timeoutMs));
  const connect = options.connect ?? netConnect;
  const stat = options.stat ?? statSocket;
  const concurrency = Math.max(1, Math.floor(options.concurrency ?? DEFAULT_PROBE_CONCURRENCY));
  const limiter = new Limiter(concurrency);
  let hostsNames: Set<string> | undefined;
  const inHostsFile = (host: string): boolean => (hostsNames ??= hostsFileNames(options.hostsFile ?? readHostsFile())).has(host.toLowerCase());

  /** Runs one operation in a slot, within min(timeout, time left before the deadline). */
  const attempt = <T>(op: (signal: AbortSignal) => Promise<T>): Promise<Attempt<T>> =>
    limiter.run(async () => {
      const left = deadline - now();
      if (left < Math.min(MIN_ATTEMPT_MS, timeoutMs)) return { kind: 'skipped' };
      return withTimeout(op, Math.min(timeoutMs, left), timeoutMs);
    });

  const { lookup, resolver } = await lookupFor(targets, options, concurrency, Math.max(0, Math.min(RESOLVER_START_MS, deadline - now())));
  try {
    return await probeAll(targets, { now, timeoutMs, connect, lookup, stat, attempt, inHostsFile, onProgress: options.onProgress });
  } finally {
    resolver?.close();
  }
}

type AttemptFn = <T>(op: (signal: AbortSignal) => Promise<T>) => Promise<Attempt<T>>;

/**
 * Runs `op` for at most `budget` ms, aborting it then; `timeoutMs` is the full per-target timeout (a
 * budget cut shorter by the deadline makes the result `skipped`, not a `timeout` finding). Never leaves a
 * timer behind, and never waits for an operation that ignores its abort signal.
 */
async function withTimeout<T>(op: (signal: AbortSignal) => Promise<T>, budget: number, timeoutMs: number): Promise<Attempt<T>> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<Attempt<T>>((resolve) => {
    timer = setTimeout(() => {
      controller.abort();
      resolve({ kind: budget < timeoutMs ? 'skipped' : 'timeout' });
    }, budget);
  });
  let work: Promise<Attempt<T>>;
  try {
    work = op(controller.signal).then(
      (value): Attempt<T> => ({ kind: 'ok', value }),
      (error: unknown): Attempt<T> => ({ kind: 'error', error }),
    );
  } catch (error) {
    work = Promise.resolve({ kind: 'error', error });
  }
  try {
    return await Promise.race([work, expired]);
  } finally {
    clearTimeout(timer);
    controller.abort();
  }
}

/** The given lookup, or, when some target is a hostname, the system resolver's child once it has started. */
async function lookupFor(targets: readonly ProbeTarget[], options: ProbeOptions, concurrency: number, startMs: number): Promise<{ lookup: Lookup; resolver?: SystemResolver }> {
  if (options.lookup !== undefined) return { lookup: options.lookup };
  if (!targets.some((t) => t.kind === 'tcp' && net.isIP(t.host) === 0)) return { lookup: inProcessLookup };
  const resolver = startSystemResolver(concurrency);
  // The child's start-up is not charged to the first lookups' timeouts.
  const started = await withTimeout(() => resolver.ready, startMs, startMs);
  if (started.kind === 'ok' && started.value) return { lookup: resolver.lookup, resolver };
  resolver.close();
  return { lookup: inProcessLookup };
}

interface ProbeContext {
  readonly now: () => number;
  readonly timeoutMs: number;
  readonly connect: Connector;
  readonly lookup: Lookup;
  readonly stat: StatFn;
  readonly attempt: AttemptFn;
  readonly inHostsFile: (host: string) => boolean;
  readonly onProgress: ((done: number, total: number) => void) | undefined;
}

async function probeAll(targets: readonly ProbeTarget[], context: ProbeContext): Promise<Map<string, ProbeResult>> {
  const { now, timeoutMs, connect, lookup, stat, attempt, inHostsFile } = context;

  /** stat() is local and takes no slot, but is timed too: a hung file system must not hold the probe. */
  const statWithin = async (path: string): Promise<SocketStat> => {
    const result = await withTimeout(() => stat(path), timeoutMs, timeoutMs);
    if (result.kind === 'ok') return result.value;
    return { kind: 'unreadable', error: result.kind === 'error' ? errnoOf(result.error) : errnoInfo('ETIMEDOUT') };
  };

  const lookups = new Map<string, Promise<Attempt<readonly string[]>>>();
  const resolveHost = (host: string): Promise<Attempt<readonly string[]>> => {
    let pending = lookups.get(host);
    if (pending === undefined) lookups.set(host, (pending = attempt(() => lookup(host))));
    return pending;
  };

  const connectOnce = async (endpoint: Endpoint, address: string, transport: 'tcp' | 'unix'): Promise<AddressProbe> => {
    const result = await attempt((signal) => connect(endpoint, signal));
    switch (result.kind) {
      case 'ok':
        return { address, outcome: 'ok' };
      case 'skipped':
        return { address, outcome: 'skipped' };
      case 'timeout':
        return { address, outcome: 'timeout', error: errnoInfo('ETIMEDOUT'), log: nginxConnectLog(address, transport, 'timeout') };
      case 'error': {
        const error = errnoOf(result.error);
        return { address, outcome: 'failed', error, log: nginxConnectLog(address, transport, error) };
      }
    }
  };

  const probeOne = async (target: ProbeTarget): Promise<ProbeResult> => {
    const started = now();
    const key = probeKey(target);
    if (target.kind === 'unix') {
      const [st, conn] = await Promise.all([statWithin(target.path), connectOnce({ path: target.path }, key, 'unix')]);
      return { key, target, status: summarize([conn]), addresses: [conn], stat: st, ms: now() - started };
    }
    const listed = net.isIP(target.host) === 0 ? inHostsFile(target.host) : undefined;
    let ips: readonly string[];
    if (net.isIP(target.host) !== 0) ips = [target.host];
    else {
      const found = await resolveHost(target.host);
      const base = { key, target, addresses: [], ...(listed !== undefined ? { inHostsFile: listed } : {}) };
      if (found.kind === 'skipped') return { ...base, status: 'skipped', ms: now() - started };
      if (found.kind === 'timeout') return { ...base, status: 'unresolved', dnsError: `no answer within ${timeoutMs}ms`, ms: now() - started };
      if (found.kind === 'error') {
        const code = errnoOf(found.error).code;
        return { ...base, status: 'unresolved', dnsError: DNS_ERRORS[code] ?? `lookup failed (${code})`, ms: now() - started };
      }
      ips = [...new Set(found.value)];
      if (ips.length === 0) return { ...base, status: 'unresolved', dnsError: 'host not found', ms: now() - started };
    }
    const addresses = await Promise.all(ips.map((ip) => connectOnce({ host: ip, port: target.port }, formatHostPort(ip, target.port), 'tcp')));
    return { key, target, status: summarize(addresses), addresses, ...(listed !== undefined ? { inHostsFile: listed } : {}), ms: now() - started };
  };

  const results = new Map<string, ProbeResult>();
  const unique = new Map<string, ProbeTarget>();
  for (const t of targets) if (!unique.has(probeKey(t))) unique.set(probeKey(t), t);
  let done = 0;
  const settled = await Promise.all(
    [...unique.values()].map(async (t) => {
      const r = await probeOne(t);
      context.onProgress?.(++done, unique.size);
      return r;
    }),
  );
  for (const r of settled) results.set(r.key, r);
  return results;
}

function summarize(addresses: readonly AddressProbe[]): ProbeResult['status'] {
  const ok = addresses.filter((a) => a.outcome === 'ok').length;
  const failed = addresses.filter((a) => a.outcome === 'failed' || a.outcome === 'timeout').length;
  if (failed === 0) return ok > 0 ? 'ok' : 'skipped';
  return ok > 0 ? 'partial' : 'unreachable';
}
