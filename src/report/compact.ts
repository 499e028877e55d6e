/**
 * The compact format: one line per finding, `path:line:col: severity: message [rule-id]`, no colour and no
 * code frames; the shape editor problem matchers (and actionlint, gcc) use.
 */
import type { Finding } from '../engine/types.js';
import type { ReportContext } from './index.js';
import { displayPath, groupFindings, oneLine, visiblePath } from './shared.js';

export function formatCompact(findings: readonly Finding[], ctx: ReportContext): string {
  let out = '';
  for (const group of groupFindings(findings, ctx.cwd)) {
    const shown = visiblePath(displayPath(group.file, ctx.cwd));
    for (const f of group.findings) {
      out += `${shown}:${f.start.line}:${f.start.column}: ${f.severity}: ${oneLine(f.message)} [${f.ruleId}]\n`;
    }
  }
  return out;
}
