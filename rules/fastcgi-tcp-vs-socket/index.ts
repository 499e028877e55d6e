import { argLocus,
  candidateRelated,
  collectTargets,
  defineRule,
  describeCandidates,
  describeListener,
  editArgValue,
  failingTargets,
  formatHostPort,
  isWildcardHost,
  nginxListens,
  normalizeHost,
  siteRelated,
  type Fix,
  type Listener,
} from '../../src/rule-api.js';

export default defineRule({
  name: 'fastcgi-tcp-vs-socket',
  category: 'sockets',
  severity: 'error',
  description: 'fastcgi_pass connects over TCP while PHP-FPM listens on a unix socket, or to a unix socket while it listens on TCP.',
  fix: 'unsafe',
  messages: {
    tcpButSocket: '{{directive}} connects over TCP to {{address}}, but the FastCGI backend listens on a unix socket: {{candidates}}',
    socketButTcp: '{{directive}} connects to unix:{{path}}, but the FastCGI backend listens on TCP: {{candidates}}',
  },
  create(context) {
    return {
      'tree:exit'() {
        const inventory = context.backends;
        if (!inventory.listeners.some((l) => l.protocol === 'fastcgi')) return;
        const groups = collectTargets(context.upstreams).filter((g) => g[0]?.protocol === 'fastcgi');
        if (groups.length === 0) return;
        // nginx in a container reaches the pool by its service name, which no pool file says.
        const containerized = inventory.services.some((s) => s.runsNginx && s.networkMode !== 'host');
        for (const { target, verdict, alone } of failingTargets(groups, inventory, nginxListens(context.model))) {
          if (verdict.kind !== 'transport') continue;
          const candidates = verdict.candidates;
          const only = candidates.length === 1 ? candidates[0] : undefined;
          const address = only === undefined ? undefined : nginxAddressOf(only);
          let fix: Fix | undefined;
          // In an upstream with several servers, which one to move is a choice for a human.
          if (only !== undefined && address !== undefined && alone && !(containerized && only.transport === 'tcp')) {
            fix = { title: `connect to ${address}, where ${describeListener(only)} listens`, applicability: 'unsafe', edits: [editArgValue(target.node, 0, address)] };
          }
          const a = target.address;
          context.report({
            messageId: a.kind === 'tcp' ? 'tcpButSocket' : 'socketButTcp',
            data: {
              directive: target.label,
              address: a.kind === 'tcp' ? formatHostPort(a.host, a.port) : '',
              path: a.kind === 'unix' ? a.path : '',
              candidates: describeCandidates(candidates),
            },
            at: argLocus(target.node),
            related: [...candidateRelated(candidates), ...siteRelated(target)],
            ...(fix !== undefined ? { fix } : {}),
          });
        }
      },
    };
  },
});

/** The address nginx should write to reach a listener: `unix:/path`, `127.0.0.1:9000`, `[::1]:9000`. */
function nginxAddressOf(l: Listener): string | undefined {
  if (l.transport === 'unix') return l.path !== undefined && !l.path.includes('$') ? `unix:${l.path}` : undefined;
  if (l.port === undefined) return undefined;
  const bound = l.host === undefined ? '' : normalizeHost(l.host);
  if (bound === '' || bound === '*' || bound === '0.0.0.0') return `127.0.0.1:${l.port}`;
  // `::` (and its long spelling) also accepts IPv4 on Linux, but the IPv6 loopback always reaches it.
  if (isWildcardHost(bound)) return `[::1]:${l.port}`;
  return formatHostPort(bound, l.port);
}
