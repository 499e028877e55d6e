import rule from './index.js';
import { runRuleTests } from '../../test/harness/rule-tester.js';

const http = (body: string) => `events {}\nhttp {\n${body}\n}\n`;
const loc = (body: string, outer = '', server = '') => http(`${outer}    server {\n${server}        location / {\n${body}\n        }\n    }`);

runRuleTests(rule, {
  valid: [
    loc('            proxy_pass http://api.example.com;'),
    { name: 'SNI on for a DNS name', code: loc('            proxy_pass https://api.example.com;\n            proxy_ssl_server_name on;') },
    { name: 'SNI on inherited from http', code: loc('            proxy_pass https://api.example.com;', '    proxy_ssl_server_name on;\n') },
    { name: 'SNI on and a name for an upstream block', code: http('    upstream app { server 10.0.0.5:443; }\n    server {\n        proxy_ssl_server_name on;\n        proxy_ssl_name app.example.com;\n        location / { proxy_pass https://app; }\n    }') },
    { name: 'an IP literal without SNI is left alone', code: loc('            proxy_pass https://10.0.0.5:8443;') },
    { name: 'localhost needs no SNI', code: loc('            proxy_pass https://localhost:8443;') },
    { name: 'explicit off is a deliberate choice', code: loc('            proxy_ssl_server_name off;\n            proxy_pass https://api.example.com;') },
    { name: 'a variable target is not known statically', code: loc('            proxy_pass https://$backend;') },
    { name: 'grpc with SNI on', code: loc('            grpc_ssl_server_name on;\n            grpc_pass grpcs://grpc.example.com:443;') },
    { name: 'plain grpc', code: loc('            grpc_pass grpc://grpc.example.com:50051;') },
  ],
  invalid: [
    {
      name: 'https to a DNS name without SNI',
      code: loc('            proxy_pass https://api.example.com;'),
      output: loc('            proxy_pass https://api.example.com;\n            proxy_ssl_server_name on;'),
      errors: [{ messageId: 'sniOff', line: 5, column: 13, endLine: 5, endColumn: 48 }],
    },
    {
      name: 'an upstream block of one host name: the name is derived from its server',
      code: http('    upstream api { server api.example.com:443; }\n    server {\n        location / {\n            proxy_pass https://api;\n        }\n    }'),
      output: http('    upstream api { server api.example.com:443; }\n    server {\n        location / {\n            proxy_pass https://api;\n            proxy_ssl_server_name on;\n            proxy_ssl_name api.example.com;\n        }\n    }'),
      errors: [{ messageId: 'sniOff', line: 6, column: 13, endLine: 6, endColumn: 36 }],
    },
    {
      name: 'an upstream block of IPs with a literal Host header',
      code: loc('            proxy_set_header Host app.internal;\n            proxy_pass https://app_tls;', '    upstream app_tls { server 127.0.0.1:8443; }\n'),
      output: loc('            proxy_set_header Host app.internal;\n            proxy_pass https://app_tls;\n            proxy_ssl_server_name on;\n            proxy_ssl_name app.internal;', '    upstream app_tls { server 127.0.0.1:8443; }\n'),
      errors: [{ messageId: 'sniOff', line: 7, column: 13, endLine: 7, endColumn: 40 }],
    },
    {
      name: 'an upstream block of IPs and no name: only a suggestion',
      code: loc('            proxy_pass https://app_tls;', '    upstream app_tls { server 127.0.0.1:8443; server 127.0.0.2:8443; }\n'),
      output: null,
      errors: [{ messageId: 'sniOff', line: 6, column: 13, endLine: 6, endColumn: 40 }],
    },
    {
      name: 'SNI on inherited from the server, but the block name is sent',
      code: http('    upstream backend { server api.example.com:443; }\n    server {\n        proxy_ssl_server_name on;\n        location / { proxy_pass https://backend; }\n    }'),
      output: http('    upstream backend { server api.example.com:443; }\n    server {\n        proxy_ssl_server_name on;\n        location / { proxy_pass https://backend;\n            proxy_ssl_name api.example.com; }\n    }'),
      errors: [{ messageId: 'blockName', line: 6, column: 22, endLine: 6, endColumn: 49 }],
    },
    {
      name: 'SNI on for an IP sends nothing',
      code: loc('            proxy_ssl_server_name on;\n            proxy_pass https://10.0.0.5;'),
      output: null,
      errors: [{ messageId: 'ipNoName', line: 6, column: 13, endLine: 6, endColumn: 41 }],
    },
    {
      name: 'grpcs:// from an included snippet',
      files: {
        'nginx.conf': loc('            include snippets/grpc.conf;'),
        'snippets/grpc.conf': 'grpc_pass grpcs://grpc.example.com:443;\n',
      },
      output: { 'nginx.conf': loc('            include snippets/grpc.conf;\n            grpc_ssl_server_name on;') },
      errors: [{ messageId: 'sniOff', line: 1, column: 1, endLine: 1, endColumn: 40, file: 'snippets/grpc.conf' }],
    },
  ],
});
