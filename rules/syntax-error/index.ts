import { defineRule } from '../../src/rule-api.js';

export default defineRule({
  name: 'syntax-error',
  category: 'syntax',
  severity: 'error',
  description: 'The file cannot be read by nginx: unbalanced braces, a missing ";", an unterminated quote.',
  messages: {
    syntax: '{{message}}',
    bom: 'unknown directive "\\xEF\\xBB\\xBF{{name}}": the file starts with a UTF-8 byte order mark, which nginx reads as part of the first directive name; save the file without BOM',
  },
  create(context) {
    return {
      file(file) {
        // nginx does not skip a BOM: it becomes the start of the first word, whatever that word is.
        const text = file.source.text;
        if (file.source.hasBom && file.source.encoding === 'utf-8' && text.length > 1) {
          const word = /^[^\s;{]*/.exec(text.slice(1))?.[0] ?? '';
          context.report({ messageId: 'bom', data: { name: word }, at: { file, span: { start: 0, end: 1 + word.length } } });
        }
        for (const error of file.errors) {
          context.report({ messageId: 'syntax', data: { message: error.message }, at: { file, span: error.span } });
        }
      },
    };
  },
});
