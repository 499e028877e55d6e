import { describe, it } from 'vitest';
import rule from './index.js';
import { runRuleTests } from '../../test/harness/rule-tester.js';
import { judgeFix } from '../../test/harness/fix-judge.js';
import { nginxSkipReason } from '../../test/harness/nginx.js';

/** A main config: `events {}`, `http {` on line 2, the body from line 3, then `}`. */
const http = (body: string): string => `events {}\nhttp {\n${body}}\n`;

/** http > server (line 3) > location / (line 5) holding `inner` from line 6 on. */
const site = (inner: string, httpBody = '', location = 'location /'): string =>
  http(`${httpBody}    server {\n        listen 80;\n        ${location} {\n${inner}        }\n    }\n`);

const PROXY = '            proxy_pass http://127.0.0.1:8000;\n';
const GUNICORN = 'bind = "127.0.0.1:8000"\nworkers = 3\n';
const POOL = '/etc/php/8.2/fpm/pool.d/www.conf';
const pool = (extra: string): string => `[www]\nuser = www-data\ngroup = www-data\nlisten = /run/php/php8.2-fpm.sock\npm = dynamic\npm.max_children = 20\n${extra}`;
const PHP_LOCATION = '            include fastcgi_params;\n            fastcgi_pass unix:/run/php/php8.2-fpm.sock;\n';

