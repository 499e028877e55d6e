/**
 * The backend cross-check rules over ../shared/corpus: each repository's nginx files are linted with that
 * repository's backend files (PHP-FPM pools, Apache ports, compose files) passed as --backend. Every finding
 * is listed in corpus-backend-findings.txt and reviewed by hand.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { expect, it } from 'vitest';
import { allRules } from '../../rules/index.js';
import { createNodeHost } from '../../src/include/index.js';
import { lint } from '../../src/engine/lint.js';
import { resolveConfig } from '../../src/engine/config.js';
import { ruleInfos } from '../../src/cli/lint-command.js';

const CORPUS = path.resolve(__dirname, '../../../shared/corpus');
const BACKEND = /docker-compose|PHP-FPM config|Apache httpd config/;
const NOT_NGINX = /docker-compose|PHP-FPM config|Apache httpd config|^notes/;

it('cross-checks every repository against its own backend files; findings match the reviewed list', async () => {
  const rows = fs.readFileSync(path.join(CORPUS, 'SOURCES.tsv'), 'utf8').trim().split('\n').slice(1).map((r) => r.split('\t'));
  const byRepo = new Map<string, { nginx: string[]; backends: string[] }>();
  for (const cols of rows) {
    const repo = (cols[0] ?? '').replace('/', '__');
    const file = path.join(CORPUS, repo, cols[2] ?? '');
    const notes = (cols[5] ?? '').replace(/^"/, '');
    if (!fs.existsSync(file)) continue;
    let entry = byRepo.get(repo);
    if (entry === undefined) byRepo.set(repo, (entry = { nginx: [], backends: [] }));
    if (BACKEND.test(notes)) entry.backends.push(file);
    else if (!NOT_NGINX.test(notes)) entry.nginx.push(file);
  }
  const config = resolveConfig(undefined, { rules: ruleInfos(allRules), baseDir: CORPUS });
  const host = createNodeHost();
  const lines: string[] = [];
  let crossChecked = 0;
  const backendFilesRead = new Set<string>();
  for (const [repo, { nginx, backends }] of [...byRepo].sort()) {
    if (backends.length === 0) continue;
    crossChecked++;
    for (const file of nginx) {
      const result = lint({ files: [file], host, config, rules: allRules, nginxVersion: '1.22.1', backends: { explicit: backends } });
      for (const b of result.backendFiles) backendFilesRead.add(b);
      // Only what the backend files add: the rest is listed in corpus-findings.txt.
      const without = new Set(
        lint({ files: [file], host, config, rules: allRules, nginxVersion: '1.22.1' }).findings.map((f) => `${f.ruleId}\u0000${f.file}\u0000${f.span.start}\u0000${f.message}`),
      );
      for (const f of result.findings) {
        if (without.has(`${f.ruleId}\u0000${f.file}\u0000${f.span.start}\u0000${f.message}`)) continue;
        if (f.ruleId === 'internal-error') throw new Error(f.message);
        const related = f.related.map((r) => ` (${path.relative(CORPUS, r.file)}:${r.start.line})`).join('');
        lines.push(`${path.relative(CORPUS, f.file)}:${f.start.line}:${f.start.column}: ${f.severity}: ${f.message.split(CORPUS).join('<corpus>')}${related} [${f.ruleId}] <- ${repo}`);
      }
    }
  }
  expect(crossChecked).toBeGreaterThan(5);
  // The backend files were really read (a reader that silently failed would make this test vacuous).
  expect(backendFilesRead.size).toBeGreaterThanOrEqual(10);
  await expect([...new Set(lines)].sort().join('\n') + '\n').toMatchFileSnapshot('./corpus-backend-findings.txt');
});
