// Regenerates the rule table in README.md from the registry (run after `npm run build`).
import { readFileSync, writeFileSync } from 'node:fs';
import { withRulesTable } from '../dist/src/cli/rules-table.js';
import { allRules } from '../dist/rules/index.js';

const file = new URL('../README.md', import.meta.url);
writeFileSync(file, withRulesTable(readFileSync(file, 'utf8'), allRules));
console.log(`README.md: ${allRules.length} rules`);
