import { expect, it } from 'vitest';
import rule from './index.js';
import { lintCase, runRuleTests } from '../../test/harness/rule-tester.js';

const http = (body: string) => `events {}\nhttp {\n${body}\n}\n`;
const server = (body: string) => http(`    server {\n        listen 80;\n${body}    }`);
const php = (pass: string) => server(`        location ~ \\.php$ {\n            include fastcgi_params;\n            ${pass}\n        }\n`);

const PARAMS = { fastcgi_params: 'fastcgi_param QUERY_STRING $query_string;\n' };
const POOL_SOCKET = { '/etc/php/8.2/fpm/pool.d/www.conf': '[www]\nuser = www-data\nlisten = /run/php/php8.2-fpm.sock\n' };
/** The official Docker image's pool: `listen = 9000` on every address. */
const POOL_9000 = { '/usr/local/etc/php-fpm.d/zz-docker.conf': '[global]\ndaemonize = no\n\n[www]\nlisten = 9000\n' };

runRuleTests(rule, {
  valid: [
    { name: 'no backend data: silent', code: php('fastcgi_pass 127.0.0.1:9000;') },
    { name: 'socket to socket', root: '/', files: { 'nginx.conf': php('fastcgi_pass unix:/run/php/php8.2-fpm.sock;'), ...PARAMS, ...POOL_SOCKET } },
    { name: 'TCP to TCP', root: '/', files: { 'nginx.conf': php('fastcgi_pass 127.0.0.1:9000;'), ...PARAMS, ...POOL_9000 } },
    { name: 'a wrong socket path while the pool is on a socket: unix-socket-path-mismatch', root: '/', files: { 'nginx.conf': php('fastcgi_pass unix:/run/php/php7.4-fpm.sock;'), ...PARAMS, ...POOL_SOCKET } },
    {
      name: 'a wrong port while a TCP pool exists: upstream-port-mismatch',
      root: '/',
      files: { 'nginx.conf': php('fastcgi_pass 127.0.0.1:9001;'), ...PARAMS, ...POOL_SOCKET, '/etc/php/8.2/fpm/pool.d/api.conf': '[api]\nlisten = 127.0.0.1:9000\n' },
    },
    { name: 'a remote FastCGI server: its pool is not this one', root: '/', files: { 'nginx.conf': php('fastcgi_pass 10.0.0.7:9000;'), ...PARAMS, ...POOL_SOCKET } },
    { name: 'proxy_pass is not FastCGI', root: '/', files: { 'nginx.conf': server('        location / { proxy_pass http://127.0.0.1:9000; }\n'), ...POOL_SOCKET } },
    {
      name: 'another backend listens on that port (a protocol question, not this rule\'s)',
      root: '/',
      files: { 'nginx.conf': php('fastcgi_pass 127.0.0.1:8080;'), ...PARAMS, ...POOL_SOCKET, '/etc/apache2/ports.conf': 'Listen 8080\n' },
    },
    { name: 'a symbolic pool address', root: '/', files: { 'nginx.conf': php('fastcgi_pass 127.0.0.1:9000;'), ...PARAMS, '/etc/php/8.2/fpm/pool.d/www.conf': '[www]\nlisten = ${FPM_LISTEN}\n' } },
    {
      name: 'an upstream with one server that matches',
      root: '/',
      files: { 'nginx.conf': http('    upstream php {\n        server 127.0.0.1:9000;\n        server unix:/run/php/php8.2-fpm.sock backup;\n    }\n    server {\n        listen 80;\n        location ~ \\.php$ { fastcgi_pass php; }\n    }'), ...POOL_SOCKET },
    },
    {
      name: 'nginx runs in compose: loopback is its own container',
      root: '/',
      files: { 'nginx.conf': php('fastcgi_pass 127.0.0.1:9000;'), ...PARAMS, ...POOL_SOCKET, 'docker-compose.yml': 'services:\n  web:\n    image: nginx:stable\n' },
    },
  ],
  invalid: [
    {
      name: 'tutorial TCP address, Debian pool on a socket',
      root: '/',
      files: { 'nginx.conf': php('fastcgi_pass 127.0.0.1:9000;'), ...PARAMS, ...POOL_SOCKET },
      errors: [
        {
          messageId: 'tcpButSocket',
          line: 7,
          column: 26,
          endLine: 7,
          endColumn: 40,
          message: 'fastcgi_pass connects over TCP to 127.0.0.1:9000, but the FastCGI backend listens on a unix socket: PHP-FPM pool "www" on /run/php/php8.2-fpm.sock',
        },
      ],
      output: { 'nginx.conf': php('fastcgi_pass unix:/run/php/php8.2-fpm.sock;') },
    },
    {
      name: 'host config on a socket, Docker pool on port 9000',
      root: '/',
      files: { 'nginx.conf': php('fastcgi_pass unix:/run/php/php-fpm.sock;'), ...PARAMS, ...POOL_9000 },
      errors: [
        {
          messageId: 'socketButTcp',
          line: 7,
          column: 26,
          endLine: 7,
          endColumn: 52,
          message: 'fastcgi_pass connects to unix:/run/php/php-fpm.sock, but the FastCGI backend listens on TCP: PHP-FPM pool "www" on port 9000',
        },
      ],
      output: { 'nginx.conf': php('fastcgi_pass 127.0.0.1:9000;') },
    },
    {
      name: 'a pool on an IPv6 loopback',
      root: '/',
      files: { 'nginx.conf': php('fastcgi_pass unix:/run/php/php-fpm.sock;'), ...PARAMS, '/etc/php-fpm.d/www.conf': '[www]\nlisten = [::1]:9000\n' },
      errors: [{ messageId: 'socketButTcp', line: 7, column: 26, endLine: 7, endColumn: 52 }],
      output: { 'nginx.conf': php('fastcgi_pass [::1]:9000;') },
    },
    {
      name: 'an upstream block in an included file, localhost server',
      root: '/',
      files: {
        'nginx.conf': http('    include conf.d/*.conf;\n    server {\n        listen 80;\n        location ~ \\.php$ {\n            include fastcgi_params;\n            fastcgi_pass php_backend;\n        }\n    }'),
        'conf.d/php.conf': 'upstream php_backend {\n    server localhost:9000;\n}\n',
        ...PARAMS,
        ...POOL_SOCKET,
      },
      errors: [{ messageId: 'tcpButSocket', file: 'conf.d/php.conf', line: 2, column: 12, endLine: 2, endColumn: 26 }],
      output: { 'conf.d/php.conf': 'upstream php_backend {\n    server unix:/run/php/php8.2-fpm.sock;\n}\n' },
    },
    {
      name: 'two pools on sockets: no fix',
      root: '/',
      files: { 'nginx.conf': php('fastcgi_pass 127.0.0.1:9000;'), ...PARAMS, ...POOL_SOCKET, '/etc/php/8.2/fpm/pool.d/shop.conf': '[shop]\nlisten = /run/php/shop.sock\n' },
      errors: [
        {
          messageId: 'tcpButSocket',
          line: 7,
          column: 26,
          endLine: 7,
          endColumn: 40,
          message: 'fastcgi_pass connects over TCP to 127.0.0.1:9000, but the FastCGI backend listens on a unix socket: PHP-FPM pool "shop" on /run/php/shop.sock, PHP-FPM pool "www" on /run/php/php8.2-fpm.sock',
        },
      ],
      output: null,
    },
    {
      name: 'nginx in compose and a socket target: the socket path is offered, a TCP address would not be',
      root: '/',
      files: { 'nginx.conf': php('fastcgi_pass unix:/run/php/php-fpm.sock;'), ...PARAMS, ...POOL_9000, 'docker-compose.yml': 'services:\n  web:\n    image: nginx:stable\n' },
      errors: [{ messageId: 'socketButTcp', line: 7, column: 26, endLine: 7, endColumn: 52 }],
      output: null,
    },
  ],
});

it('points at the pool\'s listen line', () => {
  const [finding] = lintCase(rule, { root: '/', files: { 'nginx.conf': php('fastcgi_pass 127.0.0.1:9000;'), ...PARAMS, ...POOL_SOCKET } });
  expect(finding?.related.map((r) => `${r.file}:${r.start.line}:${r.start.column}-${r.end.column} ${r.message}`)).toEqual([
    '/etc/php/8.2/fpm/pool.d/www.conf:3:10-34 PHP-FPM pool "www" listens on /run/php/php8.2-fpm.sock here',
  ]);
});
