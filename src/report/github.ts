/**
 * The github format: GitHub Actions workflow commands that the runner turns into annotations on the
 * pull request (`::error file=F,line=L,col=C,endLine=..,endColumn=..,title=T::message`).
 *
 * GitHub shows at most 10 error, 10 warning and 10 notice annotations per step and drops the rest, first
 * come first served. So errors come first, then warnings, then notices (info findings); findings past the
 * limits are listed as plain log lines, and a final notice says how many were not annotated.
 */
import type { Finding, Severity } from '../engine/types.js';
import type { ReportContext } from './index.js';
import { lastLine, oneLine, plural, repoPath, sortedFindings, visible } from './shared.js';

/** Annotations of one kind GitHub shows per step. */
export const GITHUB_ANNOTATIONS_PER_KIND = 10;

const COMMAND: Readonly<Record<Severity, string>> = { error: 'error', warning: 'warning', info: 'notice' };
const ORDER: readonly Severity[] = ['error', 'warning', 'info'];

/** Escapes a workflow command's message (as @actions/core does): `%`, CR and LF. */
export function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** Escapes a workflow command property value: as data, plus `:` and `,`, which end a property. */
export function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

export interface GithubOptions {
  /**
   * List the findings past the annotation limits as plain lines (default true). Off when the same log
   * already shows every finding (the stylish report printed before the annotations).
   */
  readonly listOverflow?: boolean;
}

export function formatGithub(findings: readonly Finding[], ctx: ReportContext, options: GithubOptions = {}): string {
  const sorted = sortedFindings(findings, ctx.cwd);
  const bySeverity = ORDER.map((severity) => sorted.filter((f) => f.severity === severity));
  const overflows = bySeverity.some((list) => list.length > GITHUB_ANNOTATIONS_PER_KIND);
  let out = '';
  const rest: Finding[] = [];
  bySeverity.forEach((list, index) => {
    // With an overflow, the closing notice takes one of the notice slots, so that GitHub still shows it.
    const limit = ORDER[index] === 'info' && overflows ? GITHUB_ANNOTATIONS_PER_KIND - 1 : GITHUB_ANNOTATIONS_PER_KIND;
    list.slice(0, limit).forEach((f) => (out += annotation(f, ctx)));
    rest.push(...list.slice(limit));
  });
  if (rest.length === 0) return out;
  if (options.listOverflow !== false) {
    // Prefixed: the runner would take a line that starts with "::" (a hostile file name) as a command.
    for (const f of rest) out += `ngxlint: ${oneLine(repoPath(f.file, ctx.cwd))}:${f.start.line}:${f.start.column}: ${f.severity}: ${oneLine(f.message)} [${f.ruleId}]\n`;
  }
  const where = options.listOverflow !== false ? 'they are listed above' : 'the report above lists them';
  out += `::notice title=ngxlint::${escapeData(
    `${plural(rest.length, 'more finding')} than GitHub shows as annotations (${GITHUB_ANNOTATIONS_PER_KIND} errors, ${GITHUB_ANNOTATIONS_PER_KIND} warnings and ${GITHUB_ANNOTATIONS_PER_KIND} notices per step): ${where} in the job log; upload --format sarif to code scanning to see all of them on the code`,
  )}\n`;
  return out;
}

function annotation(f: Finding, ctx: ReportContext): string {
  const endLine = lastLine(f.start, f.end);
  const properties: [string, string | number][] = [
    ['file', repoPath(f.file, ctx.cwd)],
    ['line', f.start.line],
    ['endLine', endLine],
  ];
  // GitHub accepts columns only on a single-line annotation.
  if (f.end.line === f.start.line) properties.push(['col', f.start.column], ['endColumn', f.end.column]);
  else if (endLine === f.start.line) properties.push(['col', f.start.column]);
  properties.push(['title', `ngxlint(${f.ruleId})`]);
  const lines = [f.message];
  for (const r of f.related) lines.push(`note: ${repoPath(r.file, ctx.cwd)}:${r.start.line}:${r.start.column}: ${r.message}`);
  if (f.fix !== undefined) lines.push(`${f.fix.applicability === 'suggestion' ? 'suggestion' : `fix (${f.fix.applicability})`}: ${f.fix.title}`);
  const props = properties.map(([name, value]) => `${name}=${escapeProperty(visible(String(value)))}`).join(',');
  return `::${COMMAND[f.severity]} ${props}::${escapeData(visible(lines.join('\n')))}\n`;
}
