/**
 * Reporters: turn findings into text for a terminal (`stylish`), for editors' problem matchers (`compact`),
 * for programs (`json`), and for CI services: code scanning (`sarif`), GitHub Actions annotations
 * (`github`), GitLab Code Quality (`gitlab`), and the XML that CI plugins read (`checkstyle`, `junit`).
 */
import type { Finding, RuleMetaBase } from '../engine/types.js';
import type { SourceText } from '../source/index.js';
import { formatCheckstyle } from './checkstyle.js';
import { formatCompact } from './compact.js';
import type { ReportFormat } from './formats.js';
import { formatGithub } from './github.js';
import { formatGitlab } from './gitlab.js';
import { formatJson } from './json.js';
import { formatJunit } from './junit.js';
import { formatSarif } from './sarif.js';
import { formatStylish } from './stylish.js';

export interface ReportContext {
  /** Paths are printed relative to this directory (with `../` when outside it); relative finding paths resolve against it. */
  readonly cwd: string;
  /** ANSI colours in stylish output; decided by the caller (never by TTY detection here). */
  readonly color: boolean;
  /** Sources for code frames, keyed by the finding's file (or its absolute path); a missing file gets no frame. */
  readonly sources: ReadonlyMap<string, SourceText>;
  /** Documentation link of a rule (json, junit and sarif output). */
  readonly ruleUrl: (ruleId: string) => string | undefined;
  /** Every file checked; json, checkstyle, junit and sarif output list those without findings too. */
  readonly files?: readonly string[];
  /** Every registered rule; sarif describes them all, also those without findings. */
  readonly rules?: readonly RuleMetaBase[];
  /** A rule's documentation as Markdown (its README), for sarif's rule help. */
  readonly ruleHelp?: (ruleId: string) => string | undefined;
  /** ngxlint's version (sarif). */
  readonly toolVersion?: string;
  /** Where ngxlint is described (sarif); a default address otherwise. */
  readonly informationUri?: string;
  /** Problems that kept the run from checking everything, such as unreadable files; sarif marks the run unsuccessful. */
  readonly runErrors?: readonly string[];
}

export { REPORT_FORMATS } from './formats.js';
export type { ReportFormat } from './formats.js';

/** Formats findings. Stylish, compact and github print nothing at all when there are no findings. */
export function formatFindings(format: ReportFormat, findings: readonly Finding[], ctx: ReportContext): string {
  switch (format) {
    case 'stylish':
      return formatStylish(findings, ctx);
    case 'compact':
      return formatCompact(findings, ctx);
    case 'json':
      return formatJson(findings, ctx);
    case 'sarif':
      return formatSarif(findings, ctx);
    case 'github':
      return formatGithub(findings, ctx);
    case 'gitlab':
      return formatGitlab(findings, ctx);
    case 'checkstyle':
      return formatCheckstyle(findings, ctx);
    case 'junit':
      return formatJunit(findings, ctx);
  }
}

export { formatStylish } from './stylish.js';
export { formatCompact } from './compact.js';
export { formatJson, toJsonResults } from './json.js';
export type { JsonFileResult, JsonMessage, JsonRelated, JsonFix, JsonEdit } from './json.js';
export { formatSarif, toSarif } from './sarif.js';
export type { SarifLog, SarifRun, SarifResult, SarifRule } from './sarif.js';
export { formatGithub, escapeData, escapeProperty, GITHUB_ANNOTATIONS_PER_KIND } from './github.js';
export type { GithubOptions } from './github.js';
export { formatGitlab, toCodeQualityIssues } from './gitlab.js';
export type { CodeQualityIssue, CodeQualitySeverity } from './gitlab.js';
export { formatCheckstyle } from './checkstyle.js';
export { formatJunit } from './junit.js';
export { FINGERPRINT_KEY, fingerprints } from './fingerprint.js';
export { codeFrame } from './code-frame.js';
