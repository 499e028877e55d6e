/**
 * Large generated configurations: clean server blocks (upstreams with keepalive used properly, explicit
 * timeouts), with one known finding planted in every `every`-th server, so a test knows exactly which
 * findings a correct lint reports.
 */
import * as fs from 'node:fs';

/** A server whose proxy_buffer_size is too big for the default proxy_buffers: buffer-size-constraints. */
const PLANTED = '            proxy_buffer_size 16k;\n';

function upstream(k: number): string {
  return `    upstream app${k} {\n        server 127.0.0.1:${8000 + (k % 1000)};\n        keepalive 8;\n    }\n`;
}

/** One server block; with `planted`, the planted line comes right after the timeouts. */
function server(i: number, planted: boolean): string {
  return (
    `    server {\n        listen 80;\n        server_name s${i}.example.com;\n        location / {\n` +
    '            proxy_http_version 1.1;\n            proxy_set_header Connection "";\n' +
    '            proxy_connect_timeout 5s;\n            proxy_send_timeout 30s;\n            proxy_read_timeout 30s;\n' +
    (planted ? PLANTED : '') +
    `            proxy_pass http://app${Math.floor(i / 10)};\n        }\n        location /static/ {\n            root /srv/www;\n        }\n    }\n`
  );
}

const lines = (s: string): number => s.split('\n').length - 1;

/**
 * Writes one nginx.conf of at least `bytes` bytes; returns the 1-based lines of the planted directives
 * (where buffer-size-constraints must report, at column 13).
 */
export function writeBigConfig(file: string, bytes: number, every: number): { plantedLines: number[]; size: number } {
  const fd = fs.openSync(file, 'w');
  const plantedLines: number[] = [];
  let size = 0;
  let line = 1;
  let chunk = '';
  const put = (s: string): void => {
    chunk += s;
    size += s.length;
    line += lines(s);
    if (chunk.length > 1 << 20) {
      fs.writeSync(fd, chunk);
      chunk = '';
    }
  };
  put('events {}\nhttp {\n');
  for (let i = 0; size < bytes; i++) {
    if (i % 10 === 0) put(upstream(i / 10));
    const planted = i % every === every - 1;
    const text = server(i, planted);
    if (planted) plantedLines.push(line + lines(text.slice(0, text.indexOf(PLANTED))));
    put(text);
  }
  put('}\n');
  fs.writeSync(fd, chunk);
  fs.closeSync(fd);
  return { plantedLines, size };
}

/** A small included server file (`conf.d/s000042.conf`); planted ones report at line 6, column 9. */
export function serverFile(i: number, planted: boolean): string {
  return (
    `server {\n    listen 80;\n    server_name s${i}.example;\n    location / {\n        proxy_read_timeout 30s;\n` +
    (planted ? '        proxy_buffer_size 16k;\n' : '') +
    '        proxy_pass http://127.0.0.1:8080;\n    }\n}\n'
  );
}
