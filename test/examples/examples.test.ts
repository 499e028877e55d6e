/**
 * Every example under examples/ is linted as the README's run command does; the stylish report is kept
 * in examples/<name>/expected-report.txt so that a change in findings shows up in review.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../harness/cli.js';

const EXAMPLES = path.resolve(__dirname, '../../examples');
const names = fs
  .readdirSync(EXAMPLES, { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => d.name)
  .sort();

describe('examples', () => {
  it('there are at least three', () => {
    expect(names.length).toBeGreaterThanOrEqual(3);
  });
  for (const name of names) {
    it(`${name}: report matches expected-report.txt`, async () => {
      const r = await runCli(['--no-color', '--no-config', '--nginx-version', '1.30.0', name], { cwd: EXAMPLES });
      expect(r.stderr).not.toMatch(/internal error|crashed/);
      const report = `$ ngxlint ${name}\n${r.stdout}${r.stderr === '' ? '' : `[stderr]\n${r.stderr}`}(exit ${r.code})\n`;
      await expect(report).toMatchFileSnapshot(path.join(EXAMPLES, name, 'expected-report.txt'));
    });
  }
});
