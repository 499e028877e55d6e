import { argLocus, defineRule, passProbeTarget, probeKey, serverProbeTarget, type DirectiveNode, type RelatedDescriptor, type UpstreamBlock } from '../../src/rule-api.js';

export default defineRule({
  name: 'upstream-unreachable',
  category: 'upstream',
  severity: 'error',
  description: 'With --probe: a backend address the configuration names refuses connections, times out, has no socket file or does not resolve.',
  messages: {
    unreachable: 'nothing accepts connections at {{address}} (--probe{{detail}}): nginx logs "{{log}}" and {{effect}}',
    partlyUnreachable:
      '{{host}} resolves to {{addresses}}, and {{failed}} does not accept connections (--probe): nginx logs "{{log}}" for each request it sends there and tries the next address; with retries off (*_next_upstream off or *_next_upstream_tries 1) that request {{effect}}',
    unresolved: 'host not found in upstream "{{address}}" (--probe: {{reason}} from the system resolver): {{consequence}}',
    resolveIgnoresHosts:
      '{{host}} is listed in /etc/hosts, but "resolve" makes nginx look it up again with its own resolver, which never reads /etc/hosts: unless DNS knows the name too, nginx logs "{{host}} could not be resolved (3: Host not found)" and the server has no address to connect to',
  },
  create(context) {
    const probes = context.probes;
    if (probes.size === 0) return {};

    /** Reports what the probe found for one address named at `node`. */
    const check = (node: DirectiveNode, key: string, family: 'http' | 'stream', options: { resolve?: boolean; related?: RelatedDescriptor[] } = {}): void => {
      const result = probes.get(key);
      if (result === undefined) return;
      const related = options.related ?? [];
      const failed = result.addresses.filter((a) => a.outcome === 'failed' || a.outcome === 'timeout');
      const first = failed[0];
      const timeout = first?.outcome === 'timeout';
      const effect = family === 'stream' ? 'closes the client connection' : timeout ? 'answers 504' : 'answers 502';
      if (result.status === 'unreachable' && first !== undefined) {
        // A hostname is named as written, with what it resolved to.
        const named = result.target.kind === 'tcp' && result.key !== first.address;
        const address = named && result.addresses.length === 1 ? `${result.key} (${first.address})` : named ? result.key : first.address;
        let detail = '';
        if (result.stat?.kind === 'file' || result.stat?.kind === 'directory' || result.stat?.kind === 'other') {
          detail = `: the path is a ${result.stat.kind === 'other' ? 'special file' : result.stat.kind === 'file' ? 'regular file' : 'directory'}, not a socket`;
        } else if (result.stat?.kind === 'socket' && first.error?.code === 'ECONNREFUSED') {
          detail = ': a stale socket file, no process listens on it';
        } else if (result.target.kind === 'tcp' && result.addresses.length > 1) {
          detail = `: none of ${result.addresses.map((a) => a.address).join(', ')} accepts`;
        }
        context.report({ messageId: 'unreachable', data: { address, detail, log: first.log ?? '', effect }, at: argLocus(node), related });
      } else if (result.status === 'partial' && first !== undefined && result.target.kind === 'tcp') {
        context.report({
          messageId: 'partlyUnreachable',
          data: { host: result.target.host, addresses: result.addresses.map((a) => a.address).join(' and '), failed: failed.map((a) => a.address).join(' and '), log: first.log ?? '', effect },
          at: argLocus(node),
          related,
        });
      } else if (result.status === 'unresolved') {
        const consequence = options.resolve
          ? 'the server gets no address, and while no other server is up nginx answers 502 ("no live upstreams")'
          : 'nginx refuses to start or reload with this configuration';
        context.report({ messageId: 'unresolved', data: { address: result.key, reason: result.dnsError ?? 'host not found', consequence }, at: argLocus(node), related });
      }
      if (options.resolve && result.inHostsFile === true && result.target.kind === 'tcp' && result.status !== 'unresolved') {
        context.report({ messageId: 'resolveIgnoresHosts', data: { host: result.target.host }, at: argLocus(node), related });
      }
    };

    const usedBy = (block: UpstreamBlock): RelatedDescriptor[] =>
      context.upstreams.usersOf(block).map((site) => ({ at: { node: site.node }, message: `"${site.node.name}" sends requests to upstream "${block.name}" here` }));

    return {
      'tree:exit'() {
        const graph = context.upstreams;
        for (const site of graph.passes) {
          const target = passProbeTarget(site);
          if (target !== undefined) check(site.node, probeKey(target), 'http');
        }
        for (const blocks of graph.upstreams.values()) {
          for (const block of blocks) {
            const related = usedBy(block);
            for (const server of block.servers) {
              const target = serverProbeTarget(server);
              if (target !== undefined) check(server.node, probeKey(target), block.family, { resolve: server.params.has('resolve'), related });
            }
          }
        }
      },
    };
  },
});
