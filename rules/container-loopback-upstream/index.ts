import { argLocus,
  defineRule,
  parseAddress,
  replaceArg,
  type ComposeService,
  type DirectiveNode,
  type Edit,
  type Fix,
  type Listener,
  type PassSite,
  type RelatedDescriptor,
} from '../../src/rule-api.js';

/** One TCP address nginx connects to: a pass's own, or a `server` line of an upstream block. */
interface Endpoint {
  readonly site: PassSite;
  /** The directive holding the address: the pass, or the upstream's `server`. */
  readonly node: DirectiveNode;
  readonly host: string;
  readonly port: number;
  /** The port was written (not proxy_pass's default 80/443). */
  readonly portWritten: boolean;
}

const PROGRAMS: Readonly<Record<Listener['kind'], string>> = {
  'php-fpm': 'PHP-FPM',
  apache: 'Apache',
  gunicorn: 'gunicorn',
  uwsgi: 'uWSGI',
  uvicorn: 'uvicorn',
  node: 'The Node.js server',
  compose: 'The application',
  'systemd-socket': 'The socket',
  'systemd-service': 'The service',
  dotenv: 'The application',
};

const isLoopback = (h: string): boolean => h.toLowerCase() === 'localhost' || /^127\./.test(h) || h === '::1' || /^::ffff:127\./i.test(h);

/** A service with a network namespace of its own (not the host's, not another container's). */
const ownNetwork = (s: ComposeService): boolean => s.networkMode === undefined || !/^(host|service:|container:)/.test(s.networkMode);

function endpoints(passes: readonly PassSite[]): Endpoint[] {
  const out: Endpoint[] = [];
  const seen = new Set<DirectiveNode>();
  for (const site of passes) {
    const t = site.target;
    if (t.kind === 'address') {
      if (t.port !== undefined && site.url.ok) out.push({ site, node: site.node, host: t.host, port: t.port, portWritten: site.url.value.port !== undefined });
    } else if (t.kind === 'upstream') {
      for (const s of t.upstream.servers) {
        if (seen.has(s.node) || !s.parsed.ok || s.parsed.value.kind === 'unix') continue;
        seen.add(s.node);
        out.push({ site, node: s.node, host: s.parsed.value.host, port: s.parsed.value.port, portWritten: s.parsed.value.portExplicit });
      }
    }
  }
  return out;
}

/** The address argument with another host and port, keeping the scheme, the URI and the parameters. */
function rewriteEdit(e: Endpoint, host: string, port: number): Edit | undefined {
  if (e.node !== e.site.node) return replaceArg(e.node, 0, `${host}:${port}`);
  const value = e.node.directive.args[0]?.value;
  if (value === undefined) return undefined;
  const m = /^([a-z]+:\/\/)?(\[[^\]]*\]|[^/:?]+)(:\d+)?(.*)$/is.exec(value);
  if (m === null) return undefined;
  const defaultPort = e.site.url.ok ? e.site.url.value.defaultPort : undefined;
  const portText = !e.portWritten && port === defaultPort ? '' : `:${port}`;
  return replaceArg(e.node, 0, `${m[1] ?? ''}${host}${portText}${m[4] ?? ''}`);
}

