import { defineRule, maxExpandedNodes } from '../../src/rule-api.js';

export default defineRule({
  name: 'include-cycle',
  category: 'load',
  severity: 'error',
  description: 'Files include each other in a loop, which nginx follows until it runs out of file descriptors or stack.',
  messages: {
    cycle: '{{message}}',
    amplified: 'the included files expand to more than {{limit}} directives (files included many times over multiply); the rest is not analysed',
  },
  create(context) {
    return {
      'tree:exit'() {
        for (const problem of context.tree.problems) {
          if (problem.kind !== 'cycle') continue;
          const file = context.tree.files.get(problem.file);
          if (file === undefined) continue;
          context.report({ messageId: 'cycle', data: { message: problem.message }, at: { file, span: problem.span } });
        }
        const cut = context.model.expansionCutAt;
        if (cut !== undefined) context.report({ messageId: 'amplified', data: { limit: maxExpandedNodes(context.tree).toLocaleString('en-US') }, at: { node: cut } });
      },
    };
  },
});
