import { parseSize, parseTime } from '../model/index.js';
import type { AnyRule } from './rule.js';

/**
 * A rule's options with defaults filled in and sizes/times converted (bytes, milliseconds). Values are
 * assumed valid here; config loading validates them first.
 */
export function defaultOptions(rule: AnyRule, given: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(rule.options ?? {})) {
    const value = name in given ? given[name] : spec.default;
    if (spec.type === 'size' && typeof value === 'string') {
      const r = parseSize(value);
      out[name] = r.ok ? r.value : value;
    } else if (spec.type === 'time' && typeof value === 'string') {
      const r = parseTime(value, 's');
      out[name] = r.ok ? r.value.ms : value;
    } else out[name] = value;
  }
  return out;
}
