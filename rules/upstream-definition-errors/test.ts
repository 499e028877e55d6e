import rule from './index.js';
import { runRuleTests } from '../../test/harness/rule-tester.js';

/** A main config: `events {}`, then `http {` on line 2, then the body (starting on line 3), then `}`. */
const http = (body: string): string => `events {}\nhttp {\n${body}}\n`;

/** An upstream `app` on line 3 and a server whose location `/` (line 6) holds `inner` from line 7 on. */
const withApp = (inner: string, location = 'location /'): string =>
  http(`    upstream app { server 127.0.0.1:8080; }\n    server {\n        listen 80;\n        ${location} {\n${inner}        }\n    }\n`);

const LONG_SOCKET = `/run/${'a'.repeat(100)}.sock`;

runRuleTests(rule, {
  valid: [
    { name: 'an upstream and its proxy_pass', code: withApp('            proxy_pass http://app;\n') },
    {
      name: 'pass nested http > server > location > if and limit_except, without URI',
      code: withApp('            if ($request_method = POST) {\n                proxy_pass http://app;\n            }\n            limit_except GET {\n                proxy_pass http://app;\n            }\n'),
    },
    {
      name: 'upstreams in conf.d/*.conf, the pass in another included file',
      files: {
        'nginx.conf': 'events {}\nhttp {\n    include conf.d/*.conf;\n    include sites-enabled/*;\n}\n',
        'conf.d/upstreams.conf': 'upstream api_backend {\n    server 127.0.0.1:9000;\n}\nupstream php {\n    server unix:/run/php/php8.2-fpm.sock;\n}\n',
        'sites-enabled/site': 'server {\n    listen 80;\n    location /api/ { proxy_pass http://api_backend/; }\n    location ~ \\.php$ { fastcgi_pass php; }\n}\n',
      },
    },
    {
      name: 'every pass kind to an upstream block, with and without its scheme',
      code: http(
        '    upstream php { server 127.0.0.1:9000; }\n    upstream py { server 127.0.0.1:3031; }\n    upstream grpcs { server 127.0.0.1:50051; }\n    upstream sc { server 127.0.0.1:4000; }\n    server {\n        location /a { proxy_pass https://php; }\n        location /b { fastcgi_pass php; }\n        location /c { uwsgi_pass py; }\n        location /d { uwsgi_pass suwsgi://py; }\n        location /e { grpc_pass grpcs; }\n        location /f { grpc_pass grpc://grpcs; }\n        location /g { scgi_pass sc; }\n    }\n',
      ),
    },
    {
      name: 'implicit upstreams: addresses with ports and unix sockets',
      code: http(
        '    server {\n        location /a { proxy_pass http://127.0.0.1:8080/; }\n        location /b { proxy_pass http://localhost:3000; }\n        location /c { fastcgi_pass 127.0.0.1:9000; }\n        location /d { fastcgi_pass unix:/run/php/php8.2-fpm.sock; }\n        location /e { uwsgi_pass unix:/run/uwsgi/app.sock; }\n        location /f { grpc_pass [::1]:50051; }\n        location /g { proxy_pass http://unix:/run/app.sock:/api/; }\n    }\n',
      ),
    },
    {
      name: 'variables in the pass are evaluated per request',
      code: http(
        '    upstream app { server 127.0.0.1:8080; }\n    server {\n        location / { proxy_pass http://$backend; }\n        location /a { proxy_pass $scheme://app:8080$request_uri; }\n        location ~ ^/b/(.*)$ { proxy_pass http://app/$1; }\n        location /c { fastcgi_pass $php_upstream; }\n        location /d { grpc_pass grpc://$grpc_host:50051; }\n    }\n',
      ),
    },
    {
      name: 'stream upstreams and stream proxy_pass (no scheme)',
      code: 'events {}\nstream {\n    upstream x { server 127.0.0.1:1; }\n    server {\n        listen 12345;\n        proxy_pass x;\n    }\n}\n',
    },
    {
      name: 'the same name in http and in stream is no duplicate',
      code: 'events {}\nhttp { upstream app { server 127.0.0.1:1; } }\nstream { upstream app { server 127.0.0.1:2; } }\n',
    },
    { name: 'backup with least_conn and round-robin', code: http('    upstream a { least_conn; server 127.0.0.1:1; server 127.0.0.1:2 backup; }\n    upstream b { server 127.0.0.1:1; server 127.0.0.1:2 backup; }\n') },
    { name: 'backup before ip_hash: nginx accepts it and uses the backup', code: http('    upstream a { server 127.0.0.1:1; server 127.0.0.1:2 backup; ip_hash; }\n') },
    { name: 'a down primary next to backups is still a primary', code: http('    upstream a { server 127.0.0.1:1 down; server 127.0.0.1:2 backup; }\n') },
    {
      name: 'URI parts where nginx allows them: prefix, exact and ^~ locations',
      code: http(
        '    upstream app { server 127.0.0.1:8080; }\n    server {\n        location /a/ { proxy_pass http://app/; }\n        location = /b { proxy_pass http://app/x; }\n        location ^~ /c/ { proxy_pass http://app/c/; }\n    }\n',
      ),
    },
    {
      name: 'regex, named, if and limit_except without a URI part (an empty unix URI counts as none)',
      code: http(
        '    upstream app { server 127.0.0.1:8080; }\n    server {\n        location ~ \\.php$ { proxy_pass http://app; }\n        location @fallback { proxy_pass http://app; }\n        location ~* x { proxy_pass http://unix:/run/app.sock:; }\n    }\n',
      ),
    },
    { name: 'upstream names match case-insensitively', code: http('    upstream Backend { server 127.0.0.1:1; }\n    server { location / { proxy_pass http://backend; fastcgi_pass BACKEND; } }\n') },
    { name: 'a hostname far from every upstream name', code: http('    upstream app_backend { server 127.0.0.1:1; }\n    server { location / { proxy_pass http://api.example.com; } }\n') },
    {
      name: 'a near name that upstream servers use as a host is a real DNS name',
      code: http('    upstream apps { server app:8000; }\n    server { location / { proxy_pass http://app; } }\n'),
    },
    { name: 'names shorter than 3 get no suggestion', code: http('    upstream ab { server 127.0.0.1:1; }\n    server { location / { proxy_pass http://ac; } }\n') },
    { name: 'a near name with a port is an explicit host:port', code: http('    upstream api_backend { server 127.0.0.1:1; }\n    server { location / { proxy_pass http://api-backend:8080; } }\n') },
    { name: 'a snippet cannot see upstreams defined elsewhere', code: 'server {\n    location ~ \\.php$ { fastcgi_pass php; }\n}\n', rootContext: 'http' },
    {
      name: 'a glob include that matched nothing may hold the upstream',
      code: 'events {}\nhttp {\n    include /etc/nginx/conf.d/*.conf;\n    server { location ~ \\.php$ { fastcgi_pass php; } }\n}\n',
    },
    {
      name: 'an empty-looking upstream whose servers come from an include that matched nothing, or from a module',
      code: http('    upstream a { include upstreams/a/*.conf; }\n    upstream b { dynamic_upstream_directive on; }\n'),
    },
    {
      name: 'servers from an included file count',
      files: { 'nginx.conf': http('    upstream a { include a-servers.conf; }\n'), 'a-servers.conf': 'server 127.0.0.1:1;\nserver 127.0.0.1:2 backup;\n' },
    },
    {
      name: 'a template placeholder that parses as a block is a syntax finding, not an address',
      code: 'upstream redmine {\n  server unix:{{INSTALL_DIR}}/tmp/sockets/puma.sock fail_timeout=0;\n}\nserver {\n  location / { fastcgi_pass unix:{{SOCKET}}; }\n}\n',
      rootContext: 'http',
    },
    { name: 'a pass where nginx does not allow it is left to another rule', code: http('    server {\n        proxy_pass app;\n    }\n') },
  ],
  invalid: [
    {
      name: 'an empty upstream block',
      code: http('    upstream app {\n    }\n    server { location / { proxy_pass http://app; } }\n'),
      errors: [{ messageId: 'emptyUpstream', line: 3, column: 14, endLine: 3, endColumn: 17, message: 'no servers are inside upstream "app"' }],
    },
    {
      name: 'an empty stream upstream block',
      code: 'events {}\nstream {\n    upstream db { }\n    server { listen 3306; proxy_pass db; }\n}\n',
      errors: [{ messageId: 'emptyUpstream', line: 3, column: 14, endLine: 3, endColumn: 16 }],
    },
    {
      name: 'a duplicate upstream in another included file, names compared case-insensitively',
      files: {
        'nginx.conf': 'events {}\nhttp {\n    include conf.d/*.conf;\n}\n',
        'conf.d/a.conf': 'upstream app { server 127.0.0.1:1; }\n',
        'conf.d/b.conf': '# copy\nupstream App { server 127.0.0.1:2; }\n',
      },
      errors: [{ messageId: 'duplicateUpstream', line: 2, column: 10, endLine: 2, endColumn: 13, file: 'conf.d/b.conf', message: 'duplicate upstream "App"' }],
    },
    {
      name: 'a duplicate stream upstream',
      code: 'events {}\nstream {\n    upstream db { server 127.0.0.1:1; }\n    upstream db { server 127.0.0.1:2; }\n}\n',
      errors: [{ messageId: 'duplicateUpstream', line: 4, column: 14, endLine: 4, endColumn: 16 }],
    },
    {
      name: 'only backup servers',
      code: http('    upstream app {\n        server 127.0.0.1:1 backup;\n        server 127.0.0.1:2 backup;\n    }\n'),
      errors: [
        {
          messageId: 'onlyBackupServers',
          line: 3,
          column: 14,
          endLine: 3,
          endColumn: 17,
          message: 'no servers in upstream "app": every server in it is marked "backup", and nginx needs at least one primary server',
        },
      ],
    },
    {
      name: 'backup after ip_hash, hash and random',
      code: http(
        '    upstream a {\n        ip_hash;\n        server 127.0.0.1:1;\n        server 127.0.0.1:2 backup;\n    }\n    upstream b { hash $request_uri consistent; server 127.0.0.1:1; server 127.0.0.1:2 max_fails=3 backup; }\n    upstream c { random two; server 127.0.0.1:1; server 127.0.0.1:2 backup; }\n',
      ),
      errors: [
        {
          messageId: 'backupNotSupported',
          line: 6,
          column: 28,
          endLine: 6,
          endColumn: 34,
          message: 'balancing method does not support parameter "backup": "ip_hash" in upstream "a" comes before this server',
        },
        { messageId: 'backupNotSupported', line: 8, column: 99, endLine: 8, endColumn: 105 },
        { messageId: 'backupNotSupported', line: 9, column: 69, endLine: 9, endColumn: 75 },
      ],
    },
    {
      name: 'backup after hash in a stream upstream',
      code: 'events {}\nstream {\n    upstream db { hash $remote_addr; server 127.0.0.1:1; server 127.0.0.1:2 backup; }\n}\n',
      errors: [{ messageId: 'backupNotSupported', line: 3, column: 77, endLine: 3, endColumn: 83 }],
    },
    {
      name: 'proxy_pass to an upstream with a port',
      code: withApp('            proxy_pass http://app:8080;\n'),
      errors: [{ messageId: 'portOnUpstream', line: 7, column: 24, endLine: 7, endColumn: 39, message: 'upstream "app" may not have port 8080: the name refers to an upstream block, whose servers carry the ports' }],
    },
    {
      name: 'fastcgi_pass with a port to an upstream defined later in an included file',
      files: {
        'nginx.conf': 'events {}\nhttp {\n    server {\n        location ~ \\.php$ {\n            fastcgi_pass php:9000;\n        }\n    }\n    include upstreams.conf;\n}\n',
        'upstreams.conf': 'upstream php { server 127.0.0.1:9000; }\n',
      },
      errors: [{ messageId: 'portOnUpstream', line: 5, column: 26, endLine: 5, endColumn: 34 }],
    },
    {
      name: 'proxy_pass without a scheme, in an if inside a location',
      code: withApp('            if ($http_x) {\n                proxy_pass app;\n            }\n            proxy_pass 127.0.0.1:8080;\n'),
      errors: [
        { messageId: 'noScheme', line: 8, column: 28, endLine: 8, endColumn: 31, message: 'invalid URL prefix: "proxy_pass" needs "http://" or "https://" in front of "app"' },
        { messageId: 'noScheme', line: 10, column: 24, endLine: 10, endColumn: 38 },
      ],
    },
    {
      name: 'a scheme in fastcgi_pass, uwsgi_pass and grpc_pass',
      code: withApp('            fastcgi_pass http://127.0.0.1:9000;\n            uwsgi_pass http://127.0.0.1:3031;\n            grpc_pass http://127.0.0.1:50051;\n'),
      errors: [
        {
          messageId: 'schemeNotAllowed',
          line: 7,
          column: 26,
          endLine: 7,
          endColumn: 47,
          message: 'invalid host in upstream "http://127.0.0.1:9000": "fastcgi_pass" takes no scheme: write "host:port" or "unix:/path"',
        },
        { messageId: 'schemeNotAllowed', line: 8, column: 24, endLine: 8, endColumn: 45, message: 'invalid host in upstream "http://127.0.0.1:3031": "uwsgi_pass" takes no scheme but "uwsgi://" or "suwsgi://"' },
        { messageId: 'schemeNotAllowed', line: 9, column: 23, endLine: 9, endColumn: 45 },
      ],
    },
    {
      name: 'invalid ports in a pass and in an upstream server',
      code: http('    upstream app { server 127.0.0.1:0; }\n    server {\n        location / { proxy_pass http://127.0.0.1:99999; }\n        location /f { fastcgi_pass localhost:http; }\n    }\n'),
      errors: [
        { messageId: 'invalidPort', line: 3, column: 27, endLine: 3, endColumn: 38, message: 'invalid port in upstream "127.0.0.1:0": a port is a number from 1 to 65535' },
        { messageId: 'invalidPort', line: 5, column: 33, endLine: 5, endColumn: 55, message: 'invalid port in upstream "127.0.0.1:99999": a port is a number from 1 to 65535' },
        { messageId: 'invalidPort', line: 6, column: 36, endLine: 6, endColumn: 50 },
      ],
    },
    {
      name: 'a unix socket path too long for sun_path',
      code: http(`    upstream app { server unix:${LONG_SOCKET}; }\n    server { location / { fastcgi_pass unix:${LONG_SOCKET}; } }\n`),
      errors: [
        {
          messageId: 'socketPathTooLong',
          line: 3,
          column: 27,
          endLine: 3,
          endColumn: 27 + 5 + LONG_SOCKET.length,
          message: `too long path in the unix domain socket in upstream "unix:${LONG_SOCKET}": the path is 110 bytes, a unix socket path holds at most 107`,
        },
        { messageId: 'socketPathTooLong', line: 4, column: 40, endLine: 4, endColumn: 40 + 5 + LONG_SOCKET.length },
      ],
    },
    {
      name: 'no host',
      code: withApp('            proxy_pass http://;\n'),
      errors: [{ messageId: 'invalidAddress', line: 7, column: 24, endLine: 7, endColumn: 31, message: 'no host in upstream ""' }],
    },
    {
      name: 'a URI part in a regex location',
      code: withApp('            proxy_pass http://app/;\n', 'location ~ \\.php$'),
      errors: [
        {
          messageId: 'uriNotAllowed',
          line: 7,
          column: 24,
          endLine: 7,
          endColumn: 35,
          message:
            '"proxy_pass" cannot have URI part in location given by regular expression, or inside named location, or inside "if" statement, or inside "limit_except" block',
        },
      ],
    },
    {
      name: 'a URI part in ~*, ~x, named locations, if, limit_except, and a unix socket URI',
      code: http(
        '    upstream app { server 127.0.0.1:8080; }\n    server {\n        location ~* \\.jpg$ { proxy_pass http://app?a=1; }\n        location ~^/x { proxy_pass http://app/x; }\n        location @named { proxy_pass http://app/; }\n        location /a {\n            if ($arg_x) { proxy_pass http://app/a; }\n            limit_except GET { proxy_pass http://app/; }\n        }\n        location ~ ^/s { proxy_pass http://unix:/run/app.sock:/s; }\n    }\n',
      ),
      errors: [
        { messageId: 'uriNotAllowed', line: 5, column: 41, endLine: 5, endColumn: 55 },
        { messageId: 'uriNotAllowed', line: 6, column: 36, endLine: 6, endColumn: 48 },
        { messageId: 'uriNotAllowed', line: 7, column: 38, endLine: 7, endColumn: 49 },
        { messageId: 'uriNotAllowed', line: 9, column: 38, endLine: 9, endColumn: 50 },
        { messageId: 'uriNotAllowed', line: 10, column: 43, endLine: 10, endColumn: 54 },
        { messageId: 'uriNotAllowed', line: 12, column: 37, endLine: 12, endColumn: 65 },
      ],
    },
    {
      name: 'no port: fastcgi_pass, uwsgi_pass, grpc_pass and scgi_pass to a name that is no upstream',
      code: withApp('            fastcgi_pass php;\n            uwsgi_pass uwsgi://django;\n            grpc_pass grpc;\n            scgi_pass scgi_app;\n'),
      errors: [
        { messageId: 'noPort', line: 7, column: 26, endLine: 7, endColumn: 29, message: 'no port in upstream "php": "fastcgi_pass" has no default port, and no upstream block is named "php"' },
        { messageId: 'noPort', line: 8, column: 24, endLine: 8, endColumn: 38 },
        { messageId: 'noPort', line: 9, column: 23, endLine: 9, endColumn: 27 },
        { messageId: 'noPort', line: 10, column: 23, endLine: 10, endColumn: 31 },
      ],
    },
    {
      name: 'no port with a near upstream name, even in a snippet',
      code: 'upstream php_fpm { server unix:/run/php/php8.2-fpm.sock; }\nserver {\n    location ~ \\.php$ { fastcgi_pass php-fpm; }\n}\n',
      rootContext: 'http',
      errors: [
        {
          messageId: 'noPort',
          line: 3,
          column: 38,
          endLine: 3,
          endColumn: 45,
          message: 'no port in upstream "php-fpm": "fastcgi_pass" has no default port, and no upstream block is named "php-fpm" (did you mean "php_fpm"?)',
        },
      ],
    },
    {
      name: 'proxy_pass to a near miss of an upstream defined in another file',
      files: {
        'nginx.conf': 'events {}\nhttp {\n    include conf.d/*.conf;\n}\n',
        'conf.d/upstreams.conf': 'upstream api_backend {\n    server 127.0.0.1:9000;\n}\n',
        'conf.d/site.conf': 'server {\n    listen 80;\n    location /api/ {\n        proxy_pass http://api-backend/;\n    }\n}\n',
      },
      errors: [
        {
          messageId: 'undefinedUpstream',
          line: 4,
          column: 20,
          endLine: 4,
          endColumn: 39,
          file: 'conf.d/site.conf',
          message:
            'upstream "api-backend" is not defined (did you mean "api_backend"?); nginx will try to resolve it as a hostname, and unless DNS knows it: host not found in upstream "api-backend"',
        },
      ],
    },
  ],
});
