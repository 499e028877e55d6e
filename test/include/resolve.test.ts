import { describe, expect, it } from 'vitest';
import { createMemoryHost, EntryError, loadConfig, globWith } from '../../src/include/index.js';

const load = (files: Record<string, string>, entry = '/etc/nginx/nginx.conf', prefix?: string) =>
  loadConfig(entry, { host: createMemoryHost(files), ...(prefix ? { prefix } : {}) });

describe('include resolution', () => {
  it('expands globs in byte-wise sorted order, relative to the prefix', () => {
    const tree = load({
      '/etc/nginx/nginx.conf': 'http {\n  include conf.d/*.conf;\n}\n',
      '/etc/nginx/conf.d/b.conf': 'server { listen 81; }\n',
      '/etc/nginx/conf.d/a.conf': 'server { listen 80; }\n',
      '/etc/nginx/conf.d/B.conf': 'server { listen 82; }\n',
      '/etc/nginx/conf.d/c.txt': 'not included',
      '/etc/nginx/conf.d/.hidden.conf': 'server { listen 83; }\n',
    });
    expect([...tree.files.keys()]).toEqual([
      '/etc/nginx/nginx.conf',
      '/etc/nginx/conf.d/B.conf',
      '/etc/nginx/conf.d/a.conf',
      '/etc/nginx/conf.d/b.conf',
    ]);
    expect(tree.problems).toEqual([]);
  });

  it('resolves nested relative includes against the prefix, not the including file', () => {
    const tree = load({
      '/etc/nginx/nginx.conf': 'http { include sites/app.conf; }\n',
      '/etc/nginx/sites/app.conf': 'server { include snippets/proxy.conf; }\n',
      '/etc/nginx/snippets/proxy.conf': 'proxy_set_header Host $host;\n',
      '/etc/nginx/sites/snippets/proxy.conf': 'wrong one;\n',
    });
    expect(tree.problems).toEqual([]);
    expect([...tree.files.keys()]).toContain('/etc/nginx/snippets/proxy.conf');
    expect([...tree.files.keys()]).not.toContain('/etc/nginx/sites/snippets/proxy.conf');
    const proxy = tree.files.get('/etc/nginx/snippets/proxy.conf')!;
    expect(proxy.sites.map((s) => s.context)).toEqual([['http', 'server']]);
  });

  it('reads absolute includes under a root that stands for / (a checkout mirroring the server), relative ones against the prefix', () => {
    const files = {
      '/repo/etc/nginx/nginx.conf': 'http {\n  include /etc/nginx/conf.d/*.conf;\n  include snippets/a.conf;\n  include /etc/nginx/missing.conf;\n}\n',
      '/repo/etc/nginx/conf.d/site.conf': 'server { listen 80; }\n',
      '/repo/etc/nginx/snippets/a.conf': 'gzip on;\n',
      '/etc/nginx/conf.d/live.conf': 'server { listen 81; }\n',
    };
    const tree = loadConfig('/repo/etc/nginx/nginx.conf', { host: createMemoryHost(files), root: '/repo' });
    expect([...tree.files.keys()]).toEqual(['/repo/etc/nginx/nginx.conf', '/repo/etc/nginx/conf.d/site.conf', '/repo/etc/nginx/snippets/a.conf']);
    expect(tree.problems.map((p) => [p.kind, p.target])).toEqual([['not-found', '/repo/etc/nginx/missing.conf']]);
    const live = loadConfig('/repo/etc/nginx/nginx.conf', { host: createMemoryHost(files) });
    expect([...live.files.keys()]).toContain('/etc/nginx/conf.d/live.conf');
  });

  it('uses an explicit prefix', () => {
    const tree = load(
      { '/srv/conf/main.conf': 'include extra.conf;\n', '/opt/prefix/extra.conf': 'worker_processes 1;\n' },
      '/srv/conf/main.conf',
      '/opt/prefix',
    );
    expect(tree.problems).toEqual([]);
    expect(tree.files.has('/opt/prefix/extra.conf')).toBe(true);
  });

  it('reports a missing plain include with nginx wording and position, and goes on', () => {
    const tree = load({
      '/etc/nginx/nginx.conf': 'events {}\nhttp {\n    include missing.conf;\n    include present.conf;\n}\n',
      '/etc/nginx/present.conf': 'server {}\n',
    });
    expect(tree.problems).toHaveLength(1);
    const p = tree.problems[0]!;
    expect(p.kind).toBe('not-found');
    expect(p.message).toBe('open() "/etc/nginx/missing.conf" failed (2: No such file or directory)');
    expect([p.line, p.column]).toEqual([3, 5]);
    expect(tree.files.has('/etc/nginx/present.conf')).toBe(true);
  });

  it('accepts a glob that matches nothing, like nginx', () => {
    const tree = load({ '/etc/nginx/nginx.conf': 'http { include sites-enabled/*; }\n' });
    expect(tree.problems).toEqual([]);
    expect(tree.files.size).toBe(1);
  });

  it('reports an include of a directory', () => {
    const tree = load({ '/etc/nginx/nginx.conf': 'include conf.d;\n', '/etc/nginx/conf.d/a.conf': 'x;\n' });
    expect(tree.problems.map((p) => p.message)).toEqual(['open() "/etc/nginx/conf.d" failed (21: Is a directory)']);
  });

  it('reports a directory matched by an include glob, as nginx fails on it', () => {
    const tree = load({ '/etc/nginx/nginx.conf': 'include conf.d/*;\n', '/etc/nginx/conf.d/a.conf': 'x;\n', '/etc/nginx/conf.d/sub/b.conf': 'y;\n' });
    expect(tree.problems.map((p) => p.message)).toEqual(['open() "/etc/nginx/conf.d/sub" failed (21: Is a directory)']);
    expect(tree.files.has('/etc/nginx/conf.d/a.conf')).toBe(true);
  });

  it('reports include cycles without hanging, including through a glob and a self-include', () => {
    const tree = load({
      '/etc/nginx/nginx.conf': 'http { include conf.d/*.conf; }\n',
      '/etc/nginx/conf.d/a.conf': 'include conf.d/b.conf;\n',
      '/etc/nginx/conf.d/b.conf': 'include conf.d/*.conf;\n',
      '/etc/nginx/conf.d/self.conf': 'include conf.d/self.conf;\n',
    });
    const cycles = tree.problems.filter((p) => p.kind === 'cycle');
    expect(cycles.map((c) => c.message).sort()).toEqual([
      'include cycle: conf.d/a.conf -> conf.d/b.conf -> conf.d/a.conf',
      'include cycle: conf.d/b.conf -> conf.d/b.conf',
      'include cycle: conf.d/self.conf -> conf.d/self.conf',
    ]);
    for (const c of cycles) expect(c.line).toBe(1);
  });

  it('parses a file included from several places once and records every site with its context', () => {
    const main = 'http {\n  server { include proxy.conf; }\n  server { location / { include proxy.conf; } }\n}\n';
    const tree = load({ '/etc/nginx/nginx.conf': main, '/etc/nginx/proxy.conf': 'proxy_read_timeout 60s;\n' });
    const first = main.indexOf('include');
    const shared = tree.files.get('/etc/nginx/proxy.conf')!;
    expect(tree.files.size).toBe(2);
    expect(shared.sites.map((s) => s.context)).toEqual([['http', 'server'], ['http', 'server', 'location']]);
    expect(shared.sites.map((s) => s.directive.span.start)).toEqual([first, main.indexOf('include', first + 1)]);
  });

  it('keeps syntax errors of included files and reports unreadable and binary includes', () => {
    const tree = load({
      '/etc/nginx/nginx.conf': 'include broken.conf;\ninclude bin.conf;\n',
      '/etc/nginx/broken.conf': 'server {\n',
      '/etc/nginx/bin.conf': 'abc\u0000def',
    });
    expect(tree.files.get('/etc/nginx/broken.conf')!.errors.map((e) => e.message)).toEqual(['unexpected end of file, expecting "}"']);
    expect(tree.problems.map((p) => p.kind)).toEqual(['binary']);
    expect(tree.problems[0]!.message).toContain('bin.conf:1:4: binary file');
  });

  it('does not follow includes when asked not to', () => {
    const tree = loadConfig('/etc/nginx/nginx.conf', {
      host: createMemoryHost({ '/etc/nginx/nginx.conf': 'include missing.conf;\n' }),
      followIncludes: false,
    });
    expect(tree.problems).toEqual([]);
    expect(tree.files.size).toBe(1);
  });

  it('throws EntryError for a missing or directory entry', () => {
    expect(() => load({ '/etc/nginx/other.conf': '' })).toThrow(EntryError);
    expect(() => load({ '/etc/nginx/nginx.conf/x': '' })).toThrow(/Is a directory/);
  });
});

