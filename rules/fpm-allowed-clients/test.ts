import rule from './index.js';
import { runRuleTests } from '../../test/harness/rule-tester.js';

const http = (body: string) => `events {}\nhttp {\n${body}\n}\n`;
const php = (pass: string, extra = '') => http(`    server {\n        listen 80;\n        location ~ \\.php$ {\n            include fastcgi_params;\n${extra}            ${pass}\n        }\n    }`);
const PARAMS = { fastcgi_params: 'fastcgi_param QUERY_STRING $query_string;\n' };
const pool = (listen: string, allowed: string | null) => ({
  '/etc/php/8.2/fpm/pool.d/www.conf': `[www]\nlisten = ${listen}\n${allowed === null ? '' : `listen.allowed_clients = ${allowed}\n`}`,
});
const COMPOSE = 'services:\n  web:\n    image: nginx:1.27\n    ports:\n      - "80:80"\n  php:\n    image: php:8.2-fpm\n    expose:\n      - "9000"\n';

runRuleTests(rule, {
  valid: [
    { name: 'no backend data: silent', code: php('fastcgi_pass 127.0.0.1:9000;') },
    { name: 'loopback allowed', root: '/', files: { 'nginx.conf': php('fastcgi_pass 127.0.0.1:9000;'), ...PARAMS, ...pool('127.0.0.1:9000', '127.0.0.1') } },
    { name: 'no allowed_clients: any address', root: '/', files: { 'nginx.conf': php('fastcgi_pass 127.0.0.1:9000;'), ...PARAMS, ...pool('127.0.0.1:9000', null) } },
    { name: 'an IPv4-mapped entry admits 127.0.0.1', root: '/', files: { 'nginx.conf': php('fastcgi_pass 127.0.0.1:9000;'), ...PARAMS, ...pool('9000', '::ffff:127.0.0.1') } },
    { name: 'localhost: one of its addresses is allowed', root: '/', files: { 'nginx.conf': php('fastcgi_pass localhost:9000;'), ...PARAMS, ...pool('9000', '::1') } },
    { name: 'entries php-fpm may read differently are not judged', root: '/', files: { 'nginx.conf': php('fastcgi_pass 127.0.0.1:9000;'), ...PARAMS, ...pool('9000', '10.0.0.0/8') } },
    { name: 'a symbolic list', root: '/', files: { 'nginx.conf': php('fastcgi_pass 127.0.0.1:9000;'), ...PARAMS, ...pool('9000', '${FPM_CLIENTS}') } },
    { name: 'a unix socket', root: '/', files: { 'nginx.conf': php('fastcgi_pass unix:/run/php/php8.2-fpm.sock;'), ...PARAMS, ...pool('/run/php/php8.2-fpm.sock', '10.0.0.1') } },
    { name: 'another port', root: '/', files: { 'nginx.conf': php('fastcgi_pass 127.0.0.1:9001;'), ...PARAMS, ...pool('9000', '10.0.0.1') } },
    { name: 'a remote host: the source is not known', root: '/', files: { 'nginx.conf': php('fastcgi_pass php.internal:9000;'), ...PARAMS, ...pool('9000', '127.0.0.1') } },
    { name: 'fastcgi_bind to an allowed address', root: '/', files: { 'nginx.conf': php('fastcgi_pass 127.0.0.1:9000;', '            fastcgi_bind 127.0.0.5;\n'), ...PARAMS, ...pool('9000', '127.0.0.5') } },
    { name: 'fastcgi_bind transparent: the client address', root: '/', files: { 'nginx.conf': php('fastcgi_pass 127.0.0.1:9000;', '            fastcgi_bind $remote_addr transparent;\n'), ...PARAMS, ...pool('9000', '10.0.0.1') } },
    {
      name: 'compose: a container address is allowed',
      root: '/',
      files: { 'nginx.conf': php('fastcgi_pass php:9000;'), ...PARAMS, 'docker-compose.yml': COMPOSE, ...pool('9000', '172.18.0.3') },
    },
    {
      name: 'compose: nginx shares the php container\'s network: loopback',
      root: '/',
      files: { 'nginx.conf': php('fastcgi_pass 127.0.0.1:9000;'), ...PARAMS, 'docker-compose.yml': COMPOSE.replace('    ports:\n      - "80:80"\n', '    network_mode: "service:php"\n'), ...pool('9000', '127.0.0.1') },
    },
  ],
  invalid: [
    {
      name: 'nginx on the same host connects from 127.0.0.1',
      root: '/',
      files: { 'nginx.conf': php('fastcgi_pass 127.0.0.1:9000;'), ...PARAMS, ...pool('127.0.0.1:9000', '10.0.0.1, ::1') },
      errors: [
        {
          messageId: 'sourceNotAllowed',
          line: 7,
          column: 26,
          endLine: 7,
          endColumn: 40,
          message:
            'nginx connects to the PHP-FPM pool "www" at 127.0.0.1:9000 from 127.0.0.1, which listen.allowed_clients (10.0.0.1, ::1) does not admit: FPM drops the connection ("Connection disallowed: IP address \'127.0.0.1\' has been dropped."), nginx logs "recv() failed (104: Connection reset by peer) while reading response header from upstream" and answers 502; add 127.0.0.1 to listen.allowed_clients',
        },
      ],
      output: null,
    },
    {
      name: 'localhost: neither address allowed',
      root: '/',
      files: { 'nginx.conf': php('fastcgi_pass localhost:9000;'), ...PARAMS, ...pool('9000', '10.0.0.1') },
      errors: [{ messageId: 'sourceNotAllowed', line: 7, column: 26, endLine: 7, endColumn: 40 }],
    },
    {
      name: 'fastcgi_bind sets the source address',
      root: '/',
      files: { 'nginx.conf': php('fastcgi_pass 127.0.0.1:9000;', '            fastcgi_bind 10.0.0.9;\n'), ...PARAMS, ...pool('9000', '127.0.0.1') },
      errors: [{ messageId: 'sourceNotAllowed', line: 8, column: 26, endLine: 8, endColumn: 40 }],
    },
    {
      name: 'compose: nginx in its own container, the pool admits only loopback',
      root: '/',
      files: { 'nginx.conf': php('fastcgi_pass php:9000;'), ...PARAMS, 'docker-compose.yml': COMPOSE, '/usr/local/etc/php-fpm.d/www.conf': '[www]\nlisten = 9000\nlisten.allowed_clients = 127.0.0.1\n' },
      errors: [
        {
          messageId: 'containerNotAllowed',
          line: 7,
          column: 26,
          endLine: 7,
          endColumn: 34,
          message:
            'nginx runs in the compose service "web" and connects to the PHP-FPM pool "www" at php:9000 from its container\'s address on the compose network, but listen.allowed_clients (127.0.0.1) admits only loopback: FPM drops the connection, nginx logs "recv() failed (104: Connection reset by peer) while reading response header from upstream" and answers 502; remove listen.allowed_clients on the private network or list the nginx container\'s address',
        },
      ],
    },
    {
      name: 'a pool on another address of this host admits only loopback (upstream block in an include)',
      root: '/',
      files: {
        'nginx.conf': http('    include conf.d/*.conf;'),
        'conf.d/php.conf': 'upstream php {\n    server 10.0.0.5:9000;\n}\nserver {\n    listen 80;\n    location ~ \\.php$ {\n        fastcgi_pass php;\n    }\n}\n',
        ...pool('10.0.0.5:9000', '127.0.0.1'),
      },
      errors: [{ messageId: 'loopbackOnly', file: 'conf.d/php.conf', line: 2, column: 12, endLine: 2, endColumn: 25 }],
    },
  ],
});
