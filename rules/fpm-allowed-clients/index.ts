import { argLocus,
  defineRule,
  isIPv4Literal,
  isIPv6Literal,
  type BackendInventory,
  type ComposeService,
  type DirectiveNode,
  type Listener,
  type PassSite,
  type RelatedDescriptor,
} from '../../src/rule-api.js';

/** One TCP address a pass site connects to: the pass's own, or a `server` line of its upstream block. */
interface Endpoint {
  readonly node: DirectiveNode;
  readonly host: string;
  readonly port: number;
}

const isLoopback = (h: string): boolean => h.toLowerCase() === 'localhost' || /^127\./.test(h) || h === '::1' || /^::ffff:127\./i.test(h);
const isWildcard = (h: string | undefined): boolean => h === undefined || h === '0.0.0.0' || h === '::' || h === '*';

/** An address as php-fpm compares it: IPv4-mapped IPv6 addresses are their IPv4 address. */
function canonical(ip: string): string {
  const lower = ip.toLowerCase();
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(lower);
  if (mapped !== null) return mapped[1] as string;
  if (lower === '0:0:0:0:0:0:0:1') return '::1';
  return lower;
}

function tcpEndpoints(site: PassSite): Endpoint[] {
  const t = site.target;
  if (t.kind === 'address') return t.port === undefined ? [] : [{ node: site.node, host: t.host, port: t.port }];
  if (t.kind !== 'upstream') return [];
  const out: Endpoint[] = [];
  for (const s of t.upstream.servers) {
    if (s.parsed.ok && s.parsed.value.kind !== 'unix') out.push({ node: s.node, host: s.parsed.value.host, port: s.parsed.value.port });
  }
  return out;
}

/** Services in a compose setup whose network namespace is their own (not the host's or another service's). */
const ownNetwork = (s: ComposeService): boolean => s.networkMode === undefined || !/^(host|service:|container:)/.test(s.networkMode);

