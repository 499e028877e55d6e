/**
 * Which backend listeners an nginx pass connects to: the addresses a pass (or an upstream{} block's
 * servers) names, their normal form, and the lookup of listeners by address.
 *
 * Matching is by address: a unix socket by path (`/var/run/x` is `/run/x`; repeated and trailing slashes
 * do not count), a TCP target by port and host, where 127.0.0.1 (any 127.x), ::1 and localhost are one
 * host. What a listener bound to every interface (`0.0.0.0`, `::`, no host) serves is the caller's
 * policy (AddressPolicy): any host name, or only targets on this machine.
 */
import { PASS_DIRECTIVES, type PassKind } from '../model/values.js';
import type { PassSite, UpstreamBlock, UpstreamGraph, UpstreamServer } from '../model/upstreams.js';
import type { DirectiveNode } from '../model/scope.js';
import type { Span } from '../source/index.js';
import type { BackendProtocol, Listener } from './types.js';

/** An address nginx connects to. */
export type TargetAddress =
  | { readonly kind: 'tcp'; readonly host: string; readonly port: number }
  | { readonly kind: 'unix'; readonly path: string };

/**
 * How hosts are compared. The two presets below are the policies of the rules that use them; their fields
 * differ only where those rules were written to differ.
 */
export interface AddressPolicy {
  /**
   * What a listener bound to every interface serves. `any-host`: any host name (gunicorn.conf.py binding
   * 0.0.0.0:8000 next to the config of an nginx that reaches it as `app:8000`). `local`: only targets on
   * this machine: a loopback address, or the unspecified address itself, which Linux connects locally.
   */
  readonly wildcard: 'any-host' | 'local';
  /** Also know the long IPv6 spellings (`0:0:0:0:0:0:0:1`, `0:0:0:0:0:0:0:0`) and IPv4-mapped loopback (`::ffff:127.x`). */
  readonly longForms: boolean;
}

/** A wildcard listener serves any host name; short spellings (backend limit rules: timeouts, pool, buffers). */
export const MATCH_ANY_HOST: AddressPolicy = { wildcard: 'any-host', longForms: false };
/** A wildcard listener serves only local targets; every spelling (address mismatch rules: port, socket path, transport). */
export const MATCH_LOCAL: AddressPolicy = { wildcard: 'local', longForms: true };

/** A host name lower-cased, without IPv6 brackets. */
export function normalizeHost(host: string): string {
  const h = host.toLowerCase();
  return h.startsWith('[') && h.endsWith(']') ? h.slice(1, -1) : h;
}

/** A socket path as the kernel sees it: `/var/run` is a symlink to `/run` on current distributions; repeated and trailing slashes do not count. */
export function normalizeSocketPath(p: string): string {
  const clean = p.replace(/\/{2,}/g, '/').replace(/(.)\/$/, '$1');
  return clean.startsWith('/var/run/') ? clean.slice('/var'.length) : clean;
}

/** The unspecified address, or no host (every interface). Takes a raw or normalised host. */
export function isWildcardHost(host: string | undefined, longForms = true): boolean {
  if (host === undefined) return true;
  const h = normalizeHost(host);
  return h === '' || h === '*' || h === '0.0.0.0' || h === '::' || (longForms && h === '0:0:0:0:0:0:0:0');
}

/** A loopback address or name: localhost, 127.x, ::1. */
export function isLoopbackHost(host: string, longForms = true): boolean {
  const h = normalizeHost(host);
  if (h === 'localhost' || h === 'ip6-localhost' || h === '::1' || /^127\.\d+\.\d+\.\d+$/.test(h)) return true;
  return longForms && (h === '0:0:0:0:0:0:0:1' || /^::ffff:127\./.test(h));
}

/** Loopback, or the unspecified address, which Linux connects to locally. */
export function isLocalHost(host: string, longForms = true): boolean {
  return isLoopbackHost(host, longForms) || isWildcardHost(host, longForms);
}

