/**
 * Every file of the shared corpus of real-world configurations (../shared/corpus, next to the repository)
 * must decode, parse and print back byte for byte; the real nginx configs that `nginx -t` accepted must
 * parse without errors.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseSource, print } from '../../src/parser/index.js';
import { decode } from '../../src/source/index.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const corpusDir = path.resolve(here, '../../../shared/corpus');
/** Corpus metadata, not configurations. */
const NOT_DATA = new Set(['README.md', 'SOURCES.tsv']);

function listFiles(dir: string): string[] {
  const out: string[] = [];
  const pending = [dir];
  while (pending.length > 0) {
    const current = pending.pop() as string;
    for (const name of readdirSync(current)) {
      const full = path.join(current, name);
      if (statSync(full).isDirectory()) pending.push(full);
      else out.push(path.relative(dir, full).split(path.sep).join('/'));
    }
  }
  return out.filter((rel) => !NOT_DATA.has(rel)).sort();
}

interface SourceRow {
  readonly file: string;
  readonly notes: string;
}

/** SOURCES.tsv: repo, commit, path, license, lines, notes; a file lives at `<owner>__<repo>/<path>`. */
function readSources(): SourceRow[] {
  const lines = readFileSync(path.join(corpusDir, 'SOURCES.tsv'), 'utf8').split(/\r?\n/);
  const header = (lines[0] ?? '').split('\t');
  const repoCol = header.indexOf('repo');
  const pathCol = header.indexOf('path');
  const notesCol = header.indexOf('notes');
  if (repoCol < 0 || pathCol < 0 || notesCol < 0) throw new Error(`unexpected SOURCES.tsv header: ${lines[0]}`);
  return lines
    .slice(1)
    .filter((line) => line.trim() !== '')
    .map((line) => {
      const cols = line.split('\t');
      return { file: `${(cols[repoCol] ?? '').replace('/', '__')}/${cols[pathCol] ?? ''}`, notes: cols[notesCol] ?? '' };
    });
}

const corpusPresent = existsSync(corpusDir) && statSync(corpusDir).isDirectory();

describe('corpus', () => {
  it('is present next to the repository', () => {
    if (!corpusPresent) {
      expect.fail(`corpus directory not found at ${corpusDir}; it should sit next to the repository as ../shared/corpus`);
    }
    expect(listFiles(corpusDir).length).toBeGreaterThan(0);
  });

  const files = corpusPresent ? listFiles(corpusDir) : [];

  describe.each(files)('%s', (rel) => {
    it('round-trips: decode, parse, print and encode give the same bytes', () => {
      const bytes = readFileSync(path.join(corpusDir, rel));
      const { source } = decode(bytes, rel);
      const { ast } = parseSource(source);
      const printed = print(ast);
      expect(printed).toBe(source.text);
      expect(Buffer.from(source.encode(printed)).equals(bytes)).toBe(true);
    });
  });

  it('parses every real nginx config that `nginx -t` accepted with zero errors', () => {
    if (!corpusPresent) expect.fail(`corpus directory not found at ${corpusDir}`);
    const isNginxConfig = (rel: string, text: string): boolean => rel.endsWith('.conf') || rel.endsWith('nginx.conf') || text.includes('server {');
    const accepted = readSources().filter((row) => /nginx -t: (PASS|OK)\b/.test(row.notes));
    expect(accepted.length).toBeGreaterThan(0);
    const checked: string[] = [];
    for (const row of accepted) {
      const full = path.join(corpusDir, row.file);
      expect(existsSync(full), `${row.file} is listed in SOURCES.tsv but missing`).toBe(true);
      const { source } = decode(readFileSync(full), row.file);
      if (!isNginxConfig(row.file, source.text)) continue;
      const { errors } = parseSource(source);
      expect(errors.map((e) => `${row.file}:${e.line}:${e.column} ${e.message}`)).toEqual([]);
      checked.push(row.file);
    }
    expect(checked.length).toBeGreaterThan(0);
  });
});
