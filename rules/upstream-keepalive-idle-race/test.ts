import { describe, it } from 'vitest';
import rule from './index.js';
import { runRuleTests } from '../../test/harness/rule-tester.js';
import { judgeFix } from '../../test/harness/fix-judge.js';
import { nginxSkipReason } from '../../test/harness/nginx.js';

/** A main config: `events {}`, `http {` on line 2, the body from line 3, then `}`. */
const http = (body: string): string => `events {}\nhttp {\n${body}}\n`;

/** `upstream app` (line 3) holding `upstreamBody`, then a server whose location / passes to it. */
const config = (upstreamBody: string, location = '            proxy_pass http://app;\n'): string =>
  http(`    upstream app {\n${upstreamBody}    }\n    server {\n        listen 80;\n        location / {\n${location}        }\n    }\n`);

const SERVER = '        server 127.0.0.1:8080;\n';
const KEEPALIVE = `${SERVER}        keepalive 16;\n`;
/** What a location needs before 1.29.7 to reuse upstream connections. */
const REUSE = '            proxy_pass http://app;\n            proxy_http_version 1.1;\n            proxy_set_header Connection "";\n';
const PORTS = '/etc/apache2/ports.conf';
const APACHE = { [PORTS]: 'Listen 8080\n' };
const GTHREAD = 'bind = "127.0.0.1:8080"\nworker_class = "gthread"\nthreads = 4\n';

