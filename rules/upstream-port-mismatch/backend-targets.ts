/**
 * Shared by the backend cross-check rules (upstream-port-mismatch, unix-socket-path-mismatch,
 * fastcgi-tcp-vs-socket): every address nginx connects to, the protocol it speaks there, and a verdict
 * against the listeners read from the backends' own configuration. Each rule reports its own kind of
 * verdict, so that one wrong address is reported by exactly one of them.
 */
import {
  PASS_DIRECTIVES,
  parseAddress,
  replaceArg,
  type BackendInventory,
  type BackendProtocol,
  type DirectiveNode,
  type Edit,
  type Listener,
  type PassKind,
  type PassSite,
  type RelatedDescriptor,
  type RuleContext,
  type UpstreamBlock,
} from '../../src/rule-api.js';

type ScopeModel = RuleContext<string, unknown>['model'];
type UpstreamGraph = RuleContext<string, unknown>['upstreams'];

/** What nginx speaks over each pass; memcached is no backend ngxlint reads. */
const PASS_PROTOCOL: Readonly<Partial<Record<PassKind, BackendProtocol>>> = {
  proxy: 'http',
  fastcgi: 'fastcgi',
  uwsgi: 'uwsgi',
  scgi: 'scgi',
  grpc: 'grpc',
};

export const PROTOCOL_LABEL: Readonly<Record<BackendProtocol, string>> = {
  http: 'HTTP',
  fastcgi: 'FastCGI',
  uwsgi: 'uwsgi',
  scgi: 'SCGI',
  grpc: 'gRPC',
};

export type TargetAddress =
  | { readonly kind: 'tcp'; readonly host: string; readonly port: number }
  | { readonly kind: 'unix'; readonly path: string };

/** One address nginx connects to and the directive that writes it. */
export interface Target {
  /** The pass directive, or the `server` line of an upstream block. */
  readonly node: DirectiveNode;
  readonly address: TargetAddress;
  readonly protocol: BackendProtocol;
  /** The pass sites that connect here (one for a direct pass; the users of an upstream block). */
  readonly sites: readonly PassSite[];
  /** Set when the address is a `server` of this upstream block. */
  readonly upstream?: UpstreamBlock;
  /** How messages name the directive: `proxy_pass`, `server in upstream "app" (proxy_pass)`. */
  readonly label: string;
  /** nginx speaks TLS there (`https://`, `grpcs://`, `suwsgi://`); undefined when the scheme is not known. */
  readonly tls: boolean | undefined;
}

/** What the known listeners say about one target. */
export type Verdict =
  /** Something listens there (a backend, a compose port, nginx itself). */
  | { readonly kind: 'served' }
  /** Not enough backend data to judge. */
  | { readonly kind: 'unknown' }
  /** TCP: nothing on that port, while backends of this protocol listen on other ports of that host. */
  | { readonly kind: 'port'; readonly candidates: readonly Listener[] }
  /** unix: no such socket, while other sockets of this protocol are known. */
  | { readonly kind: 'path'; readonly candidates: readonly Listener[] }
  /** FastCGI over the other transport: TCP while the pools listen on sockets only, or the reverse. */
  | { readonly kind: 'transport'; readonly candidates: readonly Listener[] };

const WILDCARD_HOSTS = new Set(['', '*', '0.0.0.0', '::', '0:0:0:0:0:0:0:0']);

function normalizeHost(host: string): string {
  const h = host.toLowerCase();
  return h.startsWith('[') && h.endsWith(']') ? h.slice(1, -1) : h;
}

/** Loopback (or the unspecified address, which Linux connects to locally). */
export function isLocalHost(host: string): boolean {
  const h = normalizeHost(host);
  return h === 'localhost' || h === 'ip6-localhost' || h === '::1' || h === '0:0:0:0:0:0:0:1' || /^127\.\d+\.\d+\.\d+$/.test(h) || /^::ffff:127\./.test(h) || WILDCARD_HOSTS.has(h);
}

/** A listener nginx reaches by connecting to `host` (address family aside: that is another rule's business). */
function reachableFrom(listener: Listener, host: string): boolean {
  const bound = listener.host === undefined ? '' : normalizeHost(listener.host);
  if (isLocalHost(host)) return WILDCARD_HOSTS.has(bound) || isLocalHost(bound);
  return bound === normalizeHost(host);
}

