/**
 * unknown-directive, directive-not-allowed-here and invalid-arguments against the real `nginx -t`: for each
 * config nginx rejects, our rule reports nginx's exact message (a "did you mean" may follow) on the line
 * nginx names; for each config nginx accepts, none of the three rules reports anything.
 */
import { afterAll, describe, expect, it } from 'vitest';
import unknownDirective from '../../rules/unknown-directive/index.js';
import directiveNotAllowedHere from '../../rules/directive-not-allowed-here/index.js';
import invalidArguments from '../../rules/invalid-arguments/index.js';
import { lintCase } from '../harness/rule-tester.js';
import { nginxSkipReason, nginxTest, removeDir } from '../harness/nginx.js';
import type { AnyRule } from '../../src/engine/rule.js';

const reason = nginxSkipReason();
const dirs: string[] = [];
afterAll(() => dirs.forEach(removeDir));

const RULES: readonly AnyRule[] = [unknownDirective, directiveNotAllowedHere, invalidArguments];

/** A complete config: `http` holds `httpBody`, then one server on a loopback high port with `serverBody`. */
const conf = (serverBody: string, httpBody = '', mainBody = '') =>
  `${mainBody}events {}\nhttp {\n${httpBody}    server {\n        listen 127.0.0.1:18480;\n${serverBody}    }\n}\n`;
const inLocation = (body: string, httpBody = '') => conf(`        location / {\n${body}        }\n`, httpBody);

interface Rejected {
  readonly name: string;
  readonly files: Record<string, string>;
  readonly rule: AnyRule;
  readonly message: string;
  /** Our message adds a "did you mean" to nginx's. */
  readonly suggestion?: boolean;
}

