import { describe, expect, it } from 'vitest';
import { createMemoryHost, loadConfig } from '../../src/include/index.js';
import { ScopeModel } from '../../src/model/index.js';
import { addToList, applyEdits, formatDirective, insertDirectives, quoteArg, removeDirective, replaceArg, setDirective } from '../../src/fix/index.js';
import type { Edit } from '../../src/engine/types.js';

const M = '/etc/nginx/nginx.conf';
const model = (files: Record<string, string>) => new ScopeModel(loadConfig(M, { host: createMemoryHost(files) }));
const apply = (text: string, edits: Edit[]) => applyEdits(new Map([[M, text]]), edits).get(M);

describe('quoting', () => {
  it('keeps bare what nginx reads bare, quotes the rest', () => {
    expect(quoteArg('16k')).toBe('16k');
    expect(quoteArg('$host${uri}x')).toBe('$host${uri}x');
    expect(quoteArg('')).toBe('""');
    expect(quoteArg('a b')).toBe('"a b"');
    expect(quoteArg('a;b')).toBe('"a;b"');
    expect(quoteArg('#x')).toBe('"#x"');
    expect(quoteArg('say "hi" \\o/')).toBe('"say \\"hi\\" \\\\o/"');
    expect(quoteArg('a{b')).toBe('"a{b"');
    expect(formatDirective('proxy_set_header', ['Connection', ''])).toBe('proxy_set_header Connection "";');
  });
});

describe('insertDirectives', () => {
  it('inserts after the last simple directive before nested blocks, with the block indentation', () => {
    const text = 'http {\n    sendfile on;\n    server {\n        listen 80;\n    }\n}\n';
    const m = model({ [M]: text });
    const http = m.byName('http')[0]!.block!;
    expect(apply(text, [insertDirectives(m, http, ['proxy_buffer_size 16k;'])])).toBe(
      'http {\n    sendfile on;\n    proxy_buffer_size 16k;\n    server {\n        listen 80;\n    }\n}\n',
    );
  });
  it('after a given sibling, keeping tabs and CRLF', () => {
    const text = 'http {\r\n\tserver {\r\n\t\tlisten 80;\r\n\t\tlocation / {}\r\n\t}\r\n}\r\n';
    const m = model({ [M]: text });
    const server = m.byName('server')[0]!.block!;
    expect(apply(text, [insertDirectives(m, server, ['a 1;', 'b 2;'], m.byName('listen')[0])])).toBe(
      'http {\r\n\tserver {\r\n\t\tlisten 80;\r\n\t\ta 1;\r\n\t\tb 2;\r\n\t\tlocation / {}\r\n\t}\r\n}\r\n',
    );
  });
  it('opens up an empty one-line block', () => {
    const text = 'http {\n    server { location / {} }\n}\n';
    const m = model({ [M]: text });
    const loc = m.byName('location')[0]!.block!;
    expect(apply(text, [insertDirectives(m, loc, ['return 204;'])])).toBe('http {\n    server { location / {\n        return 204;\n    } }\n}\n');
  });
  it('at the top of a block that starts with a nested block', () => {
    const text = 'http {\n  server {\n    location / {}\n  }\n}\n';
    const m = model({ [M]: text });
    expect(apply(text, [insertDirectives(m, m.byName('server')[0]!.block!, ['listen 80;'])])).toBe('http {\n  server {\n    listen 80;\n    location / {}\n  }\n}\n');
  });
});

describe('replace, remove, set', () => {
  const text = 'http {\n    proxy_read_timeout 5s; # short\n    proxy_read_timeout 6s;\n    keepalive_timeout 65;\n}\n';
  const m = model({ [M]: text });
  it('replaces one argument', () => {
    expect(apply(text, [replaceArg(m.byName('keepalive_timeout')[0]!, 0, '75s')])).toContain('keepalive_timeout 75s;');
  });
  it('removes a directive with its line when alone on it, or only itself otherwise', () => {
    expect(apply(text, [removeDirective(m.byName('proxy_read_timeout')[1]!)])).toBe('http {\n    proxy_read_timeout 5s; # short\n    keepalive_timeout 65;\n}\n');
    expect(apply(text, [removeDirective(m.byName('proxy_read_timeout')[0]!)])).toBe('http {\n     # short\n    proxy_read_timeout 6s;\n    keepalive_timeout 65;\n}\n');
  });
  it('sets a directive at a level: replaces the first occurrence and removes the others', () => {
    const http = m.byName('http')[0]!.block!;
    expect(apply(text, setDirective(m, http, 'proxy_read_timeout', ['60s']))).toBe('http {\n    proxy_read_timeout 60s; # short\n    keepalive_timeout 65;\n}\n');
    expect(apply(text, setDirective(m, http, 'proxy_connect_timeout', ['5s']))).toContain('keepalive_timeout 65;\n    proxy_connect_timeout 5s;\n}');
  });
});

describe('addToList', () => {
  it('copies the inherited entries before adding one at a level that had none', () => {
    const text = 'http {\n    proxy_set_header Host $host;\n    proxy_set_header X-Real-IP "$remote_addr";\n    server {\n        location / {\n            proxy_pass http://127.0.0.1:1;\n        }\n    }\n}\n';
    const m = model({ [M]: text });
    const loc = m.byName('location')[0]!.block!;
    expect(apply(text, addToList(m, loc, 'proxy_set_header', ['Connection', '']))).toBe(
      'http {\n    proxy_set_header Host $host;\n    proxy_set_header X-Real-IP "$remote_addr";\n    server {\n        location / {\n            proxy_pass http://127.0.0.1:1;\n            proxy_set_header Host $host;\n            proxy_set_header X-Real-IP "$remote_addr";\n            proxy_set_header Connection "";\n        }\n    }\n}\n',
    );
  });
  it('adds after the last local entry when the level has its own', () => {
    const text = 'location / {\n    proxy_set_header A 1;\n    proxy_pass http://x;\n}\n';
    const m = new ScopeModel(loadConfig(M, { host: createMemoryHost({ [M]: text }) }), 'server');
    const loc = m.byName('location')[0]!.block!;
    expect(apply(text, addToList(m, loc, 'proxy_set_header', ['B', '2']))).toBe('location / {\n    proxy_set_header A 1;\n    proxy_set_header B 2;\n    proxy_pass http://x;\n}\n');
  });
});
