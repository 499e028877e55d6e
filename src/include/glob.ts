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

/**
 * Directory entries one glob may look at. Every `*` segment multiplies the paths to look at, and directory
 * symlinks (`self -> .`) let that go on forever: eight `*` segments over a directory holding sixteen such
 * links are 16^8 paths. glob(3) would grind through them; this gives up with GlobLimitError instead. The
 * limit leaves room for 100,000 files in one included directory.
 */
export const MAX_GLOB_ENTRIES = 250_000;

export class GlobLimitError extends Error {
  readonly pattern: string;
  constructor(pattern: string, limit: number) {
    super(`glob "${pattern}" would examine more than ${limit} directory entries (directory symlinks that loop?)`);
    this.name = 'GlobLimitError';
    this.pattern = pattern;
  }
}

/** Throws GlobLimitError when the pattern would examine more than `limit` directory entries. */
export function globWith(pattern: string, readdir: (dir: string) => readonly DirEntry[], limit = MAX_GLOB_ENTRIES): string[] {
  const absolute = pattern.startsWith('/');
  let examined = 0;
  const segments = pattern.split('/').filter((s) => s !== '');
  let candidates: string[] = [absolute ? '/' : '.'];
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i] as string;
    const last = i === segments.length - 1;
    const matcher = segmentMatcher(segment);
    const next: string[] = [];
    for (const dir of candidates) {
      const entries = readdir(dir);
      examined += entries.length + 1;
      if (examined > limit) throw new GlobLimitError(pattern, limit);
      for (const entry of entries) {
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
  const pattern = compileSegment(segment);
  if (pattern.every((p) => p.kind === 'char')) {
    const literal = pattern.map((p) => (p.kind === 'char' ? p.char : '')).join('');
    return (name) => name === literal;
  }
  const dotExplicit = segment.startsWith('.');
  return (name) => (dotExplicit || !name.startsWith('.')) && matchSegment(pattern, name);
}

type Piece = { kind: 'char'; char: string } | { kind: 'any' } | { kind: 'star' } | { kind: 'class'; negate: boolean; ranges: [string, string][] };

function compileSegment(segment: string): Piece[] {
  const out: Piece[] = [];
  for (let i = 0; i < segment.length; i++) {
    const c = segment[i] as string;
    if (c === '\\' && i + 1 < segment.length) out.push({ kind: 'char', char: segment[++i] as string });
    else if (c === '*') {
      if (out[out.length - 1]?.kind !== 'star') out.push({ kind: 'star' });
    } else if (c === '?') out.push({ kind: 'any' });
    else if (c === '[') {
      // As in fnmatch: a `]` right after `[` or `[!` is a member, not the end.
      let j = i + 1;
      const negate = segment[j] === '!' || segment[j] === '^';
      if (negate) j++;
      const bodyStart = j;
      if (segment[j] === ']') j++;
      while (j < segment.length && segment[j] !== ']') j++;
      if (j >= segment.length) {
        out.push({ kind: 'char', char: '[' });
        continue;
      }
      const body = segment.slice(bodyStart, j);
      const ranges: [string, string][] = [];
      for (let k = 0; k < body.length; k++) {
        const from = body[k] as string;
        if (body[k + 1] === '-' && k + 2 < body.length) {
          ranges.push([from, body[k + 2] as string]);
          k += 2;
        } else ranges.push([from, from]);
      }
      out.push({ kind: 'class', negate, ranges });
      i = j;
    } else out.push({ kind: 'char', char: c });
  }
  return out;
}

function matchOne(piece: Piece, ch: string): boolean {
  switch (piece.kind) {
    case 'char':
      return piece.char === ch;
    case 'any':
      return true;
    case 'class': {
      const inside = piece.ranges.some(([lo, hi]) => ch >= lo && ch <= hi);
      return inside !== piece.negate;
    }
    case 'star':
      return false;
  }
}

/**
 * Wildcard matching that only ever backtracks to the most recent `*`: O(pattern x name), so no
 * pattern can make it take exponential time (a regex engine would).
 */
function matchSegment(pattern: readonly Piece[], name: string): boolean {
  let p = 0;
  let n = 0;
  let starP = -1;
  let starN = 0;
  while (n < name.length) {
    const piece = pattern[p];
    if (piece !== undefined && piece.kind === 'star') {
      starP = p++;
      starN = n;
    } else if (piece !== undefined && matchOne(piece, name[n] as string)) {
      p++;
      n++;
    } else if (starP !== -1) {
      p = starP + 1;
      n = ++starN;
    } else return false;
  }
  while (pattern[p]?.kind === 'star') p++;
  return p === pattern.length;
}

/**
 * Whether a slash-separated path matches a pattern whose segments are glob segments, where a `**`
 * segment matches any number of segments (for `ignore` patterns). A pattern without a slash matches the
 * path's last segment anywhere, as in .gitignore.
 */
export function pathMatches(pattern: string, filePath: string): boolean {
  const names = filePath.split('/').filter((s) => s !== '');
  const parts = pattern.split('/').filter((s) => s !== '');
  if (parts.length === 1 && parts[0] !== '**') return names.length > 0 && segmentMatcher(parts[0] as string)(names[names.length - 1] as string);
  const matchers = parts.map((p) => (p === '**' ? null : segmentMatcher(p)));
  // Dynamic programming over (pattern index, name index): linear in their product, no backtracking blow-up.
  let reachable = new Set<number>([0]);
  for (let p = 0; p < matchers.length; p++) {
    const m = matchers[p];
    const next = new Set<number>();
    for (const n of reachable) {
      if (m === null) for (let k = n; k <= names.length; k++) next.add(k);
      else if (n < names.length && (m as (name: string) => boolean)(names[n] as string)) next.add(n + 1);
    }
    reachable = next;
    if (reachable.size === 0) return false;
  }
  return reachable.has(names.length);
}
