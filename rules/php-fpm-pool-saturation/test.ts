import rule from './index.js';
import { runRuleTests } from '../../test/harness/rule-tester.js';

/** A main config: worker_processes (line 1), events (line 2), `http {` on line 3, the body from line 4. */
const main = (body: string, workers = 'auto', connections = 768): string =>
  `worker_processes ${workers};\nevents { worker_connections ${connections}; }\nhttp {\n${body}}\n`;

/** One server (line 4) whose PHP location (line 6) passes to `target` on line 8. */
const php = (target = 'unix:/run/php/php8.2-fpm.sock'): string =>
  `    server {\n        listen 80;\n        location ~ \\.php$ {\n            include fastcgi_params;\n            fastcgi_pass ${target};\n        }\n    }\n`;

const POOL = '/etc/php/8.2/fpm/pool.d/www.conf';
const pool = (settings: string, listen = '/run/php/php8.2-fpm.sock'): string => `[www]\nuser = www-data\ngroup = www-data\nlisten = ${listen}\npm = dynamic\n${settings}`;
const PARAMS = { fastcgi_params: 'fastcgi_param QUERY_STRING $query_string;\n' };

runRuleTests(rule, {
  valid: [
    { name: 'no backend files: nothing to compare with', files: { 'nginx.conf': main(php()), ...PARAMS } },
    {
      name: 'a pool of 20 with the default backlog (511) holds what nginx can send (auto x 768 / 2)',
      files: { 'nginx.conf': main(php()), ...PARAMS, [POOL]: pool('pm.max_children = 20\n') },
      root: '/',
    },
    {
      name: 'lowMaxChildren 0: a small pool alone is not reported',
      options: { lowMaxChildren: 0 },
      files: { 'nginx.conf': main(php()), ...PARAMS, [POOL]: pool('pm.max_children = 5\n') },
      root: '/',
    },
    {
      name: 'the pass goes to another socket',
      files: { 'nginx.conf': main(php('unix:/run/php/php7.4-fpm.sock')), ...PARAMS, [POOL]: pool('pm.max_children = 2\n') },
      root: '/',
    },
    {
      name: 'a pool without pm.max_children (php-fpm refuses to start; another rule for another day)',
      files: { 'nginx.conf': main(php()), ...PARAMS, [POOL]: pool('') },
      root: '/',
    },
    {
      name: 'a snippet linted on its own: nginx capacity unknown, and the pool is not small',
      files: { 'nginx.conf': php(), ...PARAMS, [POOL]: pool('pm.max_children = 20\nlisten.backlog = 10\n') },
      rootContext: 'http',
      root: '/',
    },
    {
      name: 'listen.backlog = -1 leaves it to the kernel: the overflow is not computed',
      files: { 'nginx.conf': main(php(), '8', 4096), ...PARAMS, [POOL]: pool('pm.max_children = 20\nlisten.backlog = -1\n') },
      root: '/',
    },
  ],
  invalid: [
    {
      name: "Debian's pm.max_children = 5; two servers use the pool, one finding",
      files: { 'nginx.conf': main(`${php()}${php()}`), ...PARAMS, [POOL]: pool('pm.max_children = 5\npm.start_servers = 2\n') },
      root: '/',
      errors: [
        {
          messageId: 'fewChildren',
          line: 8,
          column: 13,
          endLine: 8,
          endColumn: 56,
          message:
            'PHP-FPM pool "www" runs at most 5 PHP requests at once (pm.max_children = 5): a few slow scripts occupy every child, further requests queue until nginx gives up with 504 (fastcgi_read_timeout), and once the backlog of 511 connections is full nginx logs "connect() to unix:/run/php/php8.2-fpm.sock failed (11: Resource temporarily unavailable) while connecting to upstream" and answers 502 at once; size pm.max_children from the memory available to PHP divided by the average worker size',
        },
      ],
    },
    {
      name: 'a low backlog: 4 workers x 1024 connections overflow 20 children + 64 waiting',
      files: { 'nginx.conf': main(php(), '4', 1024), ...PARAMS, [POOL]: pool('pm.max_children = 20\nlisten.backlog = 64\n') },
      backends: [POOL],
      errors: [
        {
          messageId: 'backlogOverflow',
          line: 8,
          column: 13,
          endLine: 8,
          endColumn: 56,
          message:
            'nginx can send PHP-FPM pool "www" 2048 requests at once (worker_processes 4 x worker_connections 1024 / 2), but the pool holds only 84 (pm.max_children = 20 running plus listen.backlog = 64 waiting): under that load nginx logs "connect() to unix:/run/php/php8.2-fpm.sock failed (11: Resource temporarily unavailable) while connecting to upstream" and answers 502 at once; raise pm.max_children as far as memory allows, and listen.backlog',
        },
      ],
    },
    {
      name: 'a TCP pool behind an upstream block: the overflow is a connect timeout (504)',
      files: {
        'nginx.conf': main(`    upstream php {\n        server 127.0.0.1:9000;\n    }\n${php('php')}`, '2', 4096),
        ...PARAMS,
        [POOL]: pool('pm.max_children = 50\nlisten.backlog = 128\n', '127.0.0.1:9000'),
      },
      root: '/',
      errors: [
        {
          messageId: 'backlogOverflow',
          line: 11,
          column: 13,
          endLine: 11,
          endColumn: 30,
          message:
            'nginx can send PHP-FPM pool "www" 4096 requests at once (worker_processes 2 x worker_connections 4096 / 2), but the pool holds only 178 (pm.max_children = 50 running plus listen.backlog = 128 waiting): under that load new connections are not accepted, nginx logs "upstream timed out (110: Connection timed out) while connecting to upstream" and answers 504 after fastcgi_connect_timeout; raise pm.max_children as far as memory allows, and listen.backlog',
        },
      ],
    },
    {
      name: 'worker_processes auto counts as one; the default worker_connections is 512',
      files: { 'nginx.conf': 'worker_processes auto;\nevents {}\nhttp {\n' + php() + '}\n', ...PARAMS, [POOL]: pool('pm.max_children = 10\nlisten.backlog = 100\n') },
      root: '/',
      errors: [
        {
          messageId: 'backlogOverflow',
          line: 8,
          column: 13,
          endLine: 8,
          endColumn: 56,
          message:
            'nginx can send PHP-FPM pool "www" 256 requests at once (worker_processes auto (counted as 1) x worker_connections 512 / 2), but the pool holds only 110 (pm.max_children = 10 running plus listen.backlog = 100 waiting): under that load nginx logs "connect() to unix:/run/php/php8.2-fpm.sock failed (11: Resource temporarily unavailable) while connecting to upstream" and answers 502 at once; raise pm.max_children as far as memory allows, and listen.backlog',
        },
      ],
    },
    {
      name: 'a pool in an included server file, found under --root in /etc/php-fpm.d',
      files: {
        'nginx.conf': main('    include conf.d/*.conf;\n'),
        'conf.d/app.conf': 'server {\n    location ~ \\.php$ {\n        fastcgi_pass unix:/run/php-fpm/www.sock;\n    }\n}\n',
        '/etc/php-fpm.d/www.conf': '[www]\nlisten = /run/php-fpm/www.sock\npm.max_children = 3\n',
      },
      root: '/',
      errors: [{ messageId: 'fewChildren', line: 3, column: 9, endLine: 3, endColumn: 49, file: 'conf.d/app.conf' }],
    },
  ],
});
