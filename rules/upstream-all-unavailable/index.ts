import { defineRule, replaceArgs, type DirectiveNode, type PassKind, type PassSite, type RelatedDescriptor, type UpstreamBlock, type UpstreamServer } from '../../src/rule-api.js';

/** Status codes that, listed in `*_next_upstream`, count as a failed attempt toward `max_fails`. */
const FAILING_CODES = new Set(['http_500', 'http_502', 'http_503', 'http_504', 'http_429']);

/** A server's `max_fails`, default 1; 0 disables the accounting. */
function maxFails(server: UpstreamServer): number {
  const value = server.params.get('max_fails');
  if (value === undefined || value === true) return 1;
  const n = Number(value);
  return Number.isInteger(n) ? n : 1;
}

function maxConns(server: UpstreamServer): number {
  const value = server.params.get('max_conns');
  if (value === undefined || value === true) return 0;
  const n = Number(value);
  return Number.isInteger(n) ? n : 0;
}

const isDown = (server: UpstreamServer): boolean => server.params.get('down') === true;

/** `proxy_next_upstream`, `fastcgi_next_upstream`, ... by pass kind. */
const NEXT_UPSTREAM: Readonly<Record<PassKind, string>> = {
  proxy: 'proxy_next_upstream',
  fastcgi: 'fastcgi_next_upstream',
  uwsgi: 'uwsgi_next_upstream',
  scgi: 'scgi_next_upstream',
  grpc: 'grpc_next_upstream',
  memcached: 'memcached_next_upstream',
};

export default defineRule({
  name: 'upstream-all-unavailable',
  category: 'upstream',
  severity: 'error',
  description: 'Upstream groups that nginx can run out of entirely: every server down, max_conns on every server, or error responses that eject every peer ("no live upstreams").',
  fix: 'suggestion',
  messages: {
    allDown: 'every server of upstream "{{upstream}}" is marked "down": each request gets 502 with "no live upstreams while connecting to upstream"',
    maxConnsEverywhere:
      'every server of upstream "{{upstream}}" has max_conns ({{total}} connections in all{{perWorker}}): one more concurrent request gets 502 with "no live upstreams while connecting to upstream" (open-source nginx has no queue)',
    failingCodesEject:
      '"{{directive}}" lists {{codes}}: those responses count toward max_fails, so with max_fails={{maxFails}} fail_timeout={{failTimeout}} an application error on every peer of upstream "{{upstream}}" ejects them all and nginx answers 502 "no live upstreams" for {{failTimeout}}',
  },
  create(context) {
    const model = context.model;
    const graph = context.upstreams;
    const reported = new Set<string>();

    const upstreamRelated = (upstream: UpstreamBlock): RelatedDescriptor => ({ at: { node: upstream.node, span: upstream.node.directive.nameSpan }, message: `upstream "${upstream.name}" defined here` });

    /** Every server down, or every live one (`live`: the servers not `down`) limited by max_conns. */
    const checkServers = (upstream: UpstreamBlock, users: readonly PassSite[], live: readonly UpstreamServer[]): void => {
      const servers = upstream.servers;
      if (servers.length === 0 || upstream.node.block === null) return;
      const related = (): RelatedDescriptor[] => users.slice(0, 1).map((u) => ({ at: { node: u.node }, message: 'used here' }));
      if (live.length === 0) {
        const first = servers[0] as UpstreamServer;
        context.report({ messageId: 'allDown', data: { upstream: upstream.name }, at: { node: first.node }, related: related() });
        return;
      }
      // NGINX Plus can queue requests instead of failing them (asked only when every server has max_conns).
      if (live.every((s) => maxConns(s) > 0) && model.local(upstream.node.block, 'queue').length === 0) {
        const total = live.reduce((sum, s) => sum + maxConns(s), 0);
        const hasZone = model.local(upstream.node.block, 'zone').length > 0;
        context.report({
          messageId: 'maxConnsEverywhere',
          data: { upstream: upstream.name, total, perWorker: hasZone ? '' : ', counted per worker without a zone' },
          at: { node: (live[0] as UpstreamServer).node },
          related: related(),
        });
      }
    };

    /** `error timeout http_500` listed at a pass site whose group has two or more peers (`live`) that can all be ejected. */
    const checkCodes = (site: PassSite, upstream: UpstreamBlock, live: readonly UpstreamServer[]): void => {
      const name = NEXT_UPSTREAM[site.passKind];
      const eff = model.effective(site.node.scope, name);
      const node: DirectiveNode | undefined = eff.nodes[eff.nodes.length - 1];
      if (node === undefined) return;
      const args = node.directive.args.map((a) => a.value);
      if (args.includes('off')) return;
      const codes = args.filter((a) => FAILING_CODES.has(a));
      if (codes.length === 0) return;
      const key = `${node.file.path}:${node.directive.span.start}:${upstream.name}`;
      if (reported.has(key)) return;
      reported.add(key);
      const fails = Math.min(...live.map(maxFails));
      const timeouts = [...new Set(live.map((s) => (typeof s.params.get('fail_timeout') === 'string' ? (s.params.get('fail_timeout') as string) : '10s')))];
      const kept = args.filter((a) => !FAILING_CODES.has(a));
      const fixArgs = kept.length > 0 ? kept : ['error', 'timeout'];
      context.report({
        messageId: 'failingCodesEject',
        data: { directive: name, codes: codes.join(', '), maxFails: fails, failTimeout: timeouts.join('/'), upstream: upstream.name },
        at: { node },
        related: [upstreamRelated(upstream), ...(node.scope === site.node.scope ? [] : [{ at: { node: site.node }, message: 'passes to it here' }])],
        fix: { title: `remove ${codes.join(', ')} from ${name} (the backend's own error reaches the client instead)`, applicability: 'suggestion', edits: [replaceArgs(node, fixArgs)] },
      });
    };

    return {
      'tree:exit': () => {
        // With no `*_next_upstream` written anywhere, every pass has nginx's default, which lists no status code.
        const codesListed = Object.values(NEXT_UPSTREAM).some((name) => model.byName(name).length > 0);
        for (const list of graph.upstreams.values()) {
          for (const upstream of list) {
            if (upstream.family !== 'http') continue;
            const users = graph.usersOf(upstream);
            if (users.length === 0) continue;
            const live = upstream.servers.filter((s) => !isDown(s));
            checkServers(upstream, users, live);
            if (!codesListed || live.length < 2 || live.some((s) => maxFails(s) === 0)) continue;
            for (const site of users) checkCodes(site, upstream, live);
          }
        }
      },
    };
  },
});
