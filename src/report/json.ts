/**
 * The JSON format: one object per file, in the spirit of ESLint's `--format json`. The interfaces below are
 * the documented schema of that output.
 */
import type { Applicability, Finding, Severity } from '../engine/types.js';
import type { ReportContext } from './index.js';
import { absolutePath, groupFindings, sortPaths } from './shared.js';

/** One text edit of a fix: replace the UTF-16 offsets [start, end) of the file's decoded text with `text`. */
export interface JsonEdit {
  readonly filePath: string;
  readonly start: number;
  readonly end: number;
  readonly text: string;
}

export interface JsonFix {
  /** `safe`: applied by --fix; `unsafe`: applied by --unsafe-fixes; `suggestion`: never applied. */
  readonly applicability: Applicability;
  readonly title: string;
  readonly edits: readonly JsonEdit[];
}

/** Another place that explains a message ("upstream defined here"). Lines and columns are 1-based. */
export interface JsonRelated {
  readonly filePath: string;
  readonly line: number;
  readonly column: number;
  readonly endLine: number;
  readonly endColumn: number;
  readonly message: string;
}

/** One finding. Lines and columns are 1-based; columns count UTF-16 code units (a tab counts as one). */
export interface JsonMessage {
  readonly ruleId: string;
  readonly severity: Severity;
  readonly message: string;
  readonly line: number;
  readonly column: number;
  /** End of the span (exclusive column). */
  readonly endLine: number;
  readonly endColumn: number;
  readonly related: readonly JsonRelated[];
  /** Present only when the rule offers a fix or suggestion. */
  readonly fix?: JsonFix;
  /** The rule's documentation, or null when there is none. */
  readonly url: string | null;
}

/** The output is an array of these, sorted by filePath. */
export interface JsonFileResult {
  /** Absolute path (or a pseudo-path such as `<stdin>`). */
  readonly filePath: string;
  /** Sorted by line, then column. */
  readonly messages: readonly JsonMessage[];
  readonly errorCount: number;
  readonly warningCount: number;
  readonly infoCount: number;
  /** Messages whose fix is safe (applied by --fix). */
  readonly fixableCount: number;
}

export function toJsonResults(findings: readonly Finding[], ctx: ReportContext): JsonFileResult[] {
  const byFile = new Map<string, JsonFileResult>();
  for (const group of groupFindings(findings, ctx.cwd)) {
    const messages = group.findings.map((f) => toJsonMessage(f, ctx));
    let errorCount = 0;
    let warningCount = 0;
    let infoCount = 0;
    let fixableCount = 0;
    for (const f of group.findings) {
      if (f.severity === 'error') errorCount++;
      else if (f.severity === 'warning') warningCount++;
      else if (f.severity === 'info') infoCount++;
      if (f.fix?.applicability === 'safe') fixableCount++;
    }
    byFile.set(group.file, { filePath: group.file, messages, errorCount, warningCount, infoCount, fixableCount });
  }
  for (const file of ctx.files ?? []) {
    const abs = absolutePath(file, ctx.cwd);
    if (!byFile.has(abs)) byFile.set(abs, { filePath: abs, messages: [], errorCount: 0, warningCount: 0, infoCount: 0, fixableCount: 0 });
  }
  return sortPaths(byFile.keys()).map((file) => byFile.get(file) as JsonFileResult);
}

export function formatJson(findings: readonly Finding[], ctx: ReportContext): string {
  return JSON.stringify(toJsonResults(findings, ctx), null, 2) + '\n';
}

function toJsonMessage(f: Finding, ctx: ReportContext): JsonMessage {
  const related = f.related.map((r) => ({
    filePath: absolutePath(r.file, ctx.cwd),
    line: r.start.line,
    column: r.start.column,
    endLine: r.end.line,
    endColumn: r.end.column,
    message: r.message,
  }));
  const url = ctx.ruleUrl(f.ruleId) ?? null;
  // Two literals rather than a spread of the optional `fix`: the key order (fix before url) is the output's.
  if (f.fix === undefined) {
    return { ruleId: f.ruleId, severity: f.severity, message: f.message, line: f.start.line, column: f.start.column, endLine: f.end.line, endColumn: f.end.column, related, url };
  }
  const fix: JsonFix = {
    applicability: f.fix.applicability,
    title: f.fix.title,
    edits: f.fix.edits.map((e) => ({ filePath: absolutePath(e.file, ctx.cwd), start: e.start, end: e.end, text: e.text })),
  };
  return { ruleId: f.ruleId, severity: f.severity, message: f.message, line: f.start.line, column: f.start.column, endLine: f.end.line, endColumn: f.end.column, related, fix, url };
}
