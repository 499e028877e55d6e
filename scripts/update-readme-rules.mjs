// Regenerates the rule table in README.md and the config file's JSON schema from the registry (run after
// `npm run build`; tests fail when either is stale).
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { withRulesTable } from '../dist/src/cli/rules-table.js';
import { configSchemaText } from '../dist/src/engine/config-schema.js';
import { allRules } from '../dist/rules/index.js';

const readme = new URL('../README.md', import.meta.url);
writeFileSync(readme, withRulesTable(readFileSync(readme, 'utf8'), allRules));
console.log(`README.md: ${allRules.length} rules`);

const schemaDir = new URL('../schema/', import.meta.url);
mkdirSync(schemaDir, { recursive: true });
writeFileSync(new URL('ngxlint.schema.json', schemaDir), configSchemaText(allRules));
console.log('schema/ngxlint.schema.json written');
