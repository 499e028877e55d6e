import rule from './index.js';
import { runRuleTests } from '../../test/harness/rule-tester.js';

const http = (body: string) => `events {}\nhttp {\n${body}\n}\n`;
const REALIP = '    set_real_ip_from 10.0.0.0/8;\n    real_ip_header X-Forwarded-For;\n';
const SERVER = '    server {\n        listen 80;\n        location / { return 204; }\n    }';

runRuleTests(rule, {
  valid: [
    { name: "behind a balancer with nginx's default 75s", code: http(REALIP + SERVER) },
    { name: 'behind a balancer with 65s', code: http(`${REALIP}    keepalive_timeout 65;\n${SERVER}`) },
    { name: 'exactly the balancer idle timeout', code: http(`${REALIP}    keepalive_timeout 60s;\n${SERVER}`) },
    { name: 'a short timeout with no sign of a balancer', code: http(`    keepalive_timeout 5s;\n${SERVER}`) },
    { name: 'proxy_protocol: an L4 balancer passes client connections through', code: http(`    set_real_ip_from 10.0.0.0/8;\n    real_ip_header proxy_protocol;\n    keepalive_timeout 10s;\n${SERVER}`) },
    {
      name: 'a loopback-only status server: the trusted proxies (10.0.0.0/8) cannot reach it',
      code: http(`${REALIP}    server {\n        listen 127.0.0.1:18080;\n        keepalive_timeout 0;\n        location /nginx_status { stub_status; }\n    }`),
    },
    {
      name: 'realip only in another server',
      code: http(`    server {\n        listen 80;\n        set_real_ip_from 10.0.0.0/8;\n    }\n    server {\n        listen 81;\n        keepalive_timeout 10s;\n    }`),
    },
    {
      name: 'an http-level short timeout overridden in the only server behind the balancer',
      code: http(`    keepalive_timeout 10s;\n    server {\n        listen 80;\n        set_real_ip_from 10.0.0.0/8;\n        keepalive_timeout 75s;\n    }`),
    },
    { name: 'upstream keepalive_timeout is another directive', code: http(`${REALIP}    upstream app {\n        server 127.0.0.1:8080;\n        keepalive 8;\n        keepalive_timeout 4s;\n    }\n${SERVER}`) },
    { name: 'a higher lbIdleTimeout accepted value', options: { lbIdleTimeout: '30s' }, code: http(`${REALIP}    keepalive_timeout 30s;\n${SERVER}`) },
  ],
  invalid: [
    {
      name: 'http-level realip and a short keepalive_timeout',
      code: http(`${REALIP}    keepalive_timeout 15;\n${SERVER}`),
      output: http(`${REALIP}    keepalive_timeout 75s;\n${SERVER}`),
      errors: [
        {
          messageId: 'belowLbIdle',
          line: 5,
          column: 5,
          endLine: 5,
          endColumn: 26,
          message:
            "keepalive_timeout 15 is below the idle timeout of the load balancer in front of nginx (60s, as set_real_ip_from/real_ip_header suggest): nginx closes idle connections the balancer still reuses, and the balancer answers 502 with nothing in nginx's error log",
        },
      ],
    },
    {
      name: 'the header timeout argument is kept; realip in the server, timeout inherited from http',
      code: http(`    keepalive_timeout 20s 20s;\n    server {\n        listen 443 ssl;\n        real_ip_header X-Forwarded-For;\n    }`),
      output: http(`    keepalive_timeout 75s 20s;\n    server {\n        listen 443 ssl;\n        real_ip_header X-Forwarded-For;\n    }`),
      errors: [{ messageId: 'belowLbIdle', line: 3, column: 5, endLine: 3, endColumn: 31 }],
    },
    {
      name: 'keepalive_timeout 0 in a location behind a balancer',
      code: http(`${REALIP}    server {\n        listen 80;\n        location /api/ {\n            keepalive_timeout 0;\n            proxy_pass http://127.0.0.1:8080;\n        }\n    }`),
      output: http(`${REALIP}    server {\n        listen 80;\n        location /api/ {\n            keepalive_timeout 75s;\n            proxy_pass http://127.0.0.1:8080;\n        }\n    }`),
      errors: [
        {
          messageId: 'keepaliveDisabled',
          line: 8,
          column: 13,
          endLine: 8,
          endColumn: 33,
          message:
            "keepalive_timeout 0 turns client keep-alive off behind a load balancer (as set_real_ip_from/real_ip_header suggest): the balancer opens a new connection to nginx for every request; turn keep-alive on with a timeout above the balancer's idle timeout (60s) instead",
        },
      ],
    },
    {
      name: 'from an included server file, with lbIdleTimeout 120s',
      options: { lbIdleTimeout: '2m' },
      files: {
        'nginx.conf': http(`${REALIP}    include sites/*.conf;`),
        'sites/app.conf': 'server {\n    listen 80;\n    keepalive_timeout 90s;\n}\n',
      },
      output: { 'sites/app.conf': 'server {\n    listen 80;\n    keepalive_timeout 125s;\n}\n' },
      errors: [{ messageId: 'belowLbIdle', line: 3, column: 5, endLine: 3, endColumn: 27, file: 'sites/app.conf' }],
    },
    {
      name: 'a loopback-only server behind a proxy on the same host (set_real_ip_from 127.0.0.1)',
      code: http(`    server {\n        listen 127.0.0.1:8080;\n        set_real_ip_from 127.0.0.1;\n        keepalive_timeout 30s;\n    }`),
      output: http(`    server {\n        listen 127.0.0.1:8080;\n        set_real_ip_from 127.0.0.1;\n        keepalive_timeout 75s;\n    }`),
      errors: [{ messageId: 'belowLbIdle', line: 6, column: 9, endLine: 6, endColumn: 31 }],
    },
    {
      name: 'an http-level snippet with no server in view',
      rootContext: 'http',
      code: 'set_real_ip_from 192.168.0.0/16;\nkeepalive_timeout 5;\n',
      errors: [{ messageId: 'belowLbIdle', line: 2, column: 1, endLine: 2, endColumn: 21 }],
    },
  ],
});
