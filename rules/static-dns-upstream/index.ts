import {
  closestMatches,
  defineRule,
  isIPv4Literal,
  isIPv6Literal,
  type DirectiveNode,
  type Edit,
  type Fix,
  type RelatedDescriptor,
  type UpstreamBlock,
} from '../../src/rule-api.js';

/** Names whose addresses change by design: cloud load balancers, Kubernetes services. */
const VOLATILE_SUFFIXES = [
  '.elb.amazonaws.com',
  '.elb.amazonaws.com.cn',
  '.cloudapp.azure.com',
  '.azurewebsites.net',
  '.cloudapp.net',
  '.run.app',
  '.appspot.com',
  '.herokuapp.com',
  '.svc',
  '.svc.cluster.local',
  '.cluster.local',
];

/** Loopback names are owned by localhost-dual-stack; they never move. */
const LOOPBACK = /^(localhost|localhost\.localdomain|localhost6|ip6-localhost|ip6-loopback)$|\.localhost$/i;

/** Docker's names for the host and its gateway: stable for the container's life. */
const STABLE = /^(host|gateway)\.docker\.internal$/i;

const HAS_LETTER = /[a-z]/i;

/**
 * A real DNS name: template placeholders such as `${BACKEND}` or `<PHP_SOCKET>` are not. The letter test
 * comes first: it turns away the IPv4 addresses most servers are written with at once.
 */
const isHostname = (h: string): boolean =>
  HAS_LETTER.test(h) && /^[a-z0-9_]([a-z0-9_.-]*[a-z0-9_])?\.?$/i.test(h) && !isIPv4Literal(h) && !isIPv6Literal(h.replace(/^\[|\]$/g, '')) && !LOOPBACK.test(h) && !STABLE.test(h);

function groupByLength(names: readonly string[]): Map<number, string[]> {
  const byLength = new Map<number, string[]>();
  for (const name of names) {
    const group = byLength.get(name.length);
    if (group === undefined) byLength.set(name.length, [name]);
    else group.push(name);
  }
  return byLength;
}

const isVolatile = (h: string): boolean => {
  const lower = h.toLowerCase().replace(/\.$/, '');
  return VOLATILE_SUFFIXES.some((s) => lower.endsWith(s));
};

