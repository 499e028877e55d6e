/**
 * nginx judges the keepalive and capacity fixes: upstream-keepalive-misconfigured (proxy, WebSocket map,
 * FastCGI), worker-connections-too-low and client-keepalive-below-lb-idle. Debian's nginx here is 1.22.1,
 * so the version-dependent cases say so.
 */
import { describe, it } from 'vitest';
import upstreamKeepalive from '../../rules/upstream-keepalive-misconfigured/index.js';
import workerConnections from '../../rules/worker-connections-too-low/index.js';
import clientKeepalive from '../../rules/client-keepalive-below-lb-idle/index.js';
import { judgeFix } from '../harness/fix-judge.js';
import { nginxSkipReason } from '../harness/nginx.js';

const reason = nginxSkipReason();
const skipped = reason ? ` (skipped: ${reason})` : '';
const NGINX = '1.22.1';

const UPSTREAM = '    upstream app {\n        server 127.0.0.1:18081;\n        keepalive 16;\n    }\n';
/** Lines: 1 events, 2 http, 3-6 upstream, 7 server, 8 listen, then `serverLevel`, then the location. */
const proxyConf = (location: string, serverLevel = '', httpLevel = '') =>
  `events {}\nhttp {\n${UPSTREAM}    server {\n        listen 127.0.0.1:18080;\n${serverLevel}        location / {\n${location}        }\n    }\n${httpLevel}}\n`;

describe.skipIf(reason !== undefined)(`upstream-keepalive-misconfigured fixes load in nginx${skipped}`, () => {
  it('a bare proxy location before 1.29.7 gets HTTP/1.1 and a cleared Connection header', () =>
    judgeFix(upstreamKeepalive, {
      name: 'bare',
      nginxVersion: NGINX,
      files: { 'nginx.conf': proxyConf('            proxy_pass http://app;\n') },
      touches: { 'nginx.conf': [10] },
    }));
  it('inherited proxy_set_header lines are copied into the location', () =>
    judgeFix(upstreamKeepalive, {
      name: 'inherited',
      nginxVersion: NGINX,
      files: {
        'nginx.conf': proxyConf(
          '            proxy_pass http://app;\n',
          '        proxy_http_version 1.1;\n        proxy_set_header Host $host;\n        proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;\n',
        ),
      },
      touches: { 'nginx.conf': [13] },
    }));
  it('an explicit proxy_http_version 1.0 inherited from http is overridden in the location', () =>
    judgeFix(upstreamKeepalive, {
      name: 'explicit 1.0',
      nginxVersion: '1.30.0',
      files: { 'nginx.conf': `events {}\nhttp {\n    proxy_http_version 1.0;\n${UPSTREAM}    server {\n        listen 127.0.0.1:18080;\n        location / {\n            proxy_pass http://app;\n        }\n    }\n}\n` },
      touches: { 'nginx.conf': [11] },
    }));
  it('proxy_pass inside if: the location around it gets the settings', () =>
    judgeFix(upstreamKeepalive, {
      name: 'if',
      nginxVersion: NGINX,
      files: { 'nginx.conf': proxyConf('            if ($request_method = POST) {\n                proxy_pass http://app;\n            }\n            return 204;\n') },
      touches: { 'nginx.conf': [9] },
    }));
  it('a WebSocket location in an included server file: the map goes to http in nginx.conf', () =>
    judgeFix(upstreamKeepalive, {
      name: 'websocket included',
      nginxVersion: NGINX,
      files: {
        'nginx.conf': `events {}\nhttp {\n${UPSTREAM}    include conf.d/*.conf;\n}\n`,
        'conf.d/app.conf':
          'server {\n    listen 127.0.0.1:18080;\n    proxy_set_header Host $host;\n    location /ws {\n        proxy_pass http://app;\n        proxy_http_version 1.1;\n        proxy_set_header Upgrade $http_upgrade;\n    }\n}\n',
      },
      touches: { 'nginx.conf': [2], 'conf.d/app.conf': [7] },
    }));
  it('a WebSocket location reuses an existing $connection_upgrade map', () =>
    judgeFix(upstreamKeepalive, {
      name: 'websocket existing map',
      nginxVersion: NGINX,
      files: {
        'nginx.conf': proxyConf(
          '            proxy_pass http://app;\n            proxy_http_version 1.1;\n            proxy_set_header Upgrade $http_upgrade;\n',
          '',
          "    map $http_upgrade $connection_upgrade {\n        default upgrade;\n        '' close;\n    }\n",
        ),
      },
      touches: { 'nginx.conf': [12] },
    }));
  it('FastCGI users of a keepalive upstream get fastcgi_keep_conn on, in an included snippet context', () =>
    judgeFix(upstreamKeepalive, {
      name: 'fastcgi',
      files: {
        'nginx.conf': `events {}\nhttp {\n    upstream php {\n        server 127.0.0.1:19000;\n        keepalive 4;\n    }\n    server {\n        listen 127.0.0.1:18080;\n        include sites/php.conf;\n    }\n}\n`,
        'sites/php.conf': 'location ~ \\.php$ {\n    fastcgi_param SCRIPT_FILENAME $document_root$fastcgi_script_name;\n    fastcgi_pass php;\n}\n',
      },
      touches: { 'sites/php.conf': [3] },
    }));
});

