/**
 * Cases 3 and 4: include cycles through globs, and symlink loops (a file link to itself, a directory link
 * back into an included directory, a glob that multiplies through such links). Each runs in a child
 * process with a timeout, so that a regression fails instead of hanging the suite. nginx itself segfaults
 * on the cycle (unbounded recursion) and fails the file loop with the same open() message.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempTrees } from '../harness/cli.js';
import { nginxSkipReason, nginxTestAt } from '../harness/nginx.js';
import { compactLines, runNgxlint } from './child.js';

const tree = tempTrees();
const lint = (dir: string, ...args: string[]) => runNgxlint(['-f', 'compact', '--no-config', ...args], { cwd: dir, timeoutMs: 60_000 });

describe('include cycles through globs', () => {
  it('a file whose glob matches itself is reported by include-cycle, from the main file and alone', () => {
    const dir = tree({
      'nginx.conf': 'events {}\nhttp {\n    include conf.d/*.conf;\n}\n',
      'conf.d/a.conf': 'include conf.d/*.conf;\nmap $a $b { default 1; }\n',
      'conf.d/b.conf': 'map $c $d { default 1; }\n',
    });
    for (const entry of ['nginx.conf', 'conf.d/a.conf']) {
      const r = lint(dir, entry);
      expect(r.signal).toBeNull();
      expect(r.status).toBe(1);
      expect(compactLines(r.stdout)).toEqual(['conf.d/a.conf:1:1: error: include cycle: conf.d/a.conf -> conf.d/a.conf [include-cycle]']);
    }
  });

  it('a cycle through two globs across directories', () => {
    const dir = tree({
      'nginx.conf': 'events {}\nhttp {\n    include a/*.conf;\n}\n',
      'a/one.conf': 'include b/*.conf;\n',
      'b/two.conf': 'include a/*.conf;\n',
    });
    const r = lint(dir, 'nginx.conf');
    expect(r.status).toBe(1);
    expect(compactLines(r.stdout)).toEqual(['b/two.conf:1:1: error: include cycle: a/one.conf -> b/two.conf -> a/one.conf [include-cycle]']);
  });
});

describe('symlink loops', () => {
  it('a self-referencing link given as the file: exit 2 with the errno', () => {
    const dir = tree({});
    fs.symlinkSync('loop', path.join(dir, 'loop'));
    const r = lint(dir, 'loop');
    expect([r.status, r.stdout, r.stderr]).toEqual([2, '', 'ngxlint: loop: cannot open (40: Too many levels of symbolic links)\n']);
  });

  it('a self-referencing link as an include target, plain and among glob matches, in nginx\'s words', () => {
    const dir = tree({
      'nginx.conf': 'events {}\nhttp {\n    include conf.d/*.conf;\n    include loop;\n}\n',
      'conf.d/app.conf': 'map $a $b { default 1; }\n',
    });
    fs.symlinkSync('loop', path.join(dir, 'loop'));
    fs.symlinkSync('loop.conf', path.join(dir, 'conf.d/loop.conf'));
    fs.symlinkSync('missing.conf', path.join(dir, 'conf.d/dangling.conf'));
    const r = lint(dir, 'nginx.conf');
    expect(r.status).toBe(1);
    expect(compactLines(r.stdout)).toEqual([
      `nginx.conf:3:5: error: open() "${dir}/conf.d/dangling.conf" failed (2: No such file or directory) [include-not-found]`,
      `nginx.conf:3:5: error: open() "${dir}/conf.d/loop.conf" failed (40: Too many levels of symbolic links) [include-not-found]`,
      `nginx.conf:4:5: error: open() "${dir}/loop" failed (40: Too many levels of symbolic links) [include-not-found]`,
    ]);
  });

  it.skipIf(nginxSkipReason() !== undefined)('nginx fails the same glob with the first of those messages', () => {
    const dir = tree({ 'nginx.conf': 'events {}\nhttp {\n    include conf.d/*.conf;\n}\n', 'conf.d/app.conf': 'map $a $b { default 1; }\n' });
    fs.symlinkSync('loop.conf', path.join(dir, 'conf.d/loop.conf'));
    const nginx = nginxTestAt(dir, 'nginx.conf');
    expect([nginx.ok, nginx.message, nginx.line]).toEqual([false, `open() "${dir}/conf.d/loop.conf" failed (40: Too many levels of symbolic links)`, 3]);
  });

  it('a directory link back into an included directory: each path is loaded, nothing loops', () => {
    const dir = tree({
      'nginx.conf': 'events {}\nhttp {\n    include conf.d/*/*/*/app.conf;\n    include conf.d/*;\n}\n',
      'conf.d/app.conf': 'map $a $b { default 1; }\n',
    });
    fs.symlinkSync('.', path.join(dir, 'conf.d/self'));
    const r = runNgxlint(['parse', 'nginx.conf'], { cwd: dir, timeoutMs: 60_000 });
    expect(r.status).toBe(1);
    const payload = JSON.parse(r.stdout) as { config: { file: string }[]; errors: { error: string }[] };
    expect(payload.config.map((c) => path.relative(dir, c.file))).toEqual(['nginx.conf', 'conf.d/self/self/self/app.conf', 'conf.d/app.conf']);
    // `include conf.d/*;` matches the link itself: a directory, which nginx fails to read.
    expect(payload.errors.map((e) => e.error)).toEqual([`open() "${dir}/conf.d/self" failed (21: Is a directory) in ${dir}/nginx.conf:4`]);
  });

  it('a glob that multiplies through directory links gives up with a message instead of walking 16^8 paths', () => {
    const dir = tree({ 'nginx.conf': 'events {}\nhttp {\n    include conf.d/*/*/*/*/*/*/*/*.conf;\n}\n' });
    fs.mkdirSync(path.join(dir, 'conf.d'));
    for (let i = 0; i < 16; i++) fs.symlinkSync('.', path.join(dir, `conf.d/l${i}`));
    const r = lint(dir, 'nginx.conf');
    expect(r.signal).toBeNull();
    expect(r.status).toBe(1);
    expect(compactLines(r.stdout)).toEqual([
      `nginx.conf:3:5: error: glob "${dir}/conf.d/*/*/*/*/*/*/*/*.conf" would examine more than 250000 directory entries (directory symlinks that loop?) [include-not-found]`,
    ]);
  });
});

describe('include amplification', () => {
  // Each file includes the next one twice, 30 deep: 2^30 copies of the last file. nginx grinds through every
  // copy; the scope model stops expanding at maxExpandedNodes().
  it('a diamond chain of includes is linted in bounded time, with a message', () => {
    const files: Record<string, string> = { 'nginx.conf': 'events {}\nhttp {\n    include f0.conf;\n}\n' };
    for (let f = 0; f < 30; f++) files[`f${f}.conf`] = f < 29 ? `include f${f + 1}.conf;\ninclude f${f + 1}.conf;\n` : 'map $a $b { default 1; }\n';
    const r = runNgxlint(['-f', 'compact', '--no-config', 'nginx.conf'], { cwd: tree(files), timeoutMs: 60_000 });
    expect(r.signal, 'killed at the timeout').toBeNull();
    expect(r.status).toBe(1);
    expect(compactLines(r.stdout)).toContain(
      'f27.conf:2:1: error: the included files expand to more than 1,000,000 directives (files included many times over multiply); the rest is not analysed [include-cycle]',
    );
  });
});