runRuleTests(rule, {
  valid: [
    { name: 'no backend files: nothing to compare with', code: site(PROXY) },
    {
      name: "the read timeout is the gunicorn timeout plus 5s",
      files: { 'nginx.conf': site(`${PROXY}            proxy_read_timeout 35s;\n`), 'gunicorn.conf.py': GUNICORN },
    },
    {
      name: 'nginx waits a little longer than the backend, within the margin (inherited from http)',
      files: { 'nginx.conf': site(PROXY, '    proxy_read_timeout 62s;\n'), 'gunicorn.conf.py': 'bind = "127.0.0.1:8000"\ntimeout = 60\n' },
    },
    {
      name: 'gunicorn timeout = 0 means no limit',
      files: { 'nginx.conf': site(PROXY), 'gunicorn.conf.py': 'bind = "127.0.0.1:8000"\ntimeout = 0\n' },
    },
    {
      name: 'a timeout known only at run time is not compared',
      files: { 'nginx.conf': site(PROXY), 'gunicorn.conf.py': 'import os\nbind = "127.0.0.1:8000"\ntimeout = int(os.environ.get("TIMEOUT", "30"))\n' },
    },
    {
      name: 'a timeout read from the environment without a fallback is unknown',
      files: { 'nginx.conf': site(PROXY), 'gunicorn.conf.py': 'import os\nbind = "127.0.0.1:8000"\ntimeout = int(os.environ["GUNICORN_TIMEOUT"])\n' },
    },
    {
      name: 'a listener whose address is known only at run time is not matched',
      files: { 'nginx.conf': site(PROXY), 'gunicorn.conf.py': 'import os\nbind = os.environ["BIND"]\ntimeout = 120\n' },
    },
    {
      name: 'the pass goes to another port than the backend listens on',
      files: { 'nginx.conf': site('            proxy_pass http://127.0.0.1:8001;\n'), 'gunicorn.conf.py': GUNICORN },
    },
    {
      name: 'the backend is bound to another host',
      files: { 'nginx.conf': site(PROXY), 'gunicorn.conf.py': 'bind = "10.0.0.7:8000"\n' },
    },
    {
      name: 'a PHP-FPM pool without request_terminate_timeout has no limit',
      files: { 'nginx.conf': site(PHP_LOCATION, '', 'location ~ \\.php$'), fastcgi_params: '', [POOL]: pool('') },
      root: '/',
    },
    {
      name: 'a server snippet linted on its own: the default may be overridden at http level',
      files: { 'nginx.conf': 'server {\n    location / {\n        proxy_pass http://127.0.0.1:8000;\n    }\n}\n', 'gunicorn.conf.py': GUNICORN },
      rootContext: 'http',
    },
    {
      name: 'an include on the chain that loaded nothing may set the timeout',
      files: { 'nginx.conf': site(`            include /etc/nginx/missing_params;\n${PROXY}`), 'gunicorn.conf.py': GUNICORN },
    },
    {
      name: 'buffered request bodies: the send timeout is not compared',
      files: { 'nginx.conf': site(`${PROXY}            proxy_read_timeout 125s;\n            proxy_send_timeout 10s;\n`), 'gunicorn.conf.py': 'bind = "127.0.0.1:8000"\ntimeout = 120\n' },
    },
    {
      name: 'a pass through a variable is not matched',
      files: { 'nginx.conf': site('            set $app 127.0.0.1:8000;\n            proxy_pass http://$app;\n'), 'gunicorn.conf.py': GUNICORN },
    },
  ],
  invalid: [
    {
      name: "gunicorn's default timeout (30s) against nginx's default 60s: the backend kills first",
      files: { 'nginx.conf': site(PROXY), 'gunicorn.conf.py': GUNICORN },
      output: { 'nginx.conf': site(`${PROXY}            proxy_read_timeout 35s;\n`) },
      errors: [
        {
          messageId: 'backendKillsFirst',
          line: 6,
          column: 13,
          endLine: 6,
          endColumn: 46,
          message:
            'gunicorn (gunicorn.conf.py) ends a request after 30s (timeout), while nginx waits 60s (proxy_read_timeout, nginx\'s default): a request that slow gets 502 with "upstream prematurely closed connection while reading response header from upstream" instead of a 504, and the nginx setting hides the real limit; set proxy_read_timeout 35s, the backend\'s limit plus 5s, or raise the backend\'s timeout',
        },
      ],
    },
    {
      name: 'localhost reaches a gunicorn bound to 127.0.0.1; the timeout is inherited from http and overridden in the location',
      files: {
        'nginx.conf': site('            proxy_pass http://localhost:8000;\n', '    proxy_read_timeout 300s;\n'),
        'gunicorn.conf.py': 'bind = ["127.0.0.1:8000"]\ntimeout = 90\n',
      },
      output: { 'nginx.conf': site('            proxy_pass http://localhost:8000;\n            proxy_read_timeout 95s;\n', '    proxy_read_timeout 300s;\n') },
      errors: [{ messageId: 'backendKillsFirst', line: 7, column: 13, endLine: 7, endColumn: 46 }],
    },
    {
      name: 'PHP-FPM request_terminate_timeout longer than fastcgi_read_timeout: nginx gives up first',
      files: {
        'nginx.conf': site(PHP_LOCATION, '    fastcgi_read_timeout 120s;\n', 'location ~ \\.php$'),
        fastcgi_params: 'fastcgi_param QUERY_STRING $query_string;\n',
        [POOL]: pool('request_terminate_timeout = 300s\n'),
      },
      root: '/',
      output: { 'nginx.conf': site(`${PHP_LOCATION}            fastcgi_read_timeout 305s;\n`, '    fastcgi_read_timeout 120s;\n', 'location ~ \\.php$') },
      errors: [
        {
          messageId: 'nginxGivesUpFirst',
          line: 8,
          column: 13,
          endLine: 8,
          endColumn: 56,
          message:
            'nginx waits 120s (fastcgi_read_timeout) for PHP-FPM pool "www", less than the backend may take (request_terminate_timeout 300s): a slower request ends in 504 with "upstream timed out (110: Connection timed out) while reading response header from upstream" while the backend is still working on it; set fastcgi_read_timeout 305s, the backend\'s limit plus 5s',
        },
      ],
    },
    {
      name: 'PHP-FPM kills first: nginx logs the reset; /var/run is /run',
      files: {
        'nginx.conf': site('            fastcgi_pass unix:/var/run/php/php8.2-fpm.sock;\n            fastcgi_read_timeout 600;\n', '', 'location ~ \\.php$'),
        [POOL]: pool('request_terminate_timeout = 2m\n'),
      },
      backends: [POOL],
      output: { 'nginx.conf': site('            fastcgi_pass unix:/var/run/php/php8.2-fpm.sock;\n            fastcgi_read_timeout 125s;\n', '', 'location ~ \\.php$') },
      errors: [
        {
          messageId: 'backendKillsFirst',
          line: 6,
          column: 13,
          endLine: 6,
          endColumn: 60,
          message:
            'PHP-FPM pool "www" ends a request after 120s (request_terminate_timeout), while nginx waits 600 (fastcgi_read_timeout): a request that slow gets 502 with "recv() failed (104: Connection reset by peer) while reading response header from upstream" instead of a 504, and the nginx setting hides the real limit; set fastcgi_read_timeout 125s, the backend\'s limit plus 5s, or raise the backend\'s request_terminate_timeout',
        },
      ],
    },
    {
      name: 'uWSGI harakiri behind an upstream block',
      files: {
        'nginx.conf': site('            include uwsgi_params;\n            uwsgi_pass django;\n', '    upstream django {\n        server 127.0.0.1:3031;\n    }\n'),
        uwsgi_params: 'uwsgi_param QUERY_STRING $query_string;\n',
        'uwsgi.ini': '[uwsgi]\nmodule = app.wsgi\nsocket = 127.0.0.1:3031\nharakiri = 20\n',
      },
      output: {
        'nginx.conf': site('            include uwsgi_params;\n            uwsgi_pass django;\n            uwsgi_read_timeout 25s;\n', '    upstream django {\n        server 127.0.0.1:3031;\n    }\n'),
      },
      errors: [{ messageId: 'backendKillsFirst', line: 10, column: 13, endLine: 10, endColumn: 31 }],
    },
    {
      name: 'the short timeout comes from an included snippet: the fix changes it there',
      files: {
        'nginx.conf': site(`            include snippets/proxy.conf;\n${PROXY}`),
        'snippets/proxy.conf': 'proxy_set_header Host $host;\nproxy_read_timeout 10s;\n',
        'gunicorn.conf.py': 'bind = "127.0.0.1:8000"\ntimeout = 120\n',
      },
      output: { 'snippets/proxy.conf': 'proxy_set_header Host $host;\nproxy_read_timeout 125s;\n' },
      errors: [{ messageId: 'nginxGivesUpFirst', line: 7, column: 13, endLine: 7, endColumn: 46 }],
    },
    {
      name: 'a pass inside if: the fix goes into the enclosing location',
      files: {
        'nginx.conf': site('            if ($request_method = POST) {\n                proxy_pass http://127.0.0.1:8000;\n            }\n'),
        'gunicorn.conf.py': GUNICORN,
      },
      output: { 'nginx.conf': site('            proxy_read_timeout 35s;\n            if ($request_method = POST) {\n                proxy_pass http://127.0.0.1:8000;\n            }\n') },
      errors: [{ messageId: 'backendKillsFirst', line: 7, column: 17, endLine: 7, endColumn: 50 }],
    },
    {
      name: 'streamed uploads (proxy_request_buffering off): the send timeout is compared too',
      files: {
        'nginx.conf': site(`${PROXY}            proxy_request_buffering off;\n            proxy_read_timeout 125s;\n`),
        'gunicorn.conf.py': 'bind = "127.0.0.1:8000"\ntimeout = 120\n',
      },
      output: { 'nginx.conf': site(`${PROXY}            proxy_request_buffering off;\n            proxy_read_timeout 125s;\n            proxy_send_timeout 125s;\n`) },
      errors: [
        {
          messageId: 'sendGivesUpFirst',
          line: 6,
          column: 13,
          endLine: 6,
          endColumn: 46,
          message:
            'with proxy_request_buffering off, request bodies are streamed to gunicorn (gunicorn.conf.py) as they arrive, and nginx gives up when the backend reads nothing for 60s (proxy_send_timeout, nginx\'s default), less than the backend may take (timeout 120s): a slow upload ends in 504 with "upstream timed out (110: Connection timed out) while sending request to upstream"; set proxy_send_timeout 125s',
        },
      ],
    },
    {
      name: 'two locations of two servers, one backend: one finding each',
      files: {
        'nginx.conf': http(
          '    server {\n        listen 80;\n        location / {\n            proxy_pass http://127.0.0.1:8000;\n        }\n    }\n    server {\n        listen 81;\n        proxy_read_timeout 35s;\n        location / {\n            proxy_pass http://127.0.0.1:8000;\n        }\n        location /export {\n            proxy_pass http://127.0.0.1:8000;\n            proxy_read_timeout 10m;\n        }\n    }\n',
        ),
        'gunicorn.conf.py': GUNICORN,
      },
      output: {
        'nginx.conf': http(
          '    server {\n        listen 80;\n        location / {\n            proxy_pass http://127.0.0.1:8000;\n            proxy_read_timeout 35s;\n        }\n    }\n    server {\n        listen 81;\n        proxy_read_timeout 35s;\n        location / {\n            proxy_pass http://127.0.0.1:8000;\n        }\n        location /export {\n            proxy_pass http://127.0.0.1:8000;\n            proxy_read_timeout 35s;\n        }\n    }\n',
        ),
      },
      errors: [
        { messageId: 'backendKillsFirst', line: 6, column: 13, endLine: 6, endColumn: 46 },
        { messageId: 'backendKillsFirst', line: 16, column: 13, endLine: 16, endColumn: 46 },
      ],
    },
    {
      name: 'the margin option',
      options: { margin: '10s' },
      files: { 'nginx.conf': site(PROXY), 'gunicorn.conf.py': GUNICORN },
      output: { 'nginx.conf': site(`${PROXY}            proxy_read_timeout 40s;\n`) },
      errors: [{ messageId: 'backendKillsFirst', line: 6, column: 13, endLine: 6, endColumn: 46 }],
    },
  ],
});

