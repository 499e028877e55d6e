import { argLocus,
  PROTOCOL_LABEL,
  candidateRelated,
  collectTargets,
  defineRule,
  describeCandidates,
  describeListener,
  editArgValue,
  failingTargets,
  formatHostPort,
  nginxListens,
  siteRelated,
  type Fix,
} from '../../src/rule-api.js';

export default defineRule({
  name: 'upstream-port-mismatch',
  category: 'upstream',
  severity: 'error',
  description: 'nginx connects to a port on which no backend listens, while the backend\'s own configuration names another port.',
  fix: 'unsafe',
  messages: {
    portMismatch: 'no known backend listens on {{address}} ({{directive}}); {{backend}} listens on port {{port}}',
    portMismatchAmbiguous: 'no known backend listens on {{address}} ({{directive}}); {{protocol}} backends there: {{candidates}}',
  },
  options: {
    ignoreTargets: {
      type: 'string[]',
      description: 'Targets that are not checked: a port (`3000`) or `host:port` (`127.0.0.1:3000`).',
      default: [],
    },
  },
  create(context) {
    const ignored = new Set(context.options.ignoreTargets.map((t) => t.toLowerCase()));
    return {
      'tree:exit'() {
        const inventory = context.backends;
        if (!inventory.listeners.some((l) => l.transport === 'tcp')) return;
        const groups = collectTargets(context.upstreams);
        if (groups.length === 0) return;
        for (const { target, verdict, alone } of failingTargets(groups, inventory, nginxListens(context.model))) {
          if (verdict.kind !== 'port' || target.address.kind !== 'tcp') continue;
          const { host, port } = target.address;
          const address = formatHostPort(host, port);
          if (ignored.has(String(port)) || ignored.has(address.toLowerCase())) continue;
          const candidates = verdict.candidates;
          const only = candidates.length === 1 ? candidates[0] : undefined;
          let fix: Fix | undefined;
          // In an upstream with several servers, which one to move is a choice for a human.
          if (only?.port !== undefined && alone) {
            const value = target.node.directive.args[0]?.value;
            const next = value === undefined ? undefined : withPort(value, only.port);
            if (next !== undefined) {
              fix = {
                title: `connect to port ${only.port}, where ${describeListener(only)} listens`,
                applicability: 'unsafe',
                edits: [editArgValue(target.node, 0, next)],
              };
            }
          }
          context.report({
            messageId: only !== undefined ? 'portMismatch' : 'portMismatchAmbiguous',
            data: {
              address,
              directive: target.label,
              backend: only === undefined ? '' : describeListener(only),
              port: only?.port ?? '',
              protocol: PROTOCOL_LABEL[target.protocol],
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

/** The value with the port of its `host[:port]` part (after an optional `scheme://`) set to `port`. */
function withPort(value: string, port: number): string | undefined {
  const scheme = /^[a-z][a-z0-9+.-]*:\/\//i.exec(value);
  let i = scheme === null ? 0 : scheme[0].length;
  if (value.slice(i).toLowerCase().startsWith('unix:')) return undefined;
  if (value[i] === '[') {
    const close = value.indexOf(']', i);
    if (close === -1) return undefined;
    i = close + 1;
  } else {
    while (i < value.length && !':/?$'.includes(value[i] as string)) i++;
  }
  const hostEnd = i;
  if (value[i] === ':') {
    i++;
    if (!/[0-9]/.test(value[i] ?? '')) return undefined;
    while (i < value.length && /[0-9]/.test(value[i] as string)) i++;
  }
  return `${value.slice(0, hostEnd)}:${port}${value.slice(i)}`;
}
