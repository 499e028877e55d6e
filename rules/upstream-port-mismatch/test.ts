import { expect, it } from 'vitest';
import rule from './index.js';
import { lintCase, runRuleTests } from '../../test/harness/rule-tester.js';

const http = (body: string) => `events {}\nhttp {\n${body}\n}\n`;
/** A server that listens on 8443 only (so nginx's own default *:80 does not count as a backend). */
const server = (body: string) => http(`    server {\n        listen 8443;\n${body}    }`);
const loc = (body: string) => server(`        location / {\n            ${body}\n        }\n`);

const PORTS_8081 = { '/etc/apache2/ports.conf': 'Listen 8081\n\n<IfModule ssl_module>\n\tListen 443\n</IfModule>\n' };
const POOL_TCP_9001 = { '/etc/php/8.2/fpm/pool.d/www.conf': '[www]\nuser = www-data\nlisten = 127.0.0.1:9001\n' };

runRuleTests(rule, {
  valid: [
    { name: 'no backend data: silent', code: loc('proxy_pass http://127.0.0.1:8080;') },
    { name: 'Apache listens where nginx connects', root: '/', files: { 'nginx.conf': loc('proxy_pass http://127.0.0.1:8080;'), '/etc/apache2/ports.conf': 'Listen 8080\n' } },
    { name: 'localhost reaches a wildcard listener', root: '/', files: { 'nginx.conf': loc('proxy_pass http://localhost:8081/;'), ...PORTS_8081 } },
    {
      name: 'nginx itself listens on that port (an internal server)',
      root: '/',
      files: { 'nginx.conf': http('    server {\n        listen 8443;\n        location / { proxy_pass http://127.0.0.1:8090; }\n    }\n    server {\n        listen 127.0.0.1:8090;\n        return 204;\n    }'), ...PORTS_8081 },
    },
    { name: 'only a FastCGI backend is known: an HTTP target is not judged', root: '/', files: { 'nginx.conf': loc('proxy_pass http://127.0.0.1:3000;'), ...POOL_TCP_9001 } },
    { name: 'a remote host: its listeners are unknown', root: '/', files: { 'nginx.conf': loc('proxy_pass http://10.0.0.5:8080;'), ...PORTS_8081 } },
    { name: 'a listener bound to another address is not reachable over loopback', root: '/', files: { 'nginx.conf': loc('proxy_pass http://127.0.0.1:8080;'), '/etc/apache2/ports.conf': 'Listen 10.0.0.5:8081\n' } },
    { name: 'a run-time address', root: '/', files: { 'nginx.conf': loc('proxy_pass http://$backend;'), ...PORTS_8081 } },
    { name: 'a symbolic listener may be the one', root: '/', files: { 'nginx.conf': loc('proxy_pass http://127.0.0.1:8080;'), '/etc/apache2/ports.conf': 'Listen ${APACHE_PORT}\nListen 8081\n' } },
    {
      name: 'one live server in the upstream: a refused peer is retried, no 502',
      root: '/',
      files: { 'nginx.conf': http('    upstream app {\n        server 127.0.0.1:8080;\n        server 127.0.0.1:8081;\n    }\n    server {\n        listen 8443;\n        location / { proxy_pass http://app; }\n    }'), ...PORTS_8081 },
    },
    {
      name: 'a down server is not connected to',
      root: '/',
      files: { 'nginx.conf': http('    upstream app {\n        server 127.0.0.1:8080 down;\n        server 127.0.0.1:8081;\n    }\n    server {\n        listen 8443;\n        location / { proxy_pass http://app; }\n    }'), ...PORTS_8081 },
    },
    { name: 'fastcgi_pass over TCP while the pool listens on a socket: fastcgi-tcp-vs-socket', root: '/', files: { 'nginx.conf': loc('fastcgi_pass 127.0.0.1:9000;'), '/etc/php/8.2/fpm/pool.d/www.conf': '[www]\nlisten = /run/php/php8.2-fpm.sock\n' } },
    { name: 'a pool on every address: localhost reaches it', root: '/', files: { 'nginx.conf': loc('fastcgi_pass localhost:9000;'), '/etc/php/8.2/fpm/pool.d/www.conf': '[www]\nlisten = 9000\n' } },
    { name: 'no gRPC backend known', root: '/', files: { 'nginx.conf': loc('grpc_pass grpc://127.0.0.1:50051;'), ...PORTS_8081 } },
    { name: 'memcached is not a backend ngxlint reads', root: '/', files: { 'nginx.conf': loc('set $memcached_key $uri; memcached_pass 127.0.0.1:11211;'), ...PORTS_8081 } },
    { name: 'ignoreTargets: a port', root: '/', options: { ignoreTargets: ['8080'] }, files: { 'nginx.conf': loc('proxy_pass http://127.0.0.1:8080;'), ...PORTS_8081 } },
    { name: 'ignoreTargets: host:port', root: '/', options: { ignoreTargets: ['127.0.0.1:8080'] }, files: { 'nginx.conf': loc('proxy_pass http://127.0.0.1:8080;'), ...PORTS_8081 } },
    {
      name: 'a listener inside a compose container is no candidate for loopback (nginx on the host)',
      files: {
        'nginx.conf': loc('proxy_pass http://127.0.0.1:8080;'),
        'docker-compose.yml': 'services:\n  app:\n    image: python:3.12\n    command: gunicorn -b 0.0.0.0:8000 app:app\n',
      },
    },
    {
      name: 'nginx runs in compose: loopback is its own container (container-loopback-upstream)',
      root: '/',
      files: {
        'nginx.conf': loc('proxy_pass http://127.0.0.1:8080;'),
        'docker-compose.yml': 'services:\n  web:\n    image: nginx:1.27\n    ports:\n      - "80:80"\n',
        ...PORTS_8081,
      },
    },
    {
      name: 'a port a compose service publishes counts as listening',
      root: '/',
      files: {
        'nginx.conf': loc('proxy_pass http://127.0.0.1:8080;'),
        'docker-compose.yml': 'services:\n  app:\n    image: node:20\n    ports:\n      - "8080:3000"\n',
        ...PORTS_8081,
      },
    },
    {
      name: 'an unused upstream is not judged',
      root: '/',
      files: { 'nginx.conf': http('    upstream old {\n        server 127.0.0.1:8080;\n    }\n    server {\n        listen 8443;\n        return 204;\n    }'), ...PORTS_8081 },
    },
  ],
  invalid: [
    {
      name: 'Apache moved to 8081 (found under --root)',
      root: '/',
      files: { 'nginx.conf': loc('proxy_pass http://127.0.0.1:8080;'), ...PORTS_8081 },
      errors: [
        {
          messageId: 'portMismatch',
          line: 6,
          column: 24,
          endLine: 6,
          endColumn: 45,
          message: 'no known backend listens on 127.0.0.1:8080 (proxy_pass); Apache (ports.conf) listens on port 8081',
        },
      ],
      output: { 'nginx.conf': loc('proxy_pass http://127.0.0.1:8081;') },
    },
    {
      name: 'an explicit --backend file; a URI with variables keeps its variables',
      backends: ['/srv/apache/ports.conf'],
      files: { 'nginx.conf': loc('proxy_pass http://127.0.0.1:8080$request_uri;'), '/srv/apache/ports.conf': 'Listen 8081\n' },
      errors: [{ messageId: 'portMismatch', line: 6, column: 24, endLine: 6, endColumn: 57 }],
      output: { 'nginx.conf': loc('proxy_pass http://127.0.0.1:8081$request_uri;') },
    },
    {
      name: 'no port means 80; the fix writes one',
      root: '/',
      files: { 'nginx.conf': loc('proxy_pass http://localhost/app/;'), ...PORTS_8081 },
      errors: [{ messageId: 'portMismatch', line: 6, column: 24, endLine: 6, endColumn: 45 }],
      output: { 'nginx.conf': loc('proxy_pass http://localhost:8081/app/;') },
    },
    {
      name: 'IPv6 loopback, quoted argument',
      root: '/',
      files: { 'nginx.conf': loc('proxy_pass "http://[::1]:8080";'), ...PORTS_8081 },
      errors: [{ messageId: 'portMismatch', line: 6, column: 24, endLine: 6, endColumn: 43, message: 'no known backend listens on [::1]:8080 (proxy_pass); Apache (ports.conf) listens on port 8081' }],
      output: { 'nginx.conf': loc('proxy_pass "http://[::1]:8081";') },
    },
    {
      name: 'an upstream block in an included file, used from a nested location',
      root: '/',
      files: {
        'nginx.conf': http('    include conf.d/*.conf;\n    server {\n        listen 8443;\n        location / {\n            location /api/ {\n                proxy_pass http://app;\n            }\n        }\n    }'),
        'conf.d/upstreams.conf': 'upstream app {\n    server 127.0.0.1:8080 max_fails=3;\n}\n',
        ...PORTS_8081,
      },
      errors: [{ messageId: 'portMismatch', file: 'conf.d/upstreams.conf', line: 2, column: 12, endLine: 2, endColumn: 26, message: 'no known backend listens on 127.0.0.1:8080 (server in upstream "app" (proxy_pass)); Apache (ports.conf) listens on port 8081' }],
      output: { 'conf.d/upstreams.conf': 'upstream app {\n    server 127.0.0.1:8081 max_fails=3;\n}\n' },
    },
    {
      name: 'an upstream server without a port connects to 80',
      root: '/',
      files: { 'nginx.conf': http('    upstream app {\n        server localhost;\n    }\n    server {\n        listen 8443;\n        location / { proxy_pass http://app; }\n    }'), ...PORTS_8081 },
      errors: [{ messageId: 'portMismatch', line: 4, column: 16, endLine: 4, endColumn: 25 }],
      output: http('    upstream app {\n        server localhost:8081;\n    }\n    server {\n        listen 8443;\n        location / { proxy_pass http://app; }\n    }'),
    },
    {
      name: 'every server of an upstream dead: each reported, no fix (which one moves is a choice)',
      root: '/',
      files: { 'nginx.conf': http('    upstream app {\n        server 127.0.0.1:8080;\n        server 127.0.0.1:8082 backup;\n    }\n    server {\n        listen 8443;\n        location / { proxy_pass http://app; }\n    }'), ...PORTS_8081 },
      errors: [
        { messageId: 'portMismatch', line: 4, column: 16, endLine: 4, endColumn: 30 },
        { messageId: 'portMismatch', line: 5, column: 16, endLine: 5, endColumn: 30 },
      ],
      output: null,
    },
    {
      name: 'fastcgi_pass to the wrong port of a TCP pool',
      root: '/',
      files: { 'nginx.conf': server('        location ~ \\.php$ {\n            include fastcgi_params;\n            fastcgi_pass 127.0.0.1:9000;\n        }\n'), 'fastcgi_params': '', ...POOL_TCP_9001 },
      errors: [{ messageId: 'portMismatch', line: 7, column: 26, endLine: 7, endColumn: 40, message: 'no known backend listens on 127.0.0.1:9000 (fastcgi_pass); PHP-FPM pool "www" listens on port 9001' }],
      output: { 'nginx.conf': server('        location ~ \\.php$ {\n            include fastcgi_params;\n            fastcgi_pass 127.0.0.1:9001;\n        }\n') },
    },
    {
      name: 'fastcgi_pass in an if block inside the location',
      root: '/',
      files: { 'nginx.conf': loc('if ($request_method = POST) { fastcgi_pass 127.0.0.1:9000; }'), ...POOL_TCP_9001 },
      errors: [{ messageId: 'portMismatch', line: 6, column: 56, endLine: 6, endColumn: 70 }],
      output: { 'nginx.conf': loc('if ($request_method = POST) { fastcgi_pass 127.0.0.1:9001; }') },
    },
    {
      name: 'uwsgi_pass and scgi_pass against a uWSGI ini',
      backends: ['/srv/app/uwsgi.ini'],
      files: {
        'nginx.conf': server('        location / { uwsgi_pass 127.0.0.1:3031; }\n        location /scgi { scgi_pass 127.0.0.1:4000; }\n'),
        '/srv/app/uwsgi.ini': '[uwsgi]\nsocket = 127.0.0.1:3032\nscgi-socket = 127.0.0.1:4001\n',
      },
      errors: [
        { messageId: 'portMismatch', line: 5, column: 33, endLine: 5, endColumn: 47, message: 'no known backend listens on 127.0.0.1:3031 (uwsgi_pass); uWSGI (uwsgi.ini) listens on port 3032' },
        { messageId: 'portMismatch', line: 6, column: 36, endLine: 6, endColumn: 50 },
      ],
      output: { 'nginx.conf': server('        location / { uwsgi_pass 127.0.0.1:3032; }\n        location /scgi { scgi_pass 127.0.0.1:4001; }\n') },
    },
    {
      name: 'gunicorn.conf.py bind',
      backends: ['/srv/app/gunicorn.conf.py'],
      files: { 'nginx.conf': loc('proxy_pass http://127.0.0.1:8000;'), '/srv/app/gunicorn.conf.py': 'bind = "127.0.0.1:8001"\nworkers = 3\n' },
      errors: [{ messageId: 'portMismatch', line: 6, column: 24, endLine: 6, endColumn: 45, message: 'no known backend listens on 127.0.0.1:8000 (proxy_pass); gunicorn (gunicorn.conf.py) listens on port 8001' }],
      output: { 'nginx.conf': loc('proxy_pass http://127.0.0.1:8001;') },
    },
    {
      name: 'PORT in a .env file',
      backends: ['/srv/app/.env'],
      files: { 'nginx.conf': loc('proxy_pass http://127.0.0.1:3000;'), '/srv/app/.env': 'NODE_ENV=production\nPORT=3001\n' },
      errors: [{ messageId: 'portMismatch', line: 6, column: 24, endLine: 6, endColumn: 45, message: 'no known backend listens on 127.0.0.1:3000 (proxy_pass); the app whose .env sets PORT listens on port 3001' }],
      output: { 'nginx.conf': loc('proxy_pass http://127.0.0.1:3001;') },
    },
    {
      name: 'a TLS port is no candidate for http://, a plain port none for https://',
      root: '/',
      files: { 'nginx.conf': server('        location / { proxy_pass https://127.0.0.1:9443; }\n'), ...PORTS_8081 },
      errors: [{ messageId: 'portMismatch', line: 5, column: 33, endLine: 5, endColumn: 55, message: 'no known backend listens on 127.0.0.1:9443 (proxy_pass); Apache (ports.conf) listens on port 443' }],
      output: { 'nginx.conf': server('        location / { proxy_pass https://127.0.0.1:443; }\n') },
    },
    {
      name: 'a backend another route uses is that route\'s: the free one is the candidate',
      backends: ['/srv/app/gunicorn.conf.py', '/srv/api/.env'],
      files: {
        'nginx.conf': http(
          '    upstream node_api {\n        server localhost:3000;\n    }\n    server {\n        listen 8443;\n        location /api/ { proxy_pass http://node_api; }\n        location /admin/ { proxy_pass http://127.0.0.1:8000; }\n    }',
        ),
        '/srv/app/gunicorn.conf.py': 'bind = "127.0.0.1:8000"\n',
        '/srv/api/.env': 'PORT=3001\n',
      },
      errors: [{ messageId: 'portMismatch', line: 4, column: 16, endLine: 4, endColumn: 30, message: 'no known backend listens on localhost:3000 (server in upstream "node_api" (proxy_pass)); the app whose .env sets PORT listens on port 3001' }],
      output: { 'nginx.conf': http('    upstream node_api {\n        server localhost:3001;\n    }\n    server {\n        listen 8443;\n        location /api/ { proxy_pass http://node_api; }\n        location /admin/ { proxy_pass http://127.0.0.1:8000; }\n    }') },
    },
    {
      name: 'a route left behind after a move: the only backend counts although another route uses it',
      root: '/',
      files: { 'nginx.conf': server('        location / { proxy_pass http://127.0.0.1:8081; }\n        location /old/ { proxy_pass http://127.0.0.1:8080; }\n'), ...PORTS_8081 },
      errors: [{ messageId: 'portMismatch', line: 6, column: 37, endLine: 6, endColumn: 58 }],
      output: { 'nginx.conf': server('        location / { proxy_pass http://127.0.0.1:8081; }\n        location /old/ { proxy_pass http://127.0.0.1:8081; }\n') },
    },
    {
      name: 'several HTTP backends on other ports: no fix',
      root: '/',
      files: { 'nginx.conf': loc('proxy_pass http://127.0.0.1:8080;'), '/etc/apache2/ports.conf': 'Listen 8081\nListen 8082\n' },
      errors: [
        {
          messageId: 'portMismatchAmbiguous',
          line: 6,
          column: 24,
          endLine: 6,
          endColumn: 45,
          message: 'no known backend listens on 127.0.0.1:8080 (proxy_pass); HTTP backends there: Apache (ports.conf) on port 8081, Apache (ports.conf) on port 8082',
        },
      ],
      output: null,
    },
  ],
});

it('points at the backend line and at the pass that uses the upstream', () => {
  const [finding] = lintCase(rule, {
    root: '/',
    files: { 'nginx.conf': http('    upstream app {\n        server 127.0.0.1:8080;\n    }\n    server {\n        listen 8443;\n        location / { proxy_pass http://app; }\n    }'), ...PORTS_8081 },
  });
  expect(finding?.related.map((r) => `${r.file}:${r.start.line}:${r.start.column}-${r.end.column} ${r.message}`)).toEqual([
    '/etc/apache2/ports.conf:1:8-12 Apache (ports.conf) listens on port 8081 here',
    '/etc/nginx/nginx.conf:8:22-44 upstream "app" is used by proxy_pass here',
  ]);
  expect(finding?.fix?.applicability).toBe('unsafe');
});
