/**
 * Fingerprints that let code-scanning and code-quality services match a finding across runs: built from
 * what the finding is about (rule, file, the flagged line's text and the flagged text itself), never from its
 * line number, so that inserting lines above it keeps the fingerprint.
 */
import { createHash } from 'node:crypto';
import type { Finding } from '../engine/types.js';
import type { ReportContext } from './index.js';
import { absolutePath, findSource, repoPath } from './shared.js';

/** The key under SARIF's `partialFingerprints`; bump the version when the recipe changes. */
export const FINGERPRINT_KEY = 'ngxlintFingerprint/v1';

/** Characters of the flagged line (either side of the finding) and of the flagged text that count. */
const CONTEXT = 200;

/** Whitespace runs collapse to one space, so that re-indenting a line keeps its fingerprint. */
function normalize(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** What a finding is about: its rule, file, flagged line and flagged text (the message when there is no source). */
function contentKey(finding: Finding, ctx: ReportContext): string {
  const source = findSource(ctx, finding.file, absolutePath(finding.file, ctx.cwd));
  const parts = [finding.ruleId, repoPath(finding.file, ctx.cwd)];
  if (source === undefined) parts.push('', normalize(finding.message));
  else {
    // Around the flagged text only: on a very long line, text far from the finding says nothing about it.
    const line = source.lineAt(finding.span.start);
    const lineStart = source.offsetAt(line, 1);
    const column = finding.span.start - lineStart;
    const around = source.lineText(line).slice(Math.max(0, column - CONTEXT), column + CONTEXT);
    const flagged = source.text.slice(finding.span.start, Math.min(finding.span.end, finding.span.start + CONTEXT)).split(/\r\n|\r|\n/)[0] ?? '';
    parts.push(normalize(around), normalize(flagged));
  }
  return parts.join('\u0000');
}

/**
 * One fingerprint per finding, in the order given (which must be report order: sortedFindings()). Findings
 * with the same content are told apart by their occurrence index in that order, so every fingerprint in a
 * report is distinct.
 */
export function fingerprints(findings: readonly Finding[], ctx: ReportContext): string[] {
  const seen = new Map<string, number>();
  return findings.map((finding) => {
    const key = contentKey(finding, ctx);
    const occurrence = seen.get(key) ?? 0;
    seen.set(key, occurrence + 1);
    return createHash('sha256').update(`${key}\u0000${occurrence}`).digest('hex').slice(0, 32);
  });
}
