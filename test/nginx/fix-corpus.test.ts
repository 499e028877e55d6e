/**
 * Every full configuration of ../shared/corpus that the real `nginx -t` accepts must still load after
 * `--fix --unsafe-fixes` with every rule.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { allRules } from '../../rules/index.js';
import { createNodeHost } from '../../src/include/index.js';
import { resolveConfig } from '../../src/engine/config.js';
import { ruleInfos } from '../../src/cli/lint-command.js';
import { fixFiles } from '../../src/fix/index.js';
import { nginxSkipReason, nginxTestAt, removeDir } from '../harness/nginx.js';

const CORPUS = path.resolve(__dirname, '../../../shared/corpus');
const reason = nginxSkipReason();
const dirs: string[] = [];
afterAll(() => dirs.forEach(removeDir));

function passingMains(): { project: string; file: string }[] {
  const rows = fs.readFileSync(path.join(CORPUS, 'SOURCES.tsv'), 'utf8').trim().split('\n').slice(1);
  return rows
    .map((r) => r.split('\t'))
    .filter((c) => /full main nginx\.conf/.test(c[5] ?? '') && /nginx -t: PASS/.test(c[5] ?? ''))
    .map((c) => ({ project: (c[0] ?? '').replace('/', '__'), file: c[2] ?? '' }));
}

describe.skipIf(reason !== undefined)(`corpus configs still load after --fix --unsafe-fixes${reason ? ` (skipped: ${reason})` : ''}`, () => {
  const mains = passingMains();
  it('finds the corpus configs nginx accepts', () => {
    expect(mains.length).toBeGreaterThanOrEqual(5);
  });
  for (const { project, file } of mains) {
    it(`${project}/${file}`, () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ngxlint-corpus-'));
      dirs.push(dir);
      fs.cpSync(path.join(CORPUS, project), dir, { recursive: true });
      const before = nginxTestAt(dir, file, { defaultPrefix: true });
      expect(before.ok, before.output).toBe(true);
      const config = resolveConfig({ extends: ['ngxlint:strict'] }, { rules: ruleInfos(allRules), baseDir: dir });
      const outcome = fixFiles({ files: [path.join(dir, file)], host: createNodeHost(), config, rules: allRules, nginxVersion: '1.22.1' }, { unsafe: true });
      expect(outcome.converged).toBe(true);
      for (const [changed, { after }] of outcome.changes) fs.writeFileSync(changed, after);
      const after = nginxTestAt(dir, file, { defaultPrefix: true });
      expect(after.ok, `${after.output}\nchanged: ${[...outcome.changes.keys()].join(', ')}`).toBe(true);
    });
  }
});
