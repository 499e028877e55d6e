import { defineRule } from '../../src/rule-api.js';

export default defineRule({
  name: 'syntax-error',
  category: 'syntax',
  severity: 'error',
  description: 'The file cannot be read by nginx: unbalanced braces, a missing ";", an unterminated quote.',
  messages: {
    syntax: '{{message}}',
  },
  create(context) {
    return {
      file(file) {
        for (const error of file.errors) {
          context.report({ messageId: 'syntax', data: { message: error.message }, at: { file, span: error.span } });
        }
      },
    };
  },
});
