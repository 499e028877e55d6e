import { describe, it } from 'vitest';
import rule from '../../rules/no-custom-502-page/index.js';
import { judgeFix } from '../harness/fix-judge.js';
import { nginxSkipReason } from '../harness/nginx.js';

const reason = nginxSkipReason();
const conf = (httpBody: string, serverBody: string, location: string) =>
  `events {}\nhttp {\n${httpBody}\n    server {\n        listen 127.0.0.1:18080;\n${serverBody}\n        location / {\n${location}\n            proxy_pass http://127.0.0.1:8080;\n        }\n    }\n}\n`;

describe.skipIf(reason !== undefined)(`no-custom-502-page fixes load in nginx${reason ? ` (skipped: ${reason})` : ''}`, () => {
  it('no error_page anywhere', () => judgeFix(rule, { name: 'none', files: { 'nginx.conf': conf('', '', '') }, touches: { 'nginx.conf': [5] } }));
  it('a location whose own error_page 404 hides the server\'s 502 page', () =>
    judgeFix(rule, {
      name: 'hidden',
      files: { 'nginx.conf': conf('', '        error_page 502 /50x.html;\n        location = /50x.html { internal; root /usr/share/nginx/html; }', '            error_page 404 /404.html;') },
      touches: { 'nginx.conf': [9] },
    }));
  it('a server whose own error_page 404 hides the http-level 502 page', () =>
    judgeFix(rule, { name: 'server', files: { 'nginx.conf': conf('    error_page 502 /50x.html;', '        error_page 404 /404.html;', '') }, touches: { 'nginx.conf': [6] } }));
});
