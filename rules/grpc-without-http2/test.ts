import rule from './index.js';
import { runRuleTests } from '../../test/harness/rule-tester.js';

const http = (body: string) => `events {}\nhttp {\n${body}\n}\n`;
const server = (listen: string, extra = '') => http(`    server {\n        listen ${listen};\n${extra}        location / { grpc_pass grpc://127.0.0.1:50051; }\n    }`);

runRuleTests(rule, {
  valid: [
    { code: server('443 ssl http2'), nginxVersion: '1.22.1' },
    { name: 'http2 on (1.25.1+)', code: server('443 ssl', '        http2 on;\n'), nginxVersion: '1.26.0' },
    { name: 'http2 on inherited from http', code: http('    http2 on;\n    server {\n        listen 8080;\n        location / { grpc_pass 127.0.0.1:50051; }\n    }'), nginxVersion: '1.26.0' },
    {
      name: 'another server turned HTTP/2 on for the same socket',
      code: http('    server {\n        listen 8080 http2 default_server;\n    }\n    server {\n        listen 8080;\n        server_name grpc.example.com;\n        location / { grpc_pass 127.0.0.1:50051; }\n    }'),
      nginxVersion: '1.22.1',
    },
    { name: 'no grpc_pass', code: http('    server {\n        listen 8080;\n        location / { proxy_pass http://127.0.0.1:8080; }\n    }') },
  ],
  invalid: [
    {
      name: 'plaintext listen on 1.22: unsafe listen fix',
      code: server('8080'),
      nginxVersion: '1.22.1',
      unsafe: true,
      output: server('8080 http2'),
      errors: [{ messageId: 'noHttp2', line: 5, column: 22, endLine: 5, endColumn: 55, message: '"grpc_pass" in a server without HTTP/2 (no "listen ... http2"): gRPC clients need HTTP/2 and fail at the protocol or ALPN stage before nginx ever reaches the backend' }],
    },
    {
      name: 'plaintext listen on 1.22: not applied as a safe fix',
      code: server('8080'),
      nginxVersion: '1.22.1',
      unsafe: false,
      output: null,
      errors: [{ messageId: 'noHttp2', line: 5, column: 22, endLine: 5, endColumn: 55 }],
    },
    {
      name: 'TLS listen on 1.22: safe listen fix',
      code: server('443 ssl'),
      nginxVersion: '1.22.1',
      output: server('443 ssl http2'),
      errors: [{ messageId: 'noHttp2', line: 5, column: 22, endLine: 5, endColumn: 55 }],
    },
    {
      name: '1.25.1 and later: http2 on',
      code: server('443 ssl'),
      nginxVersion: '1.25.1',
      output: server('443 ssl', '        http2 on;\n'),
      errors: [{ messageId: 'noHttp2', line: 5, column: 22, endLine: 5, endColumn: 55 }],
    },
    {
      name: 'http2 off in the server overrides http2 on in http',
      code: http('    http2 on;\n    server {\n        listen 8080;\n        http2 off;\n        location /svc { grpc_pass 127.0.0.1:50051; }\n        location /b { grpc_pass 127.0.0.1:50052; }\n    }'),
      nginxVersion: '1.26.0',
      output: http('    http2 on;\n    server {\n        listen 8080;\n        http2 on;\n        location /svc { grpc_pass 127.0.0.1:50051; }\n        location /b { grpc_pass 127.0.0.1:50052; }\n    }'),
      errors: [{ messageId: 'noHttp2', line: 7, column: 25, endLine: 7, endColumn: 51 }],
    },
    {
      name: 'grpc_pass in an included location file',
      files: { 'nginx.conf': http('    server {\n        listen 50051;\n        include grpc/*.conf;\n    }'), 'grpc/svc.conf': 'location /svc.Greeter/ {\n    grpc_pass grpc://127.0.0.1:50052;\n}\n' },
      nginxVersion: '1.22.1',
      unsafe: true,
      output: { 'nginx.conf': http('    server {\n        listen 50051 http2;\n        include grpc/*.conf;\n    }') },
      errors: [{ messageId: 'noHttp2', line: 2, column: 5, endLine: 2, endColumn: 38, file: 'grpc/svc.conf' }],
    },
  ],
});
