import { defineRule, PASS_DIRECTIVES, type DirectiveNode, type PassKind, type PassSite, type UpstreamBlock } from '../../src/rule-api.js';

/** Modules with `*_request_buffering`. */
const BUFFERING = new Set(['proxy', 'fastcgi', 'uwsgi', 'scgi']);

interface RetryDirectives {
  readonly next: string;
  readonly tries: string;
  /** Undefined for the modules without request buffering. */
  readonly buffering: string | undefined;
}

/** Each module's retry directives, spelled out once rather than concatenated for every pass. */
const RETRY_DIRECTIVES = new Map<PassKind, RetryDirectives>(
  (Object.keys(PASS_DIRECTIVES) as PassKind[]).map((kind) => [
    kind,
    { next: `${kind}_next_upstream`, tries: `${kind}_next_upstream_tries`, buffering: BUFFERING.has(kind) ? `${kind}_request_buffering` : undefined },
  ]),
);

/** Servers that take traffic (not `down`). */
function livePeers(upstream: UpstreamBlock): number {
  let live = 0;
  for (const s of upstream.servers) if (s.params.get('down') !== true) live++;
  return live;
}

export default defineRule({
  name: 'next-upstream-policy',
  category: 'upstream',
  severity: 'warning',
  description: 'Retry settings on multi-server upstream groups that turn a transient error on one peer into a 502, or replay requests.',
  fix: 'suggestion',
  messages: {
    retriesOff:
      '"{{directive}} off" on upstream "{{upstream}}" ({{peers}} servers): a connection error or timeout on one peer becomes a 502 although another peer could have answered',
    triesOne:
      '"{{directive}} 1" on upstream "{{upstream}}" ({{peers}} servers): nginx never tries the next peer, so a connection error on one becomes a 502',
    nonIdempotent:
      '"{{directive}}" lists non_idempotent: a POST, LOCK or PATCH that failed on one peer of upstream "{{upstream}}" is sent again to the next, which may apply it twice',
    bufferingOff:
      '"{{directive}} off" with upstream "{{upstream}}" ({{peers}} servers): once nginx has started sending the request body, a failing peer cannot be retried and the client gets 502',
  },
  create(context) {
    const model = context.model;
    const graph = context.upstreams;
    const seen = new Set<string>();
    const once = (node: DirectiveNode, upstream: UpstreamBlock): boolean => {
      const key = `${node.file.path}:${node.directive.span.start}:${upstream.name}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    };
    const last = (site: PassSite, name: string): DirectiveNode | undefined => {
      // A directive written nowhere is in effect nowhere: no scope chain to walk.
      if (model.byName(name).length === 0) return undefined;
      const eff = model.effective(site.node.scope, name);
      return eff.nodes[eff.nodes.length - 1];
    };
    const related = (upstream: UpstreamBlock, site: PassSite, node: DirectiveNode) => [
      { at: { node: upstream.node, span: upstream.node.directive.nameSpan }, message: `upstream "${upstream.name}" defined here` },
      ...(node.scope === site.node.scope ? [] : [{ at: { node: site.node }, message: 'passes to it here' }]),
    ];

    const check = (site: PassSite, upstream: UpstreamBlock): void => {
      const peers = livePeers(upstream);
      if (peers < 2) return;
      const names = RETRY_DIRECTIVES.get(site.passKind) as RetryDirectives;
      const directive = names.next;
      const next = last(site, directive);
      const args = next?.directive.args.map((a) => a.value) ?? ['error', 'timeout'];
      const data = { directive, upstream: upstream.name, peers };
      if (next !== undefined && args.includes('off')) {
        if (once(next, upstream)) context.report({ messageId: 'retriesOff', data, at: { node: next }, related: related(upstream, site, next) });
        return;
      }
      const tries = last(site, names.tries);
      if (tries !== undefined && tries.directive.args[0]?.value === '1') {
        if (once(tries, upstream)) context.report({ messageId: 'triesOne', data: { ...data, directive: names.tries }, at: { node: tries }, related: related(upstream, site, tries) });
        return;
      }
      if (next !== undefined && args.includes('non_idempotent') && once(next, upstream)) {
        context.report({ messageId: 'nonIdempotent', data, at: { node: next }, related: related(upstream, site, next) });
      }
      if (names.buffering !== undefined) {
        const buffering = last(site, names.buffering);
        if (buffering !== undefined && buffering.directive.args[0]?.value === 'off' && once(buffering, upstream)) {
          context.report({ messageId: 'bufferingOff', data: { ...data, directive: names.buffering }, at: { node: buffering }, related: related(upstream, site, buffering) });
        }
      }
    };

    return {
      'tree:exit': () => {
        // Only the modules whose retry directives the configuration writes somewhere can have findings.
        const written = (name: string | undefined): boolean => name !== undefined && model.byName(name).length > 0;
        const configured = new Set([...RETRY_DIRECTIVES].filter(([, names]) => written(names.next) || written(names.tries) || written(names.buffering)).map(([kind]) => kind));
        if (configured.size === 0) return;
        for (const site of graph.passes) {
          if (site.target.kind === 'upstream' && site.target.upstream.family === 'http' && configured.has(site.passKind)) check(site, site.target.upstream);
        }
      },
    };
  },
});
