import { expect, it } from 'vitest';
import rule from './index.js';
import { lintCase, runRuleTests } from '../../test/harness/rule-tester.js';

const http = (body: string) => `events {}\nhttp {\n${body}\n}\n`;
const server = (body: string) => http(`    server {\n        listen 80;\n${body}    }`);
const php = (pass: string) => server(`        location ~ \\.php$ {\n            include fastcgi_params;\n            ${pass}\n        }\n`);

const POOL_82 = { '/etc/php/8.2/fpm/pool.d/www.conf': '[www]\nuser = www-data\nlisten = /run/php/php8.2-fpm.sock\nlisten.owner = www-data\n' };
const PARAMS = { fastcgi_params: 'fastcgi_param QUERY_STRING $query_string;\n' };

runRuleTests(rule, {
  valid: [
    { name: 'no backend data: silent', code: php('fastcgi_pass unix:/run/php/php7.4-fpm.sock;') },
    { name: 'the pool listens there', root: '/', files: { 'nginx.conf': php('fastcgi_pass unix:/run/php/php8.2-fpm.sock;'), ...PARAMS, ...POOL_82 } },
    { name: '/var/run is /run', root: '/', files: { 'nginx.conf': php('fastcgi_pass unix:/var/run/php/php8.2-fpm.sock;'), ...PARAMS, ...POOL_82 } },
    { name: 'only an HTTP socket is known: a FastCGI target is not judged', backends: ['/srv/app/gunicorn.conf.py'], files: { 'nginx.conf': php('fastcgi_pass unix:/run/php/php7.4-fpm.sock;'), ...PARAMS, '/srv/app/gunicorn.conf.py': 'bind = "unix:/run/app/gunicorn.sock"\n' } },
    { name: 'the pool listens on TCP: fastcgi-tcp-vs-socket', root: '/', files: { 'nginx.conf': php('fastcgi_pass unix:/run/php/php7.4-fpm.sock;'), ...PARAMS, '/etc/php/8.2/fpm/pool.d/www.conf': '[www]\nlisten = 127.0.0.1:9000\n' } },
    { name: 'a symbolic pool address may be the one', root: '/', files: { 'nginx.conf': php('fastcgi_pass unix:/run/php/php7.4-fpm.sock;'), ...PARAMS, '/etc/php/8.2/fpm/pool.d/www.conf': '[www]\nlisten = ${FPM_SOCKET}\n' } },
    { name: 'a run-time socket path', root: '/', files: { 'nginx.conf': php('fastcgi_pass unix:/run/php/php$php_version-fpm.sock;'), ...PARAMS, ...POOL_82 } },
    {
      name: 'nginx itself listens on that socket',
      root: '/',
      files: { 'nginx.conf': http('    server {\n        listen unix:/run/nginx-internal.sock;\n        return 204;\n    }\n    server {\n        listen 80;\n        location / { proxy_pass http://unix:/run/nginx-internal.sock:/; }\n    }'), '/srv/app/gunicorn.conf.py': 'bind = "unix:/run/app.sock"\n' },
      backends: ['/srv/app/gunicorn.conf.py'],
    },
    {
      name: 'one live socket in the upstream',
      root: '/',
      files: { 'nginx.conf': http('    upstream php {\n        server unix:/run/php/php7.4-fpm.sock;\n        server unix:/run/php/php8.2-fpm.sock;\n    }\n    server {\n        listen 80;\n        location / { fastcgi_pass php; }\n    }'), ...POOL_82 },
    },
    { name: 'ignorePaths', root: '/', options: { ignorePaths: ['/run/php/php7.4-fpm.sock'] }, files: { 'nginx.conf': php('fastcgi_pass unix:/run/php/php7.4-fpm.sock;'), ...PARAMS, ...POOL_82 } },
    { name: 'a TCP target is another rule\'s', root: '/', files: { 'nginx.conf': php('fastcgi_pass 127.0.0.1:9000;'), ...PARAMS, ...POOL_82 } },
  ],
  invalid: [
    {
      name: 'the PHP upgrade: php7.4 socket, 8.2 pool',
      root: '/',
      files: { 'nginx.conf': php('fastcgi_pass unix:/run/php/php7.4-fpm.sock;'), ...PARAMS, ...POOL_82 },
      errors: [
        {
          messageId: 'pathMismatch',
          line: 7,
          column: 26,
          endLine: 7,
          endColumn: 55,
          message: 'no known backend listens on unix:/run/php/php7.4-fpm.sock (fastcgi_pass); PHP-FPM pool "www" listens on /run/php/php8.2-fpm.sock',
        },
      ],
      output: { 'nginx.conf': php('fastcgi_pass unix:/run/php/php8.2-fpm.sock;') },
    },
    {
      name: 'Debian path on RHEL, quoted, in an included snippet',
      root: '/',
      files: {
        'nginx.conf': http('    server {\n        listen 80;\n        include snippets/php.conf;\n    }'),
        'snippets/php.conf': 'location ~ \\.php$ {\n    fastcgi_pass "unix:/var/run/php5-fpm.sock";\n}\n',
        '/etc/php-fpm.d/www.conf': '[www]\nlisten = /run/php-fpm/www.sock\n',
      },
      errors: [{ messageId: 'pathMismatch', file: 'snippets/php.conf', line: 2, column: 18, endLine: 2, endColumn: 47 }],
      output: { 'snippets/php.conf': 'location ~ \\.php$ {\n    fastcgi_pass "unix:/run/php-fpm/www.sock";\n}\n' },
    },
    {
      name: 'a snippet included by two servers: reported once, the fix is offered but not applied',
      root: '/',
      files: {
        'nginx.conf': http('    server {\n        listen 80;\n        include snippets/php.conf;\n    }\n    server {\n        listen 8080;\n        include snippets/php.conf;\n    }'),
        'snippets/php.conf': 'location ~ \\.php$ {\n    fastcgi_pass unix:/var/run/php5-fpm.sock;\n}\n',
        '/etc/php-fpm.d/www.conf': '[www]\nlisten = /run/php-fpm/www.sock\n',
      },
      errors: [{ messageId: 'pathMismatch', file: 'snippets/php.conf', line: 2, column: 18, endLine: 2, endColumn: 45 }],
      output: null,
    },
    {
      name: 'an upstream block with one socket server',
      root: '/',
      files: { 'nginx.conf': http('    upstream php {\n        server unix:/run/php/php7.4-fpm.sock weight=2;\n    }\n    server {\n        listen 80;\n        location ~ \\.php$ { fastcgi_pass php; }\n    }'), ...POOL_82 },
      errors: [{ messageId: 'pathMismatch', line: 4, column: 16, endLine: 4, endColumn: 45 }],
      output: http('    upstream php {\n        server unix:/run/php/php8.2-fpm.sock weight=2;\n    }\n    server {\n        listen 80;\n        location ~ \\.php$ { fastcgi_pass php; }\n    }'),
    },
    {
      name: 'proxy_pass to a gunicorn socket that was renamed; the URI stays',
      backends: ['/srv/app/gunicorn.conf.py'],
      files: { 'nginx.conf': server('        location / {\n            proxy_pass http://unix:/run/gunicorn.sock:/app/;\n        }\n'), '/srv/app/gunicorn.conf.py': 'bind = "unix:/run/app/gunicorn.sock"\n' },
      errors: [{ messageId: 'pathMismatch', line: 6, column: 24, endLine: 6, endColumn: 60 }],
      output: { 'nginx.conf': server('        location / {\n            proxy_pass http://unix:/run/app/gunicorn.sock:/app/;\n        }\n') },
    },
    {
      name: 'uwsgi_pass to the uWSGI socket written elsewhere',
      backends: ['/srv/app/uwsgi.ini'],
      files: { 'nginx.conf': server('        location / {\n            include uwsgi_params;\n            uwsgi_pass unix:/tmp/app.sock;\n        }\n'), uwsgi_params: '', '/srv/app/uwsgi.ini': '[uwsgi]\nsocket = /run/uwsgi/app.sock\nchmod-socket = 660\n' },
      errors: [{ messageId: 'pathMismatch', line: 7, column: 24, endLine: 7, endColumn: 42 }],
      output: { 'nginx.conf': server('        location / {\n            include uwsgi_params;\n            uwsgi_pass unix:/run/uwsgi/app.sock;\n        }\n') },
    },
    {
      name: 'a gunicorn systemd socket unit',
      root: '/',
      files: {
        'nginx.conf': server('        location / {\n            proxy_pass http://unix:/run/gunicorn/app.sock;\n        }\n'),
        '/etc/systemd/system/gunicorn.socket': '[Unit]\nDescription=gunicorn socket\n\n[Socket]\nListenStream=/run/gunicorn.sock\n\n[Install]\nWantedBy=sockets.target\n',
      },
      errors: [{ messageId: 'pathMismatch', line: 6, column: 24, endLine: 6, endColumn: 58, message: 'no known backend listens on unix:/run/gunicorn/app.sock (proxy_pass); systemd socket (gunicorn.socket) listens on /run/gunicorn.sock' }],
      output: { 'nginx.conf': server('        location / {\n            proxy_pass http://unix:/run/gunicorn.sock;\n        }\n') },
    },
    {
      name: 'a pool per site: the pool no other site uses is the candidate',
      root: '/',
      files: {
        'nginx.conf': http(
          '    server {\n        listen 80;\n        server_name a.example;\n        location ~ \\.php$ { fastcgi_pass unix:/run/php/php8.2-fpm.sock; }\n    }\n    server {\n        listen 80;\n        server_name shop.example;\n        location ~ \\.php$ { fastcgi_pass unix:/run/php/php7.4-fpm-shop.sock; }\n    }',
        ),
        ...POOL_82,
        '/etc/php/8.2/fpm/pool.d/shop.conf': '[shop]\nlisten = /run/php/php8.2-fpm-shop.sock\n',
      },
      errors: [{ messageId: 'pathMismatch', line: 11, column: 42, endLine: 11, endColumn: 76, message: 'no known backend listens on unix:/run/php/php7.4-fpm-shop.sock (fastcgi_pass); PHP-FPM pool "shop" listens on /run/php/php8.2-fpm-shop.sock' }],
      output: {
        'nginx.conf': http(
          '    server {\n        listen 80;\n        server_name a.example;\n        location ~ \\.php$ { fastcgi_pass unix:/run/php/php8.2-fpm.sock; }\n    }\n    server {\n        listen 80;\n        server_name shop.example;\n        location ~ \\.php$ { fastcgi_pass unix:/run/php/php8.2-fpm-shop.sock; }\n    }',
        ),
      },
    },
    {
      name: 'two PHP versions installed: which one is for a human',
      root: '/',
      files: { 'nginx.conf': php('fastcgi_pass unix:/run/php/php7.4-fpm.sock;'), ...PARAMS, ...POOL_82, '/etc/php/8.3/fpm/pool.d/www.conf': '[www]\nlisten = /run/php/php8.3-fpm.sock\n' },
      errors: [
        {
          messageId: 'pathMismatchAmbiguous',
          line: 7,
          column: 26,
          endLine: 7,
          endColumn: 55,
          message:
            'no known backend listens on unix:/run/php/php7.4-fpm.sock (fastcgi_pass); FastCGI sockets known: PHP-FPM pool "www" on /run/php/php8.2-fpm.sock, PHP-FPM pool "www" on /run/php/php8.3-fpm.sock',
        },
      ],
      output: null,
    },
  ],
});

it('points at the pool\'s listen line', () => {
  const [finding] = lintCase(rule, { root: '/', files: { 'nginx.conf': php('fastcgi_pass unix:/run/php/php7.4-fpm.sock;'), ...PARAMS, ...POOL_82 } });
  expect(finding?.related.map((r) => `${r.file}:${r.start.line}:${r.start.column}-${r.end.column} ${r.message}`)).toEqual([
    '/etc/php/8.2/fpm/pool.d/www.conf:3:10-34 PHP-FPM pool "www" listens on /run/php/php8.2-fpm.sock here',
  ]);
});
