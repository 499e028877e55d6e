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

/** Token kinds as numbers, as Scanner.next() returns them. */
export const WORD = 0;
export const SEMI_TOKEN = 1;
export const OPEN = 2;
export const CLOSE = 3;
export const COMMENT = 4;
export const LUA = 5;
export const EOF = 6;
export type Kind = typeof WORD | typeof SEMI_TOKEN | typeof OPEN | typeof CLOSE | typeof COMMENT | typeof LUA | typeof EOF;

const KIND_NAMES: readonly TokenKind[] = ['word', ';', '{', '}', 'comment', 'lua'];

/**
 * Flags: bit 0-1 the quote (0 none, 1 double, 2 single), bit 2 set when a quoted word is closed, bit 3 set
 * when the word holds a `\`.
 */
export const QUOTE_DOUBLE = 1;
export const QUOTE_SINGLE = 2;
export const CLOSED = 4;
export const ESCAPED = 8;

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

/** What an ASCII character does inside a bare word: 0 nothing (it is part of the word), else one of these. */
const ENDS_WORD = 1;
const ESCAPE = 2;
const VARIABLE = 3;
const IN_WORD = new Uint8Array(128);
for (const c of [SPACE, TAB, LF, CR, SEMI, LBRACE]) IN_WORD[c] = ENDS_WORD;
IN_WORD[BACKSLASH] = ESCAPE;
IN_WORD[DOLLAR] = VARIABLE;

function isSpace(ch: number): boolean {
  return ch === SPACE || ch === TAB || ch === LF || ch === CR;
}

/** The hash of a word is updated with each character: `h = h * 31 + c`. */
function mix(h: number, c: number): number {
  return (Math.imul(h, 31) + c) | 0;
}

/**
 * Reads one token per next() call; the token is then in `start`, `end`, `flags` (for words) and `hash` (for
 * bare words: a hash of the word's characters, which the parser's string cache uses without reading the
 * word again). Pulled by the parser, so no token list is ever built.
 */
export class Scanner {
  start = 0;
  end = 0;
  flags = 0;
  hash = 0;
  readonly errors: LexError[] = [];
  /** Whether one of the errors is an "unexpected end of file" (an unterminated quote or Lua block). */
  eofError = false;
  private readonly text: string;
  private pos: number;
  /** Start/end of the value of the statement's first word, to recognise `*_by_lua_block {`; -1 when none. */
  private nameStart = -1;
  private nameEnd = -1;
  /** After a Lua block's `{`: 1 when the body comes next, 2 when its closing `}` comes next. */
  private lua = 0;
  private luaEnd = 0;

  constructor(text: string) {
    this.text = text;
    this.pos = text.charCodeAt(0) === BOM ? 1 : 0;
  }

  next(): Kind {
    if (this.lua !== 0) return this.luaToken();
    const text = this.text;
    const length = text.length;
    let i = this.pos;
    let ch = 0;
    while (i < length) {
      ch = text.charCodeAt(i);
      if (ch !== SPACE && ch !== LF && ch !== TAB && ch !== CR) break;
      i++;
    }
    if (i >= length) {
      this.pos = i;
      return EOF;
    }
    this.start = i;
    switch (ch) {
      case SEMI:
        return this.punctuation(SEMI_TOKEN, i);
      case LBRACE: {
        const isLua = this.nameStart >= 0 && this.nameEnd - LUA_SUFFIX.length >= this.nameStart && text.startsWith(LUA_SUFFIX, this.nameEnd - LUA_SUFFIX.length);
        if (isLua) this.lua = 1;
        return this.punctuation(OPEN, i);
      }
      case RBRACE:
        return this.punctuation(CLOSE, i);
      case HASH: {
        let end = text.indexOf('\n', i);
        if (end === -1) end = length;
        else if (end > i && text.charCodeAt(end - 1) === CR) end--;
        this.end = this.pos = end;
        return COMMENT;
      }
      case DQUOTE:
      case SQUOTE:
        return this.quoted(ch, i);
      default:
        return this.bareWord(i);
    }
  }

