import rule from './index.js';
import { runRuleTests } from '../../test/harness/rule-tester.js';

const site = (inner: string): string => `events {}\nhttp {\n    server {\n        listen 127.0.0.1:18080;\n        location / {\n${inner}        }\n    }\n}\n`;
const PASS = site('            proxy_pass http://127.0.0.1:8080;\n');
const BOTH =
  'from 1.23.0 a response with two Content-Length headers (even identical ones), or with both Content-Length and Transfer-Encoding, is a 502 ("upstream sent duplicate header line" / "upstream sent \\"Content-Length\\" and \\"Transfer-Encoding\\" headers at the same time"); from 1.29.4 a bare LF in a chunked body is a 502 ("upstream sent invalid chunked response")';

runRuleTests(rule, {
  valid: [
    { name: 'a target before 1.23.0', code: PASS, nginxVersion: '1.22.1' },
    { name: 'already on a strict version', code: PASS, nginxVersion: '1.30.0', options: { upgradingFrom: '1.29.4' } },
    { name: 'upgrading within the strict versions', code: PASS, nginxVersion: '1.28.0', options: { upgradingFrom: '1.24.0' } },
    { name: 'no proxy_pass', code: site('            fastcgi_pass 127.0.0.1:9000;\n') },
    { name: 'grpc over proxy_pass is not HTTP/1 framing', code: site('            grpc_pass grpc://127.0.0.1:50051;\n') },
    { name: 'the stream module\'s proxy_pass', code: 'events {}\nstream {\n    server {\n        listen 127.0.0.1:18081;\n        proxy_pass 127.0.0.1:5432;\n    }\n}\n' },
  ],
  invalid: [
    {
      name: 'a declared 1.30.0 target, upgrade origin unknown: both changes',
      code: PASS,
      errors: [
        {
          messageId: 'stricter',
          line: 6,
          column: 13,
          endLine: 6,
          endColumn: 46,
          message: `the target nginx version is 1.30.0: ${BOTH}. A backend that sent such responses to older nginx without trouble fails after the upgrade; check it (and any proxy in between) before upgrading`,
        },
      ],
    },
    {
      name: 'upgrading from 1.22.1 to 1.24.0 crosses 1.23.0 only',
      code: PASS,
      nginxVersion: '1.24.0',
      options: { upgradingFrom: '1.22.1' },
      errors: [
        {
          messageId: 'stricter',
          line: 6,
          column: 13,
          endLine: 6,
          endColumn: 46,
          message:
            'the target nginx version is 1.24.0 (upgrading from 1.22.1): from 1.23.0 a response with two Content-Length headers (even identical ones), or with both Content-Length and Transfer-Encoding, is a 502 ("upstream sent duplicate header line" / "upstream sent \\"Content-Length\\" and \\"Transfer-Encoding\\" headers at the same time"). A backend that sent such responses to older nginx without trouble fails after the upgrade; check it (and any proxy in between) before upgrading',
        },
      ],
    },
    {
      name: 'upgrading from 1.26.3 to 1.29.4 crosses the chunked change only; one finding for several passes, in an include',
      files: {
        'nginx.conf': site('            include snippets/app.conf;\n'),
        'snippets/app.conf': 'proxy_pass http://127.0.0.1:8080;\nproxy_pass http://127.0.0.1:8081;\n',
      },
      nginxVersion: '1.29.4',
      options: { upgradingFrom: '1.26.3' },
      errors: [
        {
          messageId: 'stricter',
          file: 'snippets/app.conf',
          line: 1,
          column: 1,
          endLine: 1,
          endColumn: 34,
          message:
            'the target nginx version is 1.29.4 (upgrading from 1.26.3): from 1.29.4 a bare LF in a chunked body is a 502 ("upstream sent invalid chunked response"). A backend that sent such responses to older nginx without trouble fails after the upgrade; check it (and any proxy in between) before upgrading',
        },
      ],
    },
  ],
});
