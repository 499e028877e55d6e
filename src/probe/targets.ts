/**
 * The addresses a configuration names, and nothing else: every `*_pass` to an address or unix socket, and
 * every `server` of every `upstream{}` block (except `down` ones, which nginx never connects to). Passes
 * with variables are left out: what they reach is known only per request.
 */
import type { PassSite, UpstreamGraph, UpstreamServer } from '../model/index.js';
import type { ProbeTarget } from './types.js';

/** `unix:/path`, `127.0.0.1:9000`, `[::1]:9000`, `app.internal:8080`: the address as nginx prints it. */
export function probeKey(target: ProbeTarget): string {
  if (target.kind === 'unix') return `unix:${target.path}`;
  return formatHostPort(target.host, target.port);
}

export function formatHostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

/** What a pass site connects to itself (not through an upstream block); undefined otherwise. */
export function passProbeTarget(site: PassSite): ProbeTarget | undefined {
  const target = site.target;
  if (target.kind === 'unix') return { kind: 'unix', path: target.path };
  if (target.kind === 'address' && target.port !== undefined && target.host !== '') return { kind: 'tcp', host: target.host, port: target.port };
  return undefined;
}

/** What an upstream `server` connects to; undefined for `down` servers and addresses nginx rejects. */
export function serverProbeTarget(server: UpstreamServer): ProbeTarget | undefined {
  if (server.params.has('down') || !server.parsed.ok) return undefined;
  const parsed = server.parsed.value;
  if (parsed.kind === 'unix') return { kind: 'unix', path: parsed.path };
  if (parsed.host === '' || parsed.host.includes('$')) return undefined;
  return { kind: 'tcp', host: parsed.host, port: parsed.port };
}

/** A pass --probe leaves out because its target is known only per request, for the caller to list. */
export interface UnprobedPass {
  readonly file: string;
  /** 1-based, of the pass's first argument. */
  readonly line: number;
  readonly column: number;
  /** The directive as written: `proxy_pass http://$backend`. */
  readonly text: string;
}

/** The passes whose targets contain variables: nginx evaluates them per request, so the probe cannot know them. */
export function variablePassesOf(graph: UpstreamGraph): UnprobedPass[] {
  return graph.passes
    .filter((site) => site.target.kind === 'variable')
    .map((site) => {
      const d = site.node.directive;
      const at = d.args[0]?.span.start ?? d.nameSpan.start;
      const { line, column } = site.node.file.source.positionAt(at);
      return { file: d.file, line, column, text: [d.name, ...d.args.map((a) => a.raw)].join(' ') };
    });
}

/** Every target the configuration names, once each, in document order. */
export function probeTargetsOf(graph: UpstreamGraph): ProbeTarget[] {
  const out = new Map<string, ProbeTarget>();
  const add = (target: ProbeTarget | undefined): void => {
    if (target !== undefined && !out.has(probeKey(target))) out.set(probeKey(target), target);
  };
  for (const site of graph.passes) add(passProbeTarget(site));
  for (const blocks of graph.upstreams.values()) for (const block of blocks) for (const server of block.servers) add(serverProbeTarget(server));
  return [...out.values()];
}