const rejected: Rejected[] = [
  {
    name: 'unknown directive, with a suggestion',
    files: { 'nginx.conf': inLocation('            proxy_pas http://127.0.0.1:18481;\n') },
    rule: unknownDirective,
    message: 'unknown directive "proxy_pas"',
    suggestion: true,
  },
  {
    name: 'unknown directive of a module that is not loaded',
    files: { 'nginx.conf': inLocation('            more_set_headers "X-A: b";\n            return 204;\n') },
    rule: unknownDirective,
    message: 'unknown directive "more_set_headers"',
  },
  {
    name: 'directive names are case-sensitive',
    files: { 'nginx.conf': conf('        Listen 127.0.0.1:18482;\n') },
    rule: unknownDirective,
    message: 'unknown directive "Listen"',
    suggestion: true,
  },
  {
    name: 'unknown directive in an included location snippet',
    files: {
      'nginx.conf': inLocation('            include snippets/app.conf;\n'),
      'snippets/app.conf': 'fastcgi_param SCRIPT_FILENAME $document_root$fastcgi_script_name;\nfastcgi_pas 127.0.0.1:19000;\n',
    },
    rule: unknownDirective,
    message: 'unknown directive "fastcgi_pas"',
    suggestion: true,
  },
  {
    name: 'proxy_pass at server level',
    files: { 'nginx.conf': conf('        proxy_pass http://127.0.0.1:18481;\n') },
    rule: directiveNotAllowedHere,
    message: '"proxy_pass" directive is not allowed here',
  },
  {
    name: 'proxy_pass in an if at server level',
    files: { 'nginx.conf': conf('        if ($request_method = POST) {\n            proxy_pass http://127.0.0.1:18481;\n        }\n') },
    rule: directiveNotAllowedHere,
    message: '"proxy_pass" directive is not allowed here',
  },
  {
    name: 'fastcgi_pass at http level',
    files: { 'nginx.conf': conf('', '    fastcgi_pass 127.0.0.1:19000;\n') },
    rule: directiveNotAllowedHere,
    message: '"fastcgi_pass" directive is not allowed here',
  },
  {
    name: 'server_name in a location',
    files: { 'nginx.conf': inLocation('            server_name example.com;\n') },
    rule: directiveNotAllowedHere,
    message: '"server_name" directive is not allowed here',
  },
  {
    name: 'keepalive outside upstream',
    files: { 'nginx.conf': conf('', '    keepalive 16;\n') },
    rule: directiveNotAllowedHere,
    message: '"keepalive" directive is not allowed here',
  },
  {
    name: 'uwsgi_pass with two arguments',
    files: { 'nginx.conf': inLocation('            uwsgi_pass 127.0.0.1:19001 127.0.0.1:19002;\n') },
    rule: invalidArguments,
    message: 'invalid number of arguments in "uwsgi_pass" directive',
  },
  {
    name: 'proxy_buffers with one argument',
    files: { 'nginx.conf': inLocation('            proxy_buffers 8;\n            return 204;\n') },
    rule: invalidArguments,
    message: 'invalid number of arguments in "proxy_buffers" directive',
  },
  {
    name: 'location written with ";"',
    files: { 'nginx.conf': conf('        location /api;\n') },
    rule: invalidArguments,
    message: 'directive "location" has no opening "{"',
  },
  {
    name: 'simple directive written with a block',
    files: { 'nginx.conf': inLocation('            proxy_read_timeout 30s { }\n') },
    rule: invalidArguments,
    message: 'directive "proxy_read_timeout" is not terminated by ";"',
  },
  {
    name: 'invalid size',
    files: { 'nginx.conf': inLocation('            proxy_buffer_size 16kb;\n') },
    rule: invalidArguments,
    message: '"proxy_buffer_size" directive invalid value',
  },
  {
    name: 'fractional time',
    files: { 'nginx.conf': inLocation('            proxy_read_timeout 1.5s;\n') },
    rule: invalidArguments,
    message: '"proxy_read_timeout" directive invalid value',
  },
  {
    name: 'years in a millisecond timeout',
    files: { 'nginx.conf': inLocation('            grpc_read_timeout 1y;\n') },
    rule: invalidArguments,
    message: '"grpc_read_timeout" directive invalid value',
  },
  {
    name: 'flag written as yes',
    files: { 'nginx.conf': inLocation('            proxy_buffering yes;\n') },
    rule: invalidArguments,
    message: 'invalid value "yes" in "proxy_buffering" directive, it must be "on" or "off"',
  },
  {
    name: 'invalid number',
    files: { 'nginx.conf': inLocation('            proxy_next_upstream_tries 3x;\n') },
    rule: invalidArguments,
    message: '"proxy_next_upstream_tries" directive invalid number',
  },
  {
    name: 'zero buffers',
    files: { 'nginx.conf': inLocation('            fastcgi_buffers 0 16k;\n') },
    rule: invalidArguments,
    message: '"fastcgi_buffers" directive invalid value',
  },
  {
    name: 'keepalive 0 in an upstream',
    files: { 'nginx.conf': conf('', '    upstream app {\n        server 127.0.0.1:18481;\n        keepalive 0;\n    }\n') },
    rule: invalidArguments,
    message: 'invalid value "0" in "keepalive" directive',
  },
  {
    name: 'worker_connections with a unit',
    files: { 'nginx.conf': conf('').replace('events {}', 'events {\n    worker_connections 1k;\n}') },
    rule: invalidArguments,
    message: 'invalid number "1k"',
  },
  {
    name: 'duplicate timeout in one location',
    files: { 'nginx.conf': inLocation('            proxy_read_timeout 30s;\n            proxy_read_timeout 60s;\n') },
    rule: invalidArguments,
    message: '"proxy_read_timeout" directive is duplicate',
  },
  {
    name: 'duplicate grpc_pass, the second from an included snippet',
    files: {
      'nginx.conf': inLocation('            grpc_pass 127.0.0.1:19003;\n            include snippets/grpc.conf;\n'),
      'snippets/grpc.conf': 'grpc_pass 127.0.0.1:19004;\n',
    },
    rule: invalidArguments,
    message: '"grpc_pass" directive is duplicate',
  },
  {
    name: 'listen port out of range',
    files: { 'nginx.conf': conf('        listen 127.0.0.1:99999;\n') },
    rule: invalidArguments,
    message: 'invalid port in "127.0.0.1:99999" of the "listen" directive',
  },
  {
    name: 'listen port 0',
    files: { 'nginx.conf': conf('        listen 0;\n') },
    rule: invalidArguments,
    message: 'invalid port in "0" of the "listen" directive',
  },
];

