/**
 * include-not-found, include-cycle and upstream-definition-errors against the real `nginx -t`: for every
 * config nginx rejects, one of the rules reports an error on the line nginx names, in the same file, with
 * nginx's message in its text; for every config nginx accepts, none of them reports anything.
 *
 * Include cycles are not run through nginx: it recurses until it runs out of file descriptors.
 */
import * as fs from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import includeNotFound from '../../rules/include-not-found/index.js';
import includeCycle from '../../rules/include-cycle/index.js';
import upstreamDefinitionErrors from '../../rules/upstream-definition-errors/index.js';
import { lintCase } from '../harness/rule-tester.js';
import { nginxSkipReason, nginxTest, removeDir } from '../harness/nginx.js';
import type { Finding } from '../../src/engine/types.js';

const reason = nginxSkipReason();
const dirs: string[] = [];
afterAll(() => dirs.forEach(removeDir));

const RULES = [includeNotFound, includeCycle, upstreamDefinitionErrors];
/** Where rule tests put the main file's directory; nginx's temp dir is mapped onto it. */
const PREFIX = '/etc/nginx';

/** Debian builds the stream module as a dynamic module. */
const STREAM_MODULE = '/usr/lib/nginx/modules/ngx_stream_module.so';
const loadStream = fs.existsSync(STREAM_MODULE) ? `load_module ${STREAM_MODULE};\n` : '';

/** An http config: `events {}` on line 1, `http {` on line 2, the body from line 3. */
const http = (body: string): string => `events {}\nhttp {\n${body}}\n`;
/** An upstream `app` on line 3, a server on line 4, and `location` on line 5 holding `inner`. */
const site = (inner: string, location = 'location /'): string =>
  http(`    upstream app { server 127.0.0.1:18081; }\n    server {\n        listen 127.0.0.1:18080;\n        ${location} { ${inner} }\n    }\n`);
/** A stream config; the stream block's body starts on line 3 (line 4 with the load_module line). */
const stream = (body: string): string => `${loadStream}events {}\nstream {\n${body}}\n`;

const LONG_SOCKET = `unix:/run/${'a'.repeat(100)}.sock`;

interface Rejected {
  readonly name: string;
  readonly files: Record<string, string>;
  /** nginx's message, with the temp dir written as /etc/nginx. */
  readonly message: string;
  /**
   * For `[crit]` failures nginx logs without a position (a directory passed to `include`): the file and
   * line our rule must point at instead.
   */
  readonly crit?: { readonly file: string; readonly line: number };
}

