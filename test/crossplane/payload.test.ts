import { describe, expect, it } from 'vitest';
import { createMemoryHost, loadConfig } from '../../src/include/index.js';
import { crossplaneArg, toCrossplane } from '../../src/crossplane/payload.js';
import { parse } from '../../src/parser/index.js';

const tree = (files: Record<string, string>, followIncludes = true) =>
  loadConfig('/etc/nginx/nginx.conf', { host: createMemoryHost(files), followIncludes });

const MAIN = [
  'events {',
  '    worker_connections 1024;',
  '}',
  '# main comment',
  'http {',
  '    include conf.d/*.conf; # inline',
  '    server {',
  '        listen 80;',
  '        if ($http_x = "a b") { return 403; }',
  '        location / {',
  '            add_header X-Q \'it\\\'s\' "q\\"x" always;',
  '        }',
  '    }',
  '}',
  '',
].join('\n');

const FILES = {
  '/etc/nginx/nginx.conf': MAIN,
  '/etc/nginx/conf.d/a.conf': 'upstream app {\n    server 127.0.0.1:8080;\n}\n',
  '/etc/nginx/conf.d/b.conf': 'map $host $x {\n    default 0;\n}\n',
};

describe('crossplane payload', () => {
  it('matches crossplane for a config with includes', () => {
    expect(toCrossplane(tree(FILES))).toEqual({
      status: 'ok',
      errors: [],
      config: [
        {
          file: '/etc/nginx/nginx.conf',
          status: 'ok',
          errors: [],
          parsed: [
            { directive: 'events', line: 1, args: [], block: [{ directive: 'worker_connections', line: 2, args: ['1024'] }] },
            {
              directive: 'http',
              line: 5,
              args: [],
              block: [
                { directive: 'include', line: 6, args: ['conf.d/*.conf'], includes: [1, 2] },
                {
                  directive: 'server',
                  line: 7,
                  args: [],
                  block: [
                    { directive: 'listen', line: 8, args: ['80'] },
                    { directive: 'if', line: 9, args: ['$http_x', '=', 'a b'], block: [{ directive: 'return', line: 9, args: ['403'] }] },
                    {
                      directive: 'location',
                      line: 10,
                      args: ['/'],
                      block: [{ directive: 'add_header', line: 11, args: ['X-Q', "it's", 'q"x', 'always'] }],
                    },
                  ],
                },
              ],
            },
          ],
        },
        {
          file: '/etc/nginx/conf.d/a.conf',
          status: 'ok',
          errors: [],
          parsed: [{ directive: 'upstream', line: 1, args: ['app'], block: [{ directive: 'server', line: 2, args: ['127.0.0.1:8080'] }] }],
        },
        {
          file: '/etc/nginx/conf.d/b.conf',
          status: 'ok',
          errors: [],
          parsed: [{ directive: 'map', line: 1, args: ['$host', '$x'], block: [{ directive: 'default', line: 2, args: ['0'] }] }],
        },
      ],
    });
  });

  it('includes comments as "#" statements, inline ones after their directive', () => {
    const payload = toCrossplane(tree(FILES), { comments: true });
    const parsed = payload.config[0]!.parsed;
    expect(parsed[1]).toEqual({ directive: '#', line: 4, args: [], comment: ' main comment' });
    const http = parsed[2]!;
    expect(http.block!.slice(0, 1)).toEqual([{ directive: 'include', line: 6, args: ['conf.d/*.conf'], includes: [1, 2] }]);
    expect(http.block![1]).toEqual({ directive: '#', line: 6, args: [], comment: ' inline' });
  });

  it('does not follow includes with --single-file (no "includes" key, as in crossplane)', () => {
    const payload = toCrossplane(tree(FILES, false));
    expect(payload.config).toHaveLength(1);
    expect(payload.config[0]!.parsed[1]!.block![0]).toEqual({ directive: 'include', line: 6, args: ['conf.d/*.conf'] });
  });

  it('combines included files in place of their include statements', () => {
    const payload = toCrossplane(tree(FILES), { combine: true });
    expect(payload.config).toHaveLength(1);
    const http = payload.config[0]!.parsed[1]!;
    expect(http.block!.map((s) => s.directive)).toEqual(['upstream', 'map', 'server']);
  });

  it('reports syntax errors and missing includes like crossplane, keeping what parsed', () => {
    const payload = toCrossplane(
      tree({ '/etc/nginx/nginx.conf': 'events {}\nhttp {\n    include missing.conf;\n    server {\n' }),
    );
    expect(payload.status).toBe('failed');
    expect(payload.errors).toEqual([
      { file: '/etc/nginx/nginx.conf', line: 3, error: 'open() "/etc/nginx/missing.conf" failed (2: No such file or directory) in /etc/nginx/nginx.conf:3' },
      { file: '/etc/nginx/nginx.conf', line: 5, error: 'unexpected end of file, expecting "}" in /etc/nginx/nginx.conf:5' },
    ]);
    expect(payload.config[0]!.status).toBe('failed');
    expect(payload.config[0]!.errors.map((e) => e.line)).toEqual([3, 5]);
    expect(payload.config[0]!.parsed.map((s) => s.directive)).toEqual(['events', 'http']);
  });

  it('keeps a Lua block body as one argument', () => {
    const payload = toCrossplane(
      tree({ '/etc/nginx/nginx.conf': 'location / {\n    set_by_lua_block $v { return "}" }\n    content_by_lua_block {\n        ngx.say("{")\n    }\n}\n' }),
    );
    const block = payload.config[0]!.parsed[0]!.block!;
    expect(block[0]).toEqual({ directive: 'set_by_lua_block', line: 2, args: ['$v', ' return "}" '] });
    expect(block[1]).toEqual({ directive: 'content_by_lua_block', line: 3, args: ['\n        ngx.say("{")\n    '] });
  });

  it('follows nginx, not crossplane, for ${var} followed by a space', () => {
    const payload = toCrossplane(tree({ '/etc/nginx/nginx.conf': 'return 200 ${a} b;\n' }));
    expect(payload.config[0]!.parsed[0]!.args).toEqual(['200', '${a}', 'b']);
  });

  it('adds positions only when asked', () => {
    const files = { '/etc/nginx/nginx.conf': 'events {}\n  worker_processes  "2";\n' };
    expect(toCrossplane(tree(files)).config[0]!.parsed[1]).toEqual({ directive: 'worker_processes', line: 2, args: ['2'] });
    const stmt = toCrossplane(tree(files), { positions: true }).config[0]!.parsed[1]!;
    expect(stmt.position).toEqual({ line: 2, column: 3, endLine: 2, endColumn: 25, start: 12, end: 34 });
    expect(stmt.argPositions).toEqual([{ line: 2, column: 21, endLine: 2, endColumn: 24, start: 30, end: 33 }]);
  });
});

describe('crossplaneArg', () => {
  const arg = (raw: string) => parse(`x ${raw};`).ast.children[0]!;
  it('strips quotes and unescapes only the matching quote, as crossplane does', () => {
    const d = arg(`"a\\"b\\n" 'c\\'d' e\\"f`);
    if (d.type !== 'directive') throw new Error('expected a directive');
    expect(d.args.map(crossplaneArg)).toEqual(['a"b\\n', "c'd", 'e\\"f']);
    expect(d.args.map((a) => a.value)).toEqual(['a"b\n', "c'd", 'e"f']);
  });
});
