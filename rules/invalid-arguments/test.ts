import { afterAll, describe, expect, it } from 'vitest';
import rule from './index.js';
import { argumentChecks, deriveKinds, isValid } from './kinds.js';
import { conditionProblem } from './conditions.js';
import { lintCase, runRuleTests } from '../../test/harness/rule-tester.js';
import { nginxSkipReason, nginxTest, removeDir } from '../../test/harness/nginx.js';
import { getDirective, type DirectiveVariant } from '../../src/model/index.js';

const lines = (...l: string[]): string => `${l.join('\n')}\n`;

runRuleTests(rule, {
  valid: [
    {
      name: 'good values everywhere, all four upstream kinds (nginx -t accepts this config)',
      code: lines(
        'worker_processes auto;',
        'worker_priority -5;',
        'worker_rlimit_core 1g;',
        'events { worker_connections 768; multi_accept On; }',
        'http {',
        '    client_max_body_size 1g;',
        '    keepalive_timeout 75s 60s;',
        '    proxy_read_timeout 90;',
        '    upstream app { server 127.0.0.1:8080; keepalive 16; keepalive_timeout 60s; }',
        '    server {',
        '        listen 127.0.0.1:18080;',
        '        listen [::1]:18080 ipv6only=on;',
        '        listen unix:/tmp/ngxlint-x.sock;',
        '        listen *:18081;',
        '        listen 18000-18010;',
        '        proxy_read_timeout 120s;',
        '        set $rate 100k;',
        '        location / {',
        '            proxy_pass http://app;',
        '            proxy_buffering off;',
        '            proxy_buffer_size 16k;',
        '            proxy_buffers 8 16k;',
        '            proxy_busy_buffers_size 32k;',
        '            proxy_read_timeout 1h30m;',
        '            proxy_connect_timeout 500ms;',
        '            proxy_next_upstream_tries 3;',
        '            limit_rate $rate;',
        '            add_header X-A a;',
        '            add_header X-B b;',
        '            mirror /m1;',
        '            mirror /m2;',
        '            return 200;',
        '            return 204;',
        '            if ($request_method = POST) { proxy_pass http://app; }',
        '            limit_except GET { proxy_pass http://app; deny all; }',
        '        }',
        '        location ~ \\.php$ { fastcgi_pass unix:/run/php/php8.2-fpm.sock; fastcgi_buffers 16 16k; fastcgi_read_timeout 300; }',
        '        location /py { uwsgi_pass 127.0.0.1:3031; uwsgi_read_timeout 2m; }',
        '        location /grpc { grpc_pass grpc://127.0.0.1:50051; grpc_read_timeout 1d; }',
        '    }',
        '}',
      ),
    },
    {
      name: 'the same directive once per level (http, server, location, if) is no duplicate',
      code: lines(
        'http {',
        '    proxy_read_timeout 30s;',
        '    server {',
        '        proxy_read_timeout 60s;',
        '        location / {',
        '            proxy_read_timeout 90s;',
        '            proxy_pass http://127.0.0.1:8080;',
        '            if ($request_method = POST) { proxy_pass http://127.0.0.1:8081; }',
        '            limit_except GET { proxy_pass http://127.0.0.1:8082; }',
        '        }',
        '    }',
        '}',
      ),
    },
    {
      name: 'template placeholders are not judged',
      code: lines(
        'http {',
        '    server {',
        '        listen ${PORT};',
        '        proxy_buffers ${PROXY_BUFFERS};',
        '        proxy_read_timeout ${TIMEOUT};',
        '        client_max_body_size %%max_body%%;',
        '        proxy_buffering @BUFFERING@;',
        '    }',
        '}',
      ),
    },
    {
      name: 'a Go template whose placeholders break the block structure',
      code: lines('http {', '    server {', '        listen {{ .Port }};', '        proxy_read_timeout 30s;', '    }', '}'),
    },
    {
      name: 'free-form blocks and unknown blocks are not judged',
      code: lines('http {', '    map $a $b { default 0; proxy_buffering yes; }', '    foo_block { proxy_buffering yes; server { listen 99999; } }', '}'),
    },
    { name: 'a location snippet', code: lines('proxy_pass http://127.0.0.1:8080;', 'proxy_buffer_size 16k;', 'proxy_buffers 8 16k;'), rootContext: 'location' },
    {
      name: 'an included snippet in a location',
      files: {
        'nginx.conf': lines('events {}', 'http {', '    server {', '        location / {', '            include snippets/proxy.conf;', '        }', '    }', '}'),
        'snippets/proxy.conf': lines('proxy_pass http://127.0.0.1:8080;', 'proxy_read_timeout 90s;'),
      },
    },
    { name: 'directives not allowed here are directive-not-allowed-here\'s', code: lines('http {', '    proxy_pass yes no;', '}') },
    {
      name: 'Go and Jinja templates, whose placeholders break the block structure',
      code: 'ssl_certificate /storage/{{ .Env.DOMAIN }}/fullchain.pem;\n{{ if .Env.STAPLING }}\nssl_stapling on;\n{{ end }}\nlocation / {\n    {% if ssl %}\n    listen 443;\n    {% endif %}\n}\n',
      rootContext: 'server',
    },
    {
      name: 'listen and upstream server parameters nginx 1.22.1 accepts, in http and stream',
      code: lines(
        'http {',
        '    upstream app { least_conn; server 127.0.0.1:8080 weight=5 max_fails=0 fail_timeout=10s max_conns=100 backup; server 127.0.0.1:8081 down; }',
        '    upstream h { hash $request_uri consistent; server 127.0.0.1:8080 weight=2 max_fails=3 fail_timeout=1y; }',
        '    server {',
        '        listen 127.0.0.1:18080 default_server backlog=511 rcvbuf=64K sndbuf=1m fastopen=0 deferred bind reuseport so_keepalive=30m::10;',
        '        listen [::1]:18080 default ipv6only=off so_keepalive=off proxy_protocol;',
        '        listen unix:/tmp/ngxlint-x.sock ipv6only=on so_keepalive=1h30m:;',
        '        location / { proxy_pass http://app; }',
        '    }',
        '}',
        'stream {',
        '    upstream db { server 127.0.0.1:5432 weight=3 max_conns=0 backup; server 127.0.0.1:5433 down; }',
        '    server { listen 127.0.0.1:15432 bind backlog=64 proxy_protocol fastopen=3 so_keepalive=on reuseport; proxy_pass db; }',
        '    server { listen 127.0.0.1:15353 udp reuseport rcvbuf=1m; proxy_pass 127.0.0.1:53; }',
        '}',
      ),
    },
    {
      name: 'listen parameters of other platforms, NGINX Plus server parameters, variables and placeholders are left alone',
      code: lines(
        'http {',
        '    upstream app { zone app 64k; server app.internal:8080 slow_start=30s route=a drain; server 127.0.0.1:8081 weight=${WEIGHT} {{ extra }}; }',
        '    server {',
        '        listen 127.0.0.1:18080 setfib=1 accept_filter=dataready multipath;',
        '        listen 127.0.0.1:18081 rcvbuf=$size {{ .ListenOptions }};',
        "        listen {{ port }} {{ 'default_server' if default else '' }};",
        '        location / { proxy_pass http://app; }',
        '    }',
        '}',
        'stream { server { listen 127.0.0.1:15432 default_server deferred; proxy_pass 127.0.0.1:5432; } }',
      ),
    },
    {
      name: 'parameters a newer target accepts: quic (1.25.0), resolve and service= (1.27.3)',
      code: lines(
        'http {',
        '    resolver 127.0.0.53;',
        '    upstream app { zone app 64k; server app.internal:8080 resolve; server app.internal service=http resolve; }',
        '    server { listen 443 quic reuseport; listen 443 ssl; location / { proxy_pass http://app; } }',
        '}',
      ),
      nginxVersion: '1.27.3',
    },
    {
      name: 'well-formed if conditions',
      code: lines(
        'if ($a) { return 404; }',
        'if ( $a ) { return 404; }',
        'if ($a = b) { return 404; }',
        'if ($a != "b c" ) { return 404; }',
        'if ($a ~ b) { return 404; }',
        'if ($a ~* b) { return 404; }',
        'if ($a !~ b) { return 404; }',
        'if ($a !~* "^b c$" ) { return 404; }',
        'if (-f $a) { return 404; }',
        'if ( !-x $a ) { return 404; }',
        'if (!-d $a) { return 404; }',
        'if (-e $a ) { return 404; }',
        'if ($a = ${B}) { return 404; }',
      ),
      rootContext: 'location',
    },
    {
      name: 'a Cloud Foundry template with @{VAR} placeholders',
      code: 'upstream php_fpm {\n    server unix:@{PHP_FPM_LISTEN};\n}\nserver {\n    listen @{PORT};\n}\n',
      rootContext: 'http',
    },
  ],
  invalid: [
    {
      name: 'a block directive written with ";"',
      code: lines('http {', '    server {', '        location /api;', '    }', '}'),
      errors: [{ messageId: 'noOpening', line: 3, column: 9, endLine: 3, endColumn: 17, message: 'directive "location" has no opening "{"' }],
    },
    {
      name: 'a simple directive written with a block',
      code: lines('http {', '    server {', '        location / {', '            proxy_read_timeout 30s { }', '        }', '    }', '}'),
      errors: [{ messageId: 'notTerminated', line: 4, column: 13, endLine: 4, endColumn: 31, message: 'directive "proxy_read_timeout" is not terminated by ";"' }],
    },
    {
      name: 'wrong argument counts for proxy_pass, uwsgi_pass, fastcgi_pass and grpc_pass',
      code: lines(
        'http {',
        '    server {',
        '        location /a { proxy_pass; }',
        '        location /b { uwsgi_pass 127.0.0.1:3031 127.0.0.1:3032; }',
        '        location /c { fastcgi_pass 127.0.0.1:9000 backup; }',
        '        location /d { grpc_pass; }',
        '    }',
        '}',
      ),
      errors: [
        { messageId: 'argCount', line: 3, column: 23, endLine: 3, endColumn: 33, message: 'invalid number of arguments in "proxy_pass" directive' },
        { messageId: 'argCount', line: 4, column: 23, endLine: 4, endColumn: 33, message: 'invalid number of arguments in "uwsgi_pass" directive' },
        { messageId: 'argCount', line: 5, column: 23, endLine: 5, endColumn: 35 },
        { messageId: 'argCount', line: 6, column: 23, endLine: 6, endColumn: 32 },
      ],
    },
    {
      name: 'bad sizes, times, flags and numbers, reported on the argument',
      code: lines(
        'http {',
        '    server {',
        '        location / {',
        '            proxy_buffer_size 16kb;',
        '            proxy_read_timeout 1.5s;',
        '            proxy_buffering yes;',
        '            proxy_next_upstream_tries 3x;',
        '            fastcgi_buffers 0 16k;',
        '        }',
        '    }',
        '}',
      ),
      errors: [
        { messageId: 'invalidValue', line: 4, column: 31, endLine: 4, endColumn: 35, message: '"proxy_buffer_size" directive invalid value' },
        { messageId: 'invalidValue', line: 5, column: 32, endLine: 5, endColumn: 36, message: '"proxy_read_timeout" directive invalid value' },
        { messageId: 'invalidFlag', line: 6, column: 29, endLine: 6, endColumn: 32, message: 'invalid value "yes" in "proxy_buffering" directive, it must be "on" or "off"' },
        { messageId: 'invalidNumber', line: 7, column: 39, endLine: 7, endColumn: 41, message: '"proxy_next_upstream_tries" directive invalid number' },
        { messageId: 'invalidValue', line: 8, column: 29, endLine: 8, endColumn: 30, message: '"fastcgi_buffers" directive invalid value' },
      ],
    },
    {
      name: 'years in a millisecond timeout, milliseconds in a second timeout',
      code: lines('http {', '    grpc_read_timeout 1y;', '    ssl_session_timeout 500ms;', '}'),
      errors: [
        { messageId: 'invalidValue', line: 2, column: 23, endLine: 2, endColumn: 25 },
        { messageId: 'invalidValue', line: 3, column: 25, endLine: 3, endColumn: 30 },
      ],
    },
    {
      name: 'upstream keepalive 0 and worker_connections with a unit use their own wording',
      code: lines('events { worker_connections 1k; }', 'http {', '    upstream app { server 127.0.0.1:8080; keepalive 0; }', '}'),
      errors: [
        { messageId: 'invalidNumberQuoted', line: 1, column: 29, endLine: 1, endColumn: 31, message: 'invalid number "1k"' },
        { messageId: 'invalidValueIn', line: 3, column: 53, endLine: 3, endColumn: 54, message: 'invalid value "0" in "keepalive" directive' },
      ],
    },
    {
      name: 'duplicates in one block, including one inside an if',
      code: lines(
        'http {',
        '    server {',
        '        location / {',
        '            grpc_pass 127.0.0.1:50051;',
        '            grpc_pass 127.0.0.1:50052;',
        '            if ($args) { fastcgi_pass 127.0.0.1:9000; fastcgi_pass 127.0.0.1:9001; }',
        '        }',
        '    }',
        '}',
      ),
      errors: [
        { messageId: 'duplicate', line: 5, column: 13, endLine: 5, endColumn: 22, message: '"grpc_pass" directive is duplicate' },
        { messageId: 'duplicate', line: 6, column: 55, endLine: 6, endColumn: 67, message: '"fastcgi_pass" directive is duplicate' },
      ],
    },
    {
      name: 'a malformed first occurrence makes no duplicate',
      code: lines('http {', '    server {', '        location / {', '            proxy_buffers 8;', '            proxy_buffers 8 8k;', '        }', '    }', '}'),
      errors: [{ messageId: 'argCount', line: 4, column: 13, endLine: 4, endColumn: 26 }],
    },
    {
      name: 'after a malformed first occurrence, the third is the duplicate, and so is every later one',
      code: lines(
        'http {',
        '    server {',
        '        location / {',
        '            proxy_buffers 8;',
        '            proxy_buffers 8 8k;',
        '            proxy_buffers 16 8k;',
        '            proxy_buffers 32 8k;',
        '        }',
        '    }',
        '}',
      ),
      errors: [
        { messageId: 'argCount', line: 4, column: 13, endLine: 4, endColumn: 26 },
        { messageId: 'duplicate', line: 6, column: 13, endLine: 6, endColumn: 26 },
        { messageId: 'duplicate', line: 7, column: 13, endLine: 7, endColumn: 26 },
      ],
    },
    {
      name: 'a duplicate and a bad flag in an included location snippet',
      files: {
        'nginx.conf': lines('events {}', 'http {', '    server {', '        location / {', '            proxy_read_timeout 30s;', '            include snippets/proxy.conf;', '        }', '    }', '}'),
        'snippets/proxy.conf': lines('proxy_read_timeout 60s;', 'proxy_buffering maybe;'),
      },
      errors: [
        { messageId: 'duplicate', line: 1, column: 1, endLine: 1, endColumn: 19, file: 'snippets/proxy.conf', message: '"proxy_read_timeout" directive is duplicate' },
        { messageId: 'invalidFlag', line: 2, column: 17, endLine: 2, endColumn: 22, file: 'snippets/proxy.conf' },
      ],
    },
    {
      name: 'bad listen addresses',
      code: lines('http {', '    server {', '        listen 127.0.0.1:99999;', '        listen [zz]:80;', '        listen 0;', '    }', '}'),
      errors: [
        { messageId: 'listenAddress', line: 3, column: 16, endLine: 3, endColumn: 31, message: 'invalid port in "127.0.0.1:99999" of the "listen" directive' },
        { messageId: 'listenAddress', line: 4, column: 16, endLine: 4, endColumn: 23, message: 'invalid IPv6 address in "[zz]:80" of the "listen" directive' },
        { messageId: 'listenAddress', line: 5, column: 16, endLine: 5, endColumn: 17, message: 'invalid port in "0" of the "listen" directive' },
      ],
    },
    {
      name: 'a stream server',
      code: lines('stream {', '    server {', '        listen 127.0.0.1:5432;', '        proxy_pass 10.0.0.1:5432;', '        proxy_timeout 10x;', '        proxy_next_upstream maybe;', '    }', '}'),
      errors: [
        { messageId: 'invalidValue', line: 5, column: 23, endLine: 5, endColumn: 26, message: '"proxy_timeout" directive invalid value' },
        { messageId: 'invalidFlag', line: 6, column: 29, endLine: 6, endColumn: 34 },
      ],
    },
    {
      name: 'the parameters of the brief: listen, upstream server and if, each on its argument',
      code: lines(
        'events {}',
        'http {',
        '    upstream app { server 127.0.0.1:8000 weight=0; }',
        '    server {',
        '        listen 80 x0;',
        '        location / {',
        '            if ($a $b $c) { return 404; }',
        '            proxy_pass http://app;',
        '        }',
        '    }',
        '}',
      ),
      errors: [
        { messageId: 'invalidParameter', line: 3, column: 42, endLine: 3, endColumn: 50, message: 'invalid parameter "weight=0"' },
        { messageId: 'invalidParameter', line: 5, column: 19, endLine: 5, endColumn: 21, message: 'invalid parameter "x0"' },
        { messageId: 'unexpectedInCondition', line: 7, column: 20, endLine: 7, endColumn: 22, message: 'unexpected "$b" in condition' },
      ],
    },
    {
      name: 'a bad listen address is reported before its parameters, and only the first bad parameter',
      code: lines('listen 127.0.0.1:99999 x0;', 'listen 127.0.0.1:8080 backlog=511 backlog=0 x0;', 'listen [::1]:8080 ipv6only=ox;', 'listen 8081 so_keepalive=0:0:0;'),
      rootContext: 'server',
      errors: [
        { messageId: 'listenAddress', line: 1, column: 8, endLine: 1, endColumn: 23 },
        { messageId: 'invalidParameterValue', line: 2, column: 35, endLine: 2, endColumn: 44, message: 'invalid backlog "backlog=0"' },
        { messageId: 'invalidIpv6only', line: 3, column: 19, endLine: 3, endColumn: 30, message: 'invalid ipv6only flags "ox"' },
        { messageId: 'invalidSoKeepalive', line: 4, column: 13, endLine: 4, endColumn: 31, message: 'invalid so_keepalive value: "0:0:0"' },
      ],
    },
    {
      name: 'quic before 1.25.0 and resolve before 1.27.3 name the version',
      code: lines('http {', '    upstream app { zone app 64k; server app.internal:8080 resolve; }', '    server { listen 443 quic; location / { proxy_pass http://app; } }', '}'),
      nginxVersion: '1.24.0',
      errors: [
        { messageId: 'parameterTooNew', line: 2, column: 59, endLine: 2, endColumn: 66, message: 'invalid parameter "resolve": nginx accepts it since 1.27.3, the target is 1.24.0' },
        { messageId: 'parameterTooNew', line: 3, column: 25, endLine: 3, endColumn: 29, message: 'invalid parameter "quic": nginx accepts it since 1.25.0, the target is 1.24.0' },
      ],
    },
    {
      name: 'a bad upstream server parameter in an included file',
      files: {
        'nginx.conf': lines('events {}', 'http {', '    upstream app {', '        hash $request_uri;', '        include upstreams/app.conf;', '    }', '}'),
        'upstreams/app.conf': lines('server 127.0.0.1:8000 max_fails=3;', 'server 127.0.0.1:8001 backup;', 'server 127.0.0.1:8002 fail_timeout=1.5s;'),
      },
      errors: [
        { messageId: 'balancingMethod', line: 2, column: 23, endLine: 2, endColumn: 29, file: 'upstreams/app.conf', message: 'balancing method does not support parameter "backup"' },
        { messageId: 'invalidParameter', line: 3, column: 23, endLine: 3, endColumn: 40, file: 'upstreams/app.conf', message: 'invalid parameter "fail_timeout=1.5s"' },
      ],
    },
    {
      name: 'stream listen uses the older wording, and refuses TCP parameters next to udp',
      code: lines(
        'stream {',
        '    upstream db { server 127.0.0.1:5432 weight=x; }',
        '    server { listen 127.0.0.1:15432 http2; proxy_pass db; }',
        '    server { listen 127.0.0.1:15353 proxy_protocol udp; proxy_pass 127.0.0.1:53; }',
        '}',
      ),
      errors: [
        { messageId: 'invalidParameter', line: 2, column: 41, endLine: 2, endColumn: 49, message: 'invalid parameter "weight=x"' },
        { messageId: 'theInvalidParameter', line: 3, column: 37, endLine: 3, endColumn: 42, message: 'the invalid "http2" parameter' },
        { messageId: 'incompatibleWithUdp', line: 4, column: 37, endLine: 4, endColumn: 51, message: '"listen" directive "proxy_protocol" parameter is incompatible with "udp"' },
      ],
    },
    {
      name: 'malformed if conditions',
      code: lines('if ($a == b) { return 404; }', 'if (-F $a) { return 404; }', 'if ($a = b c) { return 404; }', 'if $a { return 404; }', 'if (foo) { return 404; }', 'if ( ) { return 404; }'),
      rootContext: 'location',
      errors: [
        { messageId: 'unexpectedInCondition', line: 1, column: 8, endLine: 1, endColumn: 10, message: 'unexpected "==" in condition' },
        { messageId: 'invalidCondition', line: 2, column: 4, endLine: 2, endColumn: 7, message: 'invalid condition "-F"' },
        { messageId: 'invalidCondition', line: 3, column: 4, endLine: 3, endColumn: 7, message: 'invalid condition "$a"' },
        { messageId: 'invalidCondition', line: 4, column: 4, endLine: 4, endColumn: 6, message: 'invalid condition "$a"' },
        { messageId: 'invalidCondition', line: 5, column: 4, endLine: 5, endColumn: 9, message: 'invalid condition "foo"' },
        { messageId: 'invalidCondition', line: 6, column: 6, endLine: 6, endColumn: 7, message: 'invalid condition ")"' },
      ],
    },
    {
      name: 'a directive newer than the verified build is checked from its documented syntax',
      code: lines('tunnel_read_timeout 1.5s;', 'proxy_read_timeout 30s;'),
      rootContext: 'location',
      errors: [{ messageId: 'invalidValue', line: 1, column: 21, endLine: 1, endColumn: 25, message: '"tunnel_read_timeout" directive invalid value' }],
    },
  ],
});

