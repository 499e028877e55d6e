import rule from './index.js';
import { runRuleTests } from '../../test/harness/rule-tester.js';

runRuleTests(rule, {
  valid: [
    {
      name: 'a Lua block is taken as OpenResty (or a loaded lua module), not reported',
      code: 'events {}\nhttp {\n    server {\n        location / {\n            content_by_lua_block { ngx.say("hello") }\n        }\n    }\n}\n',
    },
    {
      name: 'an OpenResty configuration: Lua and the modules OpenResty bundles are known',
      code: 'events {}\nhttp {\n    lua_shared_dict cache 10m;\n    server {\n        location / {\n            more_set_headers "X-A: b";\n            set_escape_uri $x $arg_x;\n            content_by_lua_block { ngx.say("}") }\n        }\n    }\n}\n',
    },
    {
      name: 'known directives at every level, all four upstream kinds',
      code: [
        'user www-data;',
        'events { worker_connections 768; }',
        'http {',
        '    upstream app { server 127.0.0.1:8080; keepalive 16; }',
        '    server {',
        '        listen 80;',
        '        location / {',
        '            proxy_pass http://app;',
        '            if ($request_method = POST) { proxy_pass http://app; }',
        '            limit_except GET { deny all; }',
        '        }',
        '        location ~ \\.php$ { fastcgi_pass unix:/run/php/php8.2-fpm.sock; }',
        '        location /py { uwsgi_pass 127.0.0.1:3031; }',
        '        location /grpc { grpc_pass grpc://127.0.0.1:50051; }',
        '    }',
        '}',
        'stream { server { listen 127.0.0.1:5432; proxy_pass 10.0.0.1:5432; } }',
        '',
      ].join('\n'),
    },
    {
      name: 'free-form blocks hold table rows, not directives',
      code: [
        'http {',
        '    map $http_upgrade $connection_upgrade { default upgrade; proxy_pas close; }',
        '    geo $internal { default 0; 10.0.0.0/8 1; }',
        '    types { text/html html; application/x-foo foo; }',
        '    split_clients "${remote_addr}" $variant { 50% a; * b; }',
        '}',
        '',
      ].join('\n'),
    },
    {
      name: 'third-party directives declared in the config',
      code: 'http {\n    more_set_headers "Server: x";\n    server { location / { content_by_lua_block { ngx.say("}") } } }\n}\n',
      extraDirectives: ['more_set_headers', 'content_by_lua_block'],
    },
    {
      name: 'nothing inside a block whose directive is unknown, even under a known block',
      code: 'http {\n    server {\n        location / {\n            vhost_traffic_status_display;\n        }\n    }\n    nchan_block {\n        server {\n            nchan_channel_id foo;\n        }\n    }\n}\n',
      extraDirectives: ['vhost_traffic_status_display', 'nchan_block'],
    },
    {
      name: 'template placeholders are not directives',
      code: 'http {\n    server {\n        ${NGINX_EXTRA_DIRECTIVES};\n        %%ingress_entry%% on;\n        @SSL_DIRECTIVES@ on;\n        $proxySetHeader X-Real-IP $remote_addr;\n        listen 80;\n    }\n}\n',
    },
    { name: 'a location snippet', code: 'proxy_pass http://127.0.0.1:8080;\nproxy_set_header Host $host;\n', rootContext: 'location' },
    {
      name: 'an included snippet in a location',
      files: {
        'nginx.conf': 'events {}\nhttp {\n    server {\n        location / {\n            include snippets/proxy.conf;\n        }\n    }\n}\n',
        'snippets/proxy.conf': 'proxy_pass http://127.0.0.1:8080;\nproxy_read_timeout 90s;\n',
      },
    },
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
      name: 'headers-more without any Lua: stock nginx rejects it',
      code: 'events {}\nhttp {\n    more_set_headers "Server: x";\n}\n',
      errors: [{ messageId: 'unknown', line: 3, column: 5, endLine: 3, endColumn: 21 }],
    },
    {
      name: 'a typo in a location',
      code: 'events {}\nhttp {\n    server {\n        listen 80;\n        location / {\n            proxy_pas http://127.0.0.1:8080;\n        }\n    }\n}\n',
      errors: [{ messageId: 'unknownSuggest', line: 6, column: 13, endLine: 6, endColumn: 22, message: 'unknown directive "proxy_pas" (did you mean "proxy_pass"?)' }],
    },
    {
      name: 'names are case-sensitive',
      code: 'events {}\nhttp {\n    Proxy_Buffering off;\n}\n',
      errors: [{ messageId: 'unknownSuggest', line: 3, column: 5, endLine: 3, endColumn: 20, message: 'unknown directive "Proxy_Buffering" (did you mean "proxy_buffering"?)' }],
    },
    {
      name: 'inside an if in a location',
      code: 'events {}\nhttp {\n    server {\n        location / {\n            if ($request_method = POST) {\n                fastcgi_pas unix:/run/php/php8.2-fpm.sock;\n            }\n        }\n    }\n}\n',
      errors: [{ messageId: 'unknownSuggest', line: 6, column: 17, endLine: 6, endColumn: 28, message: 'unknown directive "fastcgi_pas" (did you mean "fastcgi_pass"?)' }],
    },
    {
      name: 'uwsgi and grpc typos in a location snippet',
      code: 'uwsgi_pas 127.0.0.1:3031;\ngrpc_pas grpc://127.0.0.1:50051;\n',
      rootContext: 'location',
      errors: [
        { messageId: 'unknownSuggest', line: 1, column: 1, endLine: 1, endColumn: 10, message: 'unknown directive "uwsgi_pas" (did you mean "uwsgi_pass"?)' },
        { messageId: 'unknownSuggest', line: 2, column: 1, endLine: 2, endColumn: 9, message: 'unknown directive "grpc_pas" (did you mean "grpc_pass"?)' },
      ],
    },
    {
      name: 'in an upstream of an http snippet',
      code: 'upstream app {\n    server 127.0.0.1:8080;\n    keepalive_timeuot 60s;\n}\n',
      rootContext: 'http',
      errors: [{ messageId: 'unknownSuggest', line: 3, column: 5, endLine: 3, endColumn: 22, message: 'unknown directive "keepalive_timeuot" (did you mean "keepalive_timeout"?)' }],
    },
    {
      name: 'in an included location snippet',
      files: {
        'nginx.conf': 'events {}\nhttp {\n    server {\n        location / {\n            include snippets/proxy.conf;\n        }\n    }\n}\n',
        'snippets/proxy.conf': 'proxy_pass http://127.0.0.1:8080;\nproxy_read_timout 90s;\n',
      },
      errors: [{ messageId: 'unknownSuggest', line: 2, column: 1, endLine: 2, endColumn: 18, file: 'snippets/proxy.conf', message: 'unknown directive "proxy_read_timout" (did you mean "proxy_read_timeout"?)' }],
    },
    {
      name: 'a third-party module directive not declared',
      code: 'events {}\nhttp {\n    more_set_headers "Server: x";\n}\n',
      errors: [{ messageId: 'unknown', line: 3, column: 5, endLine: 3, endColumn: 21, message: 'unknown directive "more_set_headers"' }],
    },
    {
      name: 'an unknown block is reported, its contents are not',
      code: 'events {}\nhttp {\n    foo_block {\n        server {\n            bar on;\n        }\n    }\n}\n',
      errors: [{ messageId: 'unknown', line: 3, column: 5, endLine: 3, endColumn: 14 }],
    },
    {
      name: 'short names get suggestions within distance 1',
      code: 'events {}\nhttp {\n    server {\n        lisen 80;\n    }\n}\n',
      errors: [{ messageId: 'unknownSuggest', line: 4, column: 9, endLine: 4, endColumn: 14, message: 'unknown directive "lisen" (did you mean "listen"?)' }],
    },
    {
      name: 'among equally close names, the one allowed here is suggested',
      code: 'events {}\nmail {\n    server {\n        ssx on;\n    }\n}\nhttp {\n    server {\n        location / {\n            ssx on;\n        }\n    }\n}\n',
      errors: [
        { messageId: 'unknownSuggest', line: 4, column: 9, endLine: 4, endColumn: 12, message: 'unknown directive "ssx" (did you mean "ssl"?)' },
        { messageId: 'unknownSuggest', line: 10, column: 13, endLine: 10, endColumn: 16, message: 'unknown directive "ssx" (did you mean "ssi"?)' },
      ],
    },
    {
      name: 'at main level',
      code: 'worker_proceses 2;\nevents {}\n',
      errors: [{ messageId: 'unknownSuggest', line: 1, column: 1, endLine: 1, endColumn: 16, message: 'unknown directive "worker_proceses" (did you mean "worker_processes"?)' }],
    },
  ],
});
