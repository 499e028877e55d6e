/**
 * nginx judges upstream-header-buffer-too-small's fixes: each broken configuration loads (the rule warns about a
 * run-time 502, not a load failure), is fixed, and the fixed configuration must pass `nginx -t`, settle after
 * one round, and change only the lines where the small value is set or where the passing location is.
 */
import { describe, it } from 'vitest';
import rule from '../../rules/upstream-header-buffer-too-small/index.js';
import { judgeFix } from '../harness/fix-judge.js';
import { nginxSkipReason } from '../harness/nginx.js';

const reason = nginxSkipReason();

/**
 * A main file: line 1 `events {}`, line 2 `http {`, then `httpBody` (one line per entry), then a server on a
 * loopback port whose lines follow.
 */
const conf = (httpBody: readonly string[], serverBody: readonly string[]): string =>
  ['events {}', 'http {', ...httpBody.map((l) => `    ${l}`), '    server {', '        listen 127.0.0.1:18081;', ...serverBody.map((l) => `        ${l}`), '    }', '}', ''].join('\n');

describe.skipIf(reason !== undefined)(`upstream-header-buffer-too-small fixes load in nginx${reason ? ` (skipped: ${reason})` : ''}`, () => {
  describe('proxy', () => {
    it('inherited: http-level proxy_buffer_size 4k with two passing locations', () =>
      judgeFix(rule, {
        name: 'proxy inherited',
        files: {
          'nginx.conf': conf(['proxy_buffer_size 4k;'], ['location / {', '    proxy_pass http://127.0.0.1:8080;', '}', 'location /api/ {', '    proxy_pass http://127.0.0.1:8081;', '}']),
        },
        touches: { 'nginx.conf': [3] },
      }));
    it('default buffer with raised large_client_header_buffers: the set goes into the location', () =>
      judgeFix(rule, {
        name: 'proxy client headers',
        files: { 'nginx.conf': conf(['large_client_header_buffers 4 16k;'], ['location / {', '    proxy_set_header Host $host;', '    proxy_pass http://127.0.0.1:8080;', '}']) },
        touches: { 'nginx.conf': [8] },
      }));
    it('included snippet with a small buffer and small buffers', () =>
      judgeFix(rule, {
        name: 'proxy snippet',
        files: {
          'nginx.conf': conf([], ['location / {', '    include snippets/proxy.conf;', '    proxy_pass http://127.0.0.1:8080;', '}']),
          'snippets/proxy.conf': 'proxy_http_version 1.1;\nproxy_buffer_size 4k;\nproxy_buffers 4 4k;\n',
        },
        touches: { 'snippets/proxy.conf': [2, 3] },
      }));
    it('pass from an included snippet: the set goes into the location after the include', () =>
      judgeFix(rule, {
        name: 'proxy pass in snippet',
        files: {
          'nginx.conf': conf(['large_client_header_buffers 4 16k;'], ['location / {', '    include snippets/app.conf;', '}']),
          'snippets/app.conf': 'proxy_set_header Host $host;\nproxy_pass http://127.0.0.1:8080;\n',
        },
        touches: { 'nginx.conf': [7] },
      }));
    it('auth_request: the protected location and the auth location', () =>
      judgeFix(rule, {
        name: 'proxy auth_request',
        files: {
          'nginx.conf': conf(
            [],
            ['location / {', '    auth_request /auth;', '    proxy_pass http://127.0.0.1:8080;', '}', 'location = /auth {', '    internal;', '    proxy_pass http://127.0.0.1:4180/oauth2/auth;', '}'],
          ),
        },
        // Two insertions: the diff spans the lines between them.
        touches: { 'nginx.conf': [8, 9, 10, 11, 12] },
      }));
  });

  describe('fastcgi', () => {
    it('location with fastcgi_buffer_size 4k and fastcgi_buffers 8 4k', () =>
      judgeFix(rule, {
        name: 'fastcgi location',
        files: {
          'nginx.conf': conf(
            [],
            ['location ~ \\.php$ {', '    fastcgi_buffer_size 4k;', '    fastcgi_buffers 8 4k;', '    fastcgi_pass unix:/run/php/php8.2-fpm.sock;', '}'],
          ),
        },
        touches: { 'nginx.conf': [6, 7] },
      }));
    it('inherited: http-level fastcgi_buffer_size 2k', () =>
      judgeFix(rule, {
        name: 'fastcgi inherited',
        files: {
          'nginx.conf': conf(
            ['fastcgi_buffer_size 2k;'],
            ['location ~ \\.php$ {', '    fastcgi_pass 127.0.0.1:9000;', '}', 'location /admin/ {', '    fastcgi_pass 127.0.0.1:9001;', '}'],
          ),
        },
        touches: { 'nginx.conf': [3] },
      }));
    it('included snippet at server level', () =>
      judgeFix(rule, {
        name: 'fastcgi snippet',
        files: {
          'nginx.conf': conf([], ['include snippets/php.conf;', 'location ~ \\.php$ {', '    fastcgi_pass unix:/run/php/php8.2-fpm.sock;', '}']),
          'snippets/php.conf': 'fastcgi_read_timeout 60s;\nfastcgi_buffer_size 4k;\n',
        },
        touches: { 'snippets/php.conf': [2] },
      }));
    it('default buffer with raised large_client_header_buffers', () =>
      judgeFix(rule, {
        name: 'fastcgi client headers',
        files: { 'nginx.conf': conf([], ['large_client_header_buffers 8 16k;', 'location ~ \\.php$ {', '    fastcgi_pass unix:/run/php/php8.2-fpm.sock;', '}']) },
        touches: { 'nginx.conf': [7] },
      }));
  });

  describe('uwsgi', () => {
    it('server-level uwsgi_buffer_size 4k', () =>
      judgeFix(rule, {
        name: 'uwsgi server',
        files: { 'nginx.conf': conf([], ['uwsgi_buffer_size 4k;', 'location / {', '    uwsgi_pass 127.0.0.1:3031;', '}']) },
        touches: { 'nginx.conf': [5] },
      }));
    it('inherited: http-level uwsgi_buffer_size and uwsgi_buffers, location passes', () =>
      judgeFix(rule, {
        name: 'uwsgi inherited',
        files: { 'nginx.conf': conf(['uwsgi_buffer_size 4k;', 'uwsgi_buffers 8 4k;'], ['location / {', '    uwsgi_pass unix:/run/uwsgi/app.sock;', '}']) },
        touches: { 'nginx.conf': [3, 4] },
      }));
    it('included snippet in the location', () =>
      judgeFix(rule, {
        name: 'uwsgi snippet',
        files: {
          'nginx.conf': conf([], ['location / {', '    include snippets/uwsgi.conf;', '    uwsgi_pass 127.0.0.1:3031;', '}']),
          'snippets/uwsgi.conf': 'uwsgi_buffer_size 2k;\nuwsgi_read_timeout 30s;\n',
        },
        touches: { 'snippets/uwsgi.conf': [1] },
      }));
    it('default buffer with raised large_client_header_buffers', () =>
      judgeFix(rule, {
        name: 'uwsgi client headers',
        files: { 'nginx.conf': conf(['large_client_header_buffers 4 32k;'], ['location / { uwsgi_pass 127.0.0.1:3031; }']) },
        touches: { 'nginx.conf': [6] },
      }));
  });

  describe('grpc', () => {
    it('inherited: http-level grpc_buffer_size 4k', () =>
      judgeFix(rule, {
        name: 'grpc inherited',
        files: { 'nginx.conf': conf(['grpc_buffer_size 4k;'], ['location / {', '    grpc_pass grpc://127.0.0.1:50051;', '}']) },
        touches: { 'nginx.conf': [3] },
      }));
    it('default buffer with raised large_client_header_buffers', () =>
      judgeFix(rule, {
        name: 'grpc client headers',
        files: { 'nginx.conf': conf([], ['large_client_header_buffers 4 16k;', 'location /svc.Api/ {', '    grpc_pass grpc://127.0.0.1:50051;', '}']) },
        touches: { 'nginx.conf': [7] },
      }));
    it('included snippet in the location', () =>
      judgeFix(rule, {
        name: 'grpc snippet',
        files: {
          'nginx.conf': conf([], ['location / {', '    include snippets/grpc.conf;', '    grpc_pass grpc://127.0.0.1:50051;', '}']),
          'snippets/grpc.conf': 'grpc_buffer_size 2k;\n',
        },
        touches: { 'snippets/grpc.conf': [1] },
      }));
  });

  describe('scgi', () => {
    it('location-level scgi_buffer_size 1k', () =>
      judgeFix(rule, {
        name: 'scgi location',
        files: { 'nginx.conf': conf([], ['location / {', '    scgi_buffer_size 1k;', '    scgi_pass 127.0.0.1:4000;', '}']) },
        touches: { 'nginx.conf': [6] },
      }));
  });
});
