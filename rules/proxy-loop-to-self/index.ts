import { defineRule, parseAddress, type DirectiveNode, type PassSite, type Scope } from '../../src/rule-api.js';

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1', '0.0.0.0', '::']);
/** Host headers that carry the client's own Host back to this server. */
const CLIENT_HOST = new Set(['$host', '$http_host', '$server_name']);

interface Listen {
  readonly node: DirectiveNode | undefined;
  readonly host: string;
  readonly port: number;
  readonly wildcard: boolean;
  readonly ssl: boolean;
  readonly isDefault: boolean;
}

export default defineRule({
  name: 'proxy-loop-to-self',
  category: 'upstream',
  severity: 'error',
  description: 'proxy_pass sends the request back to the same server and location, which forwards it again until worker connections run out.',
  fix: 'suggestion',
  messages: {
    loop: 'proxy_pass to {{target}} reaches this server again ({{listen}}) and the forwarded request matches this location again: the loop eats every worker connection ("worker_connections are not enough", then 502 or 500 depending on which side runs out)',
  },
  create(context) {
    const model = context.model;
    const listensCache = new Map<Scope, Listen[]>();

    const listensOf = (server: Scope): Listen[] => {
      const cached = listensCache.get(server);
      if (cached !== undefined) return cached;
      const nodes = model.local(server, 'listen');
      const out: Listen[] = [];
      for (const node of nodes) {
        const args = node.directive.args.map((a) => a.value);
        const parsed = parseAddress(args[0] ?? '');
        if (!parsed.ok || parsed.value.kind === 'unix') continue;
        const v = parsed.value;
        out.push({ node, host: v.host, port: v.port, wildcard: v.wildcard, ssl: args.includes('ssl'), isDefault: args.includes('default_server') || args.includes('default') });
      }
      // No listen: *:80 (as root, which serving port 80 implies).
      if (nodes.length === 0) out.push({ node: undefined, host: '*', port: 80, wildcard: true, ssl: false, isDefault: false });
      listensCache.set(server, out);
      return out;
    };

    const serverNames = (server: Scope): string[] => model.local(server, 'server_name').flatMap((n) => n.directive.args.map((a) => a.value.toLowerCase()));

    /** Whether the request sent to host:port reaches `listen` of this server. */
    const reaches = (host: string, port: number, ssl: boolean, listen: Listen, names: readonly string[]): boolean => {
      if (listen.port !== port || listen.ssl !== ssl) return false;
      const h = host.toLowerCase();
      if (listen.wildcard) return LOOPBACK.has(h) || names.includes(h);
      const l = listen.host.toLowerCase();
      return l === h || (LOOPBACK.has(h) && LOOPBACK.has(l));
    };

    /** This server is the one that answers the port when the Host header matches no server_name. */
    const isDefaultFor = (server: Scope, listen: Listen): boolean => {
      if (listen.isDefault) return true;
      const http = server.parent;
      if (http === null) return true;
      for (const other of model.local(http, 'server')) {
        if (other.block === null) continue;
        const ls = listensOf(other.block);
        if (ls.some((l) => l.port === listen.port && (l.isDefault || other.block === server))) return other.block === server;
      }
      return true;
    };

    const check = (site: PassSite): void => {
      if (site.passKind !== 'proxy' || !site.url.ok || site.target.kind !== 'address') return;
      const url = site.url.value;
      const scope = site.node.scope;
      if (scope.kind !== 'location' || url.ssl === undefined || url.effectivePort === undefined) return;
      const location = scope.owner;
      if (location === null) return;
      const locArgs = location.directive.args.map((a) => a.value);
      const path = locArgs[locArgs.length - 1] ?? '';
      if (path.startsWith('@')) return;
      // A URI that replaces the location's prefix may send the request elsewhere; rewrites and guards may too.
      if (url.uri !== undefined && url.uri !== '' && !(locArgs.length === 1 && url.uri === path)) return;
      for (const guard of ['rewrite', 'internal', 'if', 'return']) if (model.local(scope, guard).length > 0) return;
      const server = model.enclosing(scope, 'server');
      if (server === undefined) return;
      // A listen (or server_name) may hide in an include that was not loaded: then the sockets are unknown.
      if (model.local(server, 'include').some((n) => (context.tree.includes.get(n.directive) ?? []).length === 0)) return;
      const names = serverNames(server);
      const host = url.host ?? '';
      const hostHeaders = model.effective(scope, 'proxy_set_header').nodes.filter((n) => (n.directive.args[0]?.value ?? '').toLowerCase() === 'host');
      const hostHeader = hostHeaders[hostHeaders.length - 1]?.directive.args[1]?.value ?? '$proxy_host';
      for (const listen of listensOf(server)) {
        if (!reaches(host, url.effectivePort, url.ssl, listen, names)) continue;
        const sameServer = CLIENT_HOST.has(hostHeader) || names.includes((hostHeader === '$proxy_host' ? host : hostHeader).toLowerCase()) || isDefaultFor(server, listen);
        if (!sameServer) continue;
        const where = listen.node === undefined ? 'no listen: *:80' : `listen ${listen.node.directive.args.map((a) => a.value).join(' ')}`;
        context.report({
          messageId: 'loop',
          data: { target: `${url.ssl ? 'https' : 'http'}://${url.hostText ?? host}:${url.effectivePort}`, listen: where },
          at: { node: site.node },
          related: listen.node === undefined ? [] : [{ at: { node: listen.node }, message: 'this server listens here' }],
        });
        return;
      }
    };

    return {
      'tree:exit': () => {
        for (const site of context.upstreams.passes) check(site);
      },
    };
  },
});
