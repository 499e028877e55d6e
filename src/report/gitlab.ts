/**
 * GitLab's Code Quality report (`artifacts:reports:codequality`): a JSON array of issues in the subset of the
 * Code Climate format that GitLab reads (https://docs.gitlab.com/ci/testing/code_quality/). GitLab shows one
 * entry per fingerprint and compares fingerprints between branches, so they must be unique in a report and
 * survive unrelated edits: see fingerprint.ts.
 */
import path from 'node:path';
import type { Finding, Severity } from '../engine/types.js';
import type { ReportContext } from './index.js';
import { fingerprints } from './fingerprint.js';
import { displayPath, lastLine, sortedFindings } from './shared.js';

export type CodeQualitySeverity = 'info' | 'minor' | 'major' | 'critical' | 'blocker';

export interface CodeQualityIssue {
  readonly description: string;
  readonly check_name: string;
  readonly fingerprint: string;
  readonly severity: CodeQualitySeverity;
  readonly location: {
    /** Relative to the working directory (the checkout), `/`-separated; with `../` for a file outside it, as GitLab wants relative paths. */
    readonly path: string;
    readonly lines: { readonly begin: number; readonly end: number };
  };
}

/** The mapping ESLint's and most other linters' GitLab formatters use. */
const SEVERITY: Readonly<Record<Severity, CodeQualitySeverity>> = { error: 'major', warning: 'minor', info: 'info' };

export function toCodeQualityIssues(findings: readonly Finding[], ctx: ReportContext): CodeQualityIssue[] {
  const sorted = sortedFindings(findings, ctx.cwd);
  const prints = fingerprints(sorted, ctx);
  return sorted.map((f, index) => ({
    description: f.message,
    check_name: f.ruleId,
    fingerprint: prints[index] as string,
    severity: SEVERITY[f.severity],
    location: { path: displayPath(f.file, ctx.cwd).split(path.sep).join('/'), lines: { begin: f.start.line, end: lastLine(f.start, f.end) } },
  }));
}

/** No byte order mark: GitLab's parser rejects one. */
export function formatGitlab(findings: readonly Finding[], ctx: ReportContext): string {
  return JSON.stringify(toCodeQualityIssues(findings, ctx), null, 2) + '\n';
}