/**
 * A listener that can stand for "the" backend of a target: not one inside a compose container (its
 * addresses are the container's; from the host only published ports reach it, and those are the
 * container rule's business), and not one whose address is a placeholder.
 */
function candidate(l: Listener): boolean {
  return l.kind !== 'compose' && l.service === undefined && l.symbolic !== true;
}

/** `/var/run` is a symlink to `/run` on every current distribution; repeated and trailing slashes do not count. */
function normalizePath(p: string): string {
  const collapsed = p.replace(/\/{2,}/g, '/').replace(/(.)\/$/, '$1');
  return collapsed.startsWith('/var/run/') ? collapsed.slice('/var'.length) : collapsed;
}

export function formatHostPort(host: string, port: number): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]:${port}` : `${host}:${port}`;
}

/** `PHP-FPM pool "www"`, `Apache (ports.conf)`, `gunicorn "app"`, `gunicorn (gunicorn.conf.py)`. */
export function describeListener(l: Listener): string {
  const base = l.source.file.slice(l.source.file.lastIndexOf('/') + 1);
  // A name that only repeats the program or the file says nothing: show the file instead.
  const named = (label: string): string => {
    const n = l.name.toLowerCase();
    const generic = n === '' || n === l.kind || n === label.toLowerCase() || n === base.toLowerCase() || n === base.replace(/\.[^.]*$/, '').toLowerCase() || base.toLowerCase().startsWith(`${n}.`);
    return generic ? `${label} (${base})` : `${label} "${l.name}"`;
  };
  switch (l.kind) {
    case 'php-fpm':
      return `PHP-FPM pool "${l.name}"`;
    case 'apache':
      return `Apache (${base})`;
    case 'dotenv':
      return `the app whose ${base} sets PORT`;
    case 'gunicorn':
      return named('gunicorn');
    case 'uwsgi':
      return named('uWSGI');
    case 'uvicorn':
      return named('uvicorn');
    case 'node':
      return named('Node');
    case 'compose':
      return `compose service "${l.service ?? l.name}"`;
    case 'systemd-socket':
      return named('systemd socket');
    case 'systemd-service':
      return named('systemd service');
  }
}

/** Where a listener listens, as a person reads it: `port 9000`, `127.0.0.1:9000`, `/run/php/php8.2-fpm.sock`. */
export function listenerAddress(l: Listener): string {
  if (l.transport === 'unix') return l.path ?? '?';
  if (l.host === undefined || WILDCARD_HOSTS.has(normalizeHost(l.host))) return `port ${l.port ?? '?'}`;
  return formatHostPort(normalizeHost(l.host), l.port ?? 0);
}

/** The address nginx should write to reach a listener: `unix:/path`, `127.0.0.1:9000`, `[::1]:9000`. */
export function nginxAddressOf(l: Listener): string | undefined {
  if (l.transport === 'unix') return l.path !== undefined && !l.path.includes('$') ? `unix:${l.path}` : undefined;
  if (l.port === undefined) return undefined;
  const bound = l.host === undefined ? '' : normalizeHost(l.host);
  if (bound === '' || bound === '*' || bound === '0.0.0.0') return `127.0.0.1:${l.port}`;
  if (WILDCARD_HOSTS.has(bound)) return `[::1]:${l.port}`;
  return formatHostPort(bound, l.port);
}

/** `PHP-FPM pool "www" on /run/php/php8.2-fpm.sock, Apache (ports.conf) on port 8081` */
export function describeCandidates(list: readonly Listener[]): string {
  return list.map((l) => `${describeListener(l)} on ${listenerAddress(l)}`).join(', ');
}

/** Related locations: the backend lines that say where each candidate listens. */
export function candidateRelated(list: readonly Listener[]): RelatedDescriptor[] {
  return list.map((l) => ({ at: { backend: l.source }, message: `${describeListener(l)} listens on ${listenerAddress(l)} here` }));
}

/** For an upstream server: the passes that use its block. */
export function siteRelated(target: Target): RelatedDescriptor[] {
  if (target.upstream === undefined) return [];
  return target.sites.map((s) => ({ at: { node: s.node }, message: `upstream "${target.upstream?.name ?? ''}" is used by ${s.node.name} here` }));
}

/** One listener per distinct address (Listen 8081 written twice, or 0.0.0.0 and [::] on one port). */
export function distinctBy(list: readonly Listener[], key: (l: Listener) => string | number | undefined): Listener[] {
  const seen = new Set<string | number | undefined>();
  return list.filter((l) => {
    const k = key(l);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/** Every address nginx connects to over the http passes, with its protocol; upstream blocks once per protocol. */
export function collectTargets(graph: UpstreamGraph): Target[][] {
  /** Groups: one per direct pass, one per (upstream block, protocol); a group is judged as a whole. */
  const groups: Target[][] = [];
  const seenUpstreams = new Set<string>();
  const upstreamKeys = new Map<UpstreamBlock, number>();
  for (const site of graph.passes) {
    const protocol = PASS_PROTOCOL[site.passKind];
    if (protocol === undefined) continue;
    const directive = PASS_DIRECTIVES[site.passKind];
    const t = site.target;
    if (t.kind === 'upstream') {
      if (t.upstream.family !== 'http') continue;
      let id = upstreamKeys.get(t.upstream);
      if (id === undefined) upstreamKeys.set(t.upstream, (id = upstreamKeys.size));
      const key = `${id}\u0000${protocol}`;
      if (seenUpstreams.has(key)) continue;
      seenUpstreams.add(key);
      const sites = graph.usersOf(t.upstream).filter((s) => PASS_PROTOCOL[s.passKind] === protocol);
      const schemes = new Set(sites.map((s) => (s.url.ok ? s.url.value.ssl : undefined)));
      const tls = schemes.size === 1 ? [...schemes][0] : undefined;
      const group: Target[] = [];
      for (const server of t.upstream.servers) {
        if (server.params.has('down') || !server.parsed.ok) continue;
        const p = server.parsed.value;
        const address: TargetAddress = p.kind === 'unix' ? { kind: 'unix', path: p.path } : { kind: 'tcp', host: p.host, port: p.port };
        group.push({ node: server.node, address, protocol, sites, upstream: t.upstream, label: `server in upstream "${t.upstream.name}" (${directive})`, tls });
      }
      if (group.length > 0) groups.push(group);
      continue;
    }
    let address: TargetAddress | undefined;
    if (t.kind === 'unix') {
      // `unix:/run/php/php$version-fpm.sock` is known only per request.
      if (!t.path.includes('$')) address = { kind: 'unix', path: t.path };
    } else if (t.kind === 'address' && t.port !== undefined) {
      address = { kind: 'tcp', host: t.host, port: t.port };
    } else if (t.kind === 'variable' && site.url.ok) {
      // `proxy_pass http://127.0.0.1:8080$request_uri`: the variables are in the URI; the address is static.
      const u = site.url.value;
      // `8080$request_uri`: these variables always start with `/`, so the port ends before them.
      const port = u.effectivePort ?? Number(/^(\d{1,5})\$(?:request_uri|uri|document_uri)\b/.exec(u.portText ?? '')?.[1] ?? Number.NaN);
      if (u.host !== undefined && u.isIpLiteral && Number.isInteger(port) && port > 0 && port < 65536 && u.upstreamName !== undefined && graph.find(u.upstreamName) === undefined) {
        address = { kind: 'tcp', host: u.host, port };
      }
    }
    if (address !== undefined) groups.push([{ node: site.node, address, protocol, sites: [site], label: directive, tls: site.url.ok ? site.url.value.ssl : undefined }]);
  }
  return groups;
}

