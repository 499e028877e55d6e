/**
 * Shared by the backend cross-check rules (upstream-timeout-vs-backend-limit, upstream-timeout-missing,
 * upstream-keepalive-idle-race, php-fpm-pool-saturation, uwsgi-buffer-size): which backend listeners an
 * nginx pass (or an upstream{} block) connects to, and the backend limits those rules compare, with the
 * backend's documented defaults where a limit is not written.
 *
 * Matching is by address: a unix socket by path (`/var/run/x` is `/run/x`), a TCP target by port and host,
 * where 127.0.0.1 (any 127.x), ::1 and localhost are one host, a listener bound to every interface
 * (`0.0.0.0`, `::`, no host) matches any host name (gunicorn.conf.py next to the config of an nginx that
 * reaches it as `app:8000`), and a compose service's listener matches only the service's name.
 */
import type { BackendSource, Listener, PassSite, RelatedDescriptor, UpstreamBlock, UpstreamServer } from '../../src/rule-api.js';

/** A listener a pass connects to, with the upstream server that leads to it (when the pass names an upstream). */
export interface BackendMatch {
  readonly listener: Listener;
  readonly server?: UpstreamServer;
}

/** An address nginx connects to. */
export type Target = { readonly path: string } | { readonly host: string; readonly port: number };

