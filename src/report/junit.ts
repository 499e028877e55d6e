/**
 * The JUnit XML format, for CI test-report views (GitLab unit test reports, Jenkins, Azure): one testsuite per
 * file, one failing testcase per finding, and one passing testcase for a file without findings so that the
 * view shows it was checked.
 *
 * GitLab shows `classname` as the suite and ignores a testcase whose classname and name repeat an earlier one,
 * so names are made unique within a file.
 */
import type { Finding } from '../engine/types.js';
import type { ReportContext } from './index.js';
import { absolutePath, groupFindings, repoPath } from './shared.js';
import { XML_DECLARATION, xmlAttrs, xmlText } from './xml.js';

/** The name of the passing testcase of a file without findings. */
export const JUNIT_PASSED_NAME = 'no problems';

export function formatJunit(findings: readonly Finding[], ctx: ReportContext): string {
  const byFile = new Map<string, readonly Finding[]>();
  for (const group of groupFindings(findings, ctx.cwd)) byFile.set(group.file, group.findings);
  for (const file of ctx.files ?? []) {
    const abs = absolutePath(file, ctx.cwd);
    if (!byFile.has(abs)) byFile.set(abs, []);
  }
  const files = [...byFile.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const tests = files.reduce((n, [, list]) => n + Math.max(1, list.length), 0);
  let out = `${XML_DECLARATION}<testsuites${xmlAttrs({ name: 'ngxlint', tests, failures: findings.length, errors: 0, time: 0 })}>\n`;
  for (const [file, list] of files) {
    const shown = repoPath(file, ctx.cwd);
    out += `  <testsuite${xmlAttrs({ name: shown, tests: Math.max(1, list.length), failures: list.length, errors: 0, skipped: 0, time: 0 })}>\n`;
    if (list.length === 0) out += `    <testcase${xmlAttrs({ classname: shown, name: JUNIT_PASSED_NAME, file: shown, time: 0 })}/>\n`;
    const used = new Map<string, number>();
    for (const f of list) {
      const base = `${f.start.line}:${f.start.column} ${f.ruleId}`;
      const count = (used.get(base) ?? 0) + 1;
      used.set(base, count);
      const name = count === 1 ? base : `${base} (${count})`;
      out += `    <testcase${xmlAttrs({ classname: shown, name, file: shown, line: f.start.line, time: 0 })}>\n`;
      out += `      <failure${xmlAttrs({ message: f.message, type: f.severity })}>${xmlText(failureDetails(f, shown, ctx))}</failure>\n`;
      out += '    </testcase>\n';
    }
    out += '  </testsuite>\n';
  }
  return `${out}</testsuites>\n`;
}

/** The failure's body: the finding as a compact line, then its notes, fix and documentation. */
function failureDetails(f: Finding, shown: string, ctx: ReportContext): string {
  const lines = [`${shown}:${f.start.line}:${f.start.column}: ${f.severity}: ${f.message} [${f.ruleId}]`];
  for (const r of f.related) lines.push(`note: ${repoPath(r.file, ctx.cwd)}:${r.start.line}:${r.start.column}: ${r.message}`);
  if (f.fix !== undefined) lines.push(`${f.fix.applicability === 'suggestion' ? 'suggestion' : `fix (${f.fix.applicability})`}: ${f.fix.title}`);
  const url = ctx.ruleUrl(f.ruleId);
  if (url !== undefined) lines.push(`docs: ${url}`);
  return lines.join('\n');
}