describe('argument kinds', () => {
  it('derives kinds only from unambiguous syntax', () => {
    expect(deriveKinds(['on | off'])).toEqual(['flag']);
    expect(deriveKinds(['number size'])).toEqual(['number', 'offset']);
    expect(deriveKinds(['connections [local]'])).toEqual(['number', undefined]);
    expect(deriveKinds(['timeout [header_timeout]'])).toEqual(['time', 'time']);
    expect(deriveKinds(['number | auto'])).toEqual([]);
    expect(deriveKinds(['[code …] time'])).toEqual([]);
    expect(deriveKinds(['size', 'off'])).toEqual([]);
    expect(deriveKinds(['string …'])).toEqual([undefined]);
  });
  it('uses what nginx 1.22.1 does where it differs from the syntax', () => {
    const variant = (name: string, family: string) => getDirective(name)?.variants.find((v) => v.family === family) as DirectiveVariant;
    // documented as "size", read by ngx_conf_set_num_slot
    expect(argumentChecks('types_hash_max_size', variant('types_hash_max_size', 'http'))).toEqual([{ kind: 'number', message: 'number' }]);
    // the obsolete http2 directives accept anything
    expect(argumentChecks('http2_idle_timeout', variant('http2_idle_timeout', 'http'))).toEqual([]);
    // the http proxy_next_upstream is a list, the stream one a flag
    expect(argumentChecks('proxy_next_upstream', variant('proxy_next_upstream', 'http'))).toEqual([]);
    expect(argumentChecks('proxy_next_upstream', variant('proxy_next_upstream', 'stream'))).toEqual([{ kind: 'flag', message: 'flag' }]);
    // not in nginx 1.22.1: read from the documented syntax
    expect(argumentChecks('tunnel_read_timeout', variant('tunnel_read_timeout', 'http'))).toEqual([{ kind: 'time', message: 'value' }]);
  });
  it('parses values like nginx', () => {
    expect(isValid('size', '1g')).toBe(false);
    expect(isValid('offset', '1g')).toBe(true);
    expect(isValid('msec', '1y')).toBe(false);
    expect(isValid('sec', '1y')).toBe(true);
    expect(isValid('sec', '500ms')).toBe(false);
    expect(isValid('time', '500ms')).toBe(true);
    expect(isValid('signed', '-5')).toBe(true);
    expect(isValid('signed', '+5')).toBe(true);
    expect(isValid('number', '-5')).toBe(false);
    expect(isValid('count', '0')).toBe(false);
    expect(isValid('bufsize', '0')).toBe(false);
    expect(isValid('flag', 'OFF')).toBe(true);
  });
});