runRuleTests(rule, {
  valid: [
    { name: 'no backend files: nothing to compare with', nginxVersion: '1.30.0', code: config(KEEPALIVE, REUSE) },
    {
      name: 'nginx lets idle connections go before Apache does',
      nginxVersion: '1.24.0',
      files: { 'nginx.conf': config(`${KEEPALIVE}        keepalive_timeout 4s;\n`, REUSE), ...APACHE },
      root: '/',
    },
    {
      name: 'before 1.29.7 an upstream without a keepalive line keeps nothing',
      nginxVersion: '1.28.0',
      files: { 'nginx.conf': config(SERVER, REUSE), ...APACHE },
      root: '/',
    },
    {
      name: 'keepalive declared, but HTTP/1.0 with "Connection: close" reuses nothing (1.24)',
      nginxVersion: '1.24.0',
      files: { 'nginx.conf': config(KEEPALIVE), ...APACHE },
      root: '/',
    },
    {
      name: 'an explicit "Connection close" opts out of reuse',
      nginxVersion: '1.30.0',
      files: { 'nginx.conf': config(KEEPALIVE, '            proxy_pass http://app;\n            proxy_set_header Connection close;\n'), ...APACHE },
      root: '/',
    },
    {
      name: 'keepalive 0 turns the 1.29.7 default off',
      nginxVersion: '1.30.0',
      files: { 'nginx.conf': config(`${SERVER}        keepalive 0;\n`), ...APACHE },
      root: '/',
    },
    {
      name: 'an implicit upstream (proxy_pass host:port) never keeps connections',
      nginxVersion: '1.30.0',
      files: { 'nginx.conf': http('    server {\n        listen 80;\n        location / {\n            proxy_pass http://127.0.0.1:8080;\n        }\n    }\n'), ...APACHE },
      root: '/',
    },
    {
      name: "gunicorn's sync worker closes every connection itself: no idle connection to race",
      nginxVersion: '1.30.0',
      files: { 'nginx.conf': config(KEEPALIVE), 'gunicorn.conf.py': 'bind = "127.0.0.1:8080"\n' },
    },
    {
      name: 'uwsgi_pass never keeps connections',
      nginxVersion: '1.30.0',
      files: { 'nginx.conf': config(KEEPALIVE, '            uwsgi_pass app;\n'), ...APACHE },
      root: '/',
    },
    {
      name: 'FastCGI without fastcgi_keep_conn reuses nothing',
      nginxVersion: '1.30.0',
      files: { 'nginx.conf': config(KEEPALIVE, '            fastcgi_pass app;\n'), ...APACHE },
      root: '/',
    },
    {
      name: 'a compose service is matched by its name only',
      nginxVersion: '1.30.0',
      files: {
        'nginx.conf': http('    upstream backend {\n        server worker:8000;\n    }\n    server {\n        listen 80;\n        location / {\n            proxy_pass http://backend;\n        }\n    }\n'),
        'docker-compose.yml': 'services:\n  app:\n    image: python:3.12\n    command: uvicorn main:app --host 0.0.0.0 --port 8000\n',
      },
    },
    {
      name: 'the backend listens on another port',
      nginxVersion: '1.30.0',
      files: { 'nginx.conf': config(KEEPALIVE), [PORTS]: 'Listen 8081\n' },
      root: '/',
    },
  ],
  invalid: [
    {
      name: "Apache's 5s KeepAliveTimeout against nginx's 60s (1.24, reuse set up in the location)",
      nginxVersion: '1.24.0',
      files: { 'nginx.conf': config(KEEPALIVE, REUSE), ...APACHE },
      root: '/',
      output: { 'nginx.conf': config(`${KEEPALIVE}        keepalive_timeout 4s;\n`, REUSE) },
      errors: [
        {
          messageId: 'idleRace',
          line: 5,
          column: 9,
          endLine: 5,
          endColumn: 22,
          message:
            'Apache (ports.conf) closes idle keep-alive connections after 5s (KeepAliveTimeout), but nginx keeps them for 60s in upstream "app" (keepalive_timeout, nginx\'s default): a request sent just as the backend closes one fails, and POST or PATCH requests, which nginx does not retry, get 502 with "upstream prematurely closed connection while reading response header from upstream"; set keepalive_timeout 4s in the upstream',
        },
      ],
    },
    {
      name: 'from 1.29.7 an upstream{} block keeps connections without a keepalive line',
      nginxVersion: '1.29.7',
      files: { 'nginx.conf': config(SERVER), 'gunicorn.conf.py': GTHREAD },
      output: { 'nginx.conf': config(`${SERVER}        keepalive_timeout 1s;\n`) },
      errors: [
        {
          messageId: 'idleRaceDefaultKeepalive',
          line: 3,
          column: 5,
          endLine: 3,
          endColumn: 17,
          message:
            'from nginx 1.29.7 upstream "app" keeps idle connections without a keepalive line ("keepalive 32 local" is the default for upstream{} blocks), for 60s (keepalive_timeout, nginx\'s default), but gunicorn (gunicorn.conf.py) closes them after 2s (keepalive): a request sent just as the backend closes one fails, and POST or PATCH requests, which nginx does not retry, get 502 with "upstream prematurely closed connection while reading response header from upstream"; set keepalive_timeout 1s in the upstream',
        },
      ],
    },
    {
      name: 'an explicit keepalive_timeout as long as the backend\'s: reported there and lowered',
      nginxVersion: '1.30.0',
      files: {
        'nginx.conf': config(`${KEEPALIVE}        keepalive_timeout 10s;\n`),
        'gunicorn.conf.py': `${GTHREAD}keepalive = 10\n`,
      },
      output: { 'nginx.conf': config(`${KEEPALIVE}        keepalive_timeout 9s;\n`) },
      errors: [{ messageId: 'idleRace', line: 6, column: 9, endLine: 6, endColumn: 31 }],
    },
    {
      name: 'the smallest idle timeout of the servers counts; localhost is 127.0.0.1',
      nginxVersion: '1.30.0',
      files: {
        'nginx.conf': config(`        server localhost:8080;\n        server 127.0.0.1:8081;\n        keepalive 8;\n`),
        'gunicorn.conf.py': `bind = ["127.0.0.1:8080"]\nworker_class = "gevent"\nkeepalive = 3\n`,
        [PORTS]: 'Listen 8081\n',
      },
      root: '/',
      output: { 'nginx.conf': config(`        server localhost:8080;\n        server 127.0.0.1:8081;\n        keepalive 8;\n        keepalive_timeout 2s;\n`) },
      errors: [{ messageId: 'idleRace', line: 6, column: 9, endLine: 6, endColumn: 21 }],
    },
    {
      name: 'docker-compose: uvicorn in service "app" (0.0.0.0) reached by service name',
      nginxVersion: '1.30.0',
      files: {
        'nginx.conf': http('    upstream backend {\n        server app:8000;\n    }\n    server {\n        listen 80;\n        location / {\n            proxy_pass http://backend;\n        }\n    }\n'),
        'docker-compose.yml': 'services:\n  app:\n    image: python:3.12\n    command: uvicorn main:app --host 0.0.0.0 --port 8000\n  web:\n    image: nginx:1.30\n    ports:\n      - "80:80"\n',
      },
      output: { 'nginx.conf': http('    upstream backend {\n        server app:8000;\n        keepalive_timeout 4s;\n    }\n    server {\n        listen 80;\n        location / {\n            proxy_pass http://backend;\n        }\n    }\n') },
      errors: [
        {
          messageId: 'idleRaceDefaultKeepalive',
          line: 3,
          column: 5,
          endLine: 3,
          endColumn: 21,
          message:
            'from nginx 1.29.7 upstream "backend" keeps idle connections without a keepalive line ("keepalive 32 local" is the default for upstream{} blocks), for 60s (keepalive_timeout, nginx\'s default), but uvicorn "app" closes them after 5s (--timeout-keep-alive): a request sent just as the backend closes one fails, and POST or PATCH requests, which nginx does not retry, get 502 with "upstream prematurely closed connection while reading response header from upstream"; set keepalive_timeout 4s in the upstream',
        },
      ],
    },
    {
      name: 'a Procfile Node app with a keepAliveTimeout of 5s, HTTP/1.1 reuse set up in the location (1.24)',
      nginxVersion: '1.24.0',
      files: {
        'nginx.conf': config('        server 127.0.0.1:3000;\n        keepalive 8;\n        keepalive_timeout 75s;\n', REUSE),
        Procfile: 'web: node server.js --port 3000\n',
      },
      output: { 'nginx.conf': config('        server 127.0.0.1:3000;\n        keepalive 8;\n        keepalive_timeout 4s;\n', REUSE) },
      errors: [{ messageId: 'idleRace', line: 6, column: 9, endLine: 6, endColumn: 31 }],
    },
    {
      name: 'before 1.15.3 there is no upstream keepalive_timeout to write: reported without a fix',
      nginxVersion: '1.14.2',
      files: { 'nginx.conf': config(KEEPALIVE, REUSE), ...APACHE },
      root: '/',
      output: null,
      errors: [{ messageId: 'idleRace', line: 5, column: 9, endLine: 5, endColumn: 22 }],
    },
    {
      name: 'the upstream comes from an included file, the fix goes there',
      nginxVersion: '1.30.0',
      files: {
        'nginx.conf': http('    include upstreams.conf;\n    server {\n        listen 80;\n        location / {\n            proxy_pass http://app;\n        }\n    }\n'),
        'upstreams.conf': 'upstream app {\n    server 127.0.0.1:8080;\n    keepalive 32;\n}\n',
        ...APACHE,
      },
      root: '/',
      output: { 'upstreams.conf': 'upstream app {\n    server 127.0.0.1:8080;\n    keepalive 32;\n    keepalive_timeout 4s;\n}\n' },
      errors: [{ messageId: 'idleRace', line: 3, column: 5, endLine: 3, endColumn: 18, file: 'upstreams.conf' }],
    },
  ],
});

const reason = nginxSkipReason();
describe.skipIf(reason !== undefined)(`upstream-keepalive-idle-race fixes load in nginx${reason ? ` (skipped: ${reason})` : ''}`, () => {
  it('keepalive_timeout written into the upstream (nginx 1.22.1, a Node app from the Procfile)', () =>
    judgeFix(rule, {
      name: 'node',
      nginxVersion: '1.22.1',
      files: {
        'nginx.conf': config('        server 127.0.0.1:3000;\n        keepalive 8;\n', REUSE).replace('listen 80;', 'listen 127.0.0.1:18080;'),
        Procfile: 'web: node server.js --port 3000\n',
      },
      touches: { 'nginx.conf': [5] },
    }));
});
