import rule from './index.js';
import { runRuleTests } from '../../test/harness/rule-tester.js';

/** Line 1 events, 2 http {, 3 server {, then the server's lines. */
const conf = (server: readonly string[], more: readonly string[] = []): string =>
  ['events {}', 'http {', '    server {', ...server.map((l) => `        ${l}`), '    }', ...more.map((l) => `    ${l}`), '}', ''].join('\n');

runRuleTests(rule, {
  valid: [
    { name: 'Apache on another port', code: conf(['listen 80;', 'location / { proxy_pass http://127.0.0.1:8080; }']) },
    { name: 'a path that leaves the location', code: conf(['listen 80;', 'location /old/ { proxy_pass http://127.0.0.1/new/; }']) },
    { name: 'http to the TLS port is not this listener', code: conf(['listen 443 ssl;', 'location / { proxy_pass http://127.0.0.1:443; }']) },
    { name: 'a named location', code: conf(['listen 80;', 'location @fallback { proxy_pass http://127.0.0.1; }']) },
    { name: 'a rewrite in the location', code: conf(['listen 80;', 'location /a/ { rewrite ^/a/(.*)$ /b/$1 break; proxy_pass http://127.0.0.1; }']) },
    { name: 'a specific address that is not loopback', code: conf(['listen 10.0.0.5:80;', 'location / { proxy_pass http://127.0.0.1; }']) },
    {
      name: 'loopback with the default Host reaches the default server, which is another one',
      code: [
        'events {}',
        'http {',
        '    server { listen 80 default_server; return 404; }',
        '    server { listen 80; server_name example.com; location / { proxy_pass http://127.0.0.1; } }',
        '}',
        '',
      ].join('\n'),
    },
    { name: 'the listen comes from an include that was not loaded', code: conf(['include /etc/nginx/master/_listen/10.240.20.2/https.conf;', 'location / { proxy_pass http://localhost:80; }']) },
    { name: 'a different host name', code: conf(['listen 80;', 'server_name example.com;', 'location / { proxy_pass http://api.example.com; }']) },
  ],
  invalid: [
    {
      name: 'leftover of Apache behind nginx: proxy_pass to itself on port 80',
      code: conf(['listen 80;', 'location / {', '    proxy_pass http://127.0.0.1:80;', '}']),
      errors: [
        {
          messageId: 'loop',
          line: 6,
          column: 13,
          endLine: 6,
          endColumn: 44,
          message:
            'proxy_pass to http://127.0.0.1:80 reaches this server again (listen 80) and the forwarded request matches this location again: the loop eats every worker connection ("worker_connections are not enough", then 502 or 500 depending on which side runs out)',
        },
      ],
      output: null,
    },
    {
      name: 'its own server_name with Host $host',
      code: conf(['listen 8080;', 'server_name app.example.com;', 'location /api/ {', '    proxy_set_header Host $host;', '    proxy_pass http://app.example.com:8080;', '}'], ['server { listen 8080 default_server; return 444; }']),
      errors: [{ messageId: 'loop', line: 8, column: 13, endLine: 8, endColumn: 52 }],
    },
    {
      name: 'https to its own TLS listener on localhost, no listen default elsewhere',
      code: conf(['listen 127.0.0.1:443 ssl;', 'location = /x { proxy_pass https://localhost; }']),
      errors: [{ messageId: 'loop', line: 5, column: 25, endLine: 5, endColumn: 54 }],
    },
    {
      name: 'no listen at all means *:80; proxy_pass from an included snippet',
      files: {
        'nginx.conf': conf(['location / {', '    include snippets/proxy.conf;', '}']),
        'snippets/proxy.conf': 'proxy_pass http://localhost/;\n',
      },
      errors: [{ messageId: 'loop', line: 1, column: 1, endLine: 1, endColumn: 30, file: 'snippets/proxy.conf' }],
    },
  ],
});
