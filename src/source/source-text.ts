/**
 * SourceText: a file's decoded text plus everything needed to map offsets back to
 * line:column and to write the text back as the same bytes.
 */

export type Encoding = 'utf-8' | 'latin1' | 'utf-16le' | 'utf-16be';
export type LineEnding = '\n' | '\r\n' | '\r';

/** 1-based line and column; column counts UTF-16 code units, a tab counts as one. */
export interface Position {
  readonly offset: number;
  readonly line: number;
  readonly column: number;
}

/** Half-open range of offsets into a file's text. */
export interface Span {
  readonly start: number;
  readonly end: number;
}

export interface Location {
  readonly start: Position;
  readonly end: Position;
}

export class SourceText {
  /** The decoded text, BOM included (as U+FEFF) so that it prints back unchanged. */
  readonly text: string;
  readonly file: string;
  readonly encoding: Encoding;
  /** Why the encoding is not plain UTF-8, when it is not. */
  readonly encodingNote: string | undefined;
  readonly hasBom: boolean;
  private lineStarts: Int32Array | undefined;

  constructor(text: string, file = '<input>', encoding: Encoding = 'utf-8', encodingNote?: string) {
    this.text = text;
    this.file = file;
    this.encoding = encoding;
    this.encodingNote = encodingNote;
    this.hasBom = text.charCodeAt(0) === 0xfeff;
  }

  private eol: LineEnding | undefined;

  /** The dominant line ending, used when inserting new lines. */
  get lineEnding(): LineEnding {
    return (this.eol ??= detectLineEnding(this.text));
  }

  get lineCount(): number {
    return this.starts().length;
  }

  /** The 1-based line of an offset (positionAt without the allocation, for hot paths). */
  lineAt(offset: number): number {
    const starts = this.starts();
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if ((starts[mid] as number) <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  }

  /**
   * A lineAt() for offsets visited mostly in increasing order (a walk in source order): each lookup scans on
   * from the previous line, and only a step backwards searches again.
   */
  lineCursor(): (offset: number) => number {
    const starts = this.starts();
    let index = 0;
    return (offset) => {
      if ((starts[index] as number) > offset) index = this.lineAt(offset) - 1;
      while (index + 1 < starts.length && (starts[index + 1] as number) <= offset) index++;
      return index + 1;
    };
  }

  /** Columns count UTF-16 code units from the line's first character, after a BOM as editors count them. */
  positionAt(offset: number): Position {
    const clamped = Math.max(0, Math.min(offset, this.text.length));
    const line = this.lineAt(clamped);
    return { offset: clamped, line, column: Math.max(0, clamped - this.columnOne(line - 1)) + 1 };
  }

  /** Offset of a 1-based line and column; out-of-range values are clamped. */
  offsetAt(line: number, column: number): number {
    const starts = this.starts();
    const index = Math.max(0, Math.min(line - 1, starts.length - 1));
    const lineStart = this.columnOne(index);
    // The last offset on the line is its line ending (or the end of the text), never the next line's start.
    const lineEnd = index + 1 < starts.length ? (starts[index + 1] as number) - 1 : this.text.length;
    return Math.max(lineStart, Math.min(lineStart + column - 1, lineEnd));
  }

  locate(span: Span): Location {
    return { start: this.positionAt(span.start), end: this.positionAt(span.end) };
  }

  /** The text of a 1-based line without its line ending (nor the BOM, on line 1). */
  lineText(line: number): string {
    const starts = this.starts();
    if (starts[line - 1] === undefined) return '';
    const start = this.columnOne(line - 1);
    const next = starts[line];
    let end = next === undefined ? this.text.length : next;
    if (end > start && this.text.charCodeAt(end - 1) === 10) end--;
    if (end > start && this.text.charCodeAt(end - 1) === 13) end--;
    return this.text.slice(start, end);
  }

  /** The text encoded back to bytes in the file's own encoding. */
  encode(text: string = this.text): Uint8Array {
    return encodeText(text, this.encoding);
  }

  /** The offset of column 1 of a 0-based line: its start, or just after the BOM on the first line. */
  private columnOne(index: number): number {
    return (this.starts()[index] as number) + (index === 0 && this.hasBom ? 1 : 0);
  }

  private starts(): Int32Array {
    if (this.lineStarts === undefined) this.lineStarts = computeLineStarts(this.text);
    return this.lineStarts;
  }
}

/**
 * Offsets where lines start, in one pass over the text: a typed array (no array of boxed numbers for a 50 MB
 * file), grown by doubling and cut to size at the end.
 */
function computeLineStarts(text: string): Int32Array {
  let starts: Int32Array = new Int32Array(Math.max(16, text.length >> 4));
  let n = 1;
  // Most files have no CR: indexOf finds the newlines several times faster than a loop over every character.
  if (text.indexOf('\r') === -1) {
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) {
      if (n === starts.length) starts = doubled(starts);
      starts[n++] = i + 1;
    }
  } else {
    const length = text.length;
    for (let i = 0; i < length; i++) {
      const ch = text.charCodeAt(i);
      if (ch !== 10 && (ch !== 13 || text.charCodeAt(i + 1) === 10)) continue;
      if (n === starts.length) starts = doubled(starts);
      starts[n++] = i + 1;
    }
  }
  return starts.slice(0, n);
}

