import rule from './index.js';
import { runRuleTests } from '../../test/harness/rule-tester.js';

const http = (body: string) => `events {}\nhttp {\n${body}\n}\n`;
const UPSTREAM = '    upstream app {\n        server 127.0.0.1:8080;\n        keepalive 16;\n    }\n';
const server = (body: string, serverLevel = '') => http(`${UPSTREAM}    server {\n${serverLevel}        location / {\n${body}        }\n    }`);

runRuleTests(rule, {
  valid: [
    {
      name: 'the classic pair in the location (1.24)',
      nginxVersion: '1.24.0',
      code: server('            proxy_pass http://app;\n            proxy_http_version 1.1;\n            proxy_set_header Connection "";\n'),
    },
    {
      name: 'no keepalive in the upstream: nothing to reuse (1.24)',
      nginxVersion: '1.24.0',
      code: http('    upstream app {\n        server 127.0.0.1:8080;\n    }\n    server {\n        location / { proxy_pass http://app; }\n    }'),
    },
    {
      name: 'from 1.29.7 proxy speaks HTTP/1.1 without "Connection: close" by default',
      nginxVersion: '1.30.0',
      code: server('            proxy_pass http://app;\n'),
    },
    {
      name: 'inherited from http and server levels (1.24)',
      nginxVersion: '1.24.0',
      code: http(
        `    proxy_http_version 1.1;\n${UPSTREAM}    server {\n        proxy_set_header Connection "";\n        proxy_set_header Host $host;\n        location / {\n            proxy_pass http://app;\n        }\n    }`,
      ),
    },
    {
      name: 'an explicit "Connection close" is a deliberate opt-out (1.24)',
      nginxVersion: '1.24.0',
      code: server('            proxy_pass http://app;\n            proxy_set_header Connection close;\n'),
    },
    {
      name: 'a WebSocket location with the $connection_upgrade map (1.24)',
      nginxVersion: '1.24.0',
      code: http(
        `    map $http_upgrade $connection_upgrade {\n        default upgrade;\n        '' close;\n    }\n${UPSTREAM}    server {\n        location /ws {\n            proxy_pass http://app;\n            proxy_http_version 1.1;\n            proxy_set_header Upgrade $http_upgrade;\n            proxy_set_header Connection $connection_upgrade;\n        }\n    }`,
      ),
    },
    {
      name: 'a WebSocket location with "Connection upgrade" keeps HTTP/1.1 connections (1.24)',
      nginxVersion: '1.24.0',
      code: server('            proxy_pass http://app;\n            proxy_http_version 1.1;\n            proxy_set_header Upgrade $http_upgrade;\n            proxy_set_header Connection "upgrade";\n'),
    },
    {
      name: 'fastcgi_keep_conn on inherited from the server',
      code: http(
        '    upstream php {\n        server 127.0.0.1:9000;\n        keepalive 8;\n    }\n    server {\n        fastcgi_keep_conn on;\n        location ~ \\.php$ {\n            fastcgi_pass php;\n        }\n    }',
      ),
    },
    {
      name: 'uwsgi and grpc users are not checked',
      nginxVersion: '1.24.0',
      code: http(`${UPSTREAM}    server {\n        location / { uwsgi_pass app; }\n        location /rpc { grpc_pass grpc://app; }\n    }`),
    },
    {
      name: 'an implicit upstream (proxy_pass host:port) has no keepalive line (1.24)',
      nginxVersion: '1.24.0',
      code: http(`${UPSTREAM}    server {\n        location / { proxy_pass http://127.0.0.1:8080; }\n    }`),
    },
    {
      name: 'ignoreUpstreams',
      nginxVersion: '1.24.0',
      options: { ignoreUpstreams: ['APP'] },
      code: server('            proxy_pass http://app;\n'),
    },
    {
      name: 'the pair from an included snippet (1.24)',
      nginxVersion: '1.24.0',
      files: {
        'nginx.conf': server('            include snippets/proxy.conf;\n            proxy_pass http://app;\n'),
        'snippets/proxy.conf': 'proxy_http_version 1.1;\nproxy_set_header Connection "";\n',
      },
    },
  ],
  invalid: [
    {
      name: 'a bare location before 1.29.7: HTTP/1.0 and "Connection: close"',
      nginxVersion: '1.24.0',
      code: server('            proxy_pass http://app;\n'),
      output: server('            proxy_pass http://app;\n            proxy_http_version 1.1;\n            proxy_set_header Connection "";\n'),
      errors: [
        {
          messageId: 'proxyNotKeptAlive',
          line: 9,
          column: 13,
          endLine: 9,
          endColumn: 35,
          message:
            'upstream "app" has "keepalive 16", but connections from this location are never reused: nginx speaks HTTP/1.0 to it (proxy_http_version defaults to 1.0 before 1.29.7), and the "Connection: close" header (nginx\'s default before 1.29.7) is not cleared',
        },
      ],
    },
    {
      name: 'inherited proxy_set_header lines are copied before the Connection header is added (1.24)',
      nginxVersion: '1.24.0',
      code: server('            proxy_pass http://app;\n', '        proxy_http_version 1.1;\n        proxy_set_header Host $host;\n        proxy_set_header X-Forwarded-For "$proxy_add_x_forwarded_for";\n'),
      output: server(
        '            proxy_pass http://app;\n            proxy_set_header Host $host;\n            proxy_set_header X-Forwarded-For "$proxy_add_x_forwarded_for";\n            proxy_set_header Connection "";\n',
        '        proxy_http_version 1.1;\n        proxy_set_header Host $host;\n        proxy_set_header X-Forwarded-For "$proxy_add_x_forwarded_for";\n',
      ),
      errors: [
        {
          messageId: 'proxyNotKeptAlive',
          line: 12,
          column: 13,
          endLine: 12,
          endColumn: 35,
          message: 'upstream "app" has "keepalive 16", but connections from this location are never reused: the "Connection: close" header (nginx\'s default before 1.29.7) is not cleared',
        },
      ],
    },
    {
      name: 'an explicit proxy_http_version 1.0 at server level still disables reuse on 1.30',
      nginxVersion: '1.30.0',
      code: server('            proxy_pass http://app;\n', '        proxy_http_version 1.0;\n'),
      output: server('            proxy_pass http://app;\n            proxy_http_version 1.1;\n', '        proxy_http_version 1.0;\n'),
      errors: [
        {
          messageId: 'proxyNotKeptAlive',
          line: 10,
          column: 13,
          endLine: 10,
          endColumn: 35,
          message: 'upstream "app" has "keepalive 16", but connections from this location are never reused: proxy_http_version 1.0 is set',
        },
      ],
    },
    {
      name: 'proxy_http_version 1.0 in the location itself is replaced (1.30)',
      code: server('            proxy_http_version 1.0;\n            proxy_pass http://app;\n'),
      output: server('            proxy_http_version 1.1;\n            proxy_pass http://app;\n'),
      errors: [{ messageId: 'proxyNotKeptAlive', line: 10, column: 13, endLine: 10, endColumn: 35 }],
    },
    {
      name: 'a WebSocket location gets the $connection_upgrade map, not an empty Connection header (1.24)',
      nginxVersion: '1.24.0',
      code: http(
        `    include mime.types;\n${UPSTREAM}    server {\n        location /ws {\n            proxy_pass http://app;\n            proxy_http_version 1.1;\n            proxy_set_header Upgrade $http_upgrade;\n        }\n    }`,
      ),
      output: http(
        `    include mime.types;\n    map $http_upgrade $connection_upgrade {\n        default upgrade;\n        '' close;\n    }\n${UPSTREAM}    server {\n        location /ws {\n            proxy_pass http://app;\n            proxy_http_version 1.1;\n            proxy_set_header Upgrade $http_upgrade;\n            proxy_set_header Connection $connection_upgrade;\n        }\n    }`,
      ),
      errors: [
        {
          messageId: 'websocketNotKeptAlive',
          line: 10,
          column: 13,
          endLine: 10,
          endColumn: 35,
          message:
            'upstream "app" has "keepalive 16", but connections from this WebSocket location are never reused: the "Connection: close" header (nginx\'s default before 1.29.7) is not cleared; it needs "proxy_set_header Connection $connection_upgrade" with a map of $http_upgrade',
        },
      ],
    },
    {
      name: 'two WebSocket locations share one new map; an existing one is reused (1.24, tabs)',
      nginxVersion: '1.24.0',
      code: 'events {}\nhttp {\n\tupstream app {\n\t\tserver 127.0.0.1:8080;\n\t\tkeepalive 16;\n\t}\n\tserver {\n\t\tproxy_set_header Upgrade $http_upgrade;\n\t\tproxy_http_version 1.1;\n\t\tlocation /a { proxy_pass http://app; }\n\t\tlocation /b { proxy_pass http://app; }\n\t}\n}\n',
      output:
        "events {}\nhttp {\n\tmap $http_upgrade $connection_upgrade {\n\t\tdefault upgrade;\n\t\t'' close;\n\t}\n\tupstream app {\n\t\tserver 127.0.0.1:8080;\n\t\tkeepalive 16;\n\t}\n\tserver {\n\t\tproxy_set_header Upgrade $http_upgrade;\n\t\tproxy_http_version 1.1;\n\t\tlocation /a { proxy_pass http://app;\n\t\t\tproxy_set_header Upgrade $http_upgrade;\n\t\t\tproxy_set_header Connection $connection_upgrade; }\n\t\tlocation /b { proxy_pass http://app;\n\t\t\tproxy_set_header Upgrade $http_upgrade;\n\t\t\tproxy_set_header Connection $connection_upgrade; }\n\t}\n}\n",
      errors: [
        { messageId: 'websocketNotKeptAlive', line: 10, column: 17, endLine: 10, endColumn: 39 },
        { messageId: 'websocketNotKeptAlive', line: 11, column: 17, endLine: 11, endColumn: 39 },
      ],
    },
    {
      name: 'FastCGI: fastcgi_keep_conn off by default',
      code: http('    upstream php {\n        server 127.0.0.1:9000;\n        keepalive 8;\n    }\n    server {\n        location ~ \\.php$ {\n            fastcgi_pass php;\n        }\n    }'),
      output: http(
        '    upstream php {\n        server 127.0.0.1:9000;\n        keepalive 8;\n    }\n    server {\n        location ~ \\.php$ {\n            fastcgi_pass php;\n            fastcgi_keep_conn on;\n        }\n    }',
      ),
      errors: [
        {
          messageId: 'fastcgiKeepConnOff',
          line: 9,
          column: 13,
          endLine: 9,
          endColumn: 30,
          message: 'upstream "php" has "keepalive 8", but fastcgi_keep_conn is off (nginx\'s default): the FastCGI server closes the connection after every request',
        },
      ],
    },
    {
      name: 'FastCGI: an inherited "fastcgi_keep_conn off" is overridden in the location (any version: 1.24)',
      nginxVersion: '1.24.0',
      code: http('    fastcgi_keep_conn off;\n    upstream php {\n        server 127.0.0.1:9000;\n        keepalive 8;\n    }\n    server {\n        location ~ \\.php$ {\n            fastcgi_pass php;\n        }\n    }'),
      output: http(
        '    fastcgi_keep_conn off;\n    upstream php {\n        server 127.0.0.1:9000;\n        keepalive 8;\n    }\n    server {\n        location ~ \\.php$ {\n            fastcgi_pass php;\n            fastcgi_keep_conn on;\n        }\n    }',
      ),
      errors: [{ messageId: 'fastcgiKeepConnOff', line: 10, column: 13, endLine: 10, endColumn: 30 }],
    },
    {
      name: 'proxy_pass inside if: the fix goes to the enclosing location (1.24)',
      nginxVersion: '1.24.0',
      code: server('            if ($request_method = POST) {\n                proxy_pass http://app;\n            }\n            return 204;\n'),
      output: server('            proxy_http_version 1.1;\n            proxy_set_header Connection "";\n            if ($request_method = POST) {\n                proxy_pass http://app;\n            }\n            return 204;\n'),
      errors: [{ messageId: 'proxyNotKeptAlive', line: 10, column: 17, endLine: 10, endColumn: 39 }],
    },
    {
      name: 'a server in an included file; the map goes into the main file (1.24)',
      nginxVersion: '1.24.0',
      files: {
        'nginx.conf': `events {}\nhttp {\n${UPSTREAM}    include conf.d/*.conf;\n}\n`,
        'conf.d/app.conf': 'server {\n    proxy_set_header Host $host;\n    location /ws {\n        proxy_pass http://app;\n        proxy_set_header Upgrade $http_upgrade;\n    }\n}\n',
      },
      output: {
        'nginx.conf': `events {}\nhttp {\n    map $http_upgrade $connection_upgrade {\n        default upgrade;\n        '' close;\n    }\n${UPSTREAM}    include conf.d/*.conf;\n}\n`,
        'conf.d/app.conf':
          'server {\n    proxy_set_header Host $host;\n    location /ws {\n        proxy_pass http://app;\n        proxy_set_header Upgrade $http_upgrade;\n        proxy_http_version 1.1;\n        proxy_set_header Connection $connection_upgrade;\n    }\n}\n',
      },
      errors: [{ messageId: 'websocketNotKeptAlive', line: 4, column: 9, endLine: 4, endColumn: 31, file: 'conf.d/app.conf' }],
    },
    {
      name: "headers from Debian's proxy_params snippet: the new lines go into the location, not the shared snippet (1.22)",
      nginxVersion: '1.22.1',
      files: {
        'nginx.conf': server('            include proxy_params;\n            proxy_pass http://app;\n'),
        'proxy_params': 'proxy_set_header Host $http_host;\nproxy_set_header X-Real-IP $remote_addr;\n',
      },
      output: {
        'nginx.conf': server('            include proxy_params;\n            proxy_pass http://app;\n            proxy_http_version 1.1;\n            proxy_set_header Connection "";\n'),
      },
      errors: [{ messageId: 'proxyNotKeptAlive', line: 10, column: 13, endLine: 10, endColumn: 35 }],
    },
    {
      name: 'an http-level snippet: the map goes to its top level (1.24)',
      nginxVersion: '1.24.0',
      rootContext: 'http',
      code: 'upstream app {\n    server 127.0.0.1:8080;\n    keepalive 4;\n}\n\nserver {\n    location /ws {\n        proxy_pass http://app;\n        proxy_http_version 1.1;\n        proxy_set_header Upgrade $http_upgrade;\n    }\n}\n',
      output:
        "map $http_upgrade $connection_upgrade {\n    default upgrade;\n    '' close;\n}\nupstream app {\n    server 127.0.0.1:8080;\n    keepalive 4;\n}\n\nserver {\n    location /ws {\n        proxy_pass http://app;\n        proxy_http_version 1.1;\n        proxy_set_header Upgrade $http_upgrade;\n        proxy_set_header Connection $connection_upgrade;\n    }\n}\n",
      errors: [{ messageId: 'websocketNotKeptAlive', line: 8, column: 9, endLine: 8, endColumn: 31 }],
    },
  ],
});
