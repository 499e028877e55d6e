import { describe, expect, it } from 'vitest';
import rule from './index.js';
import { lintCase, runRuleTests } from '../../test/harness/rule-tester.js';

/** A main config: `events {}`, `http {` on line 2, the body from line 3, then `}`. */
const http = (body: string): string => `events {}\nhttp {\n${body}}\n`;

/** http > server (line 3) > `location` (line 5) holding `inner` from line 6 on. */
const site = (inner: string, httpBody = '', location = 'location /'): string =>
  http(`${httpBody}    server {\n        listen 127.0.0.1:18080;\n        ${location} {\n${inner}        }\n    }\n`);

const PROXY = '            proxy_pass http://127.0.0.1:8080;\n';

runRuleTests(rule, {
  valid: [
    { name: 'no explicit timeout (the 60s default)', code: site(PROXY) },
    { name: 'exactly 10s', code: site(`            proxy_read_timeout 10s;\n${PROXY}`) },
    { name: 'bare seconds above the minimum', code: site(`            proxy_read_timeout 30;\n${PROXY}`) },
    { name: 'a health check location', code: site(`            proxy_read_timeout 2s;\n${PROXY}`, '', 'location = /healthz') },
    { name: 'status, ping and metrics locations', code: http(`    proxy_read_timeout 3s;\n    server {\n        location /nginx_status { proxy_pass http://127.0.0.1:8080; }\n        location = /api/ping { proxy_pass http://127.0.0.1:8080; }\n        location /metrics { proxy_pass http://127.0.0.1:9100; }\n        location /health-check/ { proxy_pass http://127.0.0.1:8080; }\n    }\n`) },
    { name: 'a static-file location', code: site(`            proxy_read_timeout 5s;\n${PROXY}`, '', 'location ~* \\.(css|js|png|woff2)$') },
    { name: 'an internal auth subrequest location', code: site(`            internal;\n            proxy_read_timeout 3s;\n${PROXY}`, '', 'location = /_auth') },
    {
      name: 'a short http-level value that the application location overrides',
      code: site(`            proxy_read_timeout 60s;\n${PROXY}`, '    proxy_read_timeout 5s;\n'),
    },
    { name: 'the proxy timeout does not apply to fastcgi_pass', code: site('            proxy_read_timeout 5s;\n            fastcgi_pass 127.0.0.1:9000;\n') },
    { name: 'no pass in view (a proxy_params-style snippet)', code: 'proxy_set_header Host $host;\nproxy_read_timeout 5s;\n', rootContext: 'location' },
    { name: 'memcached lookups may be short', code: site('            memcached_read_timeout 1s;\n            memcached_pass 127.0.0.1:11211;\n') },
    { name: 'minSeconds 3 accepts 5s', code: site(`            proxy_read_timeout 5s;\n${PROXY}`), options: { minSeconds: 3 } },
    { name: 'ignoreLocations with a custom word', code: site(`            proxy_read_timeout 5s;\n${PROXY}`, '', 'location /probe/'), options: { ignoreLocations: ['probe'] } },
    { name: 'an invalid value is invalid-arguments\' finding', code: site(`            proxy_read_timeout 5 seconds;\n${PROXY}`) },
  ],
  invalid: [
    {
      name: 'proxy_read_timeout 5s in the location: a suggestion, never applied',
      code: site(`            proxy_read_timeout 5s;\n${PROXY}`),
      output: null,
      errors: [
        {
          messageId: 'tooShort',
          line: 6,
          column: 13,
          endLine: 6,
          endColumn: 35,
          message:
            '"proxy_read_timeout 5s" gives the application behind "proxy_pass http://127.0.0.1:8080" only 5s to start its response (under 10s): every slower request ends in "upstream timed out (110: Connection timed out) while reading response header from upstream" and a 504',
        },
      ],
    },
    {
      name: 'fastcgi at server level, reported once for the PHP location (not the status page)',
      code: http(
        '    server {\n        fastcgi_read_timeout 3;\n        location ~ ^/(status|ping)$ { fastcgi_pass unix:/run/php/php8.2-fpm.sock; }\n        location ~ \\.php$ { fastcgi_pass unix:/run/php/php8.2-fpm.sock; }\n        location /index.php { fastcgi_pass unix:/run/php/php8.2-fpm.sock; }\n    }\n',
      ),
      errors: [{ messageId: 'tooShort', line: 4, column: 9, endLine: 4, endColumn: 32 }],
    },
    {
      name: 'uwsgi inherited from http into an if (http > server > location > if)',
      code: site('            if ($request_method = POST) {\n                uwsgi_pass 127.0.0.1:3031;\n            }\n', '    uwsgi_read_timeout 8s;\n'),
      errors: [{ messageId: 'tooShort', line: 3, column: 5, endLine: 3, endColumn: 27 }],
    },
    {
      name: 'grpc in milliseconds',
      code: site('            grpc_read_timeout 500ms;\n            grpc_pass grpc://127.0.0.1:50051;\n'),
      errors: [
        {
          messageId: 'tooShort',
          line: 6,
          column: 13,
          endLine: 6,
          endColumn: 37,
          message:
            '"grpc_read_timeout 500ms" gives the application behind "grpc_pass grpc://127.0.0.1:50051" only 500ms to start its response (under 10s): every slower request ends in "upstream timed out (110: Connection timed out) while reading response header from upstream" and a 504',
        },
      ],
    },
    {
      name: 'scgi in a named location',
      code: site('            scgi_read_timeout 9s;\n            scgi_pass 127.0.0.1:4000;\n', '', 'location @app'),
      errors: [{ messageId: 'tooShort', line: 6, column: 13, endLine: 6, endColumn: 34 }],
    },
    {
      name: 'an included snippet used by two application locations: one finding on the snippet line',
      files: {
        'nginx.conf': http(
          '    server {\n        location /api/ {\n            include proxy_params;\n            proxy_pass http://127.0.0.1:8080;\n        }\n        location / {\n            include proxy_params;\n            proxy_pass http://127.0.0.1:8081;\n        }\n    }\n',
        ),
        proxy_params: 'proxy_set_header Host $host;\nproxy_read_timeout 5;\n',
      },
      errors: [{ messageId: 'tooShort', line: 2, column: 1, endLine: 2, endColumn: 22, file: 'proxy_params' }],
    },
    {
      name: 'a raised minSeconds',
      code: site(`            proxy_read_timeout 30s;\n${PROXY}`),
      options: { minSeconds: 120 },
      errors: [{ messageId: 'tooShort', line: 6, column: 13, endLine: 6, endColumn: 36 }],
    },
  ],
});

