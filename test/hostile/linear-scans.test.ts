/**
 * The scans rewritten for big and hostile inputs keep their meaning: the template-marker search (one pass
 * instead of splitting a 50 MB text into lines) and the glob walk (now with a cap on directory entries).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { templateMarkerLine } from '../../src/engine/context-inference.js';
import { GlobLimitError, globWith, type DirEntry } from '../../src/include/index.js';

/** The line-splitting version the one-pass search replaced. */
function byLines(text: string): number | undefined {
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    if (/^\s*#/.test(line)) continue;
    if (/\{\{|\{%|<%|@\{[A-Za-z_]/.test(line)) return i + 1;
  }
  return undefined;
}

describe('templateMarkerLine', () => {
  it('finds the same line as splitting into lines', () => {
    const text = fc.array(fc.constantFrom('{', '{', '%', '<', '@', 'A', '#', ' ', '\t', '\n', '\n', '\r', 'x', '}', '\u00a0'), { maxLength: 40 }).map((cs) => cs.join(''));
    fc.assert(
      fc.property(text, (t) => {
        expect(templateMarkerLine(t)).toBe(byLines(t));
      }),
      { numRuns: 20_000 },
    );
  });

  it('skips comment lines and counts lines across them', () => {
    expect(templateMarkerLine('# {{ a }}\n  # {% b %}\nlisten {{ port }};\n')).toBe(3);
    expect(templateMarkerLine('listen 80; # {{ trailing }}\n')).toBe(1);
    expect(templateMarkerLine(`${'server_name a;\n'.repeat(100_000)}# {{ x }}\n`)).toBeUndefined();
  });
});

describe('globWith', () => {
  /** A directory `/d` holding `links` entries that are all the directory itself. */
  const loops =
    (links: number) =>
    (dir: string): DirEntry[] =>
      dir.startsWith('/d') ? Array.from({ length: links }, (_, i) => ({ name: `l${i}`, directory: true })) : [{ name: 'd', directory: true }];

  it('gives up with GlobLimitError when the directory entries to examine pass the limit', () => {
    expect(() => globWith('/d/*/*/*/*/*.conf', loops(16), 10_000)).toThrow(GlobLimitError);
    expect(() => globWith('/d/*/*/*/*/*.conf', loops(16), 10_000)).toThrow('glob "/d/*/*/*/*/*.conf" would examine more than 10000 directory entries');
  });

  it('does not give up below the limit', () => {
    expect(globWith('/d/*/*', loops(16), 10_000)).toHaveLength(256);
  });
});
