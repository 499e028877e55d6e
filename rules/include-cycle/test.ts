import rule from './index.js';
import { runRuleTests } from '../../test/harness/rule-tester.js';

runRuleTests(rule, {
  valid: [
    {
      name: 'a file included twice is no cycle',
      files: {
        'nginx.conf': 'events {}\nhttp {\n    server { include common.conf; }\n    server { include common.conf; }\n}\n',
        'common.conf': 'include headers.conf;\n',
        'headers.conf': 'add_header X-A 1;\n',
      },
    },
    { name: 'no includes at all', code: 'events {}\nhttp {}\n' },
  ],
  invalid: [
    {
      name: 'two files including each other',
      files: {
        'nginx.conf': 'events {}\nhttp {\n    include a.conf;\n}\n',
        'a.conf': 'include b.conf;\n',
        'b.conf': '# back to a\ninclude a.conf;\n',
      },
      errors: [{ messageId: 'cycle', line: 2, column: 1, endLine: 2, endColumn: 16, file: 'b.conf', message: 'include cycle: a.conf -> b.conf -> a.conf' }],
    },
    {
      name: 'a glob that matches the file holding it',
      files: {
        'nginx.conf': 'events {}\nhttp {\n    include conf.d/*.conf;\n}\n',
        'conf.d/self.conf': 'server {\n    include conf.d/*.conf;\n}\n',
      },
      errors: [{ messageId: 'cycle', line: 2, column: 5, endLine: 2, endColumn: 27, file: 'conf.d/self.conf', message: 'include cycle: conf.d/self.conf -> conf.d/self.conf' }],
    },
    {
      name: 'the main file included back',
      files: { 'nginx.conf': 'events {}\nhttp {\n    include sites/*.conf;\n}\n', 'sites/x.conf': 'include nginx.conf;\n' },
      errors: [{ messageId: 'cycle', line: 1, column: 1, endLine: 1, endColumn: 20, file: 'sites/x.conf', message: 'include cycle: nginx.conf -> sites/x.conf -> nginx.conf' }],
    },
    {
      name: 'files that each include the next one twice: 2^22 copies of the last one; expansion stops at the limit',
      files: Object.fromEntries([
        ['nginx.conf', 'events {}\nhttp {\n    include f0.conf;\n}\n'],
        ...Array.from({ length: 22 }, (_, f) => [`f${f}.conf`, f < 21 ? `include f${f + 1}.conf;\ninclude f${f + 1}.conf;\n` : 'add_header X-A 1;\n']),
      ]) as Record<string, string>,
      errors: [
        {
          messageId: 'amplified',
          line: 1,
          column: 1,
          endLine: 1,
          endColumn: 18,
          file: 'f19.conf',
          message: 'the included files expand to more than 1,000,000 directives (files included many times over multiply); the rest is not analysed',
        },
      ],
    },
  ],
});