const accepted: { name: string; files: Record<string, string> }[] = [
  {
    name: 'all four upstream kinds, nested if, limit_except',
    files: {
      'nginx.conf': conf(
        '        location / {\n            proxy_pass http://app;\n            proxy_http_version 1.1;\n            proxy_set_header Connection "";\n            proxy_set_header Host $host;\n' +
          '            proxy_buffering On;\n            proxy_buffer_size 16k;\n            proxy_buffers 8 16k;\n            proxy_busy_buffers_size 32k;\n            proxy_read_timeout 1h30m;\n' +
          '            if ($request_method = POST) {\n                proxy_pass http://app;\n            }\n            limit_except GET POST {\n                deny all;\n            }\n        }\n' +
          '        location ~ \\.php$ {\n            fastcgi_pass unix:/run/php/php8.2-fpm.sock;\n            fastcgi_read_timeout 300;\n            fastcgi_buffers 16 16k;\n            fastcgi_buffer_size 32k;\n        }\n' +
          '        location /py {\n            uwsgi_pass 127.0.0.1:19001;\n            uwsgi_read_timeout 2m;\n        }\n        location /grpc {\n            grpc_pass grpc://127.0.0.1:19002;\n            grpc_read_timeout 500ms;\n        }\n',
        '    upstream app {\n        server 127.0.0.1:18481 max_fails=3 fail_timeout=10s;\n        keepalive 16;\n        keepalive_timeout 60s;\n    }\n    client_max_body_size 1g;\n    keepalive_timeout 75s 60s;\n',
      ),
    },
  },
  {
    name: 'free-form blocks, variables in values, repeated array directives',
    files: {
      'nginx.conf': conf(
        '        set $rate 100k;\n        location / {\n            limit_rate $rate;\n            add_header X-A a;\n            add_header X-B b;\n            mirror /m1;\n            mirror /m2;\n            return 204;\n        }\n        location /m1 { internal; return 204; }\n        location /m2 { internal; return 204; }\n',
        '    map $http_upgrade $connection_upgrade {\n        default upgrade;\n        "" close;\n        proxy_pas whatever;\n    }\n    geo $internal {\n        default 0;\n        10.0.0.0/8 1;\n    }\n    types {\n        text/html html;\n        application/x-unknown-directive foo;\n    }\n    split_clients "${remote_addr}" $variant {\n        50% a;\n        * b;\n    }\n',
        'worker_priority -5;\nworker_rlimit_core 1g;\n',
      ),
    },
  },
  {
    name: 'an included location snippet and an http-level snippet',
    files: {
      'nginx.conf': conf('        location / {\n            include snippets/proxy.conf;\n            proxy_pass http://127.0.0.1:18481;\n        }\n', '    include conf.d/*.conf;\n'),
      'snippets/proxy.conf': 'proxy_set_header X-Real-IP $remote_addr;\nproxy_connect_timeout 5s;\nproxy_send_timeout 1m;\n',
      'conf.d/extra.conf': 'server_names_hash_bucket_size 128;\nproxy_headers_hash_max_size 1024;\ngzip on;\ngzip_comp_level 5;\n',
    },
  },
  {
    name: 'return and hash written twice (nginx keeps going), listen variants',
    files: {
      'nginx.conf': conf(
        '        listen 18483;\n        listen 127.0.0.1:18484 default_server backlog=511;\n        location / {\n            return 200;\n            return 204;\n        }\n',
        '    upstream h {\n        hash $request_uri consistent;\n        server 127.0.0.1:18481;\n    }\n',
      ),
    },
  },
  {
    name: 'stock-style main config',
    files: {
      'nginx.conf':
        'worker_processes auto;\nevents {\n    worker_connections 768;\n    multi_accept on;\n}\nhttp {\n    sendfile on;\n    tcp_nopush on;\n    types_hash_max_size 2048;\n    ssl_protocols TLSv1.2 TLSv1.3;\n    ssl_prefer_server_ciphers on;\n    gzip on;\n    server {\n        listen 127.0.0.1:18485;\n        root /var/www/html;\n        index index.html;\n        location / {\n            try_files $uri $uri/ =404;\n        }\n    }\n}\n',
    },
  },
];

describe.skipIf(reason !== undefined)(`load-time rules parity with nginx -t${reason ? ` (skipped: ${reason})` : ''}`, () => {
  for (const c of rejected) {
    it(`rejects: ${c.name}`, () => {
      const nginx = nginxTest(c.files);
      dirs.push(nginx.dir);
      expect(nginx.ok, nginx.output).toBe(false);
      expect(nginx.message).toBe(c.message);
      const nginxFile = (nginx.file ?? '').slice(nginx.dir.length).replace(/^\/+/, '');
      const ours = lintCase(c.rule, { files: c.files }).filter((f) => f.severity === 'error');
      const match = ours.find(
        (f) =>
          f.start.line === nginx.line &&
          f.file === `/etc/nginx/${nginxFile}` &&
          (c.suggestion === true ? f.message.startsWith(`${c.message} (did you mean "`) : f.message === c.message),
      );
      expect(match, JSON.stringify(ours.map((f) => `${f.file}:${f.start.line} ${f.message}`))).toBeDefined();
    });
  }
  for (const c of accepted) {
    it(`accepts: ${c.name}`, () => {
      const nginx = nginxTest(c.files);
      dirs.push(nginx.dir);
      expect(nginx.ok, nginx.output).toBe(true);
      for (const rule of RULES) {
        expect(lintCase(rule, { files: c.files }).map((f) => `${f.ruleId} ${f.start.line}: ${f.message}`)).toEqual([]);
      }
    });
  }
});
