/** buffer-size-constraints against the real `nginx -t`: same verdict, same nginx wording. */
import { afterAll, describe, expect, it } from 'vitest';
import rule from '../../rules/buffer-size-constraints/index.js';
import { lintCase } from '../harness/rule-tester.js';
import { nginxSkipReason, nginxTest, removeDir } from '../harness/nginx.js';

const reason = nginxSkipReason();
const dirs: string[] = [];
afterAll(() => dirs.forEach(removeDir));

const conf = (httpBody: string, location = '') =>
  `events {}\nhttp {\n${httpBody}\n    server {\n        listen 127.0.0.1:18080;\n        location / {\n${location}\n            return 204;\n        }\n    }\n}\n`;

const rejected: { name: string; config: string; message: string }[] = [
  { name: 'proxy_buffer_size 16k alone', config: conf('    proxy_buffer_size 16k;'), message: '"proxy_busy_buffers_size" must be less than the size of all "proxy_buffers" minus one buffer' },
  { name: 'fastcgi_buffer_size 32k alone', config: conf('    fastcgi_buffer_size 32k;'), message: '"fastcgi_busy_buffers_size" must be less than the size of all "fastcgi_buffers" minus one buffer' },
  {
    name: 'busy below one buffer',
    config: conf('', '            proxy_buffers 8 16k;\n            proxy_busy_buffers_size 8k;'),
    message: '"proxy_busy_buffers_size" must be equal to or greater than the maximum of the value of "proxy_buffer_size" and one of the "proxy_buffers"',
  },
  { name: 'one uwsgi buffer', config: conf('', '            uwsgi_buffers 1 8k;'), message: 'there must be at least 2 "uwsgi_buffers"' },
  {
    name: 'temp_file_write_size too small',
    config: conf('    scgi_buffers 8 16k;\n    scgi_busy_buffers_size 32k;\n    scgi_temp_file_write_size 8k;'),
    message: '"scgi_temp_file_write_size" must be equal to or greater than the maximum of the value of "scgi_buffer_size" and one of the "scgi_buffers"',
  },
  {
    name: 'max_temp_file_size too small',
    config: conf('    proxy_max_temp_file_size 2k;'),
    message: '"proxy_max_temp_file_size" must be equal to zero to disable temporary files usage or must be equal to or greater than the maximum of the value of "proxy_buffer_size" and one of the "proxy_buffers"',
  },
];

const accepted: { name: string; config: string }[] = [
  { name: 'the consistent proxy set', config: conf('    proxy_buffer_size 16k;\n    proxy_buffers 8 16k;\n    proxy_busy_buffers_size 32k;') },
  { name: 'busy exactly (n-1) x size', config: conf('    proxy_buffers 4 4k;\n    proxy_busy_buffers_size 12k;') },
  { name: 'the consistent fastcgi set', config: conf('', '            fastcgi_buffer_size 32k;\n            fastcgi_buffers 16 16k;\n            fastcgi_busy_buffers_size 64k;') },
  { name: 'proxy_buffer_size 14k with default buffers', config: conf('    proxy_buffer_size 14k;') },
  { name: 'max temp file size 0', config: conf('    proxy_max_temp_file_size 0;') },
];

describe.skipIf(reason !== undefined)(`buffer-size-constraints parity with nginx -t${reason ? ` (skipped: ${reason})` : ''}`, () => {
  for (const c of rejected) {
    it(`rejects: ${c.name}`, () => {
      const nginx = nginxTest({ 'nginx.conf': c.config });
      dirs.push(nginx.dir);
      expect(nginx.ok, nginx.output).toBe(false);
      expect(nginx.message).toBe(c.message);
      const ours = lintCase(rule, { code: c.config });
      expect(ours.length).toBeGreaterThan(0);
      expect(ours[0]!.message.startsWith(c.message), ours[0]!.message).toBe(true);
    });
  }
  for (const c of accepted) {
    it(`accepts: ${c.name}`, () => {
      const nginx = nginxTest({ 'nginx.conf': c.config });
      dirs.push(nginx.dir);
      expect(nginx.ok, nginx.output).toBe(true);
      expect(lintCase(rule, { code: c.config })).toEqual([]);
    });
  }
});
