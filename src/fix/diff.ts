import * as path from 'node:path';
import { createTwoFilesPatch } from 'diff';

/**
 * A unified diff of the changed files that `git apply` and `patch -p1` accept: `a/` and `b/` prefixes on
 * paths relative to `cwd`, three lines of context.
 */
export function unifiedDiff(changes: ReadonlyMap<string, { readonly before: string; readonly after: string }>, cwd: string): string {
  const parts: string[] = [];
  for (const file of [...changes.keys()].sort()) {
    const { before, after } = changes.get(file) as { before: string; after: string };
    const rel = path.relative(cwd, file).split(path.sep).join('/');
    const patch = createTwoFilesPatch(`a/${rel}`, `b/${rel}`, before, after, undefined, undefined, { context: 3 });
    // Drop the "Index:"/"====" preamble; start at the `---` line, without header tabs.
    const lines = patch.split('\n');
    const start = lines.findIndex((l) => l.startsWith('--- '));
    const body = lines.slice(start).map((l) => (l.startsWith('--- ') || l.startsWith('+++ ') ? l.replace(/\t.*$/, '') : l));
    parts.push(`diff --git a/${rel} b/${rel}\n` + body.join('\n'));
  }
  return parts.join('');
}