describe('if conditions', () => {
  it('quotes the argument as nginx does, without the parentheses it stripped', () => {
    expect(conditionProblem(['()'])).toEqual({ kind: 'invalid', index: 0, token: ')' });
    expect(conditionProblem(['($)'])).toEqual({ kind: 'invalid', index: 0, token: '$' });
    expect(conditionProblem(['(', '-f)'])).toEqual({ kind: 'invalid', index: 1, token: '-f' });
    expect(conditionProblem(['(!', '-f', '$a)'])).toEqual({ kind: 'invalid', index: 0, token: '!' });
    expect(conditionProblem(['($a', '=', ')'])).toEqual({ kind: 'invalid', index: 0, token: '$a' });
    expect(conditionProblem(['($a', '=~', 'b)'])).toEqual({ kind: 'unexpected', index: 1, token: '=~' });
    expect(conditionProblem(['($a', '!~*', 'b', ')'])).toBeUndefined();
  });
});

/**
 * The oracle: each config below is refused by the real `nginx -t` (Debian's 1.22.1, stream and mail loaded
 * as its dynamic modules) with exactly the message our rule reports, on the same line; the accepted ones
 * pass both.
 */
const STREAM = 'load_module /usr/lib/nginx/modules/ngx_stream_module.so;\n';
const MAIL = 'load_module /usr/lib/nginx/modules/ngx_mail_module.so;\n';
const httpListen = (params: string): string => lines('events {}', 'http {', '    server {', `        listen 127.0.0.1:18601 ${params};`, '        return 204;', '    }', '}');
const streamListen = (params: string): string =>
  STREAM + lines('events {}', 'stream {', '    server {', `        listen 127.0.0.1:18602 ${params};`, '        proxy_pass 127.0.0.1:18603;', '    }', '}');