/** What nginx itself listens on: its own ports and sockets count as served (internal proxying to itself). */
export interface NginxListens {
  readonly ports: ReadonlySet<number>;
  readonly paths: ReadonlySet<string>;
}

export function nginxListens(model: ScopeModel): NginxListens {
  const ports = new Set<number>();
  const paths = new Set<string>();
  for (const node of model.byName('listen')) {
    const text = node.directive.args[0]?.value;
    if (text === undefined) continue;
    const parsed = parseAddress(text, { mode: 'listen' });
    if (!parsed.ok) continue;
    const a = parsed.value;
    if (a.kind === 'unix') paths.add(normalizePath(a.path));
    else for (let p = a.port; p <= (a.lastPort ?? a.port) && p - a.port < 1000; p++) ports.add(p);
  }
  // A server without `listen` listens on *:80 (or *:8000 when nginx does not run as root).
  for (const node of model.byName('server')) {
    if (node.block === null || node.block.kind !== 'server') continue;
    if (model.local(node.block, 'listen').length === 0) {
      ports.add(80);
      ports.add(8000);
    }
  }
  return { ports, paths };
}

/** The ports and socket paths the configuration connects to anywhere. */
export interface InUse {
  readonly ports: ReadonlySet<number>;
  readonly paths: ReadonlySet<string>;
}

