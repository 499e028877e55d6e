/**
 * Two `ngxlint --fix` processes on the same tree at once (a pre-commit hook and an editor's fix-on-save, two
 * deploy jobs): no exception, every file afterwards exactly its fixed version (whichever run wrote it; the
 * other sees the file changed since it read it and leaves it alone), no temp files, and nginx -t accepts the
 * result as it accepted the original.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempTree } from '../harness/cli.js';
import { nginxSkipReason, nginxTestAt } from '../harness/nginx.js';
import { ROOT, ensureBuilt, sleep } from '../e2e/helpers.js';

const FILES = 100;
const ROUNDS = 4;

/** Each site has one safe fix (connect-timeout-over-75s: 300s -> 75s); nginx -t accepts both versions. */
function siteTree(n: number): Record<string, string> {
  const files: Record<string, string> = { 'nginx.conf': 'events {}\nhttp {\n    include conf.d/*.conf;\n}\n' };
  for (let i = 0; i < n; i++) {
    files[`conf.d/site${String(i).padStart(3, '0')}.conf`] = `server {\n    listen 127.0.0.1:${20000 + i};\n    location / {\n        proxy_connect_timeout 300s;\n        proxy_pass http://127.0.0.1:${9000 + i};\n    }\n}\n`;
  }
  return files;
}

interface Exit {
  readonly code: number | null;
  readonly stderr: string;
}

/** Runs the compiled CLI's --fix in `dir`; resolves when it exits. */
function fix(dir: string): Promise<Exit> {
  const child = spawn(process.execPath, [path.join(ROOT, 'bin/ngxlint.js'), '--fix', '--no-config', 'nginx.conf'], { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stderr })));
}

const CHANGED = /^ngxlint: (\S+): not fixed, it changed on disk after ngxlint read it/;

describe('two --fix runs on the same tree at once', () => {
  const files = siteTree(FILES);
  const dirs: string[] = [];
  let fixedText: Record<string, string>;
  let runMs: number;

  beforeAll(async () => {
    ensureBuilt(['src/fix/write.ts', 'src/fix/apply.ts', 'src/cli/fix-command.ts', 'src/cli/main.ts']);
    const reference = tempTree(files);
    dirs.push(reference);
    const started = performance.now();
    const alone = await fix(reference);
    runMs = performance.now() - started;
    expect(alone.code, alone.stderr).toBe(0);
    fixedText = Object.fromEntries(Object.keys(files).map((rel) => [rel, fs.readFileSync(path.join(reference, rel), 'utf8')]));
    expect(Object.keys(files).filter((rel) => fixedText[rel] !== files[rel])).toHaveLength(FILES);
  }, 300_000);
  afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

  it('nginx -t accepts the original tree', (ctx) => {
    const skip = nginxSkipReason();
    if (skip) return ctx.skip(skip);
    const dir = tempTree(files);
    dirs.push(dir);
    const result = nginxTestAt(dir, 'nginx.conf');
    expect(result.ok, result.output).toBe(true);
  });

  it(`leaves every file fixed, without errors (${ROUNDS} rounds, ${FILES} files)`, async () => {
    let skippedByOne = 0;
    for (let round = 0; round < ROUNDS; round++) {
      const dir = tempTree(files);
      dirs.push(dir);
      // Half the rounds start together; the others start the second run while the first is under way, the
      // last one near the end of its run, when the second reads some files fixed and some not yet.
      const offset = round % 2 === 0 ? 0 : runMs * (round === ROUNDS - 1 ? 0.85 : 0.5);
      const first = fix(dir);
      if (offset > 0) await sleep(offset);
      const runs = await Promise.all([first, fix(dir)]);
      for (const [i, r] of runs.entries()) {
        const label = `round ${round}, run ${i + 1}`;
        expect(r.stderr, label).not.toMatch(/internal error|\n\s+at /);
        // Every file it did not write, another writer had changed: it says so and exits 2.
        const notFixed = r.stderr.split('\n').filter((l) => /^ngxlint: \S+: not fixed/.test(l));
        for (const line of notFixed) expect(line, label).toMatch(CHANGED);
        expect(r.code, `${label}\n${r.stderr}`).toBe(notFixed.length > 0 ? 2 : 0);
        if (notFixed.length > 0) skippedByOne++;
      }
      expect(fs.readdirSync(path.join(dir, 'conf.d')).sort(), `round ${round}: no temp files`).toEqual(Object.keys(files).filter((f) => f.startsWith('conf.d/')).map((f) => path.basename(f)).sort());
      for (const rel of Object.keys(files)) expect(fs.readFileSync(path.join(dir, rel), 'utf8'), `round ${round}: ${rel}`).toBe(fixedText[rel]);
      if (nginxSkipReason() === undefined) {
        const result = nginxTestAt(dir, 'nginx.conf');
        expect(result.ok, result.output).toBe(true);
      }
    }
    // The runs did collide: one of them found files the other had written since it read them.
    expect(skippedByOne).toBeGreaterThan(0);
  }, 600_000);
});
