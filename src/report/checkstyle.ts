/**
 * The checkstyle format: the XML that Jenkins (warnings-ng), reviewdog, Sonar and many CI plugins read.
 *
 *     <checkstyle version="4.3">
 *       <file name="/abs/conf/nginx.conf">
 *         <error line="3" column="5" severity="error" message="..." source="ngxlint.buffer-size-constraints"/>
 *       </file>
 *     </checkstyle>
 *
 * File names are absolute, as checkstyle itself writes them; files without findings are listed empty.
 */
import type { Finding } from '../engine/types.js';
import type { ReportContext } from './index.js';
import { absolutePath, groupFindings, sortPaths } from './shared.js';
import { XML_DECLARATION, xmlAttrs } from './xml.js';

/** The checkstyle report version other linters (ESLint, stylelint) write and consumers accept. */
const CHECKSTYLE_VERSION = '4.3';

export function formatCheckstyle(findings: readonly Finding[], ctx: ReportContext): string {
  const byFile = new Map<string, readonly Finding[]>();
  for (const group of groupFindings(findings, ctx.cwd)) byFile.set(group.file, group.findings);
  for (const file of ctx.files ?? []) {
    const abs = absolutePath(file, ctx.cwd);
    if (!byFile.has(abs)) byFile.set(abs, []);
  }
  let out = `${XML_DECLARATION}<checkstyle${xmlAttrs({ version: CHECKSTYLE_VERSION })}>\n`;
  for (const file of sortPaths(byFile.keys())) {
    const fileFindings = byFile.get(file) ?? [];
    if (fileFindings.length === 0) {
      out += `  <file${xmlAttrs({ name: file })}/>\n`;
      continue;
    }
    out += `  <file${xmlAttrs({ name: file })}>\n`;
    for (const f of fileFindings) {
      out += `    <error${xmlAttrs({ line: f.start.line, column: f.start.column, severity: f.severity, message: f.message, source: `ngxlint.${f.ruleId}` })}/>\n`;
    }
    out += '  </file>\n';
  }
  return `${out}</checkstyle>\n`;
}
