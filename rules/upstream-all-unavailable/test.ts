import rule from './index.js';
import { runRuleTests } from '../../test/harness/rule-tester.js';

/** Line 1 events, 2 http {, upstream lines from 3, then a server passing to `app`. */
const conf = (upstream: readonly string[], location: readonly string[] = ['proxy_pass http://app;'], httpExtra: readonly string[] = []): string =>
  [
    'events {}',
    'http {',
    ...httpExtra.map((l) => `    ${l}`),
    '    upstream app {',
    ...upstream.map((l) => `        ${l}`),
    '    }',
    '    server {',
    '        location / {',
    ...location.map((l) => `            ${l}`),
    '        }',
    '    }',
    '}',
    '',
  ].join('\n');

runRuleTests(rule, {
  valid: [
    { name: 'two plain servers', code: conf(['server 127.0.0.1:8080;', 'server 127.0.0.1:8081;']) },
    { name: 'one server down, one live', code: conf(['server 127.0.0.1:8080 down;', 'server 127.0.0.1:8081;']) },
    { name: 'a lone server is never ejected by max_fails, even with http_500 listed', code: conf(['server 127.0.0.1:8080 max_fails=1;'], ['proxy_next_upstream error timeout http_500;', 'proxy_pass http://app;']) },
    { name: 'max_conns on one server only', code: conf(['server 127.0.0.1:8080 max_conns=10;', 'server 127.0.0.1:8081;']) },
    { name: 'a backup without max_conns takes the overflow', code: conf(['server 127.0.0.1:8080 max_conns=10;', 'server 127.0.0.1:8081 backup;']) },
    { name: 'default next_upstream (error timeout) never counts responses', code: conf(['server 127.0.0.1:8080;', 'server 127.0.0.1:8081;'], ['proxy_next_upstream error timeout;', 'proxy_pass http://app;']) },
    { name: 'max_fails=0 on a peer: it is never ejected', code: conf(['server 127.0.0.1:8080;', 'server 127.0.0.1:8081 max_fails=0;'], ['proxy_next_upstream error timeout http_502;', 'proxy_pass http://app;']) },
    { name: 'an unused upstream whose servers are all down (maintenance)', code: conf(['server 127.0.0.1:8080 down;'], ['return 200;']) },
    { name: 'proxy_next_upstream off', code: conf(['server 127.0.0.1:8080;', 'server 127.0.0.1:8081;'], ['proxy_next_upstream off;', 'proxy_pass http://app;']) },
    { name: 'http_503 listed but the location passes elsewhere', code: conf(['server 127.0.0.1:8080;', 'server 127.0.0.1:8081;'], ['proxy_next_upstream error http_503;', 'proxy_pass http://127.0.0.1:9000;']) },
  ],
  invalid: [
    {
      name: 'the only server is down',
      code: conf(['server 127.0.0.1:8080 down;']),
      errors: [{ messageId: 'allDown', line: 4, column: 9, endLine: 4, endColumn: 36 }],
    },
    {
      name: 'every server down, a backup too',
      code: conf(['server 127.0.0.1:8080 down;', 'server 127.0.0.1:8081 backup down;']),
      errors: [{ messageId: 'allDown', line: 4, column: 9, endLine: 4, endColumn: 36 }],
    },
    {
      name: 'max_conns on every server, no zone',
      code: conf(['server 127.0.0.1:8080 max_conns=1;', 'server 127.0.0.1:8081 max_conns=2;']),
      errors: [
        {
          messageId: 'maxConnsEverywhere',
          line: 4,
          column: 9,
          endLine: 4,
          endColumn: 43,
          message:
            'every server of upstream "app" has max_conns (3 connections in all, counted per worker without a zone): one more concurrent request gets 502 with "no live upstreams while connecting to upstream" (open-source nginx has no queue)',
        },
      ],
    },
    {
      name: 'http_500 inherited from http onto a two-server group with the default max_fails',
      code: conf(['server 127.0.0.1:8080;', 'server 127.0.0.1:8081;'], ['proxy_pass http://app;'], ['proxy_next_upstream error timeout http_500;']),
      errors: [
        {
          messageId: 'failingCodesEject',
          line: 3,
          column: 5,
          endLine: 3,
          endColumn: 48,
          message:
            '"proxy_next_upstream" lists http_500: those responses count toward max_fails, so with max_fails=1 fail_timeout=10s an application error on every peer of upstream "app" ejects them all and nginx answers 502 "no live upstreams" for 10s',
        },
      ],
      output: conf(['server 127.0.0.1:8080;', 'server 127.0.0.1:8081;'], ['proxy_pass http://app;'], ['proxy_next_upstream error timeout http_500;']),
    },
    {
      name: 'fastcgi_next_upstream http_503 from an included snippet',
      files: {
        'nginx.conf': conf(['server 127.0.0.1:9000 max_fails=3 fail_timeout=30s;', 'server 127.0.0.1:9001 max_fails=3 fail_timeout=30s;'], ['include snippets/php.conf;', 'fastcgi_pass app;']),
        'snippets/php.conf': 'fastcgi_next_upstream error timeout http_503;\n',
      },
      errors: [{ messageId: 'failingCodesEject', line: 1, column: 1, endLine: 1, endColumn: 46, file: 'snippets/php.conf' }],
    },
  ],
});