export default defineRule({
  name: 'static-dns-upstream',
  category: 'dns',
  severity: 'warning',
  description: 'An upstream hostname that nginx resolves once, at start or reload, and keeps using after its address changes.',
  fix: 'suggestion',
  messages: {
    staticName:
      'nginx resolves "{{host}}" once, at start or reload, and keeps its addresses until the next reload: when they change, requests fail with "connect() failed (111: Connection refused) while connecting to upstream" (502) or time out (504); {{suggestion}}',
    volatileName:
      '"{{host}}" is a {{what}} whose addresses change without notice, but nginx resolves it only at start or reload: after a change, requests fail with "connect() failed (111: Connection refused) while connecting to upstream" (502) or "upstream timed out (110: Connection timed out) while connecting to upstream" (504); {{suggestion}}',
  },
  create(context) {
    const model = context.model;
    /** Whether the target nginx re-resolves upstream names (`resolve`); asked when a finding needs it. */
    let modernMemo: boolean | undefined;
    const modern = (): boolean => (modernMemo ??= context.version.atLeast('1.27.3'));

    const what = (h: string): string => (/\.svc(\.cluster\.local)?$|\.cluster\.local$/i.test(h.replace(/\.$/, '')) ? 'Kubernetes service name' : 'cloud load balancer name');

    const upstreamTemplate = (host: string, port: string, name: string): string =>
      modern()
        ? `on nginx >= 1.27.3 re-resolve it: "upstream ${name} { zone ${name} 64k; server ${host}${port} resolve; }" with a "resolver" in http or the upstream block`
        : `before nginx 1.27.3 ("resolve" is rejected with invalid parameter "resolve"), put the name in a variable and add a resolver: "resolver <dns> valid=30s; set $${name.replace(/[^\w]/g, '_')} ${host}; proxy_pass http://$${name.replace(/[^\w]/g, '_')}${port};" (a variable changes how the URI is passed: review it)`;

    /** The upstream{} names by length, gathered on first use. */
    let namesByLength: Map<number, string[]> | undefined;
    const nearMisses = new Map<string, boolean>();
    /** Whether some upstream{} name is within 2 edits of `host` (and not equal): then `host` is a typo. */
    const nearUpstreamName = (host: string): boolean => {
      let near = nearMisses.get(host);
      if (near === undefined) {
        namesByLength ??= groupByLength([...context.upstreams.upstreams.values()].flatMap((list) => list.map((u) => u.name)));
        // Only names whose length is within 2 of the host's can be within 2 edits of it.
        const candidates: string[] = [];
        for (let length = host.length - 2; length <= host.length + 2; length++) for (const name of namesByLength.get(length) ?? []) candidates.push(name);
        near = closestMatches(host, candidates, 2).length > 0;
        nearMisses.set(host, near);
      }
      return near;
    };

    return {
      'tree:exit'() {
        const graph = context.upstreams;
        // Implicit upstreams: `proxy_pass https://api.example.com` without variables.
        for (const site of graph.passes) {
          const t = site.target;
          if (t.kind !== 'address' || !isHostname(t.host)) continue;
          const arg = site.node.directive.args[0];
          if (arg === undefined || !site.url.ok) continue;
          // A near-miss of an upstream{} name is a typo, reported by upstream-definition-errors.
          if (site.url.value.noPort && nearUpstreamName(t.host)) continue;
          const port = site.url.value.port !== undefined ? `:${site.url.value.port}` : site.url.value.defaultPort !== undefined ? `:${site.url.value.defaultPort}` : '';
          const name = t.host.split('.')[0]?.replace(/[^\w-]/g, '') || 'backend';
          context.report({
            messageId: isVolatile(t.host) ? 'volatileName' : 'staticName',
            data: { host: t.host, what: what(t.host), suggestion: upstreamTemplate(t.host, port, name) },
            at: { node: site.node, span: arg.span },
          });
        }

        // `server host:port` in upstream{} blocks without `resolve`.
        for (const blocks of graph.upstreams.values()) {
          for (const block of blocks) {
            for (const server of block.servers) {
              if (!server.parsed.ok || server.parsed.value.kind === 'unix') continue;
              const host = server.parsed.value.host;
              if (!isHostname(host) || server.params.has('resolve') || server.params.has('service')) continue;
              const arg = server.node.directive.args[0];
              if (arg === undefined) continue;
              const related: RelatedDescriptor[] = graph.usersOf(block).slice(0, 3).map((s) => ({ at: { node: s.node }, message: `used by ${s.node.name} here` }));
              const fix = modern() ? resolveFix(block, server.node) : undefined;
              context.report({
                messageId: isVolatile(host) ? 'volatileName' : 'staticName',
                data: {
                  host,
                  what: what(host),
                  suggestion: modern()
                    ? `on nginx >= 1.27.3 add "resolve" to this server (the upstream needs a "zone", and a "resolver" must be set in http or the upstream block)`
                    : upstreamTemplate(host, server.parsed.value.portExplicit ? `:${server.parsed.value.port}` : '', block.name),
                },
                at: { node: server.node, span: arg.span },
                related,
                ...(fix !== undefined ? { fix } : {}),
              });
            }
          }
        }
      },
    };

    /** `resolve` on the server line, plus a `zone` when the block has none (nginx requires one for resolve). */
    function resolveFix(block: UpstreamBlock, server: DirectiveNode): Fix | undefined {
      if (block.node.block === null) return undefined;
      const args = server.directive.args;
      const last = args[args.length - 1];
      if (last === undefined) return undefined;
      const edits: Edit[] = [{ file: server.file.path, start: last.span.end, end: last.span.end, text: ' resolve' }];
      // nginx: `resolving names at run time requires upstream "x" ... to be in shared memory`.
      const hasZone = model.local(block.node.block, 'zone').length > 0;
      const title = hasZone ? 'add "resolve" to the server (needs a resolver)' : 'add "resolve" and a shared memory zone (needs a resolver)';
      if (!hasZone) {
        const zone = `zone ${block.name.replace(/[^\w-]/g, '_')} 64k;`;
        const text = server.file.source.text;
        let lineStart = server.directive.span.start;
        while (lineStart > 0 && text[lineStart - 1] !== '\n') lineStart--;
        const indent = /^[ \t]*/.exec(text.slice(lineStart, server.directive.span.start))?.[0] ?? '';
        const ownLine = indent.length === server.directive.span.start - lineStart;
        edits.unshift({ file: server.file.path, start: server.directive.span.start, end: server.directive.span.start, text: ownLine ? `${zone}${server.file.source.lineEnding}${indent}` : `${zone} ` });
      }
      return { title, applicability: 'suggestion', edits };
    }
  },
});
