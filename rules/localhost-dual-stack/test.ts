import rule from './index.js';
import { runRuleTests } from '../../test/harness/rule-tester.js';

const http = (body: string) => `events {}\nhttp {\n${body}\n}\n`;

runRuleTests(rule, {
  valid: [
    http('    server {\n        location / { proxy_pass http://127.0.0.1:8080; }\n    }'),
    { name: 'an IPv6 literal', code: http('    server {\n        location / { proxy_pass http://[::1]:8080; }\n    }') },
    { name: 'an upstream block named localhost-ish but with IP servers', code: http('    upstream localapp { server 127.0.0.1:3000; }\n    server {\n        location / { proxy_pass http://localapp; }\n    }') },
    { name: 'a hostname that merely contains localhost', code: http('    server {\n        location / { proxy_pass http://localhost-api.internal:8080; }\n    }') },
    { name: 'a variable host is proxy-pass-variable-needs-resolver\'s', code: http('    resolver 127.0.0.53;\n    server {\n        location / { set $b localhost; proxy_pass http://$b:8080; }\n    }') },
    { name: 'a unix socket', code: http('    server {\n        location / { proxy_pass http://unix:/run/app.sock; }\n    }') },
  ],
  invalid: [
    {
      name: 'proxy_pass to localhost, fix keeps the scheme, port and URI (unsafe without a known bind)',
      code: http('    server {\n        location / { proxy_pass http://localhost:8080/api/; }\n    }'),
      output: http('    server {\n        location / { proxy_pass http://127.0.0.1:8080/api/; }\n    }'),
      errors: [{ messageId: 'dualStack', line: 4, column: 33, endLine: 4, endColumn: 59 }],
    },
    {
      name: 'the unsafe fix is not applied by --fix alone',
      code: http('    server {\n        location / { proxy_pass http://localhost:8080; }\n    }'),
      output: null,
      unsafe: false,
      errors: [{ messageId: 'dualStack', line: 4, column: 33, endLine: 4, endColumn: 54 }],
    },
    {
      name: 'retries disabled at server level, inherited by the location',
      code: http('    server {\n        proxy_next_upstream off;\n        location / { proxy_pass http://localhost:8080; }\n    }'),
      errors: [
        {
          messageId: 'retriesOff',
          line: 5,
          column: 33,
          endLine: 5,
          endColumn: 54,
          message:
            'localhost resolves to every loopback address (usually ::1 and 127.0.0.1) while "proxy_next_upstream off" stops nginx from trying the next one: a request sent to the address the backend does not bind fails with "connect() failed (111: Connection refused) while connecting to upstream" and a 502; connect to 127.0.0.1',
        },
      ],
    },
    {
      name: 'fastcgi_next_upstream_tries 1 with an upstream server line, from an included file',
      files: {
        'nginx.conf': http('    include conf.d/*.conf;'),
        'conf.d/app.conf': 'upstream php {\n    server localhost:9000 max_fails=0;\n}\nserver {\n    fastcgi_next_upstream_tries 1;\n    location ~ \\.php$ { fastcgi_pass php; }\n}\n',
      },
      output: { 'conf.d/app.conf': 'upstream php {\n    server 127.0.0.1:9000 max_fails=0;\n}\nserver {\n    fastcgi_next_upstream_tries 1;\n    location ~ \\.php$ { fastcgi_pass php; }\n}\n' },
      errors: [{ messageId: 'retriesOff', line: 2, column: 12, endLine: 2, endColumn: 26, file: 'conf.d/app.conf' }],
    },
    {
      name: 'a backend bound to ::1 only: the fix connects to [::1] and is safe',
      files: {
        'nginx.conf': http('    server {\n        location / { uwsgi_pass localhost:3031; }\n    }'),
        'uwsgi.ini': '[uwsgi]\nsocket = [::1]:3031\n',
      },
      backends: ['uwsgi.ini'],
      unsafe: false,
      output: http('    server {\n        location / { uwsgi_pass [::1]:3031; }\n    }'),
      errors: [{ messageId: 'dualStack', line: 4, column: 33, endLine: 4, endColumn: 47 }],
    },
    {
      name: 'grpc_pass with a scheme, case-insensitive name',
      code: http('    server {\n        location / { grpc_pass grpc://LOCALHOST:50051; }\n    }'),
      output: http('    server {\n        location / { grpc_pass grpc://127.0.0.1:50051; }\n    }'),
      errors: [{ messageId: 'dualStack', line: 4, column: 32, endLine: 4, endColumn: 54 }],
    },
  ],
});
