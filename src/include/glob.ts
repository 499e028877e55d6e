/**
 * glob(3) as nginx uses it for `include`: `*`, `?` and `[...]` within one path segment, a leading dot
 * matched only explicitly, results sorted byte-wise (nginx runs glob() in the C locale).
 */

export interface DirEntry {
  readonly name: string;
  readonly directory: boolean;
}

export function hasGlobMagic(pattern: string): boolean {
  return /[*?[]/.test(pattern);
}

export function globWith(pattern: string, readdir: (dir: string) => readonly DirEntry[]): string[] {
  const absolute = pattern.startsWith('/');
  const segments = pattern.split('/').filter((s) => s !== '');
  let candidates: string[] = [absolute ? '/' : '.'];
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i] as string;
    const last = i === segments.length - 1;
    const matcher = segmentMatcher(segment);
    const next: string[] = [];
    for (const dir of candidates) {
      for (const entry of readdir(dir)) {
        if (!last && !entry.directory) continue;
        if (matcher(entry.name)) next.push(dir === '/' ? '/' + entry.name : dir + '/' + entry.name);
      }
    }
    candidates = next;
    if (candidates.length === 0) break;
  }
  return candidates.sort(compareBytewise);
}

export function compareBytewise(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function segmentMatcher(segment: string): (name: string) => boolean {
  if (!hasGlobMagic(segment)) {
    const literal = segment.replace(/\\(.)/g, '$1');
    return (name) => name === literal;
  }
  const regex = new RegExp('^' + segmentToRegex(segment) + '$', 's');
  const dotExplicit = segment.startsWith('.');
  return (name) => (dotExplicit || !name.startsWith('.')) && regex.test(name);
}

function segmentToRegex(segment: string): string {
  let out = '';
  for (let i = 0; i < segment.length; i++) {
    const c = segment[i] as string;
    if (c === '\\' && i + 1 < segment.length) {
      out += escapeRegex(segment[++i] as string);
    } else if (c === '*') {
      // Collapse runs of `*` so that the regex never backtracks over the same text twice.
      while (segment[i + 1] === '*') i++;
      out += '.*';
    } else if (c === '?') {
      out += '.';
    } else if (c === '[') {
      const close = segment.indexOf(']', i + 2);
      if (close === -1) {
        out += '\\[';
        continue;
      }
      let body = segment.slice(i + 1, close);
      let negate = false;
      if (body.startsWith('!') || body.startsWith('^')) {
        negate = true;
        body = body.slice(1);
      }
      out += '[' + (negate ? '^' : '') + body.replace(/[\\\]^]/g, '\\$&') + ']';
      i = close;
    } else {
      out += escapeRegex(c);
    }
  }
  return out;
}

function escapeRegex(c: string): string {
  return c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}
