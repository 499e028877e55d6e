import { describe, expect, it } from 'vitest';
import { SourceText, decode, detectLineEnding, encodeText } from '../../src/source/index.js';

const bytes = (...values: number[]): Uint8Array => Uint8Array.from(values);
const ascii = (s: string): number[] => Array.from(Buffer.from(s, 'latin1'));
const same = (a: Uint8Array, b: Uint8Array): boolean => Buffer.from(a).equals(Buffer.from(b));

/** Decodes, checks that encode() gives the same bytes back, and returns the result. */
function roundTrip(input: Uint8Array): ReturnType<typeof decode> {
  const result = decode(input, 'f.conf');
  expect(same(result.source.encode(), input)).toBe(true);
  expect(same(result.source.encode(result.source.text), input)).toBe(true);
  return result;
}

describe('decode', () => {
  it('reads plain ASCII as UTF-8 with no note', () => {
    const { source, nulOffset } = roundTrip(bytes(...ascii('user nginx;\n')));
    expect(source.text).toBe('user nginx;\n');
    expect(source.encoding).toBe('utf-8');
    expect(source.encodingNote).toBeUndefined();
    expect(source.hasBom).toBe(false);
    expect(source.file).toBe('f.conf');
    expect(nulOffset).toBeUndefined();
  });

  it('reads multi-byte UTF-8', () => {
    const input = new Uint8Array(Buffer.from('# café → ok 😀\nx y;\n', 'utf8'));
    const { source } = roundTrip(input);
    expect(source.text).toBe('# café → ok 😀\nx y;\n');
    expect(source.encoding).toBe('utf-8');
    expect(source.encodingNote).toBeUndefined();
  });

  it('keeps a UTF-8 BOM as U+FEFF at the start of the text', () => {
    const { source } = roundTrip(bytes(0xef, 0xbb, 0xbf, ...ascii('a;\n')));
    expect(source.text).toBe('\ufeffa;\n');
    expect(source.text.length).toBe(4);
    expect(source.hasBom).toBe(true);
    expect(source.encoding).toBe('utf-8');
  });

  it('falls back to latin1 for invalid UTF-8 and says where', () => {
    const { source } = roundTrip(bytes(...ascii('a '), 0xe9, ...ascii(';\n')));
    expect(source.encoding).toBe('latin1');
    expect(source.text).toBe('a \u00e9;\n');
    expect(source.encodingNote).toBe('invalid UTF-8 at byte 2; read as latin1');
  });

  it.each([
    ['a lone continuation byte', [0x61, 0x80], 1],
    ['a truncated sequence at the end', [0x61, 0x62, 0xe2, 0x82], 2],
    ['an overlong encoding', [0x61, 0xc0, 0xaf], 1],
    ['an overlong three-byte form', [0x61, 0x62, 0xe0, 0x80, 0xaf], 2],
    ['an encoded UTF-16 surrogate', [0xed, 0xa0, 0x80], 0],
    ['a code point above U+10FFFF', [0x20, 0xf4, 0x90, 0x80, 0x80], 1],
    ['0xFF', [0xff], 0],
  ])('reports the first invalid byte for %s', (_label, values, at) => {
    const { source } = roundTrip(bytes(...values));
    expect(source.encoding).toBe('latin1');
    expect(source.encodingNote).toBe(`invalid UTF-8 at byte ${at}; read as latin1`);
    expect(source.text.length).toBe(values.length);
  });

  it('reads UTF-16LE with a BOM', () => {
    const input = new Uint8Array(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('a é;\r\n😀\n', 'utf16le')]));
    const { source } = roundTrip(input);
    expect(source.encoding).toBe('utf-16le');
    expect(source.text).toBe('\ufeffa é;\r\n😀\n');
    expect(source.hasBom).toBe(true);
    expect(source.encodingNote).toBe('file is UTF-16LE; nginx reads configuration files as bytes (UTF-8 or ASCII)');
  });

  it('reads UTF-16BE with a BOM', () => {
    const input = new Uint8Array(Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from('a é;\n😀', 'utf16le').swap16()]));
    const { source } = roundTrip(input);
    expect(source.encoding).toBe('utf-16be');
    expect(source.text).toBe('\ufeffa é;\n😀');
    expect(source.hasBom).toBe(true);
    expect(source.encodingNote).toBe('file is UTF-16BE; nginx reads configuration files as bytes (UTF-8 or ASCII)');
  });

  it('reads a file that is only a UTF-16 BOM', () => {
    expect(roundTrip(bytes(0xff, 0xfe)).source.text).toBe('\ufeff');
    expect(roundTrip(bytes(0xfe, 0xff)).source.text).toBe('\ufeff');
  });

  it('falls back to latin1 (still byte-exact) when a UTF-16 BOM is followed by invalid UTF-16', () => {
    // Odd length.
    let result = roundTrip(bytes(0xff, 0xfe, 0x61, 0x00, 0x62));
    expect(result.source.encoding).toBe('latin1');
    expect(result.source.text).toBe('\u00ff\u00fea\u0000b');
    // Unpaired high surrogate (D800) in UTF-16LE.
    result = roundTrip(bytes(0xff, 0xfe, 0x00, 0xd8, 0x61, 0x00));
    expect(result.source.encoding).toBe('latin1');
    // Unpaired low surrogate (DC00) in UTF-16BE.
    result = roundTrip(bytes(0xfe, 0xff, 0xdc, 0x00));
    expect(result.source.encoding).toBe('latin1');
  });

  it('reports the offset of the first NUL character', () => {
    expect(decode(bytes(...ascii('ab'), 0, ...ascii('c'), 0)).nulOffset).toBe(2);
    expect(decode(bytes(0)).nulOffset).toBe(0);
    expect(decode(bytes(...ascii('abc'))).nulOffset).toBeUndefined();
    // In UTF-16 the offset is in characters of the text, not bytes.
    const utf16 = new Uint8Array(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('ab\u0000', 'utf16le')]));
    expect(roundTrip(utf16).nulOffset).toBe(3);
  });

  it('reads an empty file', () => {
    const { source, nulOffset } = roundTrip(new Uint8Array(0));
    expect(source.text).toBe('');
    expect(source.encoding).toBe('utf-8');
    expect(source.hasBom).toBe(false);
    expect(nulOffset).toBeUndefined();
    expect(source.lineCount).toBe(1);
  });

  it('decodes a subarray view with a non-zero byteOffset correctly', () => {
    const backing = bytes(...ascii('XXXX'), ...ascii('a '), 0xe9, ...ascii(';'));
    const view = backing.subarray(4);
    const { source } = roundTrip(view);
    expect(source.text).toBe('a \u00e9;');
    expect(source.encoding).toBe('latin1');
  });
});

