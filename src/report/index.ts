/**
 * Reporters: turn findings into text for a terminal (`stylish`), for editors' problem matchers
 * (`compact`) or for programs (`json`).
 */
import type { Finding } from '../engine/types.js';
import type { SourceText } from '../source/index.js';
import { formatCompact } from './compact.js';
import { formatJson } from './json.js';
import { formatStylish } from './stylish.js';

export interface ReportContext {
  /** Paths are printed relative to this directory (with `../` when outside it); relative finding paths resolve against it. */
  readonly cwd: string;
  /** ANSI colours in stylish output; decided by the caller (never by TTY detection here). */
  readonly color: boolean;
  /** Sources for code frames, keyed by the finding's file (or its absolute path); a missing file gets no frame. */
  readonly sources: ReadonlyMap<string, SourceText>;
  /** Documentation link of a rule (json output). */
  readonly ruleUrl: (ruleId: string) => string | undefined;
  /** Every file checked; json output lists those without findings too. */
  readonly files?: readonly string[];
}

export const REPORT_FORMATS = ['stylish', 'compact', 'json'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

/** Formats findings. Stylish and compact print nothing at all when there are no findings. */
export function formatFindings(format: ReportFormat, findings: readonly Finding[], ctx: ReportContext): string {
  switch (format) {
    case 'stylish':
      return formatStylish(findings, ctx);
    case 'compact':
      return formatCompact(findings, ctx);
    case 'json':
      return formatJson(findings, ctx);
  }
}

export { formatStylish } from './stylish.js';
export { formatCompact } from './compact.js';
export { formatJson, toJsonResults } from './json.js';
export type { JsonFileResult, JsonMessage, JsonRelated, JsonFix, JsonEdit } from './json.js';
export { codeFrame } from './code-frame.js';
