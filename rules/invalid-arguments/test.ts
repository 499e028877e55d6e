import { describe, expect, it } from 'vitest';
import rule from './index.js';
import { argumentChecks, deriveKinds, isValid } from './kinds.js';
import { runRuleTests } from '../../test/harness/rule-tester.js';
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
