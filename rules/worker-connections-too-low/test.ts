import rule from './index.js';
import { runRuleTests } from '../../test/harness/rule-tester.js';

const main = (top: string, connections: string) => `${top}events {\n    worker_connections ${connections};\n}\nhttp {\n}\n`;

runRuleTests(rule, {
  valid: [
    { name: 'the stock 1024 fits the usual limit', code: main('', '1024') },
    { name: "Debian's 768", code: main('user www-data;\n', '768') },
    { name: 'worker_rlimit_nofile raised above worker_connections', code: main('worker_rlimit_nofile 8192;\n', '8000') },
    { name: 'equal to worker_rlimit_nofile', code: main('worker_rlimit_nofile 4096;\n', '4096') },
    {
      name: 'worker_rlimit_nofile from an included main-level file',
      files: { 'nginx.conf': main('include limits.conf;\n', '4096'), 'limits.conf': 'worker_rlimit_nofile 65535;\n' },
    },
    { name: 'defaultFileLimit raised for a container with a high nofile limit', options: { defaultFileLimit: 1048576 }, code: main('', '65535') },
    { name: 'defaultFileLimit 0 skips the unset case', options: { defaultFileLimit: 0 }, code: main('', '65535') },
    { name: 'an events snippet without its main file: worker_rlimit_nofile may be set elsewhere', rootContext: 'events', code: 'worker_connections 4096;\n' },
    { name: 'an invalid value is left to invalid-arguments', code: main('worker_rlimit_nofile many;\n', '4096') },
  ],
  invalid: [
    {
      name: 'above 1024 with no worker_rlimit_nofile',
      code: main('user nginx;\nworker_processes auto;\n', '4096'),
      output: main('user nginx;\nworker_processes auto;\nworker_rlimit_nofile 8192;\n', '4096'),
      errors: [
        {
          messageId: 'exceedsDefaultLimit',
          line: 4,
          column: 5,
          endLine: 4,
          endColumn: 29,
          message:
            'worker_connections 4096 exceed the usual open file limit of 1024 and worker_rlimit_nofile is not set: nginx warns "4096 worker_connections exceed open file resource limit: 1024" and a busy worker fails with "(24: Too many open files)"',
        },
      ],
    },
    {
      name: 'no main-level directive to follow: inserted at the top',
      code: 'events {\n\tworker_connections 10000;\n}\n',
      output: 'worker_rlimit_nofile 20000;\nevents {\n\tworker_connections 10000;\n}\n',
      errors: [{ messageId: 'exceedsDefaultLimit', line: 2, column: 2, endLine: 2, endColumn: 27 }],
    },
    {
      name: 'an explicit worker_rlimit_nofile below worker_connections is raised',
      code: main('worker_rlimit_nofile 2048;\n', '8000'),
      output: main('worker_rlimit_nofile 16000;\n', '8000'),
      errors: [
        {
          messageId: 'exceedsRlimit',
          line: 3,
          column: 5,
          endLine: 3,
          endColumn: 29,
          message:
            'worker_connections 8000 exceed worker_rlimit_nofile 2048: a busy worker runs out of file descriptors before it runs out of connections ("socket() failed (24: Too many open files) while connecting to upstream")',
        },
      ],
    },
    {
      name: 'worker_rlimit_nofile in an included file is raised there; events in another include',
      files: {
        'nginx.conf': 'include main.d/*.conf;\nhttp {\n}\n',
        'main.d/10-limits.conf': 'worker_rlimit_nofile 1024;\n',
        'main.d/20-events.conf': 'events {\n    worker_connections 2048;\n}\n',
      },
      output: { 'main.d/10-limits.conf': 'worker_rlimit_nofile 4096;\n' },
      errors: [{ messageId: 'exceedsRlimit', line: 2, column: 5, endLine: 2, endColumn: 29, file: 'main.d/20-events.conf' }],
    },
    {
      name: 'a custom defaultFileLimit',
      options: { defaultFileLimit: 512 },
      code: main('', '768'),
      output: main('worker_rlimit_nofile 1536;\n', '768'),
      errors: [{ messageId: 'exceedsDefaultLimit', line: 2, column: 5, endLine: 2, endColumn: 28 }],
    },
  ],
});