function inUse(groups: readonly (readonly Target[])[]): InUse {
  const ports = new Set<number>();
  const paths = new Set<string>();
  for (const t of groups.flat()) {
    if (t.address.kind === 'tcp') {
      if (isLocalHost(t.address.host)) ports.add(t.address.port);
    } else paths.add(normalizePath(t.address.path));
  }
  return { ports, paths };
}

/**
 * A backend another route of the configuration already connects to is most likely that route's, not
 * this one's: candidates nobody uses come first; only when every candidate is in use do they all count.
 */
function unclaimed(list: readonly Listener[], used: InUse): Listener[] {
  const free = list.filter((l) => (l.transport === 'unix' ? !used.paths.has(normalizePath(l.path ?? '')) : !used.ports.has(l.port ?? -1)));
  return free.length > 0 ? free : [...list];
}

/** Judges one target against the inventory. */
export function judge(target: Target, inventory: BackendInventory, own: NginxListens, used: InUse = { ports: new Set(), paths: new Set() }): Verdict {
  const a = target.address;
  const listeners = inventory.listeners;
  if (a.kind === 'tcp') {
    // nginx in a container (without host networking) reaches its own container on loopback:
    // container-loopback-upstream's business, and no backend file here describes that container.
    if (isLocalHost(a.host) && inventory.services.some((s) => s.runsNginx && s.networkMode !== 'host')) return { kind: 'unknown' };
    if (own.ports.has(a.port)) return { kind: 'served' };
    if (listeners.some((l) => l.transport === 'tcp' && l.port === a.port)) return { kind: 'served' };
    if (inventory.services.some((s) => s.expose.includes(a.port) || s.ports.some((p) => p.host === a.port || p.container === a.port))) return { kind: 'served' };
    // A listener whose address is an `${ENV}` placeholder may well be this one.
    if (listeners.some((l) => l.symbolic === true && (l.protocol === target.protocol || (l.transport === 'tcp' && l.port === undefined)))) return { kind: 'unknown' };
    // A TLS port is no candidate for a plain-text target, nor the reverse.
    const sameProtocol = listeners.filter(
      (l) => l.transport === 'tcp' && candidate(l) && l.protocol === target.protocol && l.port !== undefined && reachableFrom(l, a.host) && (target.tls === undefined || (l.tls ?? false) === target.tls),
    );
    if (sameProtocol.length > 0) return { kind: 'port', candidates: unclaimed(distinctBy(sameProtocol, (l) => l.port), used) };
    if (target.protocol === 'fastcgi' && isLocalHost(a.host)) {
      const sockets = listeners.filter((l) => l.transport === 'unix' && candidate(l) && l.protocol === 'fastcgi' && l.path !== undefined);
      if (sockets.length > 0 && !sockets.some((l) => (l.path ?? '').includes('$'))) return { kind: 'transport', candidates: unclaimed(distinctBy(sockets, (l) => normalizePath(l.path ?? '')), used) };
    }
    return { kind: 'unknown' };
  }
  const path = normalizePath(a.path);
  if (own.paths.has(path)) return { kind: 'served' };
  const sockets = listeners.filter((l) => l.transport === 'unix' && l.path !== undefined);
  if (sockets.some((l) => normalizePath(l.path ?? '') === path)) return { kind: 'served' };
  // A path still holding a placeholder (`${SOCKET}`, an unexpanded `$pool`) may be any socket.
  if (listeners.some((l) => l.symbolic === true && (l.protocol === target.protocol || l.transport === 'unix')) || sockets.some((l) => (l.path ?? '').includes('$'))) return { kind: 'unknown' };
  const sameProtocol = sockets.filter((l) => candidate(l) && l.protocol === target.protocol);
  if (sameProtocol.length > 0) return { kind: 'path', candidates: unclaimed(distinctBy(sameProtocol, (l) => normalizePath(l.path ?? '')), used) };
  if (target.protocol === 'fastcgi') {
    const tcp = listeners.filter((l) => l.transport === 'tcp' && candidate(l) && l.protocol === 'fastcgi' && l.port !== undefined);
    if (tcp.length > 0) return { kind: 'transport', candidates: unclaimed(distinctBy(tcp, (l) => `${l.host ?? ''}:${l.port ?? ''}`), used) };
  }
  return { kind: 'unknown' };
}

