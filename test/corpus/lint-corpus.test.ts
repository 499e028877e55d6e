/**
 * The false-positive gate: lint every nginx file of ../shared/corpus the way `ngxlint FILE` would (main
 * configs with their includes, snippets inside the main config that includes them or in their inferred
 * context) with the recommended rules. Every finding is listed in corpus-findings.txt, reviewed by hand;
 * a new or vanished finding fails this test until the list is updated and reviewed again.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { allRules } from '../../rules/index.js';
import { createNodeHost } from '../../src/include/index.js';
import { lint } from '../../src/engine/lint.js';
import { resolveConfig } from '../../src/engine/config.js';
import { ruleInfos } from '../../src/cli/lint-command.js';

const CORPUS = path.resolve(__dirname, '../../../shared/corpus');

/** Files that are not nginx configurations (backend files beside them). */
const NOT_NGINX = /docker-compose|PHP-FPM config|Apache httpd config|^notes/;

function nginxFiles(): string[] {
  const rows = fs.readFileSync(path.join(CORPUS, 'SOURCES.tsv'), 'utf8').trim().split('\n').slice(1);
  return rows
    .map((row) => row.split('\t'))
    .filter((cols) => !NOT_NGINX.test((cols[5] ?? '').replace(/^"/, '')))
    .map((cols) => path.join(CORPUS, `${(cols[0] ?? '').replace('/', '__')}`, cols[2] ?? ''))
    .filter((file) => fs.existsSync(file))
    .sort();
}

describe('corpus', () => {
  it('exists next to the repository', () => {
    expect(fs.existsSync(path.join(CORPUS, 'SOURCES.tsv')), `expected the corpus at ${CORPUS}`).toBe(true);
  });

  it('lints every nginx file without crashing; findings match the reviewed list', async () => {
    const files = nginxFiles();
    expect(files.length).toBeGreaterThan(90);
    const config = resolveConfig(undefined, { rules: ruleInfos(allRules), baseDir: CORPUS });
    const host = createNodeHost();
    const lines: string[] = [];
    for (const file of files) {
      // Pinned: version-dependent rules must not depend on the machine's nginx.
      const result = lint({ files: [file], host, config, rules: allRules, nginxVersion: '1.22.1' });
      expect(result.ioErrors, file).toEqual([]);
      for (const f of result.findings) {
        expect(f.ruleId, `${f.file}: ${f.message}`).not.toBe('internal-error');
        // Paths in messages are machine-specific: show them relative to the corpus.
        const message = f.message.split(CORPUS).join("<corpus>");
        lines.push(`${path.relative(CORPUS, f.file)}:${f.start.line}:${f.start.column}: ${f.severity}: ${message} [${f.ruleId}]`);
      }
    }
    const unique = [...new Set(lines)].sort();
    await expect(unique.join('\n') + '\n').toMatchFileSnapshot('./corpus-findings.txt');
  });
});
