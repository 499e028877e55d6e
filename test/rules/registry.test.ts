/**
 * House rules for rules: every folder under rules/ is registered and vice versa; each has index.ts,
 * README.md and test.ts; each README has the fixed sections in order; and its examples are linted: every
 * "Incorrect" block gets a finding of the rule (unless the README says its examples need backend files),
 * every "Correct" block none.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { allRules } from '../../rules/index.js';
import { lintCase } from '../harness/rule-tester.js';

const RULES_DIR = path.resolve(__dirname, '../../rules');
/** A README with this line has incorrect examples that only backend files or --probe make reportable. */
const NEEDS_BACKEND = '<!-- examples need backend files -->';
const SECTIONS = ['Why this causes 502s', 'Examples', 'Fix', 'Options', 'When not to use it', 'References'];

const folders = fs
  .readdirSync(RULES_DIR, { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => d.name)
  .sort();

describe('rule registry', () => {
  it('registers exactly the rule folders', () => {
    expect(allRules.map((r) => r.name).sort()).toEqual(folders);
  });
  it('has unique kebab-case names', () => {
    const names = allRules.map((r) => r.name);
    expect(new Set(names).size).toBe(names.length);
    for (const n of names) expect(n).toMatch(/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/);
  });
});

for (const rule of allRules) {
  describe(`rules/${rule.name}`, () => {
    const dir = path.join(RULES_DIR, rule.name);
    it('has index.ts, README.md and test.ts', () => {
      for (const f of ['index.ts', 'README.md', 'test.ts']) expect(fs.existsSync(path.join(dir, f)), f).toBe(true);
    });
    const readme = fs.existsSync(path.join(dir, 'README.md')) ? fs.readFileSync(path.join(dir, 'README.md'), 'utf8') : '';
    it('README starts with the rule name and has the fixed sections in order', () => {
      expect(readme.startsWith(`# ${rule.name}\n`)).toBe(true);
      const headings = [...readme.matchAll(/^## (.+)$/gm)].map((m) => m[1]);
      expect(headings).toEqual(SECTIONS);
    });
    const examples = [...readme.matchAll(/^(Incorrect|Correct)[^\n]*:\s*\n+```nginx\n([\s\S]*?)```/gm)].map((m) => ({ kind: m[1] as string, code: m[2] as string }));
    it('README has at least one incorrect and one correct example', () => {
      expect(examples.some((e) => e.kind === 'Incorrect')).toBe(true);
      expect(examples.some((e) => e.kind === 'Correct')).toBe(true);
    });
    examples.forEach((example, i) => {
      it(`README example ${i + 1} (${example.kind.toLowerCase()}) is linted as documented`, () => {
        const context = /^\s*(events|http|stream|user|worker_processes)\b/m.test(example.code) ? 'main' : /^\s*(server|upstream|map)\b/m.test(example.code) ? 'http' : /^\s*location\b/m.test(example.code) ? 'server' : 'location';
        const found = lintCase(rule, { code: example.code, rootContext: context });
        // A rule that needs backend files or a live probe cannot report its incorrect examples from nginx code alone.
        if (example.kind === 'Incorrect') {
          if (!readme.includes(NEEDS_BACKEND)) expect(found.length, 'an incorrect example must be reported').toBeGreaterThan(0);
        }
        else expect(found.map((f) => f.message)).toEqual([]);
      });
    });
  });
}
