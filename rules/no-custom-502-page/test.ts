import rule from './index.js';
import { runRuleTests } from '../../test/harness/rule-tester.js';

const http = (body: string): string => `events {}\nhttp {\n${body}}\n`;
const PASS = '            proxy_pass http://127.0.0.1:8080;\n';
/** http > server (line 3, listen on line 4) > location / (line 5) holding `inner` from line 6 on. */
const site = (inner: string, serverBody = '', httpBody = ''): string =>
  http(`${httpBody}    server {\n        listen 127.0.0.1:18080;\n${serverBody}        location / {\n${inner}        }\n    }\n`);
const LOCATION = '        location = /50x.html { internal; root /usr/share/nginx/html; }\n';

runRuleTests(rule, {
  valid: [
    { name: 'a server without a pass', code: site('            return 204;\n') },
    { name: 'server-level error_page for 502', code: site(PASS, '        error_page 502 503 504 /50x.html;\n') },
    { name: 'http-level error_page is inherited', code: site(PASS, '', '    error_page 502 /50x.html;\n') },
    { name: 'error_page with a response code', code: site('            error_page 500 502 =503 @maint;\n' + PASS) },
    { name: 'the stream module\'s proxy_pass', code: 'events {}\nstream {\n    server {\n        listen 127.0.0.1:18081;\n        proxy_pass 127.0.0.1:5432;\n    }\n}\n' },
    {
      name: 'error_page from an included snippet',
      files: { 'nginx.conf': site(PASS, '        include snippets/errors.conf;\n'), 'snippets/errors.conf': 'error_page 502 /50x.html;\n' },
    },
  ],
  invalid: [
    {
      name: 'no error_page anywhere: the fix adds the page and its location to the server',
      code: site(PASS),
      output: http(
        `    server {\n        listen 127.0.0.1:18080;\n        error_page 502 503 504 /50x.html;\n${LOCATION}        location / {\n${PASS}        }\n    }\n`,
      ),
      unsafe: true,
      errors: [
        {
          messageId: 'noPage',
          line: 6,
          column: 13,
          endLine: 6,
          endColumn: 46,
          message:
            '"proxy_pass http://127.0.0.1:8080" has no error_page for 502 in effect: when the backend is down or fails, clients get nginx\'s stock "502 Bad Gateway" page',
        },
      ],
    },
    {
      name: 'a location with its own error_page 404 loses the server\'s 502 page',
      code: site('            error_page 404 /404.html;\n' + PASS, '        error_page 502 /50x.html;\n' + LOCATION),
      output: site('            error_page 404 /404.html;\n            error_page 502 503 504 /50x.html;\n' + PASS, '        error_page 502 /50x.html;\n' + LOCATION),
      unsafe: true,
      errors: [
        {
          messageId: 'noPage',
          line: 9,
          column: 13,
          endLine: 9,
          endColumn: 46,
          message:
            '"proxy_pass http://127.0.0.1:8080" has no error_page for 502 in effect (its own error_page lines replace the inherited "error_page 502 /50x.html": nginx inherits error_page only into levels that define none): when the backend is down or fails, clients get nginx\'s stock "502 Bad Gateway" page',
        },
      ],
    },
    {
      name: 'a server with its own error_page 404 loses the http-level 502 page: the fix keeps the 404 line',
      code: site(PASS, '        error_page 404 /404.html;\n', '    error_page 502 /50x.html;\n'),
      output: http(
        `    error_page 502 /50x.html;\n    server {\n        listen 127.0.0.1:18080;\n        error_page 404 /404.html;\n        error_page 502 503 504 /50x.html;\n${LOCATION}        location / {\n${PASS}        }\n    }\n`,
      ),
      unsafe: true,
      errors: [{ messageId: 'noPage', line: 8, column: 13, endLine: 8, endColumn: 46 }],
    },
    {
      name: 'http-level error_page 404 only: the server copies it, then adds the 502 page',
      code: site(PASS, '', '    error_page 404 /404.html;\n'),
      output: http(
        `    error_page 404 /404.html;\n    server {\n        listen 127.0.0.1:18080;\n        error_page 404 /404.html;\n        error_page 502 503 504 /50x.html;\n${LOCATION}        location / {\n${PASS}        }\n    }\n`,
      ),
      unsafe: true,
      errors: [{ messageId: 'noPage', line: 7, column: 13, endLine: 7, endColumn: 46 }],
    },
    {
      name: 'two locations in one server: one finding, the other related; an existing /50x.html location is kept',
      code: http(
        `    server {\n        listen 127.0.0.1:18080;\n${LOCATION}        location / {\n${PASS}        }\n        location ~ \\.php$ {\n            fastcgi_pass unix:/run/php/php8.2-fpm.sock;\n        }\n    }\n`,
      ),
      output: http(
        `    server {\n        listen 127.0.0.1:18080;\n        error_page 502 503 504 /50x.html;\n${LOCATION}        location / {\n${PASS}        }\n        location ~ \\.php$ {\n            fastcgi_pass unix:/run/php/php8.2-fpm.sock;\n        }\n    }\n`,
      ),
      unsafe: true,
      errors: [{ messageId: 'noPage', line: 7, column: 13, endLine: 7, endColumn: 46 }],
    },
    {
      name: 'a pass in an included file',
      files: { 'nginx.conf': site('            include snippets/app.conf;\n'), 'snippets/app.conf': 'proxy_pass http://127.0.0.1:8080;\n' },
      errors: [{ messageId: 'noPage', line: 1, column: 1, endLine: 1, endColumn: 34, file: 'snippets/app.conf' }],
    },
  ],
});