const rejected: Rejected[] = [
  {
    name: 'include of a missing file',
    files: { 'nginx.conf': http('    include conf.d/missing.conf;\n') },
    message: 'open() "/etc/nginx/conf.d/missing.conf" failed (2: No such file or directory)',
  },
  {
    name: 'include of a missing file from an included file',
    files: {
      'nginx.conf': http('    include conf.d/*.conf;\n'),
      'conf.d/site.conf': 'server {\n    listen 127.0.0.1:18080;\n    location / {\n        include snippets/proxy.conf;\n        return 204;\n    }\n}\n',
    },
    message: 'open() "/etc/nginx/snippets/proxy.conf" failed (2: No such file or directory)',
  },
  {
    name: 'include of a directory',
    files: { 'nginx.conf': http('    include conf.d;\n'), 'conf.d/site.conf': 'server { listen 127.0.0.1:18080; }\n' },
    message: 'pread() "/etc/nginx/conf.d" failed (21: Is a directory)',
    crit: { file: 'nginx.conf', line: 3 },
  },
  { name: 'empty upstream', files: { 'nginx.conf': http('    upstream app { }\n') }, message: 'no servers are inside upstream' },
  {
    name: 'duplicate upstream, across included files',
    files: {
      'nginx.conf': http('    include conf.d/*.conf;\n'),
      'conf.d/a.conf': 'upstream app { server 127.0.0.1:18081; }\n',
      'conf.d/b.conf': '\nupstream app { server 127.0.0.1:18082; }\n',
    },
    message: 'duplicate upstream "app"',
  },
  {
    name: 'only backup servers',
    files: { 'nginx.conf': http('    upstream app {\n        server 127.0.0.1:18081 backup;\n    }\n') },
    message: 'no servers in upstream "app"',
  },
  {
    name: 'backup after ip_hash',
    files: { 'nginx.conf': http('    upstream app {\n        ip_hash;\n        server 127.0.0.1:18081;\n        server 127.0.0.1:18082 backup;\n    }\n') },
    message: 'balancing method does not support parameter "backup"',
  },
  {
    name: 'backup after hash',
    files: { 'nginx.conf': http('    upstream app {\n        hash $request_uri;\n        server 127.0.0.1:18081;\n        server 127.0.0.1:18082 backup;\n    }\n') },
    message: 'balancing method does not support parameter "backup"',
  },
  {
    name: 'backup after random',
    files: { 'nginx.conf': http('    upstream app {\n        random;\n        server 127.0.0.1:18081;\n        server 127.0.0.1:18082 backup;\n    }\n') },
    message: 'balancing method does not support parameter "backup"',
  },
  { name: 'proxy_pass to an upstream with a port', files: { 'nginx.conf': site('proxy_pass http://app:8080;') }, message: 'upstream "app" may not have port 8080' },
  {
    name: 'fastcgi_pass with a port to an upstream defined later',
    files: { 'nginx.conf': http('    server {\n        listen 127.0.0.1:18080;\n        location / { fastcgi_pass php:9000; }\n    }\n    upstream php { server 127.0.0.1:9000; }\n') },
    message: 'upstream "php" may not have port 9000',
  },
  { name: 'proxy_pass without a scheme', files: { 'nginx.conf': site('proxy_pass app;') }, message: 'invalid URL prefix' },
  { name: 'proxy_pass with an address but no scheme', files: { 'nginx.conf': site('proxy_pass 127.0.0.1:18081;') }, message: 'invalid URL prefix' },
  {
    name: 'fastcgi_pass with http://',
    files: { 'nginx.conf': site('fastcgi_pass http://127.0.0.1:9000;') },
    message: 'invalid host in upstream "http://127.0.0.1:9000"',
  },
  { name: 'uwsgi_pass with http://', files: { 'nginx.conf': site('uwsgi_pass http://127.0.0.1:3031;') }, message: 'invalid host in upstream "http://127.0.0.1:3031"' },
  { name: 'grpc_pass with http://', files: { 'nginx.conf': site('grpc_pass http://127.0.0.1:50051;') }, message: 'invalid host in upstream "http://127.0.0.1:50051"' },
  { name: 'port above 65535 in proxy_pass', files: { 'nginx.conf': site('proxy_pass http://127.0.0.1:99999;') }, message: 'invalid port in upstream "127.0.0.1:99999"' },
  { name: 'port 0 in fastcgi_pass', files: { 'nginx.conf': site('fastcgi_pass 127.0.0.1:0;') }, message: 'invalid port in upstream "127.0.0.1:0"' },
  {
    name: 'port 0 in an upstream server',
    files: { 'nginx.conf': http('    upstream app {\n        server 127.0.0.1:0;\n    }\n') },
    message: 'invalid port in upstream "127.0.0.1:0"',
  },
  {
    name: 'unix socket path too long in fastcgi_pass',
    files: { 'nginx.conf': site(`fastcgi_pass ${LONG_SOCKET};`) },
    message: `too long path in the unix domain socket in upstream "${LONG_SOCKET}"`,
  },
  {
    name: 'unix socket path too long in an upstream server',
    files: { 'nginx.conf': http(`    upstream app {\n        server ${LONG_SOCKET};\n    }\n`) },
    message: `too long path in the unix domain socket in upstream "${LONG_SOCKET}"`,
  },
  { name: 'proxy_pass without a host', files: { 'nginx.conf': site('proxy_pass http://;') }, message: 'no host in upstream ""' },
  ...[
    ['regex location', 'location ~ \\.php$', 'proxy_pass http://app/;'],
    ['case-insensitive regex location', 'location ~* \\.jpg$', 'proxy_pass http://app?x=1;'],
    ['named location', 'location @fallback', 'proxy_pass http://app/;'],
    ['if inside a location', 'location /', 'if ($arg_x) { proxy_pass http://app/x; }'],
    ['limit_except', 'location /', 'limit_except GET { proxy_pass http://app/; }'],
    ['regex location, unix socket with a URI', 'location ~ ^/s', 'proxy_pass http://unix:/run/app.sock:/s;'],
  ].map(
    ([where, location, inner]): Rejected => ({
      name: `URI part in a ${where}`,
      files: { 'nginx.conf': site(inner as string, location) },
      message:
        '"proxy_pass" cannot have URI part in location given by regular expression, or inside named location, or inside "if" statement, or inside "limit_except" block',
    }),
  ),
  ...['fastcgi_pass php;', 'uwsgi_pass php;', 'grpc_pass php;', 'scgi_pass php;'].map(
    (inner): Rejected => ({ name: `no port: ${inner}`, files: { 'nginx.conf': site(inner) }, message: 'no port in upstream "php"' }),
  ),
  {
    name: 'a near miss of an upstream name, which DNS does not know',
    files: { 'nginx.conf': http('    upstream api_backend.invalid { server 127.0.0.1:18081; }\n    server {\n        listen 127.0.0.1:18080;\n        location / { proxy_pass http://api-backend.invalid; }\n    }\n') },
    message: 'host not found in upstream "api-backend.invalid"',
  },
  { name: 'empty stream upstream', files: { 'nginx.conf': stream('    upstream db { }\n    server { listen 127.0.0.1:13306; proxy_pass db; }\n') }, message: 'no servers are inside upstream' },
  {
    name: 'duplicate stream upstream',
    files: { 'nginx.conf': stream('    upstream db { server 127.0.0.1:3306; }\n    upstream db { server 127.0.0.1:3307; }\n    server { listen 127.0.0.1:13306; proxy_pass db; }\n') },
    message: 'duplicate upstream "db"',
  },
  {
    name: 'only backup servers in a stream upstream',
    files: { 'nginx.conf': stream('    upstream db { server 127.0.0.1:3306 backup; }\n    server { listen 127.0.0.1:13306; proxy_pass db; }\n') },
    message: 'no servers in upstream "db"',
  },
  {
    name: 'backup after hash in a stream upstream',
    files: { 'nginx.conf': stream('    upstream db {\n        hash $remote_addr;\n        server 127.0.0.1:3306;\n        server 127.0.0.1:3307 backup;\n    }\n') },
    message: 'balancing method does not support parameter "backup"',
  },
];