/** Whether a listener bound to `bound` (undefined: every interface) is reached by connecting to `target`. */
export function hostReaches(bound: string | undefined, target: string, policy: AddressPolicy): boolean {
  const have = bound === undefined ? '' : normalizeHost(bound);
  const want = normalizeHost(target);
  if (policy.wildcard === 'any-host') {
    if (isWildcardHost(have, policy.longForms)) return true;
    return have === want || (isLoopbackHost(have, policy.longForms) && isLoopbackHost(want, policy.longForms));
  }
  if (isLocalHost(want, policy.longForms)) return isLocalHost(have, policy.longForms);
  return have === want;
}

/**
 * Whether a listener serves a target address. A listener whose address is known only at run time
 * (`symbolic`) is never matched; a compose service's listener is reached only by the service's name.
 */
export function listenerServes(listener: Listener, target: TargetAddress, policy: AddressPolicy): boolean {
  if (listener.symbolic === true) return false;
  if (target.kind === 'unix') return listener.transport === 'unix' && listener.path !== undefined && normalizeSocketPath(listener.path) === normalizeSocketPath(target.path);
  if (listener.transport !== 'tcp' || listener.port !== target.port) return false;
  if (listener.service !== undefined) return listener.service.toLowerCase() === normalizeHost(target.host);
  return hostReaches(listener.host, target.host, policy);
}

/** The listeners that serve an address, in inventory order. */
export function listenersAt(listeners: readonly Listener[], target: TargetAddress, policy: AddressPolicy): Listener[] {
  return listeners.filter((l) => listenerServes(l, target, policy));
}

/** The address an upstream `server` line names; undefined when it does not parse. */
export function serverAddress(server: UpstreamServer): TargetAddress | undefined {
  if (!server.parsed.ok) return undefined;
  const a = server.parsed.value;
  return a.kind === 'unix' ? { kind: 'unix', path: a.path } : { kind: 'tcp', host: a.host, port: a.port };
}

export interface PassAddressOptions {
  /** Leave out a socket path that holds a variable (`unix:/run/php/php$version-fpm.sock`): it is known only per request. */
  readonly skipVariablePaths?: boolean;
  /**
   * Also read the static address of a pass whose variables are only in the URI
   * (`proxy_pass http://127.0.0.1:8080$request_uri`): an IP literal that names no upstream block of this graph.
   */
  readonly variableUrisIn?: UpstreamGraph;
}

/** The address a pass connects to itself (not through an upstream block); undefined when it is not known statically. */
export function passAddress(site: PassSite, options: PassAddressOptions = {}): TargetAddress | undefined {
  const t = site.target;
  if (t.kind === 'unix') return options.skipVariablePaths === true && t.path.includes('$') ? undefined : { kind: 'unix', path: t.path };
  if (t.kind === 'address') return t.port === undefined ? undefined : { kind: 'tcp', host: t.host, port: t.port };
  const graph = options.variableUrisIn;
  if (t.kind === 'variable' && graph !== undefined && site.url.ok) {
    const u = site.url.value;
    // `8080$request_uri`: these variables always start with `/`, so the port ends before them.
    const port = u.effectivePort ?? Number(/^(\d{1,5})\$(?:request_uri|uri|document_uri)\b/.exec(u.portText ?? '')?.[1] ?? Number.NaN);
    if (u.host !== undefined && u.isIpLiteral && Number.isInteger(port) && port > 0 && port < 65536 && u.upstreamName !== undefined && graph.find(u.upstreamName) === undefined) {
      return { kind: 'tcp', host: u.host, port };
    }
  }
  return undefined;
}

/** A listener a pass connects to, with the upstream server that leads to it (when the pass names an upstream). */
export interface BackendMatch {
  readonly listener: Listener;
  readonly server?: UpstreamServer;
}

/** The listeners behind an upstream{} block's servers (one match per listener, first server first). */
export function matchUpstream(block: UpstreamBlock, listeners: readonly Listener[], policy: AddressPolicy): BackendMatch[] {
  const out: BackendMatch[] = [];
  const seen = new Set<Listener>();
  for (const server of block.servers) {
    const target = serverAddress(server);
    if (target === undefined) continue;
    for (const listener of listeners) {
      if (seen.has(listener) || !listenerServes(listener, target, policy)) continue;
      seen.add(listener);
      out.push({ listener, server });
    }
  }
  return out;
}