function normalizeHost(host: string): string {
  const h = host.toLowerCase();
  return h.startsWith('[') && h.endsWith(']') ? h.slice(1, -1) : h;
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === 'ip6-localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

function isWildcard(host: string | undefined): boolean {
  return host === undefined || host === '' || host === '*' || host === '0.0.0.0' || host === '::' || host === '[::]';
}

/** A socket path as the kernel sees it: `/var/run` is a symlink to `/run` on current distributions. */
export function normalizePath(p: string): string {
  const clean = p.replace(/\/{2,}/g, '/').replace(/(.)\/$/, '$1');
  return clean.startsWith('/var/run/') ? clean.slice('/var'.length) : clean;
}

/** Whether a listener serves a target address. */
export function listenerServes(listener: Listener, target: Target): boolean {
  // A listener whose address is known only at run time is never matched (readers' contract).
  if (listener.symbolic === true) return false;
  if ('path' in target) return listener.transport === 'unix' && listener.path !== undefined && normalizePath(listener.path) === normalizePath(target.path);
  if (listener.transport !== 'tcp' || listener.port !== target.port) return false;
  const want = normalizeHost(target.host);
  // A compose service is reached by its name from the other containers.
  if (listener.service !== undefined) return listener.service.toLowerCase() === want;
  if (isWildcard(listener.host)) return true;
  const have = normalizeHost(listener.host as string);
  return have === want || (isLoopback(have) && isLoopback(want));
}

function serverTarget(server: UpstreamServer): Target | undefined {
  if (!server.parsed.ok) return undefined;
  const a = server.parsed.value;
  return a.kind === 'unix' ? { path: a.path } : { host: a.host, port: a.port };
}

/** The listeners behind an upstream{} block's servers (one match per listener, first server first). */
export function matchUpstream(block: UpstreamBlock, listeners: readonly Listener[]): BackendMatch[] {
  const out: BackendMatch[] = [];
  const seen = new Set<Listener>();
  for (const server of block.servers) {
    const target = serverTarget(server);
    if (target === undefined) continue;
    for (const listener of listeners) {
      if (seen.has(listener) || !listenerServes(listener, target)) continue;
      seen.add(listener);
      out.push({ listener, server });
    }
  }
  return out;
}

/** The listeners a pass connects to: its upstream block's servers, its host:port, or its socket. */
export function matchPass(site: PassSite, listeners: readonly Listener[]): BackendMatch[] {
  if (listeners.length === 0) return [];
  const t = site.target;
  if (t.kind === 'upstream') return matchUpstream(t.upstream, listeners);
  let target: Target;
  if (t.kind === 'unix') target = { path: t.path };
  else if (t.kind === 'address' && t.port !== undefined) target = { host: t.host, port: t.port };
  else return [];
  return listeners.filter((l) => listenerServes(l, target)).map((listener) => ({ listener }));
}

/** How messages name a backend: `gunicorn "app"`, `PHP-FPM pool "www"`, `gunicorn (gunicorn.conf.py)`. */
export function backendLabel(listener: Listener): string {
  const kinds: Readonly<Record<Listener['kind'], string>> = {
    'php-fpm': 'PHP-FPM pool',
    apache: 'Apache',
    gunicorn: 'gunicorn',
    uwsgi: 'uWSGI',
    uvicorn: 'uvicorn',
    node: 'Node',
    compose: 'service',
    'systemd-socket': 'socket unit',
    'systemd-service': 'service unit',
    dotenv: 'the app of',
  };
  const kind = kinds[listener.kind];
  const name = listener.name;
  // A name that only repeats the program (gunicorn.conf.py is "gunicorn") says less than the file.
  if (name === '' || name.toLowerCase() === listener.kind || name.toLowerCase() === kind.toLowerCase()) {
    return `${kind} (${listener.source.file.slice(listener.source.file.lastIndexOf('/') + 1)})`;
  }
  return `${kind} "${name}"`;
}

/** A time in nginx syntax: whole seconds when possible, else milliseconds. */
export function formatMs(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}

/** A limit read from a backend, or the backend's documented default when none is written. */
export interface BackendValue {
  readonly value: number;
  readonly listener: Listener;
  /** The backend setting's name as its users write it (`request_terminate_timeout`, `timeout`, `harakiri`). */
  readonly setting: string;
  /** Where it is written; for a default, where the listener is. */
  readonly source: BackendSource;
  readonly isDefault: boolean;
}

/**
 * Whether a value is the backend's default rather than written: readers report a default with an empty span
 * (a file's line 1), or, for command lines, at the command itself (the listener's own source).
 */
export function isDefaultSource(source: BackendSource, listener: Listener): boolean {
  if (source.endColumn <= source.column) return true;
  const l = listener.source;
  return source.file === l.file && source.line === l.line && source.column === l.column && source.endColumn === l.endColumn;
}

const REQUEST_SETTING: Partial<Record<Listener['kind'], string>> = {
  'php-fpm': 'request_terminate_timeout',
  gunicorn: 'timeout',
  uwsgi: 'harakiri',
};

/**
 * The wall-clock limit the backend puts on one request, in ms: FPM `request_terminate_timeout`, gunicorn
 * `timeout`, uWSGI `harakiri`. The readers fill in the backend's default where the file writes none (gunicorn:
 * 30s) and leave the value out when it cannot be known. Undefined when off (0), unknown or symbolic (`${ENV}`).
 */
export function requestLimit(listener: Listener): BackendValue | undefined {
  const setting = REQUEST_SETTING[listener.kind] ?? 'request timeout';
  const written = listener.requestTimeout;
  if (written === undefined || written.symbolic === true || !Number.isFinite(written.value) || written.value <= 0) return undefined;
  return { value: written.value, listener, setting, source: written.source, isDefault: isDefaultSource(written.source, listener) };
}

/** The largest finite request limit among the matched backends. */
export function largestRequestLimit(matches: readonly BackendMatch[]): BackendValue | undefined {
  let best: BackendValue | undefined;
  for (const m of matches) {
    const limit = requestLimit(m.listener);
    if (limit !== undefined && (best === undefined || limit.value > best.value)) best = limit;
  }
  return best;
}

const IDLE_SETTING: Partial<Record<Listener['kind'], string>> = {
  gunicorn: 'keepalive',
  uvicorn: '--timeout-keep-alive',
  node: 'keepAliveTimeout',
  apache: 'KeepAliveTimeout',
};

/** Idle keep-alive timeouts the readers do not report: Apache's KeepAliveTimeout (its reader reads only Listen). */
const IDLE_DEFAULT: Partial<Record<Listener['kind'], number>> = {
  apache: 5_000,
};

/**
 * How long the backend keeps an idle keep-alive connection open, in ms. The readers fill in the server's
 * default (Node and uvicorn: 5s; gunicorn: 2s, only for worker classes that keep connections) and leave the
 * value out when it cannot be known; Apache's 5s default is added here. Undefined when unknown, symbolic, or 0
 * (keep-alive off, or no timeout).
 */
export function idleTimeout(listener: Listener): BackendValue | undefined {
  const setting = IDLE_SETTING[listener.kind] ?? 'keep-alive timeout';
  const written = listener.idleTimeout;
  if (written !== undefined) {
    if (written.symbolic === true || !Number.isFinite(written.value) || written.value <= 0) return undefined;
    return { value: written.value, listener, setting, source: written.source, isDefault: isDefaultSource(written.source, listener) };
  }
  const fallback = IDLE_DEFAULT[listener.kind];
  if (fallback === undefined) return undefined;
  return { value: fallback, listener, setting, source: listener.source, isDefault: true };
}

/** A related location in a backend file. */
export function backendRelated(source: BackendSource, message: string): RelatedDescriptor {
  return { at: { backend: source }, message };
}

/**
 * The related location for a backend value: the line that sets it (for a default assumed from a command line,
 * the program), or the listener when the file writes none. `does` says what the value does, e.g. "ends a
 * request after".
 */
export function valueRelated(v: BackendValue, unit: (n: number) => string, does: string): RelatedDescriptor {
  const label = backendLabel(v.listener);
  return v.isDefault
    ? backendRelated(v.source, `${label}: ${v.setting} is not set, so it ${does} ${unit(v.value)} (the default)`)
    : backendRelated(v.source, `${label} ${does} ${unit(v.value)} (${v.setting})`);
}
