/**
 * nginx as the judge of fixes: a broken configuration is fixed with one rule's fixes (`--fix
 * --unsafe-fixes`), then the real `nginx -t` must accept the result, a second round must change nothing,
 * and the diff may touch only the lines the test allows.
 */
import { expect } from 'vitest';
import type { AnyRule } from '../../src/engine/rule.js';
import { fixCase, lintCase } from './rule-tester.js';
import { nginxTest, removeDir } from './nginx.js';

export interface JudgeCase {
  readonly name: string;
  /** Paths relative to the nginx prefix; `nginx.conf` is the main file. */
  readonly files: Readonly<Record<string, string>>;
  /** Lines (1-based, per file) the fix may change or insert after; default: any. */
  readonly touches?: Readonly<Record<string, readonly number[]>>;
  readonly nginxVersion?: string;
  /** Whether nginx -t must reject the broken config (load-time rules) — default false. */
  readonly brokenFailsToLoad?: boolean;
}

/** Original line numbers whose text differs in `after` (a changed line, or one followed by inserted lines). */
export function touchedLines(before: string, after: string): number[] {
  const a = before.split('\n');
  const b = after.split('\n');
  let top = 0;
  while (top < a.length && top < b.length && a[top] === b[top]) top++;
  let bottom = 0;
  while (bottom < a.length - top && bottom < b.length - top && a[a.length - 1 - bottom] === b[b.length - 1 - bottom]) bottom++;
  const lines: number[] = [];
  const firstChanged = top + 1;
  const lastChanged = a.length - bottom;
  if (lastChanged < firstChanged) lines.push(top); // pure insertion after line `top`
  for (let l = firstChanged; l <= lastChanged; l++) lines.push(l);
  return lines;
}

export function judgeFix(rule: AnyRule, c: JudgeCase): void {
  const version = c.nginxVersion ?? '1.30.0';
  const before = lintCase(rule, { files: c.files, nginxVersion: version });
  expect(before.length, 'the broken config must be reported').toBeGreaterThan(0);
  if (c.brokenFailsToLoad) {
    const broken = nginxTest(c.files as Record<string, string>);
    removeDir(broken.dir);
    expect(broken.ok, 'nginx -t must reject the broken config').toBe(false);
  }
  const first = fixCase(rule, { files: c.files, nginxVersion: version });
  expect(first.converged).toBe(true);
  expect(first.texts, 'the fix must change something').not.toEqual(c.files);
  const nginx = nginxTest(first.texts);
  removeDir(nginx.dir);
  expect(nginx.ok, `nginx -t rejects the fixed config:\n${nginx.output}\n${JSON.stringify(first.texts, null, 2)}`).toBe(true);
  const second = fixCase(rule, { files: first.texts, nginxVersion: version });
  expect(second.texts, 'a second --fix must change nothing').toEqual(first.texts);
  if (c.touches !== undefined) {
    for (const [file, text] of Object.entries(first.texts)) {
      const original = c.files[file] as string;
      if (text === original) continue;
      const allowed = c.touches[file];
      expect(allowed, `the fix touched ${file}, which it should not`).toBeDefined();
      for (const line of touchedLines(original, text)) expect(allowed, `${file}: line ${line} changed`).toContain(line);
    }
  }
}
