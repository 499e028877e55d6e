/** Building findings over in-memory sources for reporter tests. */
import type { Finding, Fix, RelatedLocation, Severity } from '../../../src/engine/types.js';
import type { ReportContext } from '../../../src/report/index.js';
import type { SourceText } from '../../../src/source/index.js';

/** The span of the `nth` occurrence of `needle` in a source. */
export function spanOf(source: SourceText, needle: string, nth = 0): { start: number; end: number } {
  let start = -1;
  for (let i = 0; i <= nth; i++) {
    start = source.text.indexOf(needle, start + 1);
    if (start === -1) throw new Error(`${needle} not in ${source.file}`);
  }
  return { start, end: start + needle.length };
}

export interface FindingSpec {
  readonly rule: string;
  readonly severity: Severity;
  readonly message: string;
  readonly related?: readonly RelatedLocation[];
  readonly fix?: Fix;
  /** Which occurrence of the needle (default the first). */
  readonly nth?: number;
}

export function finding(source: SourceText, needle: string, spec: FindingSpec): Finding {
  const span = spanOf(source, needle, spec.nth);
  return {
    ruleId: spec.rule,
    severity: spec.severity,
    messageId: 'm',
    message: spec.message,
    file: source.file,
    span,
    start: source.positionAt(span.start),
    end: source.positionAt(span.end),
    related: spec.related ?? [],
    fix: spec.fix,
  };
}

export function related(source: SourceText, needle: string, message: string): RelatedLocation {
  const span = spanOf(source, needle);
  return { file: source.file, start: source.positionAt(span.start), end: source.positionAt(span.end), message };
}

export function reportContext(cwd: string, sources: readonly SourceText[], overrides: Partial<ReportContext> = {}): ReportContext {
  return {
    cwd,
    color: false,
    sources: new Map(sources.map((s) => [s.file, s])),
    ruleUrl: (id) => `https://ngxlint.dev/rules/${id}`,
    ...overrides,
  };
}