export default defineRule({
  name: 'container-loopback-upstream',
  category: 'upstream',
  severity: 'error',
  description: "nginx in a compose container connects to localhost (its own container) or to another service's published host port.",
  fix: 'unsafe',
  messages: {
    loopback:
      'nginx runs in the compose service "{{nginx}}", where {{host}} is that container\'s own loopback, but port {{port}} belongs to {{owner}}: nginx logs "connect() failed (111: Connection refused) while connecting to upstream" and answers 502; connect to {{suggestion}}',
    publishedPort:
      '{{port}} is the port the compose service "{{service}}" publishes on the host ("{{mapping}}"); on the compose network the container listens on {{container}}: nginx logs "connect() failed (111: Connection refused) while connecting to upstream" and answers 502; connect to {{service}}:{{container}}',
    backendLoopback:
      '{{backend}} in the compose service "{{service}}" binds {{bind}}, its container\'s own loopback, so nginx in the service "{{nginx}}" cannot reach {{service}}:{{port}}: nginx logs "connect() failed (111: Connection refused) while connecting to upstream" and answers 502; make it listen on 0.0.0.0',
  },
  create(context) {
    const model = context.model;

    /** The ports nginx itself listens on (a pass to one of them is a deliberate loop through another server). */
    const ownPorts = (): Set<number> => {
      const ports = new Set<number>();
      for (const node of model.byName('listen')) {
        const arg = node.directive.args[0];
        if (arg === undefined) continue;
        const parsed = parseAddress(arg.value);
        if (parsed.ok && parsed.value.kind !== 'unix') for (let p = parsed.value.port; p <= (parsed.value.lastPort ?? parsed.value.port); p++) ports.add(p);
      }
      for (const server of model.byName('server')) {
        if (server.block !== null && server.scope.kind === 'http' && model.local(server.block, 'listen').length === 0) ports.add(80);
      }
      return ports;
    };

    return {
      'tree:exit'() {
        const inventory = context.backends;
        const nginxServices = inventory.services.filter((s) => s.runsNginx);
        const nginx = nginxServices[0];
        // Which container this configuration runs in must be clear, and it must have a network of its own.
        if (nginxServices.length !== 1 || nginx === undefined || !ownNetwork(nginx)) return;
        const list = endpoints(context.upstreams.passes);
        if (list.length === 0) return;

        const others = inventory.services.filter((s) => s !== nginx);
        const listenersOf = (s: ComposeService): Listener[] => inventory.listeners.filter((l) => l.service !== undefined && l.service.toLowerCase() === s.name.toLowerCase());
        const containerPorts = (s: ComposeService): Set<number> =>
          new Set([...s.ports.map((p) => p.container), ...s.expose, ...listenersOf(s).flatMap((l) => (l.port === undefined ? [] : [l.port]))]);
        // Services that share nginx's network namespace are reached on its loopback.
        const sharing = others.filter((s) => s.networkMode !== undefined && s.networkMode.toLowerCase() === `service:${nginx.name.toLowerCase()}`);
        const reachable = others.filter(ownNetwork);
        let nginxPorts: Set<number> | undefined;

        for (const e of list) {
          const at = argLocus(e.node);
          const related: RelatedDescriptor[] = [{ at: { backend: nginx.source }, message: `nginx runs in the compose service "${nginx.name}"` }];
          if (e.node !== e.site.node) related.push({ at: { node: e.site.node }, message: `used by ${e.site.node.name} here` });

          if (isLoopback(e.host)) {
            nginxPorts ??= new Set([...ownPorts(), ...containerPorts(nginx)]);
            if (nginxPorts.has(e.port) || sharing.some((s) => containerPorts(s).has(e.port))) continue;
            const byContainer = reachable.filter((s) => containerPorts(s).has(e.port));
            const candidates =
              byContainer.length > 0
                ? byContainer.map((s) => ({ service: s, port: e.port, source: s.ports.find((p) => p.container === e.port)?.source ?? s.source }))
                : reachable.flatMap((s) => s.ports.filter((p) => p.host === e.port).map((p) => ({ service: s, port: p.container, source: p.source })));
            const first = candidates[0];
            if (first === undefined) continue;
            const owner =
              byContainer.length > 0
                ? `the service${candidates.length > 1 ? 's' : ''} ${candidates.map((c) => `"${c.service.name}"`).join(', ')}`
                : `the host port published by ${candidates.map((c) => `"${c.service.name}"`).join(', ')}, which the container cannot reach through its loopback`;
            for (const c of candidates) related.push({ at: { backend: c.source }, message: `the service "${c.service.name}" ${byContainer.length > 0 ? 'listens' : 'publishes'} here` });
            let fix: Fix | undefined;
            if (candidates.length === 1) {
              const edit = rewriteEdit(e, first.service.name, first.port);
              if (edit !== undefined) fix = { title: `connect to ${first.service.name}:${first.port}`, applicability: 'unsafe', edits: [edit] };
            }
            context.report({
              messageId: 'loopback',
              data: { nginx: nginx.name, host: e.host, port: e.port, owner, suggestion: candidates.map((c) => `${c.service.name}:${c.port}`).join(' or ') },
              at,
              related,
              ...(fix !== undefined ? { fix } : {}),
            });
            continue;
          }

          const service = reachable.find((s) => s.name.toLowerCase() === e.host.toLowerCase());
          if (service === undefined) continue;
          const bound = listenersOf(service).filter((l) => l.port === e.port && l.host !== undefined && isLoopback(l.host));
          const wildcard = listenersOf(service).some((l) => l.port === e.port && (l.host === undefined || !isLoopback(l.host)));
          const firstBound = bound[0];
          if (firstBound !== undefined && !wildcard) {
            related.push({ at: { backend: firstBound.source }, message: `${PROGRAMS[firstBound.kind]} binds ${firstBound.host ?? ''}:${e.port} here` });
            context.report({
              messageId: 'backendLoopback',
              data: { backend: PROGRAMS[firstBound.kind], service: service.name, bind: `${firstBound.host ?? ''}:${e.port}`, nginx: nginx.name, port: e.port },
              at,
              related,
            });
            continue;
          }
          if (containerPorts(service).has(e.port)) continue;
          const published = service.ports.filter((p) => p.host === e.port);
          const mapping = published[0];
          if (mapping === undefined || new Set(published.map((p) => p.container)).size !== 1) continue;
          related.push({ at: { backend: mapping.source }, message: `"${service.name}" publishes ${mapping.host ?? ''}:${mapping.container} here` });
          const edit = rewriteEdit(e, e.host, mapping.container);
          context.report({
            messageId: 'publishedPort',
            data: { port: e.port, service: service.name, mapping: `${mapping.host ?? ''}:${mapping.container}`, container: mapping.container },
            at,
            related,
            ...(edit !== undefined ? { fix: { title: `connect to ${e.host}:${mapping.container}`, applicability: 'unsafe' as const, edits: [edit] } } : {}),
          });
        }
      },
    };
  },
});
