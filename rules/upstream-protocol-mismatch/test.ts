import rule from './index.js';
import { runRuleTests } from '../../test/harness/rule-tester.js';

const http = (body: string) => `events {}\nhttp {\n${body}\n}\n`;
const loc = (body: string, path = '/') => http(`    server {\n        listen 80;\n        root /srv/www;\n        location ${path} {\n${body}        }\n    }`);
const POOL = { '/etc/php/8.2/fpm/pool.d/www.conf': '[www]\nlisten = 127.0.0.1:9000\n' };
const POOL_SOCK = { '/etc/php/8.2/fpm/pool.d/www.conf': '[www]\nlisten = /run/php/php8.2-fpm.sock\n' };
const GUNICORN = { '/srv/app/gunicorn.conf.py': 'bind = "127.0.0.1:8000"\n' };
const PARAMS = { fastcgi_params: 'fastcgi_param QUERY_STRING $query_string;\n', uwsgi_params: 'uwsgi_param QUERY_STRING $query_string;\n' };

runRuleTests(rule, {
  valid: [
    { name: 'no backend data: silent', code: loc('            proxy_pass http://127.0.0.1:9000;\n') },
    { name: 'fastcgi_pass to the pool', root: '/', files: { 'nginx.conf': loc('            include fastcgi_params;\n            fastcgi_pass 127.0.0.1:9000;\n'), ...PARAMS, ...POOL } },
    { name: 'fastcgi_pass to the pool socket (/var/run is /run)', root: '/', files: { 'nginx.conf': loc('            fastcgi_pass unix:/var/run/php/php8.2-fpm.sock;\n'), ...POOL_SOCK } },
    { name: 'proxy_pass to gunicorn', backends: ['/srv/app/gunicorn.conf.py'], files: { 'nginx.conf': loc('            proxy_pass http://localhost:8000/;\n'), ...GUNICORN } },
    {
      name: 'uwsgi_pass to a uwsgi socket, proxy_pass to its http-socket',
      backends: ['/srv/app/uwsgi.ini'],
      files: {
        'nginx.conf': loc('            include uwsgi_params;\n            uwsgi_pass unix:/run/uwsgi/app.sock;\n            location /h { proxy_pass http://127.0.0.1:8080; }\n'),
        ...PARAMS,
        '/srv/app/uwsgi.ini': '[uwsgi]\nsocket = /run/uwsgi/app.sock\nhttp-socket = :8080\n',
      },
    },
    { name: 'a remote host is not the local pool', root: '/', files: { 'nginx.conf': loc('            proxy_pass http://10.0.0.5:9000;\n'), '/etc/php/8.2/fpm/pool.d/www.conf': '[www]\nlisten = 9000\n' } },
    { name: 'a pool bound to another address', root: '/', files: { 'nginx.conf': loc('            proxy_pass http://127.0.0.1:9000;\n'), '/etc/php/8.2/fpm/pool.d/www.conf': '[www]\nlisten = 10.0.0.7:9000\n' } },
    { name: 'a symbolic pool address', root: '/', files: { 'nginx.conf': loc('            proxy_pass http://127.0.0.1:9000;\n'), '/etc/php/8.2/fpm/pool.d/www.conf': '[www]\nlisten = ${FPM_LISTEN}\n' } },
    { name: 'a run-time target', root: '/', files: { 'nginx.conf': loc('            set $b 127.0.0.1:9000;\n            proxy_pass http://$b;\n'), ...POOL } },
    {
      name: 'two backend files disagree about the address: trust the one nginx agrees with',
      root: '/',
      backends: ['/srv/app/gunicorn.conf.py'],
      files: { 'nginx.conf': loc('            proxy_pass http://127.0.0.1:8000;\n'), ...GUNICORN, '/etc/php/8.2/fpm/pool.d/www.conf': '[www]\nlisten = 127.0.0.1:8000\n' },
    },
    {
      name: 'https:// to a gunicorn with a certificate',
      backends: ['/srv/app/gunicorn.conf.py'],
      files: { 'nginx.conf': loc('            proxy_pass https://127.0.0.1:8443;\n'), '/srv/app/gunicorn.conf.py': 'bind = "127.0.0.1:8443"\ncertfile = "/etc/ssl/app.pem"\n' },
    },
    {
      name: "Apache's TLS is not judged from Listen",
      backends: ['/etc/apache2/ports.conf'],
      files: { 'nginx.conf': loc('            proxy_pass http://127.0.0.1:443;\n            location /s { proxy_pass https://127.0.0.1:8080; }\n'), '/etc/apache2/ports.conf': 'Listen 8080\nListen 443\n' },
    },
  ],
  invalid: [
    {
      name: 'http:// to a gunicorn with a certificate',
      backends: ['/srv/app/gunicorn.conf.py'],
      files: { 'nginx.conf': loc('            proxy_pass http://127.0.0.1:8443/;\n'), '/srv/app/gunicorn.conf.py': 'bind = "127.0.0.1:8443"\ncertfile = "/etc/ssl/app.pem"\n' },
      errors: [
        {
          messageId: 'plainToTls',
          line: 7,
          column: 13,
          endLine: 7,
          endColumn: 47,
          message:
            '"proxy_pass http://" speaks plain HTTP to 127.0.0.1:8443, where gunicorn "gunicorn" expects TLS: the backend closes the connection, nginx logs "upstream prematurely closed connection while reading response header from upstream" and answers 502; use https://',
        },
      ],
      output: loc('            proxy_pass https://127.0.0.1:8443/;\n'),
    },
    {
      name: 'https:// to a plain gunicorn',
      backends: ['/srv/app/gunicorn.conf.py'],
      files: { 'nginx.conf': loc('            proxy_pass https://127.0.0.1:8000;\n'), ...GUNICORN },
      errors: [{ messageId: 'tlsToPlain', line: 7, column: 13, endLine: 7, endColumn: 47 }],
      output: loc('            proxy_pass http://127.0.0.1:8000;\n'),
    },
    {
      name: 'proxy_pass to PHP-FPM: fastcgi_pass with the FastCGI parameters',
      root: '/',
      files: { 'nginx.conf': loc('            proxy_pass http://127.0.0.1:9000;\n            proxy_read_timeout 30s;\n', '~ \\.php$'), ...POOL },
      errors: [
        {
          messageId: 'proxyToFastcgi',
          line: 7,
          column: 13,
          endLine: 7,
          endColumn: 46,
          message:
            '"proxy_pass" speaks HTTP to 127.0.0.1:9000, where the PHP-FPM pool "www" speaks FastCGI: it resets the connection, nginx logs "recv() failed (104: Connection reset by peer) while reading response header from upstream" and answers 502; use fastcgi_pass 127.0.0.1:9000 with the FastCGI parameters',
        },
      ],
      output: loc(
        '            fastcgi_pass 127.0.0.1:9000;\n            include fastcgi_params;\n            fastcgi_param SCRIPT_FILENAME $document_root$fastcgi_script_name;\n            proxy_read_timeout 30s;\n',
        '~ \\.php$',
      ),
    },
    {
      name: 'fastcgi_pass to gunicorn (an included site, parameters inherited)',
      backends: ['/srv/app/gunicorn.conf.py'],
      files: {
        'nginx.conf': http('    include fastcgi_params;\n    include sites/*.conf;'),
        'sites/app.conf': 'server {\n    listen 80;\n    location / {\n        fastcgi_pass 127.0.0.1:8000;\n    }\n}\n',
        ...PARAMS,
        ...GUNICORN,
      },
      errors: [
        {
          messageId: 'fastcgiToHttp',
          file: 'sites/app.conf',
          line: 4,
          column: 9,
          endLine: 4,
          endColumn: 37,
          message:
            '"fastcgi_pass" speaks FastCGI to 127.0.0.1:8000, where gunicorn "gunicorn" speaks HTTP: nginx logs "upstream sent unsupported FastCGI protocol version: 72 while reading response header from upstream" (72 is the "H" of "HTTP/1.1") and answers 502; use proxy_pass http://127.0.0.1:8000',
        },
      ],
      output: { 'sites/app.conf': 'server {\n    listen 80;\n    location / {\n        proxy_pass http://127.0.0.1:8000;\n    }\n}\n' },
    },
    {
      name: 'proxy_pass to a uWSGI socket=',
      backends: ['/srv/app/uwsgi.ini'],
      files: { 'nginx.conf': loc('            proxy_pass http://unix:/run/uwsgi/app.sock:/;\n'), ...PARAMS, '/srv/app/uwsgi.ini': '[uwsgi]\nsocket = /run/uwsgi/app.sock\n' },
      errors: [{ messageId: 'proxyToUwsgi', line: 7, column: 13, endLine: 7, endColumn: 58 }],
      output: loc('            uwsgi_pass unix:/run/uwsgi/app.sock;\n            include uwsgi_params;\n'),
    },
    {
      name: 'uwsgi_pass to a uWSGI http-socket=',
      backends: ['/srv/app/uwsgi.ini'],
      files: { 'nginx.conf': loc('            include uwsgi_params;\n            uwsgi_pass 127.0.0.1:8080;\n'), ...PARAMS, '/srv/app/uwsgi.ini': '[uwsgi]\nhttp-socket = 127.0.0.1:8080\n' },
      errors: [{ messageId: 'uwsgiToHttp', line: 8, column: 13, endLine: 8, endColumn: 39 }],
      output: loc('            include uwsgi_params;\n            proxy_pass http://127.0.0.1:8080;\n'),
    },
    {
      name: 'grpc_pass to an HTTP/1 server: no automatic fix',
      backends: ['/srv/app/gunicorn.conf.py'],
      files: { 'nginx.conf': loc('            grpc_pass grpc://127.0.0.1:8000;\n'), ...GUNICORN },
      errors: [{ messageId: 'grpcToHttp', line: 7, column: 13, endLine: 7, endColumn: 45 }],
      output: null,
    },
    {
      name: 'scgi_pass to PHP-FPM',
      root: '/',
      files: { 'nginx.conf': loc('            scgi_pass 127.0.0.1:9000;\n'), ...POOL },
      errors: [
        {
          messageId: 'mismatch',
          line: 7,
          column: 13,
          endLine: 7,
          endColumn: 38,
          message:
            '"scgi_pass" speaks SCGI to 127.0.0.1:9000, where the PHP-FPM pool "www" speaks FastCGI: the backend cannot read the request or nginx cannot read the answer, and nginx answers 502; use fastcgi_pass',
        },
      ],
    },
    {
      name: 'an upstream block of PHP-FPM sockets used by proxy_pass in an if: reported, not rewritten',
      root: '/',
      files: {
        'nginx.conf': http(
          '    upstream php {\n        server unix:/run/php/php8.2-fpm.sock;\n    }\n    server {\n        listen 80;\n        location / {\n            if ($request_method = POST) {\n                proxy_pass http://php;\n            }\n        }\n    }',
        ),
        ...POOL_SOCK,
      },
      errors: [{ messageId: 'proxyToFastcgi', line: 10, column: 17, endLine: 10, endColumn: 39 }],
      output: null,
    },
    {
      name: 'an upstream block of PHP-FPM sockets: rewritten to fastcgi_pass NAME',
      root: '/',
      files: {
        'nginx.conf': http('    upstream php {\n        server unix:/run/php/php8.2-fpm.sock;\n    }\n    server {\n        listen 80;\n        location / {\n            include fastcgi_params;\n            proxy_pass http://php;\n        }\n    }'),
        ...PARAMS,
        ...POOL_SOCK,
      },
      errors: [{ messageId: 'proxyToFastcgi', line: 10, column: 13, endLine: 10, endColumn: 35 }],
      output: http('    upstream php {\n        server unix:/run/php/php8.2-fpm.sock;\n    }\n    server {\n        listen 80;\n        location / {\n            include fastcgi_params;\n            fastcgi_pass php;\n        }\n    }'),
    },
  ],
});