describe('upstream-read-timeout-too-short suggestion and related locations', () => {
  it('suggests 60s at the setting directive and names every application location it reaches', () => {
    const code = http(
      '    proxy_read_timeout 5s;\n    server {\n        location /api/ { proxy_pass http://127.0.0.1:8080; }\n        location /healthz { proxy_pass http://127.0.0.1:8080; }\n        location / { proxy_pass http://127.0.0.1:8081; }\n    }\n',
    );
    const [finding, ...rest] = lintCase(rule, { code });
    expect(rest).toEqual([]);
    expect(finding?.start.line).toBe(3);
    expect(finding?.fix?.applicability).toBe('suggestion');
    expect(finding?.fix?.title).toBe('raise proxy_read_timeout to 60s');
    const edit = finding?.fix?.edits[0];
    expect(edit && code.slice(0, edit.start) + edit.text + code.slice(edit.end)).toBe(code.replace('proxy_read_timeout 5s;', 'proxy_read_timeout 60s;'));
    expect(finding?.related.map((r) => `${r.start.line}: ${r.message}`)).toEqual([
      '5: "proxy_pass" to the application here waits at most 5s',
      '7: "proxy_pass" to the application here waits at most 5s',
    ]);
  });
  it('suggests minSeconds when it is above 60s', () => {
    const [finding] = lintCase(rule, { code: site(`            proxy_read_timeout 30s;\n${PROXY}`), options: { minSeconds: 90 } });
    expect(finding?.fix?.title).toBe('raise proxy_read_timeout to 90s');
  });
});
