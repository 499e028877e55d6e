import { describe, expect, it } from 'vitest';
import rule from './index.js';
import { runRuleTests } from '../../test/harness/rule-tester.js';
import { createMemoryHost, loadConfig } from '../../src/include/index.js';
import { lintTree } from '../../src/engine/runner.js';
import { NginxVersion } from '../../src/model/index.js';

runRuleTests(rule, {
  valid: [
    {
      name: 'every include resolves, relative to the prefix, from nested files',
      files: {
        'nginx.conf': 'events {}\nhttp {\n    include mime.types;\n    include conf.d/*.conf;\n}\n',
        'mime.types': 'types { text/html html; }\n',
        'conf.d/site.conf': 'server {\n    listen 80;\n    location / {\n        include snippets/proxy.conf;\n        proxy_pass http://127.0.0.1:8080;\n    }\n}\n',
        'snippets/proxy.conf': 'proxy_set_header Host $host;\n',
      },
    },
    { name: 'a glob matching nothing is fine', code: 'events {}\nhttp {\n    include conf.d/*.conf;\n    include sites-enabled/*;\n}\n' },
    { name: 'an absolute include that exists', files: { 'nginx.conf': 'events {}\nhttp {\n    include /etc/nginx/extra.conf;\n}\n', 'extra.conf': '\n' } },
    {
      name: 'a lone snippet: relative paths depend on a conf directory that is not known',
      code: 'server {\n    location ~ \\.php$ {\n        include snippets/fastcgi-php.conf;\n    }\n}\n',
      rootContext: 'http',
    },
  ],
  invalid: [
    {
      name: 'a missing file',
      code: 'events {}\nhttp {\n    include conf.d/missing.conf;\n}\n',
      errors: [
        {
          messageId: 'openFailed',
          line: 3,
          column: 5,
          endLine: 3,
          endColumn: 33,
          message: 'open() "/etc/nginx/conf.d/missing.conf" failed (2: No such file or directory)',
        },
      ],
    },
    {
      name: 'a missing file included from an included file, inside a location',
      files: {
        'nginx.conf': 'events {}\nhttp {\n    include sites-enabled/*;\n}\n',
        'sites-enabled/default': 'server {\n    location ~ \\.php$ {\n        include snippets/fastcgi-php.conf;\n    }\n}\n',
      },
      errors: [
        {
          messageId: 'openFailed',
          line: 3,
          column: 9,
          endLine: 3,
          endColumn: 43,
          file: 'sites-enabled/default',
          message: 'open() "/etc/nginx/snippets/fastcgi-php.conf" failed (2: No such file or directory)',
        },
      ],
    },
    {
      name: 'an absolute path from a lone snippet in an installed conf directory',
      code: 'server {\n    include /etc/nginx/snippets/ssl.conf;\n}\n',
      rootContext: 'http',
      errors: [{ messageId: 'openFailed', line: 2, column: 5, endLine: 2, endColumn: 42, message: 'open() "/etc/nginx/snippets/ssl.conf" failed (2: No such file or directory)' }],
    },
    {
      name: 'a stock file missing from an installed conf directory',
      code: 'events {}\nhttp {\n    include mime.types;\n}\n',
      errors: [{ messageId: 'openFailed', line: 3, column: 5, endLine: 3, endColumn: 24 }],
    },
    {
      name: 'a directory',
      files: { 'nginx.conf': 'events {}\nhttp {\n    include conf.d;\n}\n', 'conf.d/a.conf': 'server { listen 80; }\n' },
      errors: [
        {
          messageId: 'isDirectory',
          line: 3,
          column: 5,
          endLine: 3,
          endColumn: 20,
          message: 'pread() "/etc/nginx/conf.d" failed (21: Is a directory): "include" takes files; "/etc/nginx/conf.d/*.conf" includes the files in the directory',
        },
      ],
    },
    {
      name: 'a binary file',
      files: { 'nginx.conf': 'events {}\nhttp {\n    include site.conf.gz;\n}\n', 'site.conf.gz': 'ab\u0000cd' },
      errors: [{ messageId: 'binary', line: 3, column: 5, endLine: 3, endColumn: 26, message: '/etc/nginx/site.conf.gz:1:3: binary file (NUL byte), not an nginx configuration' }],
    },
  ],
});

/** A configuration checked out of a repository: its conf directory is not where nginx is installed. */
describe('include-not-found outside an installed conf directory', () => {
  const lintRepo = (files: Record<string, string>): string[] => {
    const host = createMemoryHost(Object.fromEntries(Object.entries(files).map(([k, v]) => [`/srv/repo/nginx/${k}`, v])));
    const tree = loadConfig('/srv/repo/nginx/nginx.conf', { host, prefix: '/srv/repo/nginx' });
    const { findings } = lintTree(tree, {
      rules: [{ rule, severity: 'error', options: {} }],
      rootContext: 'main',
      version: () => NginxVersion.parse('1.30.0', 'option') as NginxVersion,
      extraDirectives: new Set(),
    });
    return findings.map((f) => `${f.file}:${f.start.line} ${f.messageId}: ${f.message}`);
  };

  it('reports a missing file of the repository', () => {
    expect(lintRepo({ 'nginx.conf': 'events {}\nhttp {\n    include conf.d/app.conf;\n}\n' })).toEqual([
      '/srv/repo/nginx/nginx.conf:3 openFailed: open() "/srv/repo/nginx/conf.d/app.conf" failed (2: No such file or directory)',
    ]);
  });
  it('does not report stock files nginx installs next to nginx.conf, nor absolute paths on the target host', () => {
    const conf = 'events {}\nhttp {\n    include mime.types;\n    include /etc/nginx/conf.d/app.conf;\n    server { location ~ \\.php$ { include fastcgi_params; } }\n}\n';
    expect(lintRepo({ 'nginx.conf': conf })).toEqual([]);
  });
  it('still reports directories and binary files', () => {
    expect(lintRepo({ 'nginx.conf': 'events {}\nhttp {\n    include conf.d;\n}\n', 'conf.d/a.conf': '\n' })).toHaveLength(1);
  });
});
