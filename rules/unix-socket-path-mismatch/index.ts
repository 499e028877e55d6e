import { argLocus,
  PROTOCOL_LABEL,
  candidateRelated,
  collectTargets,
  defineRule,
  describeCandidates,
  describeListener,
  editArgValue,
  failingTargets,
  nginxListens,
  siteRelated,
  type Fix,
} from '../../src/rule-api.js';

export default defineRule({
  name: 'unix-socket-path-mismatch',
  category: 'sockets',
  severity: 'error',
  description: 'nginx connects to a unix socket that no backend serves, while the backend listens on another socket (e.g. php7.4-fpm.sock after an upgrade to 8.2).',
  fix: 'unsafe',
  messages: {
    pathMismatch: 'no known backend listens on unix:{{path}} ({{directive}}); {{backend}} listens on {{candidate}}',
    pathMismatchAmbiguous: 'no known backend listens on unix:{{path}} ({{directive}}); {{protocol}} sockets known: {{candidates}}',
  },
  options: {
    ignorePaths: {
      type: 'string[]',
      description: 'Socket paths that are not checked (for sockets created by programs ngxlint cannot read).',
      default: [],
    },
  },
  create(context) {
    const ignored = new Set(context.options.ignorePaths);
    return {
      'tree:exit'() {
        const inventory = context.backends;
        if (!inventory.listeners.some((l) => l.transport === 'unix')) return;
        const groups = collectTargets(context.upstreams);
        if (groups.length === 0) return;
        for (const { target, verdict, alone } of failingTargets(groups, inventory, nginxListens(context.model))) {
          if (verdict.kind !== 'path' || target.address.kind !== 'unix') continue;
          const { path } = target.address;
          if (ignored.has(path)) continue;
          const candidates = verdict.candidates;
          const only = candidates.length === 1 ? candidates[0] : undefined;
          let fix: Fix | undefined;
          // In an upstream with several servers, which one to move is a choice for a human.
          if (only?.path !== undefined && alone) {
            const newPath = only.path;
            const value = target.node.directive.args[0]?.value;
            const next = value === undefined ? undefined : withSocketPath(value, path, newPath);
            if (next !== undefined) {
              fix = { title: `connect to unix:${newPath}, where ${describeListener(only)} listens`, applicability: 'unsafe', edits: [editArgValue(target.node, 0, next)] };
            }
          }
          context.report({
            messageId: only !== undefined ? 'pathMismatch' : 'pathMismatchAmbiguous',
            data: {
              path,
              directive: target.label,
              backend: only === undefined ? '' : describeListener(only),
              candidate: only?.path ?? '',
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

/** The value with the socket path after `unix:` replaced. */
function withSocketPath(value: string, oldPath: string, newPath: string): string | undefined {
  const at = value.toLowerCase().indexOf('unix:');
  if (at === -1 || value.slice(at + 5, at + 5 + oldPath.length) !== oldPath) return undefined;
  return value.slice(0, at + 5) + newPath + value.slice(at + 5 + oldPath.length);
}
