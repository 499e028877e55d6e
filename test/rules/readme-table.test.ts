import * as fs from 'node:fs';
import * as path from 'node:path';
import { expect, it } from 'vitest';
import { allRules } from '../../rules/index.js';
import { withRulesTable } from '../../src/cli/rules-table.js';

it('the README rule table matches the registry (npm run docs regenerates it)', () => {
  const readme = fs.readFileSync(path.resolve(__dirname, '../../README.md'), 'utf8');
  expect(readme).toBe(withRulesTable(readme, allRules));
});
