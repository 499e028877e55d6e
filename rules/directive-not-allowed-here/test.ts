import rule from './index.js';
import { runRuleTests } from '../../test/harness/rule-tester.js';

runRuleTests(rule, {
  valid: [
    {
      name: 'every directive where nginx wants it, all four upstream kinds',
      code: [
        'user www-data;',
        'worker_processes auto;',
        'events { worker_connections 768; }',
        'http {',
        '    proxy_read_timeout 90s;',
        '    upstream app { server 127.0.0.1:8080; keepalive 16; keepalive_timeout 60s; }',
        '    server {',
        '        listen 80;',
        '        server_name example.com;',
        '        if ($host != example.com) { return 301 https://example.com$request_uri; }',
        '        location / {',
        '            proxy_pass http://app;',
        '            if ($request_method = POST) { proxy_pass http://app; }',
        '            limit_except GET { proxy_pass http://app; deny all; }',
        '            location /nested { proxy_pass http://app; }',
        '        }',
        '        location ~ \\.php$ { fastcgi_pass unix:/run/php/php8.2-fpm.sock; }',
        '        location /py { uwsgi_pass 127.0.0.1:3031; }',
        '        location /grpc { grpc_pass grpc://127.0.0.1:50051; }',
        '    }',
        '}',
        'stream { upstream db { server 10.0.0.1:5432; } server { listen 127.0.0.1:5432; proxy_pass db; } }',
        '',
      ].join('\n'),
    },
    {
      name: 'nginx accepts these outside their documented context',
      code: 'http {\n    fastcgi_split_path_info ^(.+\\.php)(/.+)$;\n    server {\n        secure_link_secret s3cr3t;\n    }\n}\n',
      rootContext: 'main',
    },
    {
      name: 'free-form blocks and unknown blocks are not judged',
      code: 'http {\n    map $a $b { default 0; listen 1; }\n    types { text/html html; }\n    foo_block {\n        worker_processes 2;\n        server { location / { listen 80; } }\n    }\n}\n',
    },
    { name: 'a location snippet', code: 'proxy_pass http://127.0.0.1:8080;\nif ($request_method = POST) { return 405; }\n', rootContext: 'location' },
    { name: 'a server snippet', code: 'listen 80;\nlocation / { proxy_pass http://127.0.0.1:8080; }\n', rootContext: 'server' },
    {
      name: 'a snippet named nginx.conf written for http level (no events, no http)',
      code: 'upstream app { server 127.0.0.1:8080; }\nserver {\n    listen 80;\n    location / { proxy_pass http://app; }\n}\n',
    },
    {
      name: 'a server-level snippet linted as http: its top level fits server, so the guess is wrong',
      code: 'set $block 0;\nif ($query_string ~ "union.*select") { set $block 1; }\nif ($block = 1) { return 403; }\n',
      rootContext: 'http',
    },
    {
      name: 'an included snippet in a location',
      files: {
        'nginx.conf': 'events {}\nhttp {\n    server {\n        location / {\n            include snippets/proxy.conf;\n        }\n    }\n}\n',
        'snippets/proxy.conf': 'proxy_pass http://127.0.0.1:8080;\nproxy_set_header Host $host;\n',
      },
    },
    { name: 'unknown directives are unknown-directive\'s', code: 'events {}\nhttp {\n    server {\n        proxy_pas x;\n    }\n}\n' },
    {
      name: 'Go and Jinja templates, whose placeholders break the block structure',
      code: 'ssl_certificate /storage/{{ .Env.DOMAIN }}/fullchain.pem;\n{{ if .Env.STAPLING }}\nssl_stapling on;\n{{ end }}\nlocation / {\n    {% if ssl %}\n    listen 443;\n    {% endif %}\n}\n',
      rootContext: 'server',
    },
    {
      name: 'a Cloud Foundry template with @{VAR} placeholders',
      code: 'upstream php_fpm {\n    server unix:@{PHP_FPM_LISTEN};\n}\nserver {\n    listen @{PORT};\n}\n',
      rootContext: 'http',
    },
  ],
  invalid: [
    {
      name: 'proxy_pass at server level',
      code: 'events {}\nhttp {\n    server {\n        listen 80;\n        proxy_pass http://127.0.0.1:8080;\n    }\n}\n',
      errors: [{ messageId: 'notAllowed', line: 5, column: 9, endLine: 5, endColumn: 19, message: '"proxy_pass" directive is not allowed here' }],
    },
    {
      name: 'proxy_pass in an if at server level (only "if in location" allows it)',
      code: 'events {}\nhttp {\n    server {\n        if ($request_method = POST) {\n            proxy_pass http://127.0.0.1:8080;\n        }\n    }\n}\n',
      errors: [{ messageId: 'notAllowed', line: 5, column: 13, endLine: 5, endColumn: 23 }],
    },
    {
      name: 'fastcgi_pass, uwsgi_pass and grpc_pass at http level',
      code: 'events {}\nhttp {\n    fastcgi_pass 127.0.0.1:9000;\n    uwsgi_pass 127.0.0.1:3031;\n    grpc_pass 127.0.0.1:50051;\n}\n',
      errors: [
        { messageId: 'notAllowed', line: 3, column: 5, endLine: 3, endColumn: 17, message: '"fastcgi_pass" directive is not allowed here' },
        { messageId: 'notAllowed', line: 4, column: 5, endLine: 4, endColumn: 15, message: '"uwsgi_pass" directive is not allowed here' },
        { messageId: 'notAllowed', line: 5, column: 5, endLine: 5, endColumn: 14, message: '"grpc_pass" directive is not allowed here' },
      ],
    },
    {
      name: 'server-level directives in a location and a nested location',
      code: 'events {}\nhttp {\n    server {\n        location / {\n            server_name example.com;\n            location /a {\n                listen 80;\n            }\n        }\n    }\n}\n',
      errors: [
        { messageId: 'notAllowed', line: 5, column: 13, endLine: 5, endColumn: 24 },
        { messageId: 'notAllowed', line: 7, column: 17, endLine: 7, endColumn: 23 },
      ],
    },
    {
      name: 'if inside if',
      code: 'events {}\nhttp {\n    server {\n        location / {\n            if ($a) {\n                if ($b) { return 404; }\n            }\n        }\n    }\n}\n',
      errors: [{ messageId: 'notAllowed', line: 6, column: 17, endLine: 6, endColumn: 19, message: '"if" directive is not allowed here' }],
    },
    {
      name: 'upstream keepalive outside an upstream',
      code: 'events {}\nhttp {\n    keepalive 16;\n    upstream app { server 127.0.0.1:8080; keepalive 16; }\n}\n',
      errors: [{ messageId: 'notAllowed', line: 3, column: 5, endLine: 3, endColumn: 14 }],
    },
    {
      name: 'limit_except takes only access and pass directives',
      code: 'events {}\nhttp {\n    server {\n        location / {\n            limit_except GET {\n                proxy_pass http://127.0.0.1:8080;\n                return 403;\n            }\n        }\n    }\n}\n',
      errors: [{ messageId: 'notAllowed', line: 7, column: 17, endLine: 7, endColumn: 23, message: '"return" directive is not allowed here' }],
    },
    {
      name: 'an http directive in a stream server',
      code: 'events {}\nstream {\n    server {\n        listen 127.0.0.1:5432;\n        proxy_pass 10.0.0.1:5432;\n        proxy_set_header Host x;\n    }\n}\n',
      errors: [{ messageId: 'notAllowed', line: 6, column: 9, endLine: 6, endColumn: 25 }],
    },
    {
      name: 'a main directive in events',
      code: 'events {\n    worker_processes 2;\n}\n',
      errors: [{ messageId: 'notAllowed', line: 2, column: 5, endLine: 2, endColumn: 21 }],
    },
    {
      name: 'in a server snippet',
      code: 'location / {\n    server_name example.com;\n}\n',
      rootContext: 'server',
      errors: [{ messageId: 'notAllowed', line: 2, column: 5, endLine: 2, endColumn: 16 }],
    },
    {
      name: 'in an included location snippet',
      files: {
        'nginx.conf': 'events {}\nhttp {\n    server {\n        location / {\n            include snippets/proxy.conf;\n        }\n    }\n}\n',
        'snippets/proxy.conf': 'proxy_pass http://127.0.0.1:8080;\nserver_name example.com;\n',
      },
      errors: [{ messageId: 'notAllowed', line: 2, column: 1, endLine: 2, endColumn: 12, file: 'snippets/proxy.conf' }],
    },
    {
      name: 'a location beside events and http',
      code: 'events {}\nhttp {}\nlocation / {}\n',
      errors: [{ messageId: 'notAllowed', line: 3, column: 1, endLine: 3, endColumn: 9, message: '"location" directive is not allowed here' }],
    },
    {
      name: 'a top level that fits no context: judged at the level most of it fits (location here)',
      code: 'root /srv;\nproxy_pass http://127.0.0.1:8080;\nlocation / {}\nserver {}\n',
      rootContext: 'http',
      errors: [{ messageId: 'notAllowed', line: 4, column: 1, endLine: 4, endColumn: 7, message: '"server" directive is not allowed here' }],
    },
  ],
});