function doubled(array: Int32Array): Int32Array {
  const grown = new Int32Array(array.length * 2);
  grown.set(array);
  return grown;
}

export function detectLineEnding(text: string): LineEnding {
  if (text.indexOf('\r') === -1) return '\n';
  let lf = 0;
  let crlf = 0;
  let cr = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (ch === 13) {
      if (text.charCodeAt(i + 1) === 10) {
        crlf++;
        i++;
      } else cr++;
    } else if (ch === 10) lf++;
  }
  if (crlf > lf && crlf >= cr) return '\r\n';
  if (cr > lf && cr > crlf) return '\r';
  return '\n';
}

export interface DecodeResult {
  readonly source: SourceText;
  /** Offset of the first NUL character, when the bytes look binary. */
  readonly nulOffset: number | undefined;
}

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Bytes to text: UTF-8, else UTF-16 when it starts with a UTF-16 BOM, else latin1 (which never fails). */
export function decode(bytes: Uint8Array, file = '<input>'): DecodeResult {
  let source: SourceText | undefined;
  // UTF-16 only when the whole file is valid UTF-16 (even length, paired surrogates), so that encode()
  // gives the same bytes back; anything else falls through to UTF-8, then latin1.
  if (bytes.length >= 2 && bytes[0] === 0xff && bytes[1] === 0xfe) {
    const text = decodeWith('utf-16le', bytes);
    if (text !== undefined) source = new SourceText(text, file, 'utf-16le', 'file is UTF-16LE; nginx reads configuration files as bytes (UTF-8 or ASCII)');
  } else if (bytes.length >= 2 && bytes[0] === 0xfe && bytes[1] === 0xff) {
    const text = decodeWith('utf-16be', bytes);
    if (text !== undefined) source = new SourceText(text, file, 'utf-16be', 'file is UTF-16BE; nginx reads configuration files as bytes (UTF-8 or ASCII)');
  }
  if (source === undefined) {
    try {
      source = new SourceText(utf8.decode(bytes), file, 'utf-8');
    } catch {
      const bad = firstInvalidUtf8(bytes);
      source = new SourceText(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1'), file, 'latin1', `invalid UTF-8 at byte ${bad}; read as latin1`);
    }
  }
  const nul = source.text.indexOf('\u0000');
  return { source, nulOffset: nul === -1 ? undefined : nul };
}

function decodeWith(encoding: 'utf-16le' | 'utf-16be', bytes: Uint8Array): string | undefined {
  try {
    return new TextDecoder(encoding, { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    return undefined;
  }
}

export function encodeText(text: string, encoding: Encoding): Uint8Array {
  switch (encoding) {
    case 'utf-8':
      return Buffer.from(text, 'utf8');
    case 'latin1':
      return Buffer.from(text, 'latin1');
    case 'utf-16le':
      return Buffer.from(text, 'utf16le');
    case 'utf-16be': {
      const le = Buffer.from(text, 'utf16le');
      return le.swap16();
    }
  }
}

function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i] as number;
    let need = 0;
    if (b < 0x80) need = 0;
    else if (b >= 0xc2 && b <= 0xdf) need = 1;
    else if (b >= 0xe0 && b <= 0xef) need = 2;
    else if (b >= 0xf0 && b <= 0xf4) need = 3;
    else return i;
    for (let k = 1; k <= need; k++) {
      const c = bytes[i + k];
      if (c === undefined || (c & 0xc0) !== 0x80) return i;
    }
    // Overlong forms, UTF-16 surrogates and code points above U+10FFFF are invalid too.
    const second = bytes[i + 1] as number;
    if ((b === 0xe0 && second < 0xa0) || (b === 0xed && second > 0x9f) || (b === 0xf0 && second < 0x90) || (b === 0xf4 && second > 0x8f)) return i;
    i += need + 1;
  }
  return i;
}
