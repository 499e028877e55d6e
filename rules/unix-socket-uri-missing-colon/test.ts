import rule from './index.js';
import { runRuleTests } from '../../test/harness/rule-tester.js';

const loc = (body: string) => `events {}\nhttp {\n    server {\n        location / {\n${body}\n        }\n    }\n}\n`;

runRuleTests(rule, {
  valid: [
    loc('            proxy_pass http://unix:/run/app.sock:/api/;'),
    { name: 'a socket with no URI', code: loc('            proxy_pass http://unix:/run/app.sock;') },
    { name: 'a socket in a directory with a dot', code: loc('            proxy_pass http://unix:/run/app.d/gunicorn.sock;') },
    { name: 'fastcgi to a socket', code: loc('            fastcgi_pass unix:/run/php/php8.2-fpm.sock;') },
    { name: 'a TCP target with a .sock-looking URI', code: loc('            proxy_pass http://127.0.0.1:8080/app.sock/x;') },
  ],
  invalid: [
    {
      name: 'the URI glued to the socket path',
      code: loc('            proxy_pass http://unix:/run/app.sock/api;'),
      output: loc('            proxy_pass http://unix:/run/app.sock:/api;'),
      errors: [
        {
          messageId: 'missingColon',
          line: 5,
          column: 24,
          endLine: 5,
          endColumn: 53,
          message:
            'the socket path "/run/app.sock/api" continues past "/run/app.sock": nginx connects to "unix:/run/app.sock/api", which does not exist, and answers 502 ("connect() to unix:/run/app.sock/api failed (20: Not a directory)", or "(2: No such file or directory)" when the socket is missing too); end the socket path with ":" as in "unix:/run/app.sock:/api"',
        },
      ],
    },
    {
      name: 'quoted, with variables, in an included snippet',
      files: { 'nginx.conf': loc('            include snippets/app.conf;'), 'snippets/app.conf': 'proxy_pass "http://unix:/var/run/gunicorn.socket/app$request_uri";\n' },
      output: { 'snippets/app.conf': 'proxy_pass "http://unix:/var/run/gunicorn.socket:/app$request_uri";\n' },
      errors: [{ messageId: 'missingColon', line: 1, column: 12, endLine: 1, endColumn: 66, file: 'snippets/app.conf' }],
    },
    {
      name: 'uwsgi_pass takes no URI: reported without a fix',
      code: loc('            uwsgi_pass unix:/run/uwsgi/app.sock/app;'),
      output: null,
      errors: [{ messageId: 'pathPastSocket', line: 5, column: 24, endLine: 5, endColumn: 52 }],
    },
  ],
});