/** The listeners a pass connects to: its upstream block's servers, its host:port, or its socket. */
export function matchPass(site: PassSite, listeners: readonly Listener[], policy: AddressPolicy): BackendMatch[] {
  if (listeners.length === 0) return [];
  if (site.target.kind === 'upstream') return matchUpstream(site.target.upstream, listeners, policy);
  const target = passAddress(site);
  return target === undefined ? [] : listenersAt(listeners, target, policy).map((listener) => ({ listener }));
}

/** What nginx speaks over each pass; memcached is no backend ngxlint reads. */
export const PASS_PROTOCOL: Readonly<Partial<Record<PassKind, BackendProtocol>>> = {
  proxy: 'http',
  fastcgi: 'fastcgi',
  uwsgi: 'uwsgi',
  scgi: 'scgi',
  grpc: 'grpc',
};

/** One address nginx connects to and the directive that writes it. */
export interface BackendTarget {
  /** The pass directive, or the `server` line of an upstream block. */
  readonly node: PassSite['node'];
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

/**
 * Every address nginx connects to over the http passes, with its protocol, in groups that are judged as a
 * whole: one per direct pass, one per (upstream block, protocol) holding its servers that are not `down`.
 * Socket paths holding a variable are left out; a pass whose variables are only in the URI counts.
 */
export function collectTargets(graph: UpstreamGraph): BackendTarget[][] {
  const groups: BackendTarget[][] = [];
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
      const group: BackendTarget[] = [];
      for (const server of t.upstream.servers) {
        if (server.params.has('down')) continue;
        const address = serverAddress(server);
        if (address === undefined) continue;
        group.push({ node: server.node, address, protocol, sites, upstream: t.upstream, label: `server in upstream "${t.upstream.name}" (${directive})`, tls });
      }
      if (group.length > 0) groups.push(group);
      continue;
    }
    const address = passAddress(site, { skipVariablePaths: true, variableUrisIn: graph });
    if (address !== undefined) groups.push([{ node: site.node, address, protocol, sites: [site], label: directive, tls: site.url.ok ? site.url.value.ssl : undefined }]);
  }
  return groups;
}

/** A unix socket nginx connects to: a pass directive's `unix:` target or an upstream's `server unix:...`. */
export interface UnixSocketTarget {
  readonly path: string;
  /** The directive holding the address (the pass, or the upstream's `server`). */
  readonly node: DirectiveNode;
  readonly span: Span;
  readonly site: PassSite;
}

/** Computed once per list of passes: several rules ask about the same graph's passes. */
const targetsByPasses = new WeakMap<readonly PassSite[], readonly UnixSocketTarget[]>();

/** Socket targets of every pass site, one per address (a shared upstream `server` line counts once). */
export function unixSocketTargets(passes: readonly PassSite[]): readonly UnixSocketTarget[] {
  let targets = targetsByPasses.get(passes);
  if (targets === undefined) targetsByPasses.set(passes, (targets = collectUnixSocketTargets(passes)));
  return targets;
}

function collectUnixSocketTargets(passes: readonly PassSite[]): UnixSocketTarget[] {
  const out: UnixSocketTarget[] = [];
  const seen = new Set<DirectiveNode>();
  for (const site of passes) {
    const target = site.target;
    if (target.kind === 'unix') {
      const arg = site.node.directive.args[0];
      if (arg !== undefined) out.push({ path: target.path, node: site.node, span: arg.span, site });
    } else if (target.kind === 'upstream') {
      for (const server of target.upstream.servers) {
        if (!server.parsed.ok || server.parsed.value.kind !== 'unix' || seen.has(server.node)) continue;
        seen.add(server.node);
        const arg = server.node.directive.args[0];
        if (arg !== undefined) out.push({ path: server.parsed.value.path, node: server.node, span: arg.span, site });
      }
    }
  }
  return out;
}
