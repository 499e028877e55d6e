/**
 * The upstream graph: `upstream` blocks with their servers, every `*_pass` site, and what each pass
 * resolves to (an upstream block, an implicit host:port, a unix socket, a run-time variable), plus the
 * names that match no upstream.
 */
import { parseAddress, parseUpstreamUrl, passKindOf, type ParsedAddress, type PassKind, type Result, type UpstreamUrl } from './values.js';
import type { Arg } from '../parser/index.js';
import type { DirectiveNode, ScopeModel } from './scope.js';
import { isIPv4Literal, isIPv6Literal } from './values.js';

export interface UpstreamServer {
  readonly node: DirectiveNode;
  /** The address argument as written. */
  readonly address: string;
  readonly parsed: Result<ParsedAddress>;
  /** `weight=5` -> weight: '5'; flags such as `backup`, `down`, `resolve` -> true. */
  readonly params: ReadonlyMap<string, string | true>;
}

export interface UpstreamBlock {
  readonly name: string;
  readonly node: DirectiveNode;
  /** 'http' for upstream{} in http, 'stream' in stream. */
  readonly family: 'http' | 'stream';
  readonly servers: readonly UpstreamServer[];
}

export type PassTarget =
  | { readonly kind: 'upstream'; readonly upstream: UpstreamBlock }
  /** An implicit upstream: host[:port] resolved at startup, or an IP literal. */
  | { readonly kind: 'address'; readonly host: string; readonly port: number | undefined }
  | { readonly kind: 'unix'; readonly path: string }
  /** Evaluated per request; what it resolves to is not known statically. */
  | { readonly kind: 'variable' }
  /** A name without a port that matches no upstream block (nginx: `no port in upstream`, or DNS at startup). */
  | { readonly kind: 'unknown-name'; readonly name: string }
  | { readonly kind: 'invalid'; readonly error: string };

export interface PassSite {
  readonly node: DirectiveNode;
  readonly passKind: PassKind;
  readonly url: Result<UpstreamUrl>;
  readonly target: PassTarget;
}

export class UpstreamGraph {
  /** Upstream blocks by lower-cased name (nginx matches names case-insensitively); duplicates kept. */
  readonly upstreams: ReadonlyMap<string, readonly UpstreamBlock[]>;
  readonly passes: readonly PassSite[];
  private readonly users = new Map<UpstreamBlock, PassSite[]>();

  constructor(model: ScopeModel) {
    const upstreams = new Map<string, UpstreamBlock[]>();
    const params = new ParamsTable();
    for (const node of model.byName('upstream')) {
      if (node.block === null) continue;
      const name = node.directive.args[0]?.value ?? '';
      const family = node.scope.kind === 'stream' ? 'stream' : 'http';
      const servers = model.local(node.block, 'server').map((s) => upstreamServer(s, params));
      const block: UpstreamBlock = { name, node, family, servers };
      const key = name.toLowerCase();
      const list = upstreams.get(key);
      if (list === undefined) upstreams.set(key, [block]);
      else list.push(block);
    }
    this.upstreams = upstreams;

    /**
     * The parsed URL and target by pass kind and text: configurations repeat a target across locations
     * (`fastcgi_pass unix:/run/php-fpm.sock` in every PHP location), and both are read-only, so the sites
     * share them.
     */
    const parsedTargets = new Map<PassKind, Map<string, ParsedTarget>>();
    const passes: PassSite[] = [];
    for (const node of model.passNodes()) {
      const passKind = passKindOf(node.name);
      if (passKind === undefined || node.scope.kind === 'stream-server') continue;
      const arg = node.directive.args[0];
      if (arg === undefined) continue;
      let byText = parsedTargets.get(passKind);
      if (byText === undefined) parsedTargets.set(passKind, (byText = new Map()));
      let parsed = byText.get(arg.value);
      if (parsed === undefined) {
        const url = parseUpstreamUrl(arg.value, passKind);
        byText.set(arg.value, (parsed = { url, target: this.resolveTarget(url) }));
      }
      const site: PassSite = { node, passKind, url: parsed.url, target: parsed.target };
      passes.push(site);
      if (site.target.kind === 'upstream') {
        const list = this.users.get(site.target.upstream);
        if (list === undefined) this.users.set(site.target.upstream, [site]);
        else list.push(site);
      }
    }
    this.passes = passes;
  }

  /** The http upstream block a name refers to (the first, when duplicated). */
  find(name: string, family: 'http' | 'stream' = 'http'): UpstreamBlock | undefined {
    const blocks = this.upstreams.get(name.toLowerCase());
    if (blocks === undefined) return undefined;
    for (const block of blocks) if (block.family === family) return block;
    return undefined;
  }

