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
        const encoding = file.source.encoding;
        if (encoding === 'utf-16le' || encoding === 'utf-16be') {
          // nginx prints the word up to its first NUL: the BOM, and in little-endian the first ASCII character.
          const word = /^[^\s;{]*/.exec(text.slice(1))?.[0] ?? '';
          const first = encoding === 'utf-16le' && word !== '' && (word.codePointAt(0) as number) < 0x80 ? (word[0] as string) : '';
          const name = `${encoding === 'utf-16le' ? '\\xFF\\xFE' : '\\xFE\\xFF'}${first}`;
          const message = `unknown directive "${name}": the file is ${encoding === 'utf-16le' ? 'UTF-16LE' : 'UTF-16BE'}, which nginx reads byte by byte (a NUL after or before every ASCII character), so no directive in it is recognised; save it as UTF-8`;
          context.report({ messageId: 'syntax', data: { message }, at: { file, span: { start: 0, end: 1 + word.length } } });
        }
        for (const error of file.errors) {
          context.report({ messageId: 'syntax', data: { message: error.message }, at: { file, span: error.span } });
        }
      },
    };
  },
});
