/**
 * Imports run one way: cli -> report -> fix -> engine -> model/backends/probe -> include -> parser ->
 * source; rules import only src/rule-api.ts.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { expect, it } from 'vitest';

const ROOT = path.resolve(__dirname, '..');
const LAYERS = ['source', 'parser', 'include', 'crossplane', 'model', 'backends', 'probe', 'engine', 'fix', 'report', 'cli'];

function files(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((d) => (d.isDirectory() ? files(path.join(dir, d.name)) : d.name.endsWith('.ts') ? [path.join(dir, d.name)] : []));
}

function imports(file: string): string[] {
  const text = fs.readFileSync(file, 'utf8');
  return [...text.matchAll(/(?:^|\n)\s*(?:import|export)[^'"]*?from\s+'(\.[^']+)'|import\('(\.[^']+)'\)/g)].map((m) => path.resolve(path.dirname(file), (m[1] ?? m[2]) as string));
}

const layerOf = (file: string): number => {
  const rel = path.relative(path.join(ROOT, 'src'), file).split(path.sep)[0] ?? '';
  return LAYERS.indexOf(rel);
};

it('src layers import only downward', () => {
  const wrong: string[] = [];
  for (const file of files(path.join(ROOT, 'src'))) {
    const from = layerOf(file);
    if (from === -1) continue;
    for (const target of imports(file)) {
      if (!target.startsWith(path.join(ROOT, 'src'))) {
        if (!(LAYERS[from] === 'cli' && target.startsWith(path.join(ROOT, 'rules')))) wrong.push(`${path.relative(ROOT, file)} -> ${path.relative(ROOT, target)}`);
        continue;
      }
      const to = layerOf(target);
      if (to > from) wrong.push(`${path.relative(ROOT, file)} -> ${path.relative(ROOT, target)}`);
    }
  }
  expect(wrong).toEqual([]);
});

it('rules import only src/rule-api.ts from src', () => {
  const wrong: string[] = [];
  for (const file of files(path.join(ROOT, 'rules'))) {
    if (file.endsWith('test.ts') || path.basename(file) === 'index.ts' && path.dirname(file) === path.join(ROOT, 'rules')) continue;
    for (const target of imports(file)) {
      if (target.startsWith(path.join(ROOT, 'src')) && target !== path.join(ROOT, 'src', 'rule-api.js')) wrong.push(`${path.relative(ROOT, file)} -> ${path.relative(ROOT, target)}`);
    }
  }
  expect(wrong).toEqual([]);
});
