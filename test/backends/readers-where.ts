/** Test helper for the reader tests: the BackendSource of the `nth` (0-based) occurrence of `needle` in `text`. */
import type { BackendSource } from '../../src/backends/types.js';

export function where(file: string, text: string, needle: string, nth = 0): BackendSource {
  let index = -1;
  for (let i = 0; i <= nth; i++) {
    index = text.indexOf(needle, index + 1);
    if (index === -1) throw new Error(`${JSON.stringify(needle)} not found (occurrence ${nth})`);
  }
  const before = text.slice(0, index);
  const line = before.split(/\r\n|\r|\n/).length;
  const lineStart = Math.max(before.lastIndexOf('\n'), before.lastIndexOf('\r')) + 1;
  const column = index - lineStart + 1;
  if (/[\r\n]/.test(needle)) throw new Error('needle must be on one line');
  return { file, line, column, endColumn: column + needle.length };
}
