import type { SourceText, Span } from '../source/index.js';

/**
 * A code frame in actionlint's style: the line with a gutter and a caret run under the span (first
 * line of the span only). Tabs are kept so that the caret lines up under them.
 */
export function codeFrame(source: SourceText, span: Span): string {
  const start = source.positionAt(span.start);
  const end = source.positionAt(span.end);
  const lineText = source.lineText(start.line);
  const shown = lineText.length > 200 ? lineText.slice(0, 200) + '…' : lineText;
  const width = String(start.line).length;
  const pad = ' '.repeat(width);
  const caretStart = Math.min(start.column - 1, shown.length);
  const caretEnd = end.line === start.line ? Math.min(end.column - 1, shown.length) : shown.length;
  const lead = shown.slice(0, caretStart).replace(/[^\t]/g, ' ');
  const carets = '^'.repeat(Math.max(1, caretEnd - caretStart));
  return `${pad} |\n${start.line} | ${shown}\n${pad} | ${lead}${carets}\n`;
}