describe.skipIf(reason !== undefined)(`worker-connections-too-low fixes load in nginx${skipped}`, () => {
  const server = 'http {\n    server {\n        listen 127.0.0.1:18080;\n        return 204;\n    }\n}\n';
  it('worker_connections above 1024 with no worker_rlimit_nofile', () =>
    judgeFix(workerConnections, {
      name: 'unset',
      files: { 'nginx.conf': `worker_processes 1;\nevents {\n    worker_connections 4096;\n}\n${server}` },
      touches: { 'nginx.conf': [1] },
    }));
  it('an explicit worker_rlimit_nofile below worker_connections', () =>
    judgeFix(workerConnections, {
      name: 'explicit',
      files: { 'nginx.conf': `worker_rlimit_nofile 2048;\nevents {\n    worker_connections 8000;\n}\n${server}` },
      touches: { 'nginx.conf': [1] },
    }));
  it('worker_rlimit_nofile in an included main-level file, events in another', () =>
    judgeFix(workerConnections, {
      name: 'included',
      files: {
        'nginx.conf': `include main.d/*.conf;\n${server}`,
        'main.d/10-limits.conf': 'worker_rlimit_nofile 1024;\n',
        'main.d/20-events.conf': 'events {\n    worker_connections 2048;\n}\n',
      },
      touches: { 'main.d/10-limits.conf': [1] },
    }));
  it('an events block in an included file, nothing at main level to follow', () =>
    judgeFix(workerConnections, {
      name: 'events included',
      files: { 'nginx.conf': `include events.conf;\n${server}`, 'events.conf': 'events {\n    worker_connections 10000;\n}\n' },
      touches: { 'nginx.conf': [1] },
    }));
});

describe.skipIf(reason !== undefined)(`client-keepalive-below-lb-idle fixes load in nginx${skipped}`, () => {
  it('http-level realip and keepalive_timeout', () =>
    judgeFix(clientKeepalive, {
      name: 'http',
      files: {
        'nginx.conf':
          'events {}\nhttp {\n    set_real_ip_from 127.0.0.1;\n    real_ip_header X-Forwarded-For;\n    keepalive_timeout 15;\n    server {\n        listen 127.0.0.1:18080;\n        return 204;\n    }\n}\n',
      },
      touches: { 'nginx.conf': [5] },
    }));
  it('keepalive_timeout inherited from http into a server behind a proxy, header timeout kept', () =>
    judgeFix(clientKeepalive, {
      name: 'inherited',
      files: {
        'nginx.conf':
          'events {}\nhttp {\n    keepalive_timeout 20s 20s;\n    server {\n        listen 127.0.0.1:18080;\n        set_real_ip_from 127.0.0.0/8;\n        real_ip_header X-Real-IP;\n        return 204;\n    }\n}\n',
      },
      touches: { 'nginx.conf': [3] },
    }));
  it('keepalive_timeout 0 in a location of an included server file', () =>
    judgeFix(clientKeepalive, {
      name: 'included',
      files: {
        'nginx.conf': 'events {}\nhttp {\n    set_real_ip_from 127.0.0.1;\n    include sites/*.conf;\n}\n',
        'sites/app.conf': 'server {\n    listen 127.0.0.1:18080;\n    location /api/ {\n        keepalive_timeout 0;\n        proxy_pass http://127.0.0.1:18081;\n    }\n}\n',
      },
      touches: { 'sites/app.conf': [4] },
    }));
});
