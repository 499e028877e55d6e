import { argLocus, defineRule, passProbeTarget, serverProbeTarget, type DirectiveNode } from '../../src/rule-api.js';

/** Ports SELinux's targeted policy labels http_port_t: nginx (httpd_t) may connect to these without the boolean. */
const HTTP_PORT_T: ReadonlySet<number> = new Set([80, 81, 443, 488, 8008, 8009, 8443, 9000]);

export default defineRule({
  name: 'selinux-blocks-upstream',
  category: 'upstream',
  severity: 'error',
  description: 'With --probe on an SELinux host: nginx may not connect to a backend port that is not labelled http_port_t.',
  messages: {
    denied:
      'SELinux is enforcing and httpd_can_network_connect is off (--probe): nginx may connect only to ports labelled http_port_t, so every request to {{address}} fails with "connect() to {{address}} failed (13: Permission denied) while connecting to upstream" and a 502; run "setsebool -P httpd_can_network_connect 1" or "semanage port -a -t http_port_t -p tcp {{port}}"',
  },
  create(context) {
    const host = context.hostState;
    if (host.selinux !== 'enforcing' || host.httpdCanNetworkConnect !== false) return {};
    const check = (node: DirectiveNode, target: ReturnType<typeof passProbeTarget>): void => {
      if (target === undefined || target.kind !== 'tcp' || HTTP_PORT_T.has(target.port)) return;
      const address = target.host.includes(':') ? `[${target.host}]:${target.port}` : `${target.host}:${target.port}`;
      context.report({ messageId: 'denied', data: { address, port: target.port }, at: argLocus(node) });
    };
    return {
      'tree:exit'() {
        const graph = context.upstreams;
        for (const site of graph.passes) check(site.node, passProbeTarget(site));
        for (const blocks of graph.upstreams.values()) for (const block of blocks) for (const server of block.servers) check(server.node, serverProbeTarget(server));
      },
    };
  },
});
