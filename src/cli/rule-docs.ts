import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

const RULE_NAME = /^[a-z0-9-]+$/;

/** The rule's README in this installation (rules/<name>/README.md), found from src/ or dist/src/. */
function readmePath(ruleId: string): string | undefined {
  if (!RULE_NAME.test(ruleId)) return undefined;
  for (const rel of [`../../rules/${ruleId}/README.md`, `../../../rules/${ruleId}/README.md`]) {
    const file = fileURLToPath(new URL(rel, import.meta.url));
    if (existsSync(file)) return file;
  }
  return undefined;
}

/** A link to the rule's documentation: its README shipped with the package. */
export function ruleDocsUrl(ruleId: string): string | undefined {
  if (!docsUrls.has(ruleId)) {
    const file = readmePath(ruleId);
    docsUrls.set(ruleId, file === undefined ? undefined : pathToFileURL(file).href);
  }
  return docsUrls.get(ruleId);
}
/** Asked once per finding; the answer depends only on the rule. */
const docsUrls = new Map<string, string | undefined>();

export function readRuleReadme(ruleId: string): string | undefined {
  const file = readmePath(ruleId);
  return file === undefined ? undefined : readFileSync(file, 'utf8');
}
