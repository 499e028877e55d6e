/** Test helper: where a piece of text is written, as a BackendSource. */
import type { BackendSource } from '../../src/backends/types.js';

/** The place of the `nth` (0-based) occurrence of `needle` in `text` (which must be on one line). */
export function at(file: string, text: string, needle: string, nth = 0): BackendSource {
  let index = -1;
  for (let i = 0; i <= nth; i++) {
    index = text.indexOf(needle, index + 1);
    if (index === -1) throw new Error(`${JSON.stringify(needle)} not found (${nth})`);
  }
  const before = text.slice(0, index);
  const line = before.split(/\r\n|\r|\n/).length;
  const lineStart = Math.max(before.lastIndexOf('\n'), before.lastIndexOf('\r')) + 1;
  const column = index - lineStart + 1;
  return { file, line, column, endColumn: column + needle.length };
}

/** The place of `value` where it follows `prefix` (`valueAt(f, t, 'keepalive = ', '5')`). */
export function valueAt(file: string, text: string, prefix: string, value: string, nth = 0): BackendSource {
  const whole = at(file, text, prefix + value, nth);
  return { ...whole, column: whole.column + prefix.length };
}
