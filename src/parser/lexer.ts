/**
 * The lexer follows nginx's ngx_conf_read_token(): `;` and `{` end a word, `}` only at a token start,
 * quotes and `#` are special only at a token start, `\` escapes the next character anywhere, and `${`
 * keeps a word going. The body of any `*_by_lua_block` is one opaque token (Lua strings, comments and
 * long brackets are skipped when counting braces).
 *
 * Every character of the input is either inside a token or whitespace between tokens, so the tokens
 * plus the gaps between them reproduce the input exactly.
 */
import type { QuoteKind } from './ast.js';

export type TokenKind = 'word' | ';' | '{' | '}' | 'comment' | 'lua';

export interface Token {
  readonly kind: TokenKind;
  readonly start: number;
  readonly end: number;
  /** For words: the quote that opened it (null for a bare word). */
  readonly quote: QuoteKind;
  /** For quoted words: whether the closing quote is present. */
  readonly closed: boolean;
}

export interface LexError {
  readonly message: string;
  readonly start: number;
  readonly end: number;
}

export interface LexResult {
  readonly tokens: Token[];
  readonly errors: LexError[];
}

/** Token kinds as numbers, for the typed-array stream the parser reads. */
export const WORD = 0;
export const SEMI_TOKEN = 1;
export const OPEN = 2;
export const CLOSE = 3;
export const COMMENT = 4;
export const LUA = 5;
export type Kind = typeof WORD | typeof SEMI_TOKEN | typeof OPEN | typeof CLOSE | typeof COMMENT | typeof LUA;

const KIND_NAMES: readonly TokenKind[] = ['word', ';', '{', '}', 'comment', 'lua'];

/** Flags: bit 0-1 the quote (0 none, 1 double, 2 single), bit 2 set when a quoted word is closed. */
export const QUOTE_DOUBLE = 1;
export const QUOTE_SINGLE = 2;
export const CLOSED = 4;

/**
 * Tokens as parallel typed arrays: no object per token, which keeps a 7 MB configuration's lexing out
 * of the garbage collector's way.
 */
export class TokenStream {
  count = 0;
  kinds: Uint8Array;
  flags: Uint8Array;
  starts: Int32Array;
  ends: Int32Array;

  constructor(capacity: number) {
    const n = Math.max(16, capacity);
    this.kinds = new Uint8Array(n);
    this.flags = new Uint8Array(n);
    this.starts = new Int32Array(n);
    this.ends = new Int32Array(n);
  }

  push(kind: Kind, start: number, end: number, flags = CLOSED): void {
    if (this.count === this.kinds.length) this.grow();
    const i = this.count++;
    this.kinds[i] = kind;
    this.flags[i] = flags;
    this.starts[i] = start;
    this.ends[i] = end;
  }

  private grow(): void {
    const n = this.kinds.length * 2;
    const kinds = new Uint8Array(n);
    kinds.set(this.kinds);
    const flags = new Uint8Array(n);
    flags.set(this.flags);
    const starts = new Int32Array(n);
    starts.set(this.starts);
    const ends = new Int32Array(n);
    ends.set(this.ends);
    this.kinds = kinds;
    this.flags = flags;
    this.starts = starts;
    this.ends = ends;
  }
}

export function quoteOf(flags: number): QuoteKind {
  const q = flags & 3;
  return q === QUOTE_DOUBLE ? '"' : q === QUOTE_SINGLE ? "'" : null;
}

const SPACE = 32;
const TAB = 9;
const LF = 10;
const CR = 13;
const SEMI = 59;
const LBRACE = 123;
const RBRACE = 125;
const HASH = 35;
const DQUOTE = 34;
const SQUOTE = 39;
const BACKSLASH = 92;
const DOLLAR = 36;
const RPAREN = 41;
const BOM = 0xfeff;

const LUA_SUFFIX = '_by_lua_block';

function isSpace(ch: number): boolean {
  return ch === SPACE || ch === TAB || ch === LF || ch === CR;
}

/** The tokens as objects (for tools and tests; the parser reads the stream directly). */
export function lex(text: string): LexResult {
  const { stream, errors } = lexStream(text);
  const tokens: Token[] = new Array<Token>(stream.count);
  for (let t = 0; t < stream.count; t++) {
    const flags = stream.flags[t] as number;
    tokens[t] = {
      kind: KIND_NAMES[stream.kinds[t] as number] as TokenKind,
      start: stream.starts[t] as number,
      end: stream.ends[t] as number,
      quote: quoteOf(flags),
      closed: (flags & CLOSED) !== 0,
    };
  }
  return { tokens, errors };
}