export default defineRule({
  name: 'fpm-allowed-clients',
  category: 'upstream',
  severity: 'error',
  description: "A PHP-FPM pool whose listen.allowed_clients does not admit the address nginx connects from.",
  fix: 'suggestion',
  messages: {
    sourceNotAllowed:
      'nginx connects to the PHP-FPM pool "{{name}}" at {{address}} from {{source}}, which listen.allowed_clients ({{allowed}}) does not admit: FPM drops the connection ("Connection disallowed: IP address \'{{dropped}}\' has been dropped."), nginx logs "recv() failed (104: Connection reset by peer) while reading response header from upstream" and answers 502; add {{source}} to listen.allowed_clients',
    containerNotAllowed:
      'nginx runs in the compose service "{{nginx}}" and connects to the PHP-FPM pool "{{name}}" at {{address}} from its container\'s address on the compose network, but listen.allowed_clients ({{allowed}}) admits only loopback: FPM drops the connection, nginx logs "recv() failed (104: Connection reset by peer) while reading response header from upstream" and answers 502; remove listen.allowed_clients on the private network or list the nginx container\'s address',
    loopbackOnly:
      'nginx connects to the PHP-FPM pool "{{name}}" at {{address}}, not a loopback address, so its source address is not a loopback address either, but listen.allowed_clients ({{allowed}}) admits only loopback: FPM drops the connection, nginx logs "recv() failed (104: Connection reset by peer) while reading response header from upstream" and answers 502; add nginx\'s address to listen.allowed_clients',
  },
  create(context) {
    const model = context.model;

    /** The pools with a literal allowed_clients list that a TCP endpoint reaches. */
    const poolsAt = (inventory: BackendInventory, e: Endpoint, serviceNames: ReadonlySet<string>): Listener[] =>
      inventory.listeners.filter((l) => {
        if (l.kind !== 'php-fpm' || l.transport !== 'tcp' || l.symbolic || l.port !== e.port) return false;
        if (l.allowedClients === undefined || l.allowedClients.symbolic || l.allowedClients.value.length === 0) return false;
        const host = e.host.toLowerCase();
        if (l.service !== undefined) return host === l.service.toLowerCase();
        if (serviceNames.has(host)) return isWildcard(l.host);
        if (isLoopback(host)) return isWildcard(l.host) || isLoopback(l.host as string);
        return l.host !== undefined && l.host.toLowerCase() === host;
      });

    /**
     * The source addresses nginx may use for an endpoint: `*_bind` when set, else the loopback address of
     * the family it connects with. Undefined when not known (a remote host, a variable, `transparent`).
     */
    const sources = (site: PassSite, e: Endpoint, pool: Listener): string[] | undefined => {
      const bind = model.effective(site.node.scope, `${site.passKind}_bind`).nodes[0];
      if (bind !== undefined) {
        const args = bind.directive.args.map((a) => a.value);
        const first = args[0];
        if (first === undefined || args.includes('transparent') || first.includes('$')) return undefined;
        if (first !== 'off') return isIPv4Literal(first) || isIPv6Literal(first) ? [first] : undefined;
      }
      const host = e.host.toLowerCase();
      if (!isLoopback(host)) return undefined;
      if (host !== 'localhost') return [host.includes(':') ? '::1' : '127.0.0.1'];
      // `localhost` is both ::1 and 127.0.0.1; a pool bound to one family takes only that one.
      if (pool.host !== undefined && isLoopback(pool.host)) return [pool.host.includes(':') ? '::1' : '127.0.0.1'];
      return ['127.0.0.1', '::1'];
    };

    return {
      'tree:exit'() {
        const inventory = context.backends;
        if (!inventory.listeners.some((l) => l.kind === 'php-fpm' && l.allowedClients !== undefined)) return;
        const serviceNames = new Set(inventory.services.map((s) => s.name.toLowerCase()));
        const nginxServices = inventory.services.filter((s) => s.runsNginx);
        const seen = new Set<string>();

        for (const site of context.upstreams.passes) {
          if (site.passKind !== 'fastcgi') continue;
          for (const e of tcpEndpoints(site)) {
            for (const pool of poolsAt(inventory, e, serviceNames)) {
              const allowedSourced = pool.allowedClients;
              if (allowedSourced === undefined) continue;
              const allowed = allowedSourced.value;
              // Entries php-fpm would read differently (names, ranges) are not second-guessed.
              if (!allowed.every((a) => isIPv4Literal(a) || isIPv6Literal(a))) continue;
              const admitted = new Set(allowed.map(canonical));
              const key = `${e.node.directive.span.start}\u0000${e.node.file.path}\u0000${pool.name}`;
              if (seen.has(key)) continue;
              const at = argLocus(e.node);
              const related: RelatedDescriptor[] = [
                { at: { backend: allowedSourced.source }, message: `listen.allowed_clients of the pool "${pool.name}"` },
                { at: { backend: pool.source }, message: `the pool "${pool.name}" listens here` },
              ];
              if (e.node !== site.node) related.push({ at: { node: site.node }, message: `used by ${site.node.name} here` });
              const address = `${e.host.includes(':') ? `[${e.host}]` : e.host}:${e.port}`;
              const host = e.host.toLowerCase();

              // nginx in its own container reaching the pool by service name: never a loopback source.
              const nginx = nginxServices.length === 1 ? nginxServices[0] : undefined;
              if (nginx !== undefined && ownNetwork(nginx) && serviceNames.has(host) && host !== nginx.name.toLowerCase()) {
                if (model.effective(site.node.scope, `${site.passKind}_bind`).nodes.length > 0) continue;
                if (![...admitted].every(isLoopback)) continue;
                seen.add(key);
                context.report({ messageId: 'containerNotAllowed', data: { nginx: nginx.name, name: pool.name, address, allowed: allowed.join(', ') }, at, related });
                continue;
              }

              const bound = model.effective(site.node.scope, `${site.passKind}_bind`).nodes.length > 0;
              if (!bound && (isIPv4Literal(host) || isIPv6Literal(host)) && !isLoopback(host) && !isWildcard(host)) {
                if (![...admitted].every(isLoopback)) continue;
                seen.add(key);
                context.report({ messageId: 'loopbackOnly', data: { name: pool.name, address, allowed: allowed.join(', ') }, at, related });
                continue;
              }

              const from = sources(site, e, pool);
              if (from === undefined || from.some((s) => admitted.has(canonical(s)))) continue;
              seen.add(key);
              context.report({ messageId: 'sourceNotAllowed', data: { name: pool.name, address, source: from.join(' or '), dropped: from[0] ?? '', allowed: allowed.join(', ') }, at, related });
            }
          }
        }
      },
    };
  },
});
