import { defineRule, type Fix } from '../../src/rule-api.js';
import {
  PROTOCOL_LABEL,
  candidateRelated,
  collectTargets,
  describeCandidates,
  describeListener,
  editArgValue,
  failingTargets,
  formatHostPort,
  nginxListens,
  siteRelated,
  withPort,
} from './backend-targets.js';

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
          const arg = target.node.directive.args[0];
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
            at: arg === undefined ? { node: target.node } : { node: target.node, span: arg.span },
            related: [...candidateRelated(candidates), ...siteRelated(target)],
            ...(fix !== undefined ? { fix } : {}),
          });
        }
      },
    };
  },
});
