import rule from './index.js';
import { runRuleTests } from '../../test/harness/rule-tester.js';

const http = (body: string) => `events {}\nhttp {\n${body}\n}\n`;

runRuleTests(rule, {
  valid: [
    http('    server {\n        location / { proxy_pass http://127.0.0.1:8080; }\n    }'),
    { name: 'the consistent proxy set', code: http('    proxy_buffer_size 16k;\n    proxy_buffers 8 16k;\n    proxy_busy_buffers_size 32k;') },
    { name: 'busy equal to (n-1) x size loads', code: http('    proxy_buffers 4 4k;\n    proxy_busy_buffers_size 12k;') },
    { name: 'the consistent fastcgi set', code: http('    fastcgi_buffer_size 32k;\n    fastcgi_buffers 16 16k;\n    fastcgi_busy_buffers_size 64k;') },
    { name: 'max_temp_file_size 0 disables temp files', code: http('    proxy_buffer_size 8k;\n    proxy_max_temp_file_size 0;') },
    { name: 'max_temp_file_size in gigabytes', code: http('    proxy_max_temp_file_size 2g;') },
    { name: 'grpc_buffer_size alone is fine', code: http('    grpc_buffer_size 64k;') },
    {
      name: 'a location that overrides the whole set',
      code: http('    proxy_buffer_size 16k;\n    proxy_buffers 8 16k;\n    server {\n        location / {\n            proxy_buffer_size 4k;\n            proxy_buffers 8 4k;\n        }\n    }'),
    },
  ],
  invalid: [
    {
      name: 'raising proxy_buffer_size alone at http level breaks the default busy size',
      code: http('    proxy_buffer_size 16k;'),
      output: http('    proxy_buffer_size 16k;\n    proxy_busy_buffers_size 16k;'),
      errors: [
        {
          messageId: 'busyTooLarge',
          line: 3,
          column: 5,
          endLine: 3,
          endColumn: 27,
          message:
            '"proxy_busy_buffers_size" must be less than the size of all "proxy_buffers" minus one buffer (busy 32k (unset: 2 x 16k) > 28k = (8 - 1) x 4k)',
        },
      ],
    },
    {
      name: 'inherited into a location that lowers the buffers',
      code: http('    proxy_buffer_size 8k;\n    server {\n        location /api/ {\n            proxy_buffers 2 4k;\n        }\n    }'),
      output: http('    proxy_buffer_size 8k;\n    server {\n        location /api/ {\n            proxy_buffers 5 4k;\n        }\n    }'),
      errors: [{ messageId: 'busyTooLarge', line: 6, column: 13, endLine: 6, endColumn: 32 }],
    },
    {
      name: 'explicit busy smaller than one buffer, fastcgi in an if inside a location',
      code: http('    server {\n        location ~ \\.php$ {\n            if ($request_method = POST) {\n                fastcgi_buffers 8 16k;\n                fastcgi_busy_buffers_size 8k;\n            }\n        }\n    }'),
      errors: [{ messageId: 'busyTooSmall', line: 7, column: 17, endLine: 7, endColumn: 46 }],
    },
    {
      name: 'one buffer only (uwsgi)',
      code: http('    server {\n        location / { uwsgi_buffers 1 8k; uwsgi_pass 127.0.0.1:3031; }\n    }'),
      output: http('    server {\n        location / { uwsgi_buffers 3 8k; uwsgi_pass 127.0.0.1:3031; }\n    }'),
      errors: [{ messageId: 'tooFewBuffers', line: 4, column: 22, endLine: 4, endColumn: 41 }],
    },
    {
      name: 'temp_file_write_size below the largest buffer (scgi), from an included snippet',
      files: {
        'nginx.conf': http('    server {\n        location / {\n            include snippets/scgi.conf;\n        }\n    }'),
        'snippets/scgi.conf': 'scgi_buffer_size 16k;\nscgi_buffers 8 16k;\nscgi_busy_buffers_size 32k;\nscgi_temp_file_write_size 8k;\n',
      },
      errors: [{ messageId: 'tempWriteTooSmall', line: 4, column: 1, endLine: 4, endColumn: 30, file: 'snippets/scgi.conf' }],
    },
    {
      name: 'max_temp_file_size below the buffer size',
      code: http('    proxy_max_temp_file_size 2k;'),
      errors: [{ messageId: 'maxTempTooSmall', line: 3, column: 5, endLine: 3, endColumn: 33 }],
    },
    {
      name: 'a limit_except block is checked too',
      code: http('    server {\n        location / {\n            limit_except GET {\n                proxy_buffers 1 4k;\n            }\n        }\n    }'),
      errors: [{ messageId: 'tooFewBuffers', line: 6, column: 17, endLine: 6, endColumn: 36 }],
    },
    {
      name: 'a snippet linted in location context',
      code: 'proxy_buffer_size 32k;\nproxy_buffers 4 16k;\n',
      rootContext: 'location',
      errors: [{ messageId: 'busyTooLarge', line: 1, column: 1, endLine: 1, endColumn: 23 }],
    },
  ],
});
