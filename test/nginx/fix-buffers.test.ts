import { describe, it } from 'vitest';
import rule from '../../rules/buffer-size-constraints/index.js';
import { judgeFix } from '../harness/fix-judge.js';
import { nginxSkipReason } from '../harness/nginx.js';

const reason = nginxSkipReason();
const conf = (httpBody: string, location = '') =>
  `events {}\nhttp {\n${httpBody}\n    server {\n        listen 127.0.0.1:18080;\n        location / {\n${location}\n            return 204;\n        }\n    }\n}\n`;

describe.skipIf(reason !== undefined)(`buffer-size-constraints fixes load in nginx${reason ? ` (skipped: ${reason})` : ''}`, () => {
  it('proxy_buffer_size raised alone at http level', () =>
    judgeFix(rule, { name: 'http', files: { 'nginx.conf': conf('    proxy_buffer_size 16k;') }, touches: { 'nginx.conf': [3] }, brokenFailsToLoad: true }));
  it('explicit busy below one buffer, inherited buffers', () =>
    judgeFix(rule, {
      name: 'inherited',
      files: { 'nginx.conf': conf('    fastcgi_buffers 8 16k;', '            fastcgi_busy_buffers_size 8k;') },
      touches: { 'nginx.conf': [7] },
      brokenFailsToLoad: true,
    }));
  it('one uwsgi buffer in an included snippet', () =>
    judgeFix(rule, {
      name: 'included',
      files: { 'nginx.conf': conf('', '            include snippets/uwsgi.conf;'), 'snippets/uwsgi.conf': 'uwsgi_buffers 1 8k;\n' },
      touches: { 'snippets/uwsgi.conf': [1] },
      brokenFailsToLoad: true,
    }));
  it('temp and max temp file sizes below the buffer size', () =>
    judgeFix(rule, {
      name: 'temp',
      files: { 'nginx.conf': conf('    scgi_buffers 8 16k;\n    scgi_busy_buffers_size 32k;\n    scgi_temp_file_write_size 8k;\n    scgi_max_temp_file_size 4k;') },
      touches: { 'nginx.conf': [5, 6] },
      brokenFailsToLoad: true,
    }));
});