const mailListen = (params: string): string =>
  MAIL + lines('events {}', 'mail {', '    server {', `        listen 127.0.0.1:18604 ${params};`, '        protocol smtp;', '        auth_http 127.0.0.1:18605;', '    }', '}');
const httpUpstream = (body: string): string =>
  lines('events {}', 'http {', '    upstream u {', `        ${body}`, '    }', '    server {', '        listen 127.0.0.1:18606;', '        location / { proxy_pass http://u; }', '    }', '}');
const streamUpstream = (body: string): string =>
  STREAM + lines('events {}', 'stream {', '    upstream u {', `        ${body}`, '    }', '    server {', '        listen 127.0.0.1:18607;', '        proxy_pass u;', '    }', '}');
const condition = (cond: string): string =>
  lines('events {}', 'http {', '    server {', '        listen 127.0.0.1:18608;', '        set $a 1;', '        set $b 2;', '        set $c 3;', `        location / { if ${cond} { return 404; } }`, '    }', '}');

const REFUSED: readonly (readonly [string, string])[] = [
  [httpListen('x0'), 'invalid parameter "x0"'],
  [httpListen('default_server SSL'), 'invalid parameter "SSL"'],
  [httpListen('ssl=on'), 'invalid parameter "ssl=on"'],
  [httpListen('spdy'), 'invalid parameter "spdy"'],
  [httpListen('http3'), 'invalid parameter "http3"'],
  [httpListen('udp'), 'invalid parameter "udp"'],
  [httpListen('backlog=511 backlog=0'), 'invalid backlog "backlog=0"'],
  [httpListen('backlog=-1'), 'invalid backlog "backlog=-1"'],
  [httpListen('rcvbuf=1g'), 'invalid rcvbuf "rcvbuf=1g"'],
  [httpListen('sndbuf='), 'invalid sndbuf "sndbuf="'],
  [httpListen('fastopen=x'), 'invalid fastopen "fastopen=x"'],
  [httpListen('ipv6only=yes'), 'invalid parameter "ipv6only=yes"'],
  [httpListen('ipv6only=ox'), 'invalid ipv6only flags "ox"'],
  [httpListen('so_keepalive=yes'), 'invalid so_keepalive value: "yes"'],
  [httpListen('so_keepalive=::'), 'invalid so_keepalive value: "::"'],
  [httpListen('so_keepalive=1:2:3:4'), 'invalid so_keepalive value: "1:2:3:4"'],
  [httpListen('so_keepalive=1.5s'), 'invalid so_keepalive value: "1.5s"'],
  [streamListen('x0'), 'the invalid "x0" parameter'],
  [streamListen('http2'), 'the invalid "http2" parameter'],
  [streamListen('backlog=0'), 'invalid backlog "backlog=0"'],
  [streamListen('so_keepalive=x'), 'invalid so_keepalive value: "x"'],
  [streamListen('fastopen=1 proxy_protocol so_keepalive=off ssl backlog=5 udp'), '"listen" directive "backlog" parameter is incompatible with "udp"'],
  [streamListen('fastopen=1 proxy_protocol so_keepalive=off udp'), '"listen" directive "so_keepalive" parameter is incompatible with "udp"'],
  [streamListen('udp fastopen=1'), '"listen" directive "fastopen" parameter is incompatible with "udp"'],
  [streamListen('udp backlog=x'), 'invalid backlog "backlog=x"'],
  [mailListen('reuseport'), 'the invalid "reuseport" parameter'],
  [mailListen('fastopen=1'), 'the invalid "fastopen=1" parameter'],
  [mailListen('rcvbuf=x'), 'invalid rcvbuf "rcvbuf=x"'],
  [httpUpstream('server 127.0.0.1:18609 weight=0;'), 'invalid parameter "weight=0"'],
  [httpUpstream('server 127.0.0.1:99999 weight=x;'), 'invalid parameter "weight=x"'],
  [httpUpstream('server 127.0.0.1:18609 max_fails=3 max_conns=-1;'), 'invalid parameter "max_conns=-1"'],
  [httpUpstream('server 127.0.0.1:18609 fail_timeout=500ms;'), 'invalid parameter "fail_timeout=500ms"'],
  [httpUpstream('server 127.0.0.1:18609 Backup;'), 'invalid parameter "Backup"'],
  [httpUpstream('server 127.0.0.1:18609 backup=1;'), 'invalid parameter "backup=1"'],
  [httpUpstream('ip_hash; server 127.0.0.1:18609 backup;'), 'balancing method does not support parameter "backup"'],
  [httpUpstream('random; server 127.0.0.1:18609 backup;'), 'balancing method does not support parameter "backup"'],
  [streamUpstream('server 127.0.0.1:18610 fail_timeout=x;'), 'invalid parameter "fail_timeout=x"'],
  [streamUpstream('hash $remote_addr; server 127.0.0.1:18610 backup;'), 'balancing method does not support parameter "backup"'],
  [condition('($a $b $c)'), 'unexpected "$b" in condition'],
  [condition('($a == b)'), 'unexpected "==" in condition'],
  [condition('($a ! b)'), 'unexpected "!" in condition'],
  [condition('($a = b c)'), 'invalid condition "$a"'],
  [condition('($a = )'), 'invalid condition "$a"'],
  [condition('(-F $a)'), 'invalid condition "-F"'],
  [condition('(-fx $a)'), 'invalid condition "-fx"'],
  [condition('(-f $a $b)'), 'invalid condition "-f"'],
  [condition('(! -f $a)'), 'invalid condition "!"'],
  [condition('(!$a)'), 'invalid condition "!$a"'],
  [condition('$a'), 'invalid condition "$a"'],
  [condition('($a'), 'invalid condition "$a"'],
  [condition('(foo)'), 'invalid condition "foo"'],
  [condition('()'), 'invalid condition ")"'],
  [condition('( )'), 'invalid condition ")"'],
  [condition('("$a" = b)'), 'invalid condition ""$a""'],
];