const accepted: { name: string; files: Record<string, string> }[] = [
  {
    name: 'upstreams for every pass kind, from included files',
    files: {
      'nginx.conf': http('    include conf.d/*.conf;\n    include sites-enabled/*;\n'),
      'conf.d/upstreams.conf':
        'upstream app { server 127.0.0.1:18081; server 127.0.0.1:18082 backup; }\nupstream php { server unix:/run/php/php8.2-fpm.sock; }\nupstream py { server 127.0.0.1:3031; }\nupstream grpcd { server 127.0.0.1:50051; }\nupstream sc { server 127.0.0.1:4000; }\n',
      'sites-enabled/default':
        'server {\n    listen 127.0.0.1:18080;\n    location / { proxy_pass http://app; }\n    location /api/ { proxy_pass https://app/v1/; }\n    location ~ \\.php$ { fastcgi_pass php; }\n    location /py { uwsgi_pass uwsgi://py; }\n    location /g { grpc_pass grpc://grpcd; }\n    location /s { scgi_pass sc; }\n    location @named { proxy_pass http://app; }\n    location /if { if ($arg_x) { proxy_pass http://app; } }\n}\n',
    },
  },
  {
    name: 'implicit upstreams, variables, and URI parts where nginx allows them',
    files: {
      'nginx.conf': http(
        '    upstream app { server 127.0.0.1:18081; }\n    server {\n        listen 127.0.0.1:18080;\n        location /a/ { proxy_pass http://127.0.0.1:18081/; }\n        location = /b { proxy_pass http://app/b; }\n        location /c { fastcgi_pass 127.0.0.1:9000; }\n        location /d { proxy_pass http://unix:/run/app.sock:/api/; }\n        location ~ ^/e/(.*)$ { proxy_pass http://app/$1; }\n        location /f { set $backend 127.0.0.1:18081; proxy_pass http://$backend; }\n    }\n',
      ),
    },
  },
  { name: 'a glob include matching nothing, and one in a missing directory', files: { 'nginx.conf': http('    include conf.d/*.conf;\n    include nowhere/*;\n') } },
  {
    name: 'backup with round-robin and least_conn, before ip_hash, and with a down primary',
    files: {
      'nginx.conf': http(
        '    upstream a { least_conn; server 127.0.0.1:1; server 127.0.0.1:2 backup; }\n    upstream b { server 127.0.0.1:1; server 127.0.0.1:2 backup; ip_hash; }\n    upstream c { server 127.0.0.1:1 down; server 127.0.0.1:2 backup; }\n',
      ),
    },
  },
  {
    name: 'a stream upstream and stream proxy_pass, and an http upstream of the same name',
    files: { 'nginx.conf': `${stream('    upstream x { server 127.0.0.1:1; }\n    server { listen 127.0.0.1:12345; proxy_pass x; }\n')}http {\n    upstream x { server 127.0.0.1:1; }\n}\n` },
  },
];

