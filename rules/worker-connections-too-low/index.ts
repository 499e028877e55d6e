import { defineRule, setDirective, type DirectiveNode, type Fix, type RelatedDescriptor } from '../../src/rule-api.js';

/** A count as nginx's `ngx_conf_set_num_slot` reads it: digits only. */
function count(node: DirectiveNode | undefined): number | undefined {
  const text = node?.directive.args[0]?.value;
  if (text === undefined || !/^\d+$/.test(text)) return undefined;
  const n = Number(text);
  return Number.isSafeInteger(n) ? n : undefined;
}

export default defineRule({
  name: 'worker-connections-too-low',
  category: 'capacity',
  severity: 'warning',
  description: 'worker_connections above the open-file limit (worker_rlimit_nofile, or the usual 1024): workers run out of descriptors under load.',
  fix: 'safe',
  messages: {
    exceedsRlimit:
      'worker_connections {{connections}} exceed worker_rlimit_nofile {{limit}}: a busy worker runs out of file descriptors before it runs out of connections ("socket() failed (24: Too many open files) while connecting to upstream")',
    exceedsDefaultLimit:
      'worker_connections {{connections}} exceed the usual open file limit of {{limit}} and worker_rlimit_nofile is not set: nginx warns "{{connections}} worker_connections exceed open file resource limit: {{limit}}" and a busy worker fails with "(24: Too many open files)"',
  },
  options: {
    defaultFileLimit: {
      type: 'integer',
      description:
        'The soft open-file limit assumed when worker_rlimit_nofile is not set (1024 under systemd and in containers of recent Docker releases, unless raised); 0 skips the check for that case.',
      default: 1024,
      minimum: 0,
    },
  },
  create(context) {
    const model = context.model;
    return {
      directives: {
        worker_connections(node) {
          if (node.scope.kind !== 'events') return;
          const connections = count(node);
          if (connections === undefined) return;
          // Without the main level in view, worker_rlimit_nofile may be set where this run cannot see it.
          const main = node.scope.parent;
          if (main === null || main.kind !== 'main') return;
          const rlimitNode = model.local(main, 'worker_rlimit_nofile')[0];
          const rlimit = count(rlimitNode);
          if (rlimitNode !== undefined && rlimit === undefined) return; // invalid value: invalid-arguments reports it
          const target = 2 * connections;
          const fix: Fix = { title: `set worker_rlimit_nofile ${target}`, applicability: 'safe', edits: setDirective(model, main, 'worker_rlimit_nofile', [String(target)]) };
          if (rlimitNode !== undefined && rlimit !== undefined) {
            if (connections <= rlimit) return;
            const related: RelatedDescriptor[] = [{ at: { node: rlimitNode }, message: `worker_rlimit_nofile ${rlimit} set here` }];
            context.report({ messageId: 'exceedsRlimit', data: { connections, limit: rlimit }, at: { node }, related, fix });
            return;
          }
          const limit = context.options.defaultFileLimit;
          if (limit === 0 || connections <= limit) return;
          context.report({ messageId: 'exceedsDefaultLimit', data: { connections, limit }, at: { node }, fix });
        },
      },
    };
  },
});