export type Failing = Exclude<Verdict, { kind: 'served' } | { kind: 'unknown' }>;

/**
 * The verdicts of every target whose group has no served (or undecidable) member: nginx retries a refused
 * connection on the next server of an upstream, so one dead peer among live ones costs a retry, not a 502.
 * `alone` is false for a server that shares its upstream block with others: a fix there would have to
 * choose between them.
 */
export function failingTargets(groups: readonly (readonly Target[])[], inventory: BackendInventory, own: NginxListens): { target: Target; verdict: Failing; alone: boolean }[] {
  const out: { target: Target; verdict: Failing; alone: boolean }[] = [];
  if (inventory.listeners.length === 0) return out;
  const used = inUse(groups);
  for (const group of groups) {
    const judged = group.map((target) => ({ target, verdict: judge(target, inventory, own, used) }));
    const failing: { target: Target; verdict: Failing }[] = [];
    for (const j of judged) {
      const v = j.verdict;
      if (v.kind === 'served' || v.kind === 'unknown') break;
      failing.push({ target: j.target, verdict: v });
    }
    if (failing.length < judged.length) continue;
    for (const f of failing) out.push({ ...f, alone: group.length === 1 });
  }
  return out;
}

/**
 * An edit that turns argument `index` into `value`, touching only the text inside the quotes when the
 * argument was written without escapes (so its quoting stays as it was); else the whole argument.
 */
export function editArgValue(node: DirectiveNode, index: number, value: string): Edit {
  const arg = node.directive.args[index];
  if (arg === undefined) throw new Error(`${node.name} has no argument ${index}`);
  const q = arg.quote ?? '';
  if (arg.raw === `${q}${arg.value}${q}` && !/[\\"'\s;{}$]/.test(value)) {
    return { file: node.file.path, start: arg.span.start + q.length, end: arg.span.end - q.length, text: value };
  }
  return replaceArg(node, index, value);
}

/** The value with the port of its `host[:port]` part (after an optional `scheme://`) set to `port`. */
export function withPort(value: string, port: number): string | undefined {
  const scheme = /^[a-z][a-z0-9+.-]*:\/\//i.exec(value);
  let i = scheme === null ? 0 : scheme[0].length;
  if (value.slice(i).toLowerCase().startsWith('unix:')) return undefined;
  if (value[i] === '[') {
    const close = value.indexOf(']', i);
    if (close === -1) return undefined;
    i = close + 1;
  } else {
    while (i < value.length && !':/?$'.includes(value[i] as string)) i++;
  }
  const hostEnd = i;
  if (value[i] === ':') {
    i++;
    if (!/[0-9]/.test(value[i] ?? '')) return undefined;
    while (i < value.length && /[0-9]/.test(value[i] as string)) i++;
  }
  return `${value.slice(0, hostEnd)}:${port}${value.slice(i)}`;
}

/** The value with the socket path after `unix:` replaced. */
export function withSocketPath(value: string, oldPath: string, newPath: string): string | undefined {
  const at = value.toLowerCase().indexOf('unix:');
  if (at === -1 || value.slice(at + 5, at + 5 + oldPath.length) !== oldPath) return undefined;
  return value.slice(0, at + 5) + newPath + value.slice(at + 5 + oldPath.length);
}