describe('encodeText', () => {
  it('encodes in each encoding', () => {
    expect(Array.from(encodeText('a\u00e9', 'utf-8'))).toEqual([0x61, 0xc3, 0xa9]);
    expect(Array.from(encodeText('a\u00e9', 'latin1'))).toEqual([0x61, 0xe9]);
    expect(Array.from(encodeText('\ufeffa', 'utf-16le'))).toEqual([0xff, 0xfe, 0x61, 0x00]);
    expect(Array.from(encodeText('\ufeffa', 'utf-16be'))).toEqual([0xfe, 0xff, 0x00, 0x61]);
  });

  it('encodes edited text in the file’s own encoding', () => {
    const { source } = decode(new Uint8Array(Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from('a;', 'utf16le').swap16()])));
    expect(Array.from(source.encode('\ufeffb;'))).toEqual([0xfe, 0xff, 0x00, 0x62, 0x00, 0x3b]);
  });
});

describe('positions', () => {
  const pos = (source: SourceText, offset: number): [number, number] => {
    const p = source.positionAt(offset);
    return [p.line, p.column];
  };

  it('gives lineAt() from a line cursor, for offsets in any order', () => {
    const s = new SourceText('a\r\nb\rc\n\n\r\ndd\n');
    const lineAt = s.lineCursor();
    const offsets = [0, 1, 2, 3, 5, 5, 4, 6, 12, 7, 8, 9, 10, 11, 12, 13, 0, 13];
    expect(offsets.map(lineAt)).toEqual(offsets.map((o) => s.lineAt(o)));
  });

  it('maps offsets with LF line endings', () => {
    const s = new SourceText('ab\ncd\n\nef');
    expect(s.lineCount).toBe(4);
    expect(pos(s, 0)).toEqual([1, 1]);
    expect(pos(s, 1)).toEqual([1, 2]);
    expect(pos(s, 2)).toEqual([1, 3]); // the LF itself
    expect(pos(s, 3)).toEqual([2, 1]);
    expect(pos(s, 5)).toEqual([2, 3]);
    expect(pos(s, 6)).toEqual([3, 1]);
    expect(pos(s, 7)).toEqual([4, 1]);
    expect(pos(s, 9)).toEqual([4, 3]); // end of text, no final newline
    expect(s.positionAt(4)).toEqual({ offset: 4, line: 2, column: 2 });
  });

  it('maps offsets with CRLF line endings (CR and LF both belong to the line they end)', () => {
    const s = new SourceText('ab\r\ncd\r\n');
    expect(s.lineCount).toBe(3);
    expect(pos(s, 2)).toEqual([1, 3]); // CR
    expect(pos(s, 3)).toEqual([1, 4]); // LF
    expect(pos(s, 4)).toEqual([2, 1]);
    expect(pos(s, 8)).toEqual([3, 1]);
  });

  it('maps offsets with lone CR line endings', () => {
    const s = new SourceText('ab\rcd\r\ref');
    expect(s.lineCount).toBe(4);
    expect(pos(s, 2)).toEqual([1, 3]);
    expect(pos(s, 3)).toEqual([2, 1]);
    expect(pos(s, 6)).toEqual([3, 1]);
    expect(pos(s, 7)).toEqual([4, 1]);
    expect(pos(s, 9)).toEqual([4, 3]);
  });

  it('maps offsets with mixed line endings', () => {
    const s = new SourceText('a\nb\r\nc\rd');
    expect([0, 2, 5, 7].map((o) => pos(s, o))).toEqual([
      [1, 1],
      [2, 1],
      [3, 1],
      [4, 1],
    ]);
  });

  it('counts a tab and an astral character as UTF-16 code units, and columns from after a BOM, as editors do', () => {
    const s = new SourceText('\ufeff\tx😀y\nab');
    expect(s.hasBom).toBe(true);
    expect(pos(s, 0)).toEqual([1, 1]);
    expect(pos(s, 1)).toEqual([1, 1]);
    expect(pos(s, 2)).toEqual([1, 2]);
    expect(pos(s, 5)).toEqual([1, 5]);
    expect(pos(s, 8)).toEqual([2, 2]);
    expect(s.offsetAt(1, 1)).toBe(1);
    expect(s.offsetAt(1, 5)).toBe(5);
    expect(s.offsetAt(2, 2)).toBe(8);
    expect(s.lineText(1)).toBe('\tx😀y');
    expect(s.lineText(2)).toBe('ab');
  });

  it('clamps offsets outside the text', () => {
    const s = new SourceText('ab\ncd');
    expect(s.positionAt(-5)).toEqual({ offset: 0, line: 1, column: 1 });
    expect(s.positionAt(100)).toEqual({ offset: 5, line: 2, column: 3 });
    const empty = new SourceText('');
    expect(empty.positionAt(0)).toEqual({ offset: 0, line: 1, column: 1 });
  });

  it('maps line and column back to an offset', () => {
    const s = new SourceText('ab\r\ncd\ref\nx');
    expect(s.offsetAt(1, 1)).toBe(0);
    expect(s.offsetAt(2, 1)).toBe(4);
    expect(s.offsetAt(2, 2)).toBe(5);
    expect(s.offsetAt(3, 1)).toBe(7);
    expect(s.offsetAt(4, 1)).toBe(10);
    expect(s.offsetAt(4, 2)).toBe(11);
  });

  it('clamps line and column in offsetAt without moving to another line', () => {
    const s = new SourceText('ab\r\ncd\ref\nx');
    expect(s.offsetAt(0, 1)).toBe(0);
    expect(s.offsetAt(-3, -3)).toBe(0);
    expect(s.offsetAt(1, 0)).toBe(0);
    expect(s.offsetAt(1, 99)).toBe(3); // the LF of CRLF: still line 1
    expect(s.offsetAt(2, 99)).toBe(6); // the lone CR: still line 2
    expect(s.offsetAt(3, 99)).toBe(9); // the LF
    expect(s.offsetAt(4, 99)).toBe(11); // end of text
    expect(s.offsetAt(99, 1)).toBe(10);
    expect(s.offsetAt(99, 99)).toBe(11);
    for (let line = 1; line <= s.lineCount; line++) {
      for (let column = 0; column < 8; column++) expect(s.positionAt(s.offsetAt(line, column)).line).toBe(line);
    }
  });

  it('offsetAt inverts positionAt for every offset', () => {
    for (const text of ['', 'a', 'ab\ncd\n', 'a\r\n\r\nb', 'a\r\rb\r', '\ufeffx\ty\n', '\n\n']) {
      const s = new SourceText(text);
      // A BOM has no column of its own: column 1 is the character after it.
      for (let offset = s.hasBom ? 1 : 0; offset <= text.length; offset++) {
        const p = s.positionAt(offset);
        expect(s.offsetAt(p.line, p.column)).toBe(offset);
      }
    }
  });

  it('locates a span', () => {
    const s = new SourceText('http {\n  listen 80;\n}');
    expect(s.locate({ start: 9, end: 15 })).toEqual({
      start: { offset: 9, line: 2, column: 3 },
      end: { offset: 15, line: 2, column: 9 },
    });
    expect(s.locate({ start: 5, end: 21 })).toEqual({
      start: { offset: 5, line: 1, column: 6 },
      end: { offset: 21, line: 3, column: 2 },
    });
  });

  it('returns line text without the line ending', () => {
    const s = new SourceText('ab\r\ncd\ref\n\nlast');
    expect([1, 2, 3, 4, 5].map((n) => s.lineText(n))).toEqual(['ab', 'cd', 'ef', '', 'last']);
    expect(s.lineText(0)).toBe('');
    expect(s.lineText(6)).toBe('');
    const trailing = new SourceText('a\n');
    expect(trailing.lineCount).toBe(2);
    expect(trailing.lineText(1)).toBe('a');
    expect(trailing.lineText(2)).toBe('');
    const crlfOnly = new SourceText('\r\n');
    expect(crlfOnly.lineText(1)).toBe('');
    expect(crlfOnly.lineText(2)).toBe('');
  });

  it('keeps a CR that is followed by a lone CR line break out of the line text', () => {
    // "a\r" + "\r\n": the first CR ends line 1, the CRLF ends line 2.
    const s = new SourceText('a\r\r\nb');
    expect(s.lineCount).toBe(3);
    expect([1, 2, 3].map((n) => s.lineText(n))).toEqual(['a', '', 'b']);
  });
});

describe('line endings', () => {
  it('detects the dominant line ending', () => {
    expect(detectLineEnding('')).toBe('\n');
    expect(detectLineEnding('a\nb\n')).toBe('\n');
    expect(detectLineEnding('a\r\nb\r\n')).toBe('\r\n');
    expect(detectLineEnding('a\rb\r')).toBe('\r');
    expect(detectLineEnding('a\r\nb\r\nc\n')).toBe('\r\n');
    expect(detectLineEnding('a\r\nb\nc\n')).toBe('\n');
    expect(detectLineEnding('a\rb\rc\r\n')).toBe('\r');
    expect(new SourceText('x\r\ny\r\n').lineEnding).toBe('\r\n');
  });
});
