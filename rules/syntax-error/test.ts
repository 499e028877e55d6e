import rule from './index.js';
import { runRuleTests } from '../../test/harness/rule-tester.js';

runRuleTests(rule, {
  valid: [
    'events {}\nhttp {\n    server {\n        listen 80;\n    }\n}\n',
    { name: 'an included file without errors', files: { 'nginx.conf': 'events {}\nhttp { include conf.d/*.conf; }\n', 'conf.d/a.conf': 'server { listen 80; }\n' } },
  ],
  invalid: [
    {
      name: 'a BOM before a comment line breaks nginx too',
      code: '\ufeff# main config\nevents {}\n',
      // Columns count from after the BOM, as an editor shows them: the span covers the BOM and the "#".
      errors: [{ messageId: 'bom', line: 1, column: 1, endLine: 1, endColumn: 2 }],
    },
    {
      name: 'a UTF-8 byte order mark glued to the first directive',
      code: '\ufeffevents {}\n',
      errors: [
        {
          messageId: 'bom',
          line: 1,
          column: 1,
          endLine: 1,
          endColumn: 7,
          message:
            'unknown directive "\\xEF\\xBB\\xBFevents": the file starts with a UTF-8 byte order mark, which nginx reads as part of the first directive name; save the file without BOM',
        },
      ],
    },
    {
      name: 'missing ; before }',
      code: 'events {}\nhttp {\n    server { listen 80 }\n}\n',
      errors: [{ messageId: 'syntax', line: 3, column: 24, endLine: 3, endColumn: 25, message: 'unexpected "}"' }],
    },
    {
      name: 'unclosed block, reported at end of file',
      code: 'events {}\nhttp {\n    server {\n',
      errors: [{ messageId: 'syntax', line: 4, column: 1, endLine: 4, endColumn: 1, message: 'unexpected end of file, expecting "}"' }],
    },
    {
      name: 'an error in an included file is reported in that file',
      files: { 'nginx.conf': 'events {}\nhttp { include conf.d/*.conf; }\n', 'conf.d/a.conf': 'server {\n    listen 80\n}\n' },
      errors: [{ messageId: 'syntax', line: 3, column: 1, endLine: 3, endColumn: 2, file: 'conf.d/a.conf', message: 'unexpected "}"' }],
    },
  ],
});