export function lexStream(text: string): { stream: TokenStream; errors: LexError[] } {
  // About one token per 10 characters in real configurations; the stream grows when needed.
  const stream = new TokenStream(text.length >> 3);
  const errors: LexError[] = [];
  const length = text.length;
  let i = text.charCodeAt(0) === BOM ? 1 : 0;
  // The first word of the statement being read (start/end of its value), to recognise `*_by_lua_block {`.
  let nameStart = -1;
  let nameEnd = -1;

  while (i < length) {
    const ch = text.charCodeAt(i);
    if (ch === SPACE || ch === LF || ch === TAB || ch === CR) {
      i++;
      continue;
    }
    if (ch === SEMI) {
      stream.push(SEMI_TOKEN, i, i + 1);
      nameStart = -1;
      i++;
      continue;
    }
    if (ch === LBRACE) {
      stream.push(OPEN, i, i + 1);
      const isLua = nameStart >= 0 && nameEnd - LUA_SUFFIX.length >= nameStart && text.startsWith(LUA_SUFFIX, nameEnd - LUA_SUFFIX.length);
      nameStart = -1;
      i++;
      if (isLua) i = lexLuaBody(text, i, stream, errors);
      continue;
    }
    if (ch === RBRACE) {
      stream.push(CLOSE, i, i + 1);
      nameStart = -1;
      i++;
      continue;
    }
    if (ch === HASH) {
      let end = text.indexOf('\n', i);
      if (end === -1) end = length;
      else if (end > i && text.charCodeAt(end - 1) === CR) end--;
      stream.push(COMMENT, i, end);
      i = end;
      continue;
    }
    if (ch === DQUOTE || ch === SQUOTE) {
      const start = i;
      i++;
      let closed = false;
      while (i < length) {
        const c = text.charCodeAt(i);
        if (c === BACKSLASH) {
          i += 2;
          continue;
        }
        i++;
        if (c === ch) {
          closed = true;
          break;
        }
      }
      if (i > length) i = length;
      stream.push(WORD, start, i, (ch === DQUOTE ? QUOTE_DOUBLE : QUOTE_SINGLE) | (closed ? CLOSED : 0));
      if (nameStart < 0) {
        nameStart = start + 1;
        nameEnd = closed ? i - 1 : i;
      }
      if (!closed) {
        errors.push({ message: 'unexpected end of file, expecting ";" or "}"', start, end: start + 1 });
        break;
      }
      // nginx wants whitespace, `;`, `{` or `)` right after a closing quote.
      if (i < length) {
        const next = text.charCodeAt(i);
        if (!isSpace(next) && next !== SEMI && next !== LBRACE && next !== RPAREN) {
          errors.push({ message: `unexpected "${text[i]}"`, start: i, end: i + 1 });
        }
      }
      continue;
    }
    // A bare word.
    const start = i;
    let variable = false;
    while (i < length) {
      const c = text.charCodeAt(i);
      // nginx keeps `variable` set here, so `${{` (any run of `{` after `$`) stays in the word.
      if (c === LBRACE && variable) {
        i++;
        continue;
      }
      variable = false;
      if (c === BACKSLASH) {
        i += 2;
        continue;
      }
      if (c === DOLLAR) {
        variable = true;
        i++;
        continue;
      }
      if (c === SPACE || c === LF || c === SEMI || c === LBRACE || c === TAB || c === CR) break;
      i++;
    }
    if (i > length) i = length;
    stream.push(WORD, start, i, CLOSED);
    if (nameStart < 0) {
      nameStart = start;
      nameEnd = i;
    }
  }
  return { stream, errors };
}

/**
 * Lexes the body of a Lua block starting just after its `{`; pushes a `lua` token for the body and a
 * `}` token for the closing brace. Returns the offset after the closing brace.
 */
function lexLuaBody(text: string, start: number, stream: TokenStream, errors: LexError[]): number {
  const length = text.length;
  let depth = 1;
  let i = start;
  while (i < length) {
    const c = text.charCodeAt(i);
    if (c === 45 /* - */ && text.charCodeAt(i + 1) === 45) {
      const long = longBracketLevel(text, i + 2);
      if (long >= 0) {
        i = skipLongBracket(text, i + 2, long);
      } else {
        const nl = text.indexOf('\n', i);
        i = nl === -1 ? length : nl + 1;
      }
      continue;
    }
    if (c === 91 /* [ */) {
      const long = longBracketLevel(text, i);
      if (long >= 0) {
        i = skipLongBracket(text, i, long);
        continue;
      }
      i++;
      continue;
    }
    if (c === DQUOTE || c === SQUOTE) {
      i++;
      while (i < length) {
        const d = text.charCodeAt(i);
        if (d === BACKSLASH) {
          i += 2;
          continue;
        }
        i++;
        if (d === c || d === LF) break;
      }
      continue;
    }
    if (c === LBRACE) depth++;
    else if (c === RBRACE) {
      depth--;
      if (depth === 0) {
        stream.push(LUA, start, i);
        stream.push(CLOSE, i, i + 1);
        return i + 1;
      }
    }
    i++;
  }
  stream.push(LUA, start, length);
  errors.push({ message: 'unexpected end of file, expecting "}"', start: length, end: length });
  return length;
}

/** If a Lua long bracket `[==[` opens at `i`, its level (number of `=`); otherwise -1. */
function longBracketLevel(text: string, i: number): number {
  if (text.charCodeAt(i) !== 91) return -1;
  let j = i + 1;
  while (text.charCodeAt(j) === 61 /* = */) j++;
  return text.charCodeAt(j) === 91 ? j - i - 1 : -1;
}

function skipLongBracket(text: string, i: number, level: number): number {
  const close = ']' + '='.repeat(level) + ']';
  const end = text.indexOf(close, i + level + 2);
  return end === -1 ? text.length : end + close.length;
}
