import { describe, it } from 'vitest';
import sni from '../../rules/upstream-tls-sni-missing/index.js';
import verify from '../../rules/upstream-tls-verify/index.js';
import colon from '../../rules/unix-socket-uri-missing-colon/index.js';
import grpc from '../../rules/grpc-without-http2/index.js';
import { judgeFix } from '../harness/fix-judge.js';
import { nginxSkipReason } from '../harness/nginx.js';

const reason = nginxSkipReason();
/** Upstream blocks use IP literals: `nginx -t` resolves host names in upstream servers at load time. */
const conf = (httpBody: string, location: string, listen = '127.0.0.1:18080') =>
  `events {}\nhttp {\n${httpBody}\n    server {\n        listen ${listen};\n        location / {\n${location}\n        }\n    }\n}\n`;

describe.skipIf(reason !== undefined)(`TLS, unix-socket and gRPC fixes load in nginx${reason ? ` (skipped: ${reason})` : ''}`, () => {
  it('upstream-tls-sni-missing: SNI and a name from the Host header for an upstream block', () =>
    judgeFix(sni, {
      name: 'sni-block',
      files: { 'nginx.conf': conf('    upstream app_tls {\n        server 127.0.0.1:8443;\n    }', '            proxy_set_header Host app.internal;\n            proxy_pass https://app_tls;') },
      touches: { 'nginx.conf': [10] },
      nginxVersion: '1.22.1',
    }));
  it('upstream-tls-sni-missing: grpcs:// in an included snippet', () =>
    judgeFix(sni, {
      name: 'sni-grpcs',
      files: {
        'nginx.conf': conf('    upstream grpc_tls {\n        server 127.0.0.1:50443;\n    }', '            include snippets/grpc.conf;'),
        'snippets/grpc.conf': 'grpc_set_header Host grpc.internal;\ngrpc_pass grpcs://grpc_tls;\n',
      },
      touches: { 'nginx.conf': [9], 'snippets/grpc.conf': [2] },
      nginxVersion: '1.22.1',
    }));
  it('upstream-tls-verify: proxy_ssl_name for a verified upstream block', () =>
    judgeFix(verify, {
      name: 'verify-block',
      files: {
        'nginx.conf': conf(
          '    upstream apiup {\n        server 127.0.0.1:8443;\n    }',
          '            proxy_ssl_verify on;\n            proxy_ssl_trusted_certificate /etc/ssl/certs/ca-certificates.crt;\n            proxy_set_header Host api.internal;\n            proxy_pass https://apiup;',
        ),
      },
      touches: { 'nginx.conf': [12] },
      nginxVersion: '1.22.1',
    }));
  it('unix-socket-uri-missing-colon: the colon after the socket path', () =>
    judgeFix(colon, {
      name: 'colon',
      files: { 'nginx.conf': conf('', '            proxy_pass http://unix:/run/app.sock/api/;') },
      touches: { 'nginx.conf': [7] },
      nginxVersion: '1.22.1',
    }));
  it('grpc-without-http2: listen ... http2 on 1.22', () =>
    judgeFix(grpc, {
      name: 'grpc-listen',
      files: { 'nginx.conf': conf('', '            grpc_pass grpc://127.0.0.1:50051;') },
      touches: { 'nginx.conf': [5] },
      nginxVersion: '1.22.1',
    }));
});
