import rule from './index.js';
import { runRuleTests } from '../../test/harness/rule-tester.js';

/** Line 1 events, 2 http {, extra http lines, then upstream app, then a server passing to it. */
const conf = (upstream: readonly string[], location: readonly string[], httpExtra: readonly string[] = []): string =>
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
const two = ['server 127.0.0.1:8080;', 'server 127.0.0.1:8081;'];

runRuleTests(rule, {
  valid: [
    { name: 'defaults', code: conf(two, ['proxy_pass http://app;']) },
    { name: 'off on a one-server group changes nothing', code: conf(['server 127.0.0.1:8080;'], ['proxy_next_upstream off;', 'proxy_pass http://app;']) },
    { name: 'off with the second server down', code: conf(['server 127.0.0.1:8080;', 'server 127.0.0.1:8081 down;'], ['proxy_next_upstream off;', 'proxy_pass http://app;']) },
    { name: 'off on an implicit address', code: conf(two, ['proxy_next_upstream off;', 'proxy_pass http://127.0.0.1:8080;']) },
    { name: 'tries 2 and a timeout', code: conf(two, ['proxy_next_upstream_tries 2;', 'proxy_next_upstream_timeout 10s;', 'proxy_pass http://app;']) },
    { name: 'http_500 is upstream-all-unavailable\'s finding', code: conf(two, ['proxy_next_upstream error timeout http_500;', 'proxy_pass http://app;']) },
    { name: 'request buffering off on a one-server group', code: conf(['server 127.0.0.1:8080;'], ['proxy_request_buffering off;', 'proxy_pass http://app;']) },
    { name: 'request buffering off with retries off is only the off finding', code: conf(['server 127.0.0.1:8080;'], ['proxy_request_buffering off;', 'proxy_next_upstream off;', 'proxy_pass http://app;']) },
  ],
  invalid: [
    {
      name: 'proxy_next_upstream off inherited from http',
      code: conf(two, ['proxy_pass http://app;'], ['proxy_next_upstream off;']),
      errors: [
        {
          messageId: 'retriesOff',
          line: 3,
          column: 5,
          endLine: 3,
          endColumn: 29,
          message: '"proxy_next_upstream off" on upstream "app" (2 servers): a connection error or timeout on one peer becomes a 502 although another peer could have answered',
        },
      ],
      output: null,
    },
    {
      name: 'fastcgi_next_upstream_tries 1 from a snippet',
      files: {
        'nginx.conf': conf(two, ['include snippets/php.conf;', 'fastcgi_pass app;']),
        'snippets/php.conf': 'fastcgi_next_upstream_tries 1;\n',
      },
      errors: [{ messageId: 'triesOne', line: 1, column: 1, endLine: 1, endColumn: 31, file: 'snippets/php.conf' }],
    },
    {
      name: 'non_idempotent and request buffering off, reported once for two locations',
      code: [
        'events {}',
        'http {',
        '    proxy_next_upstream error timeout non_idempotent;',
        '    proxy_request_buffering off;',
        '    upstream app { server 127.0.0.1:8080; server 127.0.0.1:8081; }',
        '    server {',
        '        location / { proxy_pass http://app; }',
        '        location /api/ { proxy_pass http://app; }',
        '    }',
        '}',
        '',
      ].join('\n'),
      errors: [
        { messageId: 'nonIdempotent', line: 3, column: 5, endLine: 3, endColumn: 54 },
        { messageId: 'bufferingOff', line: 4, column: 5, endLine: 4, endColumn: 33 },
      ],
    },
  ],
});
