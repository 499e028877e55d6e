/**
 * A verdict on each address nginx connects to, against the listeners read from the backends' own
 * configuration (rules upstream-port-mismatch, unix-socket-path-mismatch, fastcgi-tcp-vs-socket). Each
 * rule reports its own kind of verdict, so that one wrong address is reported by exactly one of them.
 */
import { parseAddress } from '../model/values.js';
import type { ScopeModel } from '../model/scope.js';
import { MATCH_LOCAL, hostReaches, isLocalHost, normalizeSocketPath, type BackendTarget } from './match.js';
import type { BackendInventory, Listener } from './types.js';

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

export type Failing = Exclude<Verdict, { kind: 'served' } | { kind: 'unknown' }>;

/**
 * A listener that can stand for "the" backend of a target: not one inside a compose container (its
 * addresses are the container's; from the host only published ports reach it, and those are the
 * container rule's business), and not one whose address is a placeholder.
 */
function candidate(l: Listener): boolean {
  return l.kind !== 'compose' && l.service === undefined && l.symbolic !== true;
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
    if (a.kind === 'unix') paths.add(normalizeSocketPath(a.path));
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

function inUse(groups: readonly (readonly BackendTarget[])[]): InUse {
  const ports = new Set<number>();
  const paths = new Set<string>();
  for (const t of groups.flat()) {
    if (t.address.kind === 'tcp') {
      if (isLocalHost(t.address.host)) ports.add(t.address.port);
    } else paths.add(normalizeSocketPath(t.address.path));
  }
  return { ports, paths };
}

/**
 * A backend another route of the configuration already connects to is most likely that route's, not
 * this one's: candidates nobody uses come first; only when every candidate is in use do they all count.
 */
function unclaimed(list: readonly Listener[], used: InUse): Listener[] {
  const free = list.filter((l) => (l.transport === 'unix' ? !used.paths.has(normalizeSocketPath(l.path ?? '')) : !used.ports.has(l.port ?? -1)));
  return free.length > 0 ? free : [...list];
}

/**
 * Judges one target against the inventory. A port or socket anyone listens on counts as served; candidates
 * on other ports are only those reachable from the target's host with a wildcard listener reached only
 * from this machine (MATCH_LOCAL).
 */
export function judge(target: BackendTarget, inventory: BackendInventory, own: NginxListens, used: InUse = { ports: new Set(), paths: new Set() }): Verdict {
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
      (l) =>
        l.transport === 'tcp' &&
        candidate(l) &&
        l.protocol === target.protocol &&
        l.port !== undefined &&
        hostReaches(l.host, a.host, MATCH_LOCAL) &&
        (target.tls === undefined || (l.tls ?? false) === target.tls),
    );
    if (sameProtocol.length > 0) return { kind: 'port', candidates: unclaimed(distinctBy(sameProtocol, (l) => l.port), used) };
    if (target.protocol === 'fastcgi' && isLocalHost(a.host)) {
      const sockets = listeners.filter((l) => l.transport === 'unix' && candidate(l) && l.protocol === 'fastcgi' && l.path !== undefined);
      if (sockets.length > 0 && !sockets.some((l) => (l.path ?? '').includes('$'))) return { kind: 'transport', candidates: unclaimed(distinctBy(sockets, (l) => normalizeSocketPath(l.path ?? '')), used) };
    }
    return { kind: 'unknown' };
  }
  const path = normalizeSocketPath(a.path);
  if (own.paths.has(path)) return { kind: 'served' };
  const sockets = listeners.filter((l) => l.transport === 'unix' && l.path !== undefined);
  if (sockets.some((l) => normalizeSocketPath(l.path ?? '') === path)) return { kind: 'served' };
  // A path still holding a placeholder (`${SOCKET}`, an unexpanded `$pool`) may be any socket.
  if (listeners.some((l) => l.symbolic === true && (l.protocol === target.protocol || l.transport === 'unix')) || sockets.some((l) => (l.path ?? '').includes('$'))) return { kind: 'unknown' };
  const sameProtocol = sockets.filter((l) => candidate(l) && l.protocol === target.protocol);
  if (sameProtocol.length > 0) return { kind: 'path', candidates: unclaimed(distinctBy(sameProtocol, (l) => normalizeSocketPath(l.path ?? '')), used) };
  if (target.protocol === 'fastcgi') {
    const tcp = listeners.filter((l) => l.transport === 'tcp' && candidate(l) && l.protocol === 'fastcgi' && l.port !== undefined);
    if (tcp.length > 0) return { kind: 'transport', candidates: unclaimed(distinctBy(tcp, (l) => `${l.host ?? ''}:${l.port ?? ''}`), used) };
  }
  return { kind: 'unknown' };
}

/**
 * The verdicts of every target whose group has no served (or undecidable) member: nginx retries a refused
 * connection on the next server of an upstream, so one dead peer among live ones costs a retry, not a 502.
 * `alone` is false for a server that shares its upstream block with others: a fix there would have to
 * choose between them.
 */
export function failingTargets(groups: readonly (readonly BackendTarget[])[], inventory: BackendInventory, own: NginxListens): { target: BackendTarget; verdict: Failing; alone: boolean }[] {
  const out: { target: BackendTarget; verdict: Failing; alone: boolean }[] = [];
  if (inventory.listeners.length === 0) return out;
  const used = inUse(groups);
  for (const group of groups) {
    const judged = group.map((target) => ({ target, verdict: judge(target, inventory, own, used) }));
    const failing: { target: BackendTarget; verdict: Failing }[] = [];
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