  private punctuation(kind: Kind, i: number): Kind {
    this.start = i;
    this.end = this.pos = i + 1;
    this.nameStart = -1;
    return kind;
  }

  private quoted(quote: number, start: number): Kind {
    const text = this.text;
    const length = text.length;
    let i = start + 1;
    let closed = false;
    let escaped = 0;
    while (i < length) {
      const c = text.charCodeAt(i);
      if (c === BACKSLASH) {
        escaped = ESCAPED;
        i += 2;
        continue;
      }
      i++;
      if (c === quote) {
        closed = true;
        break;
      }
    }
    if (i > length) i = length;
    this.end = this.pos = i;
    this.flags = (quote === DQUOTE ? QUOTE_DOUBLE : QUOTE_SINGLE) | (closed ? CLOSED : 0) | escaped;
    if (this.nameStart < 0) {
      this.nameStart = start + 1;
      this.nameEnd = closed ? i - 1 : i;
    }
    if (!closed) {
      this.errors.push({ message: 'unexpected end of file, expecting ";" or "}"', start, end: start + 1 });
      this.eofError = true;
    } else if (i < length) {
      // nginx wants whitespace, `;`, `{` or `)` right after a closing quote.
      const next = text.charCodeAt(i);
      if (!isSpace(next) && next !== SEMI && next !== LBRACE && next !== RPAREN) {
        this.errors.push({ message: `unexpected "${text[i]}"`, start: i, end: i + 1 });
      }
    }
    return WORD;
  }

  private bareWord(start: number): Kind {
    const text = this.text;
    const length = text.length;
    let i = start;
    let h = 0;
    let escaped = 0;
    while (i < length) {
      const c = text.charCodeAt(i);
      const role = c < 128 ? (IN_WORD[c] as number) : 0;
      if (role === 0) {
        h = mix(h, c);
        i++;
      } else if (role === ENDS_WORD) {
        break;
      } else if (role === ESCAPE) {
        escaped = ESCAPED;
        h = mix(h, c);
        if (i + 1 < length) h = mix(h, text.charCodeAt(i + 1));
        i += 2;
      } else {
        // `$`: nginx keeps its `variable` state here, so `${{` (any run of `{` after `$`) stays in the word.
        h = mix(h, c);
        i++;
        while (i < length && text.charCodeAt(i) === LBRACE) {
          h = mix(h, LBRACE);
          i++;
        }
      }
    }
    if (i > length) i = length;
    this.end = this.pos = i;
    this.flags = CLOSED | escaped;
    this.hash = h;
    if (this.nameStart < 0) {
      this.nameStart = start;
      this.nameEnd = i;
    }
    return WORD;
  }

  /** The body of a Lua block (everything up to its closing brace), then that brace. */
  private luaToken(): Kind {
    if (this.lua === 2) {
      this.lua = 0;
      return this.punctuation(CLOSE, this.luaEnd);
    }
    const start = this.pos;
    const close = luaBodyEnd(this.text, start);
    this.start = start;
    if (close < 0) {
      this.lua = 0;
      this.end = this.pos = this.text.length;
      this.errors.push({ message: 'unexpected end of file, expecting "}"', start: this.end, end: this.end });
      this.eofError = true;
    } else {
      this.lua = 2;
      this.end = this.pos = this.luaEnd = close;
    }
    return LUA;
  }
}

/** The tokens as objects (for tools and tests; the parser pulls them from a Scanner). */
export function lex(text: string): LexResult {
  const scanner = new Scanner(text);
  const tokens: Token[] = [];
  for (let kind = scanner.next(); kind !== EOF; kind = scanner.next()) {
    const flags = kind === WORD ? scanner.flags : CLOSED;
    tokens.push({ kind: KIND_NAMES[kind] as TokenKind, start: scanner.start, end: scanner.end, quote: quoteOf(flags), closed: (flags & CLOSED) !== 0 });
  }
  return { tokens, errors: scanner.errors };
}

/**
 * The offset of the `}` that closes a Lua block whose body starts at `start` (just after its `{`); -1 when
 * the text ends first.
 */
function luaBodyEnd(text: string, start: number): number {
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
      if (depth === 0) return i;
    }
    i++;
  }
  return -1;
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