const ACCEPTED: readonly string[] = [
  httpListen('default_server default backlog=511 rcvbuf=16K sndbuf=1m fastopen=0 deferred bind reuseport so_keepalive=30m::10 proxy_protocol'),
  httpListen('ipv6only=on so_keepalive=1h30m:'),
  httpListen('accept_filter=dataready'),
  streamListen('bind backlog=10 proxy_protocol fastopen=3 so_keepalive=on reuseport'),
  streamListen('udp reuseport rcvbuf=1m sndbuf=1m'),
  mailListen('bind backlog=10 rcvbuf=1m sndbuf=1m so_keepalive=on proxy_protocol'),
  httpUpstream('least_conn; server 127.0.0.1:18609 weight=5 max_fails=0 fail_timeout=1y max_conns=0; server 127.0.0.1:18611 backup; server 127.0.0.1:18612 down;'),
  httpUpstream('hash $request_uri; server 127.0.0.1:18609 weight=2 down;'),
  streamUpstream('server 127.0.0.1:18610 weight=5 max_fails=0 fail_timeout=10s max_conns=0 down; server 127.0.0.1:18613;'),
  condition('($a)'),
  condition('( $a )'),
  condition('($a != "b c" )'),
  condition('($a !~* b)'),
  condition('( !-x $a )'),
  condition('(-e $a )'),
];

const skip = nginxSkipReason();
const dirs: string[] = [];
afterAll(() => dirs.forEach(removeDir));

describe.skipIf(skip !== undefined)(`parameters and conditions against nginx -t${skip ? ` (skipped: ${skip})` : ''}`, () => {
  // pinned: the oracle is nginx 1.22.1
  const ours = (conf: string) => lintCase(rule, { code: conf, nginxVersion: '1.22.1' }).map((f) => `${f.start.line}: ${f.message}`);
  for (const [conf, message] of REFUSED) {
    it(`refuses with: ${message}`, () => {
      const nginx = nginxTest({ 'nginx.conf': conf });
      dirs.push(nginx.dir);
      expect(nginx.message, nginx.output).toBe(message);
      expect(ours(conf)).toEqual([`${nginx.line}: ${message}`]);
    });
  }
  for (const conf of ACCEPTED) {
    it(`accepts: ${conf.split('\n').find((l) => /listen 127.0.0.1:1860[124] |server 127|if /.test(l))?.trim()}`, () => {
      const nginx = nginxTest({ 'nginx.conf': conf });
      dirs.push(nginx.dir);
      expect(nginx.ok, nginx.output).toBe(true);
      expect(ours(conf)).toEqual([]);
    });
  }
});