  /** The pass sites that use an upstream block. */
  usersOf(upstream: UpstreamBlock): readonly PassSite[] {
    return this.users.get(upstream) ?? [];
  }

  private resolveTarget(url: Result<UpstreamUrl>): PassTarget {
    if (!url.ok) return { kind: 'invalid', error: url.error };
    const u = url.value;
    if (u.unixPath !== undefined) return { kind: 'unix', path: u.unixPath };
    if (u.hasVariables && u.upstreamName === undefined) return { kind: 'variable' };
    if (u.upstreamName !== undefined && u.noPort) {
      const upstream = this.find(u.upstreamName);
      if (upstream !== undefined) return { kind: 'upstream', upstream };
      if (u.requiresUpstreamBlock && !u.hasVariables) return { kind: 'unknown-name', name: u.upstreamName };
    }
    if (u.hasVariables) return { kind: 'variable' };
    if (u.host !== undefined) return { kind: 'address', host: u.host, port: u.effectivePort };
    return { kind: 'variable' };
  }
}

interface ParsedTarget {
  readonly url: Result<UpstreamUrl>;
  readonly target: PassTarget;
}

function upstreamServer(node: DirectiveNode, params: ParamsTable): UpstreamServer {
  const args = node.directive.args;
  const address = args[0]?.value ?? '';
  return { node, address, parsed: parseAddress(address, UPSTREAM_ADDRESS), params: params.of(args) };
}

/**
 * The parameters of `server` lines, one read-only map per distinct list: most upstreams repeat the same
 * few (`max_fails=3 fail_timeout=30s`, `backup`, none), so servers share their map.
 */
class ParamsTable {
  private readonly byText = new Map<string, ReadonlyMap<string, string | true>>();

  /** The parameters after the address: `weight=5` -> weight: '5'; flags such as `backup` -> true. */
  of(args: readonly Arg[]): ReadonlyMap<string, string | true> {
    // Each value prefixed with its length: values may hold any character, spaces included.
    let text = '';
    for (let i = 1; i < args.length; i++) {
      const value = (args[i] as Arg).value;
      text += `${value.length}:${value}`;
    }
    let params = this.byText.get(text);
    if (params === undefined) {
      const map = new Map<string, string | true>();
      for (let i = 1; i < args.length; i++) {
        const value = (args[i] as Arg).value;
        const eq = value.indexOf('=');
        if (eq === -1) map.set(value, true);
        else map.set(value.slice(0, eq), value.slice(eq + 1));
      }
      this.byText.set(text, (params = map));
    }
    return params;
  }
}

const UPSTREAM_ADDRESS = { mode: 'upstream' } as const;

const isIpLiteral = (host: string): boolean => isIPv4Literal(host) || isIPv6Literal(host.replace(/^\[|\]$/g, ''));
const isLoopbackName = (host: string): boolean => /^localhost\.?$/i.test(host) || /\.localhost\.?$/i.test(host);

/**
 * The host name a TLS backend expects (for SNI and certificate checks), when the configuration says it:
 * every server of the upstream block names the same host, else a literal `proxy_set_header Host name`
 * (grpc: `grpc_set_header`) in effect at the pass.
 */
export function expectedServerName(model: ScopeModel, site: PassSite, upstream: UpstreamBlock | undefined, prefix: string): string | undefined {
  if (upstream !== undefined && upstream.servers.length > 0) {
    const hosts = new Set<string>();
    for (const s of upstream.servers) {
      const parsed = s.parsed;
      if (!parsed.ok || parsed.value.kind !== 'hostname') {
        hosts.clear();
        break;
      }
      hosts.add(parsed.value.host.toLowerCase());
    }
    const only = [...hosts][0];
    if (hosts.size === 1 && only !== undefined && !isLoopbackName(only)) return only;
  }
  const headerDirective = prefix === 'grpc' ? 'grpc_set_header' : prefix === 'proxy' ? 'proxy_set_header' : undefined;
  if (headerDirective === undefined) return undefined;
  const headers = model.effective(site.node.scope, headerDirective).nodes;
  for (let i = headers.length - 1; i >= 0; i--) {
    const args = headers[i]?.directive.args ?? [];
    if (args[0]?.value.toLowerCase() !== 'host') continue;
    const value = (args[1]?.value ?? '').replace(/:\d+$/, '');
    if (/^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/i.test(value) && !isIpLiteral(value)) return value.toLowerCase();
    return undefined;
  }
  return undefined;
}