/** nginx's temp dir -> /etc/nginx, where the rule tests load the same files. */
function normalize(text: string, dir: string): string {
  return text.split(dir).join(PREFIX);
}

function lintAll(files: Record<string, string>): Finding[] {
  return RULES.flatMap((rule) => lintCase(rule, { files }));
}

const describeRejected = (f: Finding): string => `${f.file}:${f.start.line} ${f.ruleId}: ${f.message}`;

describe.skipIf(reason !== undefined)(`upstream and include rules parity with nginx -t${reason ? ` (skipped: ${reason})` : ''}`, () => {
  for (const c of rejected) {
    it(`rejects: ${c.name}`, () => {
      const nginx = nginxTest(c.files);
      dirs.push(nginx.dir);
      expect(nginx.ok, nginx.output).toBe(false);
      let file: string;
      let line: number;
      if (c.crit !== undefined) {
        expect(normalize(nginx.output, nginx.dir)).toContain(`[crit] ${c.message}`);
        file = `${PREFIX}/${c.crit.file}`;
        line = c.crit.line;
      } else {
        expect(nginx.message === undefined ? undefined : normalize(nginx.message, nginx.dir), nginx.output).toBe(c.message);
        file = normalize(nginx.file ?? '', nginx.dir);
        line = nginx.line ?? 0;
      }
      const ours = lintAll(c.files);
      const match = ours.find((f) => f.severity === 'error' && f.file === file && f.start.line === line && f.message.includes(c.message));
      expect(match, `want an error at ${file}:${line} containing ${JSON.stringify(c.message)}; got:\n${ours.map(describeRejected).join('\n')}`).toBeDefined();
    });
  }
  for (const c of accepted) {
    it(`accepts: ${c.name}`, () => {
      const nginx = nginxTest(c.files);
      dirs.push(nginx.dir);
      expect(nginx.ok, nginx.output).toBe(true);
      expect(lintAll(c.files).map(describeRejected)).toEqual([]);
    });
  }
});