describe('glob', () => {
  const tree: Record<string, string[]> = {
    '/': ['etc'],
    '/etc': ['a.conf', 'b.conf', 'c[1].conf', 'sub', '.dot.conf'],
    '/etc/sub': ['x.conf'],
  };
  const readdir = (dir: string) => (tree[dir] ?? []).map((name) => ({ name, directory: name === 'sub' || name === 'etc' }));
  it('matches *, ?, classes and negated classes per segment', () => {
    expect(globWith('/etc/*.conf', readdir)).toEqual(['/etc/a.conf', '/etc/b.conf', '/etc/c[1].conf']);
    expect(globWith('/etc/?.conf', readdir)).toEqual(['/etc/a.conf', '/etc/b.conf']);
    expect(globWith('/etc/[!a].conf', readdir)).toEqual(['/etc/b.conf']);
    expect(globWith('/etc/*/*.conf', readdir)).toEqual(['/etc/sub/x.conf']);
    expect(globWith('/etc/.*.conf', readdir)).toEqual(['/etc/.dot.conf']);
    expect(globWith('/etc/c\\[1\\].conf', readdir)).toEqual(['/etc/c[1].conf']);
  });
  it('stays fast on patterns with many stars', () => {
    const names = ['a'.repeat(5000)];
    const result = globWith('/' + '*a'.repeat(50) + '*b', () => names.map((name) => ({ name, directory: false })));
    expect(result).toEqual([]);
  });
});