const reason = nginxSkipReason();
describe.skipIf(reason !== undefined)(`upstream-timeout-vs-backend-limit fixes load in nginx${reason ? ` (skipped: ${reason})` : ''}`, () => {
  const judged = (inner: string, httpBody = ''): string =>
    http(`${httpBody}    server {\n        listen 127.0.0.1:18080;\n        location / {\n${inner}        }\n    }\n`);
  it('gunicorn: proxy_read_timeout written after the pass', () =>
    judgeFix(rule, {
      name: 'gunicorn',
      nginxVersion: '1.22.1',
      files: { 'nginx.conf': judged('            proxy_pass http://127.0.0.1:8000;\n'), 'gunicorn.conf.py': GUNICORN },
      touches: { 'nginx.conf': [6] },
    }));
  it('uWSGI harakiri: uwsgi_read_timeout replaced in the location, send timeout for a streamed body', () =>
    judgeFix(rule, {
      name: 'uwsgi',
      nginxVersion: '1.22.1',
      files: {
        'nginx.conf': judged('            uwsgi_pass app;\n            uwsgi_request_buffering off;\n            uwsgi_read_timeout 10s;\n', '    upstream app {\n        server 127.0.0.1:3031;\n    }\n'),
        'uwsgi.ini': '[uwsgi]\nsocket = 127.0.0.1:3031\nharakiri = 300\n',
      },
      touches: { 'nginx.conf': [11] },
    }));
});
