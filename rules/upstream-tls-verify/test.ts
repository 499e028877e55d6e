import rule from './index.js';
import { runRuleTests } from '../../test/harness/rule-tester.js';

const http = (body: string) => `events {}\nhttp {\n${body}\n}\n`;
const loc = (body: string, outer = '') => http(`${outer}    server {\n        location / {\n${body}\n        }\n    }`);
const CA = '            proxy_ssl_trusted_certificate /etc/nginx/ca.pem;\n';

runRuleTests(rule, {
  valid: [
    loc('            proxy_pass https://api.example.com;'),
    { name: 'verify with a trust file to a DNS name', code: loc(`            proxy_ssl_verify on;\n${CA}            proxy_pass https://api.example.com;`) },
    { name: 'verify with a name for the upstream block', code: loc(`            proxy_ssl_verify on;\n${CA}            proxy_ssl_name app.example.com;\n            proxy_pass https://app;`, '    upstream app { server 10.0.0.5:443; }\n') },
    { name: 'verify off (the default) to an upstream block', code: loc('            proxy_pass https://app;', '    upstream app { server 10.0.0.5:443; }\n') },
    { name: 'trust file and name inherited from http', code: http('    proxy_ssl_verify on;\n    proxy_ssl_trusted_certificate /etc/nginx/ca.pem;\n    proxy_ssl_name app.example.com;\n    upstream app { server 10.0.0.5:443; }\n    server { location / { proxy_pass https://app; } }') },
    { name: 'plain http is not verified', code: loc('            proxy_ssl_verify on;\n            proxy_pass http://127.0.0.1:8080;') },
  ],
  invalid: [
    {
      name: 'verify on without a trust file (nginx -t fails)',
      code: loc('            proxy_ssl_verify on;\n            proxy_pass https://api.example.com;'),
      output: null,
      errors: [{ messageId: 'noTrusted', line: 5, column: 13, endLine: 5, endColumn: 33 }],
    },
    {
      name: 'verify on at http level reported once for two locations',
      code: http('    proxy_ssl_verify on;\n    server {\n        location /a { proxy_pass https://a.example.com; }\n        location /b { proxy_pass https://b.example.com; }\n    }'),
      errors: [{ messageId: 'noTrusted', line: 3, column: 5, endLine: 3, endColumn: 25 }],
    },
    {
      name: 'an upstream block checked against its own name; the name comes from its server',
      code: loc(`            proxy_ssl_verify on;\n${CA}            proxy_pass https://apiup;`, '    upstream apiup { server api.example.com:443; }\n'),
      output: loc(`            proxy_ssl_verify on;\n${CA}            proxy_pass https://apiup;\n            proxy_ssl_name api.example.com;`, '    upstream apiup { server api.example.com:443; }\n'),
      errors: [{ messageId: 'blockName', line: 8, column: 13, endLine: 8, endColumn: 38 }],
    },
    {
      name: 'grpcs to an upstream of IPs, settings from an included snippet: no name to derive',
      files: {
        'nginx.conf': loc('            include snippets/tls.conf;\n            grpc_pass grpcs://grpcup;', '    upstream grpcup { server 10.0.0.7:443; }\n'),
        'snippets/tls.conf': 'grpc_ssl_verify on;\ngrpc_ssl_trusted_certificate /etc/nginx/ca.pem;\n',
      },
      output: null,
      errors: [{ messageId: 'blockName', line: 7, column: 13, endLine: 7, endColumn: 38 }],
    },
  ],
});
