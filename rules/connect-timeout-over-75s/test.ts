import rule from './index.js';
import { runRuleTests } from '../../test/harness/rule-tester.js';

/** A main config: `events {}`, `http {` on line 2, the body from line 3, then `}`. */
const http = (body: string): string => `events {}\nhttp {\n${body}}\n`;

/** http > server (line 3) > location / (line 5) holding `inner` from line 6 on. */
const site = (inner: string, httpBody = ''): string =>
  http(`${httpBody}    server {\n        listen 127.0.0.1:18080;\n        location / {\n${inner}        }\n    }\n`);

runRuleTests(rule, {
  valid: [
    site('            proxy_pass http://127.0.0.1:8080;\n'),
    { name: 'exactly 75s', code: site('            proxy_connect_timeout 75s;\n            proxy_pass http://127.0.0.1:8080;\n') },
    { name: '75000ms and 1m15s are 75s too', code: site('            fastcgi_connect_timeout 75000ms;\n            uwsgi_connect_timeout 1m15s;\n') },
    { name: 'short values', code: site('            grpc_connect_timeout 5s;\n            scgi_connect_timeout 500ms;\n', '    proxy_connect_timeout 10;\n') },
    { name: 'read and send timeouts may be long', code: site('            proxy_read_timeout 300s;\n            proxy_send_timeout 300s;\n') },
    { name: 'an invalid value is invalid-arguments\' finding', code: site('            proxy_connect_timeout 5 minutes;\n') },
    {
      name: 'the stream module\'s proxy_connect_timeout is another directive',
      code: 'events {}\nstream {\n    proxy_connect_timeout 120s;\n    server {\n        listen 127.0.0.1:18081;\n        proxy_pass 127.0.0.1:5432;\n    }\n}\n',
    },
    { name: 'a larger maximum', code: site('            proxy_connect_timeout 90s;\n'), options: { maximum: '2m' } },
  ],
  invalid: [
    {
      name: 'proxy_connect_timeout 300 in a location (bare seconds)',
      code: site('            proxy_connect_timeout 300;\n            proxy_pass http://127.0.0.1:8080;\n'),
      output: site('            proxy_connect_timeout 75s;\n            proxy_pass http://127.0.0.1:8080;\n'),
      errors: [
        {
          messageId: 'overMaximum',
          line: 6,
          column: 13,
          endLine: 6,
          endColumn: 39,
          message:
            '"proxy_connect_timeout 300" is above 75s, and nginx documents that a connect timeout "cannot usually exceed 75 seconds": a backend that never answers (host down, packets dropped) holds each request for up to 300s (on Linux the kernel gives up after about 127s: "connect() failed (110: Connection timed out) while connecting to upstream", 502) instead of failing, or failing over to the next server, sooner',
        },
      ],
    },
    {
      name: 'inherited from http level: the fix edits the http-level directive, not the location',
      code: site('            fastcgi_pass 127.0.0.1:9000;\n', '    fastcgi_connect_timeout 2m;\n'),
      output: site('            fastcgi_pass 127.0.0.1:9000;\n', '    fastcgi_connect_timeout 75s;\n'),
      errors: [{ messageId: 'overMaximum', line: 3, column: 5, endLine: 3, endColumn: 32 }],
    },
    {
      name: 'server level uwsgi, with an if below it (http > server > location > if)',
      code: http('    server {\n        uwsgi_connect_timeout 90s;\n        location / {\n            if ($arg_x) {\n                uwsgi_pass 127.0.0.1:3031;\n            }\n        }\n    }\n'),
      output: http('    server {\n        uwsgi_connect_timeout 75s;\n        location / {\n            if ($arg_x) {\n                uwsgi_pass 127.0.0.1:3031;\n            }\n        }\n    }\n'),
      errors: [{ messageId: 'overMaximum', line: 4, column: 9, endLine: 4, endColumn: 35 }],
    },
    {
      name: 'grpc and scgi, one line each',
      code: site('            grpc_connect_timeout 1h;\n            scgi_connect_timeout 76s;\n            grpc_pass grpc://127.0.0.1:50051;\n'),
      output: site('            grpc_connect_timeout 75s;\n            scgi_connect_timeout 75s;\n            grpc_pass grpc://127.0.0.1:50051;\n'),
      errors: [
        { messageId: 'overMaximum', line: 6, column: 13, endLine: 6, endColumn: 37 },
        { messageId: 'overMaximum', line: 7, column: 13, endLine: 7, endColumn: 38 },
      ],
    },
    {
      name: 'in an included proxy_params file: the fix edits that file',
      files: {
        'nginx.conf': site('            include proxy_params;\n            proxy_pass http://127.0.0.1:8080;\n'),
        proxy_params: 'proxy_set_header Host $host;\nproxy_connect_timeout   90;\nproxy_read_timeout      90;\n',
      },
      output: { proxy_params: 'proxy_set_header Host $host;\nproxy_connect_timeout   75s;\nproxy_read_timeout      90;\n' },
      errors: [{ messageId: 'overMaximum', line: 2, column: 1, endLine: 2, endColumn: 28, file: 'proxy_params' }],
    },
    {
      name: 'memcached too',
      code: site('            memcached_connect_timeout 80s;\n            memcached_pass 127.0.0.1:11211;\n'),
      output: site('            memcached_connect_timeout 75s;\n            memcached_pass 127.0.0.1:11211;\n'),
      errors: [{ messageId: 'overMaximum', line: 6, column: 13, endLine: 6, endColumn: 43 }],
    },
    {
      name: 'a lower maximum: the fix becomes unsafe',
      code: site('            proxy_connect_timeout 30s;\n'),
      options: { maximum: '10s' },
      output: site('            proxy_connect_timeout 10s;\n'),
      errors: [
        {
          messageId: 'overMaximum',
          line: 6,
          column: 13,
          endLine: 6,
          endColumn: 39,
          message:
            '"proxy_connect_timeout 30s" is above 10s, and nginx documents that a connect timeout "cannot usually exceed 75 seconds": a backend that never answers (host down, packets dropped) holds each request for up to 30s (on Linux the kernel gives up after about 127s: "connect() failed (110: Connection timed out) while connecting to upstream", 502) instead of failing, or failing over to the next server, sooner',
        },
      ],
    },
    {
      name: 'a lower maximum is not applied by --fix alone',
      code: site('            proxy_connect_timeout 30s;\n'),
      options: { maximum: '10s' },
      unsafe: false,
      output: null,
      errors: [{ messageId: 'overMaximum', line: 6, column: 13, endLine: 6, endColumn: 39 }],
    },
    {
      name: 'the default maximum is applied by --fix alone (safe)',
      code: site('            proxy_connect_timeout 300s;\n'),
      unsafe: false,
      output: site('            proxy_connect_timeout 75s;\n'),
      errors: [{ messageId: 'overMaximum', line: 6, column: 13, endLine: 6, endColumn: 40 }],
    },
    {
      name: 'a server snippet linted on its own',
      code: 'server {\n    proxy_connect_timeout 300s;\n}\n',
      rootContext: 'http',
      output: 'server {\n    proxy_connect_timeout 75s;\n}\n',
      errors: [{ messageId: 'overMaximum', line: 2, column: 5, endLine: 2, endColumn: 32 }],
    },
  ],
});
