import rule from './index.js';
import { runRuleTests } from '../../test/harness/rule-tester.js';

/** A main config: `events {}`, `http {` on line 2, the body from line 3, then `}`. */
const http = (body: string): string => `events {}\nhttp {\n${body}}\n`;

/** http > server (line 3) > location / (line 5) holding `inner` from line 6 on. */
const site = (inner = '            uwsgi_pass 127.0.0.1:3031;\n', httpBody = '', serverBody = ''): string =>
  http(`${httpBody}    server {\n        listen 80;\n${serverBody}        location / {\n${inner}        }\n    }\n`);

const ini = (extra = ''): string => `[uwsgi]\nmodule = app.wsgi\nsocket = 127.0.0.1:3031\n${extra}`;

runRuleTests(rule, {
  valid: [
    { name: 'no backend files: nothing to compare with', code: site() },
    { name: 'buffer-size 32768 takes the 4 x 8k nginx accepts by default', files: { 'nginx.conf': site(), 'uwsgi.ini': ini('buffer-size = 32768\n') } },
    {
      name: 'the uwsgi maximum (65535) for large_client_header_buffers 8 16k',
      files: { 'nginx.conf': site(undefined, '    large_client_header_buffers 8 16k;\n'), 'uwsgi.ini': ini('buffer-size = 65535\n') },
    },
    {
      name: 'nginx accepts less than the default buffer',
      files: { 'nginx.conf': site(undefined, '', '        large_client_header_buffers 2 1k;\n'), 'uwsgi.ini': ini() },
    },
    {
      name: 'an HTTP socket behind proxy_pass is not the uwsgi protocol',
      files: { 'nginx.conf': site('            proxy_pass http://127.0.0.1:8000;\n'), 'uwsgi.ini': '[uwsgi]\nhttp-socket = 127.0.0.1:8000\n' },
    },
    { name: 'the pass goes to another port', files: { 'nginx.conf': site('            uwsgi_pass 127.0.0.1:3032;\n'), 'uwsgi.ini': ini() } },
    { name: 'a buffer-size known only at run time', files: { 'nginx.conf': site(), 'uwsgi.ini': ini('buffer-size = $(UWSGI_BUFFER_SIZE)\n') } },
  ],
  invalid: [
    {
      name: "uWSGI's default 4096 against nginx's default 4 x 8k",
      files: { 'nginx.conf': site(), 'uwsgi.ini': ini() },
      output: null,
      errors: [
        {
          messageId: 'defaultBufferSize',
          line: 6,
          column: 13,
          endLine: 6,
          endColumn: 39,
          message:
            'uWSGI "uwsgi" has no buffer-size, so it takes at most 4096 bytes of request headers and variables, but nginx accepts request headers up to 32768 bytes (large_client_header_buffers 4 8k, nginx\'s default) and forwards them all: a request with large cookies makes uWSGI log "invalid request block size: … (max 4096)...skip" and drop the connection, and nginx answers 502 with "recv() failed (104: Connection reset by peer) while reading response header from upstream"; set buffer-size = 32768 in the uWSGI configuration',
        },
      ],
    },
    {
      name: 'a raised large_client_header_buffers at server level: the suggestion is capped at 65535',
      files: { 'nginx.conf': site(undefined, '', '        large_client_header_buffers 4 16k;\n'), 'uwsgi.ini': ini('procname = shop\nbuffer-size = 8192\n') },
      errors: [
        {
          messageId: 'bufferTooSmall',
          line: 7,
          column: 13,
          endLine: 7,
          endColumn: 39,
          message:
            'uWSGI "shop" takes at most 8192 bytes of request headers and variables (buffer-size = 8192), but nginx accepts request headers up to 65536 bytes (large_client_header_buffers 4 16k) and forwards them all: a request with large cookies makes uWSGI log "invalid request block size: … (max 8192)...skip" and drop the connection, and nginx answers 502 with "recv() failed (104: Connection reset by peer) while reading response header from upstream"; set buffer-size = 65535 in the uWSGI configuration',
        },
      ],
    },
    {
      name: 'a client_header_buffer_size larger than the large buffers counts',
      files: { 'nginx.conf': site(undefined, '    client_header_buffer_size 40k;\n'), 'uwsgi.ini': ini('buffer-size = 32768\n') },
      errors: [{ messageId: 'bufferTooSmall', line: 7, column: 13, endLine: 7, endColumn: 39 }],
    },
    {
      name: 'a unix socket behind an upstream block; two locations, one finding',
      files: {
        'nginx.conf': http(
          '    upstream django {\n        server unix:/run/uwsgi/app.sock;\n    }\n    server {\n        listen 80;\n        location / {\n            uwsgi_pass django;\n        }\n        location /api/ {\n            uwsgi_pass django;\n        }\n    }\n',
        ),
        'uwsgi.ini': '[uwsgi]\nsocket = /run/uwsgi/app.sock\nchmod-socket = 660\n',
      },
      errors: [{ messageId: 'defaultBufferSize', line: 9, column: 13, endLine: 9, endColumn: 31 }],
    },
  ],
});
