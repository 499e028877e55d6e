import rule from './index.js';
import { runRuleTests } from '../../test/harness/rule-tester.js';

const http = (body: string) => `events {}\nhttp {\n${body}\n}\n`;
const SET = (indent: string, prefix = 'proxy') => `${indent}${prefix}_buffer_size 16k;\n${indent}${prefix}_buffers 8 16k;\n${indent}${prefix}_busy_buffers_size 32k;`;

runRuleTests(rule, {
  valid: [
    { name: 'default buffers, nothing that suggests big headers', code: http('    server {\n        location / { proxy_pass http://127.0.0.1:8080; }\n    }') },
    { name: 'explicit 8k is enough', code: http('    proxy_buffer_size 8k;\n    server {\n        location / { proxy_pass http://127.0.0.1:8080; }\n    }') },
    { name: 'the consistent set', code: http(`${SET('    ')}\n    large_client_header_buffers 4 32k;\n    server {\n        location / { proxy_pass http://127.0.0.1:8080; }\n    }`) },
    { name: 'a small value for another module', code: http('    proxy_buffer_size 4k;\n    server {\n        location ~ \\.php$ { fastcgi_pass 127.0.0.1:9000; }\n    }') },
    { name: 'a small value where nothing passes', code: http('    proxy_buffer_size 4k;\n    server {\n        location / { root /srv/www; }\n    }') },
    {
      name: 'a location that overrides the small value',
      code: http('    proxy_buffer_size 4k;\n    server {\n        location / {\n            proxy_buffer_size 16k;\n            proxy_buffers 8 16k;\n            proxy_pass http://127.0.0.1:8080;\n        }\n    }'),
    },
    { name: 'memcached_pass has no such buffer', code: http('    large_client_header_buffers 4 16k;\n    server {\n        location / { set $memcached_key $uri; memcached_pass 127.0.0.1:11211; }\n    }') },
    { name: 'more client header buffers, not larger ones', code: http('    large_client_header_buffers 16 8k;\n    server {\n        location / { proxy_pass http://127.0.0.1:8080; }\n    }') },
    { name: 'smaller client header buffers', code: http('    large_client_header_buffers 2 1k;\n    server {\n        location / { uwsgi_pass 127.0.0.1:3031; }\n    }') },
    {
      name: 'auth_request to a location that does not pass, in a location that does not pass',
      code: http('    server {\n        location / {\n            auth_request /auth;\n            root /srv/www;\n        }\n        location = /auth { internal; return 204; }\n    }'),
    },
    {
      name: 'auth_request switched off in the passing location',
      code: http('    server {\n        auth_request /auth;\n        location /public/ {\n            auth_request off;\n            proxy_pass http://127.0.0.1:8080;\n        }\n        location = /auth { internal; return 204; }\n    }'),
    },
    {
      name: 'nginx OIDC client: token endpoints in variables answer with a body, not big headers',
      code: http('    server {\n        location = /_token {\n            internal;\n            proxy_pass $oidc_token_endpoint;\n        }\n    }'),
    },
    { name: 'a name that only contains an SSO word', code: http('    server {\n        location / { proxy_pass http://lasso-app:8080; }\n    }') },
    { name: 'stream proxy_buffer_size is another directive', code: 'events {}\nstream {\n    server {\n        listen 12345;\n        proxy_buffer_size 4k;\n        proxy_pass 127.0.0.1:8080;\n    }\n}\n' },
    { name: 'minBufferSize 4k accepts an explicit 4k', options: { minBufferSize: '4k' }, code: http('    proxy_buffer_size 4k;\n    server {\n        location / { proxy_pass http://127.0.0.1:8080; }\n    }') },
    {
      name: 'minBufferSize 4k accepts the default even with big client headers',
      options: { minBufferSize: '4k' },
      code: http('    large_client_header_buffers 4 16k;\n    server {\n        location / { proxy_pass http://127.0.0.1:8080; }\n    }'),
    },
  ],
  invalid: [
    {
      name: 'http-level proxy_buffer_size 4k used by two locations: one finding, the set written at http level',
      code: http('    proxy_buffer_size 4k;\n    server {\n        location / { proxy_pass http://127.0.0.1:8080; }\n        location /api/ {\n            proxy_pass http://127.0.0.1:8081;\n        }\n    }'),
      output: http(`${SET('    ')}\n    server {\n        location / { proxy_pass http://127.0.0.1:8080; }\n        location /api/ {\n            proxy_pass http://127.0.0.1:8081;\n        }\n    }`),
      errors: [
        {
          messageId: 'smallBufferSize',
          line: 3,
          column: 5,
          endLine: 3,
          endColumn: 26,
          message:
            '"proxy_buffer_size 4k" is below 8k: a proxied response header larger than 4k (a session or SSO cookie, a long Content-Security-Policy) makes nginx answer 502 with "upstream sent too big header while reading response header from upstream"',
        },
      ],
    },
    {
      name: 'fastcgi in a PHP location: existing directives of the set are replaced, not duplicated',
      code: http('    server {\n        location ~ \\.php$ {\n            fastcgi_buffer_size 4k;\n            fastcgi_buffers 8 4k;\n            fastcgi_pass unix:/run/php/php8.2-fpm.sock;\n        }\n    }'),
      output: http(
        '    server {\n        location ~ \\.php$ {\n            fastcgi_buffer_size 32k;\n            fastcgi_buffers 16 16k;\n            fastcgi_busy_buffers_size 64k;\n            fastcgi_pass unix:/run/php/php8.2-fpm.sock;\n        }\n    }',
      ),
      errors: [{ messageId: 'smallBufferSize', line: 5, column: 13, endLine: 5, endColumn: 36 }],
    },
    {
      name: 'uwsgi value from an included snippet: the set is written into the snippet',
      files: {
        'nginx.conf': http('    server {\n        location / {\n            include snippets/uwsgi.conf;\n            uwsgi_pass 127.0.0.1:3031;\n        }\n    }'),
        'snippets/uwsgi.conf': 'uwsgi_buffer_size 2k;\nuwsgi_read_timeout 30s;\n',
      },
      output: { 'snippets/uwsgi.conf': `${SET('', 'uwsgi')}\nuwsgi_read_timeout 30s;\n` },
      errors: [{ messageId: 'smallBufferSize', line: 1, column: 1, endLine: 1, endColumn: 22, file: 'snippets/uwsgi.conf' }],
    },
    {
      name: 'grpc: grpc_buffer_size alone',
      code: http('    grpc_buffer_size 4k;\n    server {\n        listen 80 http2;\n        location / { grpc_pass grpc://127.0.0.1:50051; }\n    }'),
      output: http('    grpc_buffer_size 16k;\n    server {\n        listen 80 http2;\n        location / { grpc_pass grpc://127.0.0.1:50051; }\n    }'),
      errors: [{ messageId: 'smallBufferSize', line: 3, column: 5, endLine: 3, endColumn: 25 }],
    },
    {
      name: 'scgi at server level, in CRLF',
      code: 'events {}\r\nhttp {\r\n    server {\r\n        scgi_buffer_size 1k;\r\n        location / { scgi_pass 127.0.0.1:4000; }\r\n    }\r\n}\r\n',
      output: 'events {}\r\nhttp {\r\n    server {\r\n        scgi_buffer_size 16k;\r\n        scgi_buffers 8 16k;\r\n        scgi_busy_buffers_size 32k;\r\n        location / { scgi_pass 127.0.0.1:4000; }\r\n    }\r\n}\r\n',
      errors: [{ messageId: 'smallBufferSize', line: 4, column: 9, endLine: 4, endColumn: 29 }],
    },
    {
      name: 'larger buffers already there are kept; busy fits them',
      code: http('    server {\n        location / {\n            proxy_buffer_size 4k;\n            proxy_buffers 16 64k;\n            proxy_pass http://127.0.0.1:8080;\n        }\n    }'),
      output: http(
        '    server {\n        location / {\n            proxy_buffer_size 16k;\n            proxy_buffers 16 64k;\n            proxy_busy_buffers_size 128k;\n            proxy_pass http://127.0.0.1:8080;\n        }\n    }',
      ),
      errors: [{ messageId: 'smallBufferSize', line: 5, column: 13, endLine: 5, endColumn: 34 }],
    },
    {
      name: 'a level below sets its own buffers that the set would not fit: suggestion only',
      code: http('    proxy_buffer_size 4k;\n    server {\n        location / {\n            proxy_buffers 4 4k;\n            proxy_pass http://127.0.0.1:8080;\n        }\n    }'),
      output: null,
      errors: [{ messageId: 'smallBufferSize', line: 3, column: 5, endLine: 3, endColumn: 26 }],
    },
    {
      name: 'minBufferSize 32k scales the set',
      options: { minBufferSize: '32k' },
      code: http(`${SET('    ')}\n    server {\n        location / { proxy_pass http://127.0.0.1:8080; }\n    }`),
      output: http('    proxy_buffer_size 32k;\n    proxy_buffers 8 32k;\n    proxy_busy_buffers_size 64k;\n    server {\n        location / { proxy_pass http://127.0.0.1:8080; }\n    }'),
      errors: [{ messageId: 'smallBufferSize', line: 3, column: 5, endLine: 3, endColumn: 27, message: '"proxy_buffer_size 16k" is below 32k: a proxied response header larger than 16k (a session or SSO cookie, a long Content-Security-Policy) makes nginx answer 502 with "upstream sent too big header while reading response header from upstream"' }],
    },
    {
      name: 'a snippet linted in location context',
      code: 'proxy_buffer_size 4k;\nproxy_pass http://127.0.0.1:8080;\n',
      rootContext: 'location',
      output: `${SET('')}\nproxy_pass http://127.0.0.1:8080;\n`,
      errors: [{ messageId: 'smallBufferSize', line: 1, column: 1, endLine: 1, endColumn: 22 }],
    },
    {
      name: 'a snippet included from two locations: one finding, its fix is only offered',
      files: {
        'nginx.conf': http('    server {\n        location /a/ {\n            include snippets/p.conf;\n        }\n        location /b/ {\n            include snippets/p.conf;\n        }\n    }'),
        'snippets/p.conf': 'proxy_buffer_size 4k;\nproxy_pass http://127.0.0.1:8080;\n',
      },
      output: null,
      errors: [{ messageId: 'smallBufferSize', line: 1, column: 1, endLine: 1, endColumn: 22, file: 'snippets/p.conf' }],
    },
    {
      name: 'large_client_header_buffers raised, default proxy buffer: the set goes into the passing location',
      code: http('    large_client_header_buffers 4 16k;\n    server {\n        location / {\n            proxy_set_header Host $host;\n            proxy_pass http://app;\n        }\n    }\n    upstream app { server 127.0.0.1:8080; }'),
      output: http(
        `    large_client_header_buffers 4 16k;\n    server {\n        location / {\n            proxy_set_header Host $host;\n            proxy_pass http://app;\n${SET('            ')}\n        }\n    }\n    upstream app { server 127.0.0.1:8080; }`,
      ),
      errors: [
        {
          messageId: 'bigClientHeaders',
          line: 7,
          column: 13,
          endLine: 7,
          endColumn: 35,
          message:
            '"proxy_pass http://app" reads response headers into the default proxy_buffer_size (one page, 4k), but "large_client_header_buffers 4 16k" lets clients send header lines up to 16k: a backend that echoes a big cookie answers with a header nginx cannot read (502, "upstream sent too big header while reading response header from upstream")',
        },
      ],
    },
    {
      name: 'scgi_pass inside if: the set goes into the location',
      code: http('    server {\n        large_client_header_buffers 8 32k;\n        location / {\n            root /srv;\n            if ($request_method = POST) {\n                scgi_pass 127.0.0.1:4000;\n            }\n        }\n    }'),
      output: http(
        `    server {\n        large_client_header_buffers 8 32k;\n        location / {\n            root /srv;\n${SET('            ', 'scgi')}\n            if ($request_method = POST) {\n                scgi_pass 127.0.0.1:4000;\n            }\n        }\n    }`,
      ),
      errors: [{ messageId: 'bigClientHeaders', line: 8, column: 17, endLine: 8, endColumn: 42 }],
    },
    {
      name: 'a pass from an included snippet: the set goes into the location, the snippet stays shared',
      files: {
        'nginx.conf': http('    large_client_header_buffers 4 16k;\n    server {\n        location / {\n            include snippets/app.conf;\n        }\n    }'),
        'snippets/app.conf': 'proxy_set_header Host $host;\nproxy_pass http://127.0.0.1:8080;\n',
      },
      output: { 'nginx.conf': http(`    large_client_header_buffers 4 16k;\n    server {\n        location / {\n            include snippets/app.conf;\n${SET('            ')}\n        }\n    }`) },
      errors: [{ messageId: 'bigClientHeaders', line: 2, column: 1, endLine: 2, endColumn: 34, file: 'snippets/app.conf' }],
    },
    {
      name: 'a one-line location stays on one line',
      code: http('    large_client_header_buffers 4 16k;\n    server { location / { proxy_pass http://127.0.0.1:8080; } }'),
      output: http('    large_client_header_buffers 4 16k;\n    server { location / { proxy_pass http://127.0.0.1:8080; proxy_buffer_size 16k; proxy_buffers 8 16k; proxy_busy_buffers_size 32k; } }'),
      errors: [{ messageId: 'bigClientHeaders', line: 4, column: 27, endLine: 4, endColumn: 60 }],
    },
    {
      name: 'two passes in one location: one finding',
      code: http('    large_client_header_buffers 4 16k;\n    server {\n        location / {\n            if ($arg_v2) { proxy_pass http://127.0.0.1:8081; }\n            proxy_pass http://127.0.0.1:8080;\n        }\n    }'),
      errors: [{ messageId: 'bigClientHeaders', line: 6, column: 28, endLine: 6, endColumn: 61 }],
    },
    {
      name: 'auth_request: the protected location and the auth location',
      code: http(
        '    server {\n        location / {\n            auth_request /auth;\n            proxy_pass http://127.0.0.1:8080;\n        }\n        location = /auth {\n            internal;\n            proxy_pass http://127.0.0.1:9000/verify;\n        }\n    }',
      ),
      output: http(
        `    server {\n        location / {\n            auth_request /auth;\n            proxy_pass http://127.0.0.1:8080;\n${SET('            ')}\n        }\n        location = /auth {\n            internal;\n            proxy_pass http://127.0.0.1:9000/verify;\n${SET('            ')}\n        }\n    }`,
      ),
      errors: [
        { messageId: 'authRequest', line: 6, column: 13, endLine: 6, endColumn: 46 },
        {
          messageId: 'authRequestTarget',
          line: 10,
          column: 13,
          endLine: 10,
          endColumn: 53,
          message:
            '"auth_request /auth" subrequests land here, and "proxy_pass http://127.0.0.1:9000/verify" reads the auth response headers into the default proxy_buffer_size (one page, 4k): an auth service\'s cookies and token headers easily outgrow it ("upstream sent too big header while reading response header from upstream", and the protected location fails)',
        },
      ],
    },
    {
      name: 'auth_request at server level reaches a prefix location; regex locations are matched too',
      code: http(
        '    server {\n        auth_request /_auth/check;\n        location /_auth/ {\n            proxy_pass http://127.0.0.1:9000;\n        }\n        location ~ ^/_auth/check$ {\n            proxy_pass http://127.0.0.1:9001;\n        }\n    }',
      ),
      errors: [
        { messageId: 'authRequest', line: 6, column: 13, endLine: 6, endColumn: 46 },
        { messageId: 'authRequestTarget', line: 9, column: 13, endLine: 9, endColumn: 46 },
      ],
    },
    {
      name: 'SSO: an /oauth2/ location and a keycloak upstream',
      code: http(
        '    upstream keycloak { server 10.0.0.5:8080; }\n    server {\n        location /oauth2/ {\n            proxy_pass http://127.0.0.1:4180;\n        }\n        location /auth/ {\n            proxy_pass http://keycloak;\n        }\n    }',
      ),
      errors: [
        { messageId: 'ssoProxy', line: 6, column: 13, endLine: 6, endColumn: 46 },
        {
          messageId: 'ssoProxy',
          line: 9,
          column: 13,
          endLine: 9,
          endColumn: 40,
          message:
            '"proxy_pass http://keycloak" talks to an SSO/OIDC service ("keycloak") with the default proxy_buffer_size (one page, 4k): its session cookies and tokens easily outgrow it (502, "upstream sent too big header while reading response header from upstream")',
        },
      ],
    },
    {
      name: 'SSO: an oauth2-proxy host name',
      code: http('    server {\n        location / { proxy_pass http://oauth2-proxy:4180; }\n    }'),
      output: http(`    server {\n        location / { proxy_pass http://oauth2-proxy:4180; proxy_buffer_size 16k; proxy_buffers 8 16k; proxy_busy_buffers_size 32k; }\n    }`),
      errors: [{ messageId: 'ssoProxy', line: 4, column: 22, endLine: 4, endColumn: 58 }],
    },
  ],
});
