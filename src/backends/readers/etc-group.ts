/**
 * /etc/group: `name:password:gid:member,member`. Only the supplementary members listed on the line are
 * returned; a user whose *primary* group it is (the gid in /etc/passwd) is not listed there, so a check
 * for "is www-data in group www-data" must also accept the user's primary group.
 *
 * Blank lines, `#` comments, NIS `+`/`-` entries and lines with fewer than four fields are skipped. A group
 * listed twice keeps its first entry (what getgrnam() returns).
 */

import type { ReaderResult } from '../types.js';
import { physicalLines } from './text.js';

export function readEtcGroup(file: string, text: string): ReaderResult {
  void file;
  const groups = new Map<string, readonly string[]>();
  for (const line of physicalLines(text)) {
    const t = line.text.replace(/^[\s\uFEFF]+/, '').replace(/\s+$/, '');
    if (t === '' || t.startsWith('#') || t.startsWith('+') || t.startsWith('-')) continue;
    const fields = t.split(':');
    if (fields.length < 4) continue;
    const name = fields[0] as string;
    if (name === '' || groups.has(name)) continue;
    const members = (fields[3] as string)
      .split(',')
      .map((m) => m.trim())
      .filter((m) => m !== '');
    groups.set(name, members);
  }
  return { groups };
}
