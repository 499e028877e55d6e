import rule from './index.js';
import { runRuleTests } from '../../test/harness/rule-tester.js';

/** A main config: `events {}`, `http {` on line 2, the body from line 3, then `}`. */
const http = (body: string): string => `events {}\nhttp {\n${body}}\n`;

/** http > server (line 3) > location / (line 5) holding `inner` from line 6 on. */
const site = (inner: string, httpBody = '', location = 'location /'): string =>
  http(`${httpBody}    server {\n        listen 127.0.0.1:18080;\n        ${location} {\n${inner}        }\n    }\n`);

runRuleTests(rule, {
  valid: [
    { name: 'read timeout at http level, inherited into the location', code: site('            proxy_pass http://127.0.0.1:8080;\n', '    proxy_read_timeout 30s;\n') },
    {
      name: 'fastcgi read timeout at server level',
      code: http('    server {\n        fastcgi_read_timeout 35s;\n        location ~ \\.php$ {\n            fastcgi_pass unix:/run/php/php8.2-fpm.sock;\n        }\n    }\n'),
    },
    { name: 'uwsgi read timeout in the location', code: site('            uwsgi_read_timeout 35s;\n            uwsgi_pass 127.0.0.1:3031;\n') },
    { name: 'scgi read timeout in the location', code: site('            scgi_read_timeout 35s;\n            scgi_pass 127.0.0.1:4000;\n') },
    { name: 'grpc read timeout at http level', code: site('            grpc_pass grpc://127.0.0.1:50051;\n', '    grpc_read_timeout 1h;\n') },
    {
      name: 'a pass in an if inherits the location timeout (http > server > location > if)',
      code: site('            proxy_read_timeout 35s;\n            if ($request_method = POST) {\n                proxy_pass http://127.0.0.1:8080;\n            }\n'),
    },
    {
      name: 'a pass in limit_except inherits the location timeout',
      code: site('            proxy_read_timeout 35s;\n            limit_except GET {\n                proxy_pass http://127.0.0.1:8080;\n            }\n'),
    },
    {
      name: 'the timeout comes from an included file at http level',
      files: {
        'nginx.conf': 'events {}\nhttp {\n    include proxy_timeouts.conf;\n    server {\n        location / {\n            proxy_pass http://127.0.0.1:8080;\n        }\n    }\n}\n',
        'proxy_timeouts.conf': 'proxy_connect_timeout 5s;\nproxy_read_timeout 35s;\n',
      },
    },
    {
      name: 'the timeout comes from a snippet included in the location',
      files: {
        'nginx.conf': site('            include proxy_params;\n            proxy_pass http://127.0.0.1:8080;\n'),
        'proxy_params': 'proxy_set_header Host $host;\nproxy_read_timeout 300;\n',
      },
    },
    {
      name: 'an include on the chain that loaded nothing may set the timeout',
      code: site('            include /etc/nginx/proxy_params;\n            proxy_pass http://127.0.0.1:8080;\n'),
    },
    {
      name: 'a server snippet linted on its own: the http level is not in view',
      code: 'server {\n    location / {\n        proxy_pass http://127.0.0.1:8080;\n    }\n}\n',
      rootContext: 'http',
    },
    { name: 'memcached_pass has no application behind it', code: site('            memcached_pass 127.0.0.1:11211;\n') },
    { name: 'stream proxy_pass is another module', code: 'events {}\nstream {\n    server {\n        listen 127.0.0.1:18081;\n        proxy_pass 127.0.0.1:5432;\n    }\n}\n' },
    { name: 'no pass at all', code: site('            root /var/www;\n') },
    {
      name: "the backend's limit is known (gunicorn.conf.py next to the config): upstream-timeout-vs-backend-limit owns it",
      files: { 'nginx.conf': site('            proxy_pass http://127.0.0.1:8000;\n'), 'gunicorn.conf.py': 'bind = "127.0.0.1:8000"\n' },
    },
    {
      name: "the backend's limit is known (uWSGI harakiri behind an upstream block)",
      files: {
        'nginx.conf': site('            uwsgi_pass app;\n', '    upstream app {\n        server 127.0.0.1:3031;\n    }\n'),
        'uwsgi.ini': '[uwsgi]\nsocket = 127.0.0.1:3031\nharakiri = 120\n',
      },
    },
  ],
  invalid: [
    {
      name: 'a backend without a request limit (FPM pool, no request_terminate_timeout): still reported',
      files: {
        'nginx.conf': site('            fastcgi_pass unix:/run/php/php8.2-fpm.sock;\n'),
        '/etc/php/8.2/fpm/pool.d/www.conf': '[www]\nlisten = /run/php/php8.2-fpm.sock\npm.max_children = 20\n',
      },
      root: '/',
      errors: [{ messageId: 'defaultReadTimeout', line: 6, column: 13, endLine: 6, endColumn: 56 }],
    },
    {
      name: 'proxy_pass with every timeout at its default: all three are written after the pass',
      code: site('            proxy_pass http://127.0.0.1:8080;\n'),
      output: site('            proxy_pass http://127.0.0.1:8080;\n            proxy_connect_timeout 60s;\n            proxy_send_timeout 60s;\n            proxy_read_timeout 60s;\n'),
      errors: [
        {
          messageId: 'defaultReadTimeout',
          line: 6,
          column: 13,
          endLine: 6,
          endColumn: 46,
          message:
            '"proxy_pass" relies on nginx\'s default "proxy_read_timeout 60s": a backend that gives up on a request sooner (gunicorn\'s default timeout is 30s) makes nginx log "upstream prematurely closed connection while reading response header from upstream" and answer 502; write the timeouts that match the backend\'s limit',
        },
      ],
    },
    {
      name: 'fastcgi_pass with a connect timeout inherited from the server: only send and read are written',
      files: {
        'nginx.conf': http('    server {\n        fastcgi_connect_timeout 5s;\n        location ~ \\.php$ {\n            include fastcgi_params;\n            fastcgi_pass unix:/run/php/php8.2-fpm.sock;\n        }\n    }\n'),
        fastcgi_params: 'fastcgi_param QUERY_STRING $query_string;\n',
      },
      output: {
        'nginx.conf': http(
          '    server {\n        fastcgi_connect_timeout 5s;\n        location ~ \\.php$ {\n            include fastcgi_params;\n            fastcgi_pass unix:/run/php/php8.2-fpm.sock;\n            fastcgi_send_timeout 60s;\n            fastcgi_read_timeout 60s;\n        }\n    }\n',
        ),
      },
      errors: [{ messageId: 'defaultReadTimeout', line: 7, column: 13, endLine: 7, endColumn: 56 }],
    },
    {
      name: 'uwsgi_pass inside an if: the timeouts go into the enclosing location (if takes none)',
      files: {
        'nginx.conf': site('            include uwsgi_params;\n            if ($arg_debug) {\n                uwsgi_pass 127.0.0.1:3031;\n            }\n'),
        uwsgi_params: 'uwsgi_param QUERY_STRING $query_string;\n',
      },
      output: {
        'nginx.conf': site(
          '            include uwsgi_params;\n            uwsgi_connect_timeout 60s;\n            uwsgi_send_timeout 60s;\n            uwsgi_read_timeout 60s;\n            if ($arg_debug) {\n                uwsgi_pass 127.0.0.1:3031;\n            }\n',
        ),
      },
      errors: [{ messageId: 'defaultReadTimeout', line: 8, column: 17, endLine: 8, endColumn: 43 }],
    },
    {
      name: 'grpc_pass on a one-line location, with the readTimeout option',
      code: http('    server {\n        location / { grpc_pass grpc://127.0.0.1:50051; }\n    }\n'),
      options: { readTimeout: '35s' },
      output: http('    server {\n        location / { grpc_pass grpc://127.0.0.1:50051;\n            grpc_connect_timeout 60s;\n            grpc_send_timeout 60s;\n            grpc_read_timeout 35s; }\n    }\n'),
      errors: [{ messageId: 'defaultReadTimeout', line: 4, column: 22, endLine: 4, endColumn: 55 }],
    },
    {
      name: 'scgi_pass, where only the proxy timeouts are set (each module has its own)',
      code: site('            scgi_pass 127.0.0.1:4000;\n', '    proxy_read_timeout 30s;\n    proxy_connect_timeout 5s;\n'),
      output: site('            scgi_pass 127.0.0.1:4000;\n            scgi_connect_timeout 60s;\n            scgi_send_timeout 60s;\n            scgi_read_timeout 60s;\n', '    proxy_read_timeout 30s;\n    proxy_connect_timeout 5s;\n'),
      errors: [{ messageId: 'defaultReadTimeout', line: 8, column: 13, endLine: 8, endColumn: 38 }],
    },
    {
      name: 'only connect and send set at http level: read is still the default',
      code: site('            proxy_pass http://127.0.0.1:8080;\n', '    proxy_connect_timeout 5s;\n    proxy_send_timeout 30s;\n'),
      output: site('            proxy_pass http://127.0.0.1:8080;\n            proxy_read_timeout 60s;\n', '    proxy_connect_timeout 5s;\n    proxy_send_timeout 30s;\n'),
      errors: [{ messageId: 'defaultReadTimeout', line: 8, column: 13, endLine: 8, endColumn: 46 }],
    },
    {
      name: 'proxy_pass in limit_except: the fix writes into the location',
      code: site('            limit_except GET {\n                proxy_pass http://127.0.0.1:8080;\n            }\n'),
      output: site('            proxy_connect_timeout 60s;\n            proxy_send_timeout 60s;\n            proxy_read_timeout 60s;\n            limit_except GET {\n                proxy_pass http://127.0.0.1:8080;\n            }\n'),
      errors: [{ messageId: 'defaultReadTimeout', line: 7, column: 17, endLine: 7, endColumn: 50 }],
    },
    {
      name: 'the pass in a snippet included into the location: the fix goes into the location, after the include',
      files: {
        'nginx.conf': site('            include snippets/app.conf;\n'),
        'snippets/app.conf': 'proxy_set_header Host $host;\nproxy_pass http://127.0.0.1:8080;\n',
      },
      output: { 'nginx.conf': site('            include snippets/app.conf;\n            proxy_connect_timeout 60s;\n            proxy_send_timeout 60s;\n            proxy_read_timeout 60s;\n') },
      errors: [{ messageId: 'defaultReadTimeout', line: 2, column: 1, endLine: 2, endColumn: 34, file: 'snippets/app.conf' }],
    },
    {
      name: 'a server in conf.d: the fix edits that file',
      files: {
        'nginx.conf': 'events {}\nhttp {\n    include conf.d/*.conf;\n}\n',
        'conf.d/app.conf': 'server {\n    listen 127.0.0.1:18080;\n    location /api/ {\n        proxy_pass http://127.0.0.1:8080;\n    }\n}\n',
      },
      output: {
        'conf.d/app.conf':
          'server {\n    listen 127.0.0.1:18080;\n    location /api/ {\n        proxy_pass http://127.0.0.1:8080;\n        proxy_connect_timeout 60s;\n        proxy_send_timeout 60s;\n        proxy_read_timeout 60s;\n    }\n}\n',
      },
      errors: [{ messageId: 'defaultReadTimeout', line: 4, column: 9, endLine: 4, endColumn: 42, file: 'conf.d/app.conf' }],
    },
    {
      name: 'two locations, one covered by its own timeout',
      code: http(
        '    server {\n        location /report/ {\n            proxy_read_timeout 300s;\n            proxy_pass http://127.0.0.1:8080;\n        }\n        location / {\n            proxy_pass http://127.0.0.1:8080;\n        }\n    }\n',
      ),
      errors: [{ messageId: 'defaultReadTimeout', line: 9, column: 13, endLine: 9, endColumn: 46 }],
    },
    {
      name: 'a pass in the location and another in an if: one finding for the location, on its first pass',
      code: site('            if ($arg_v2) {\n                proxy_pass http://127.0.0.1:8081;\n            }\n            proxy_pass http://127.0.0.1:8080;\n'),
      output: site(
        '            proxy_connect_timeout 60s;\n            proxy_send_timeout 60s;\n            proxy_read_timeout 60s;\n            if ($arg_v2) {\n                proxy_pass http://127.0.0.1:8081;\n            }\n            proxy_pass http://127.0.0.1:8080;\n',
      ),
      errors: [{ messageId: 'defaultReadTimeout', line: 7, column: 17, endLine: 7, endColumn: 50 }],
    },
    {
      name: 'two modules in one location are two findings',
      code: site('            if ($arg_php) {\n                fastcgi_pass 127.0.0.1:9000;\n            }\n            proxy_pass http://127.0.0.1:8080;\n'),
      output: site(
        '            fastcgi_connect_timeout 60s;\n            fastcgi_send_timeout 60s;\n            fastcgi_read_timeout 60s;\n            proxy_connect_timeout 60s;\n            proxy_send_timeout 60s;\n            proxy_read_timeout 60s;\n            if ($arg_php) {\n                fastcgi_pass 127.0.0.1:9000;\n            }\n            proxy_pass http://127.0.0.1:8080;\n',
      ),
      errors: [
        { messageId: 'defaultReadTimeout', line: 7, column: 17, endLine: 7, endColumn: 45 },
        { messageId: 'defaultReadTimeout', line: 9, column: 13, endLine: 9, endColumn: 46 },
      ],
    },
    {
      name: 'unsafe: --fix alone leaves the config unchanged',
      code: site('            proxy_pass http://127.0.0.1:8080;\n'),
      unsafe: false,
      output: null,
      errors: [{ messageId: 'defaultReadTimeout', line: 6, column: 13, endLine: 6, endColumn: 46 }],
    },
  ],
});
