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

function tok(kind: TokenKind, start: number, end: number, quote: QuoteKind = null, closed = true): Token {
  return { kind, start, end, quote, closed };
}

export function lex(text: string): LexResult {
  const tokens: Token[] = [];
  const errors: LexError[] = [];
  const length = text.length;
  let i = text.charCodeAt(0) === BOM ? 1 : 0;
  // First word of the statement being read, to recognise `*_by_lua_block {`.
  let statementName: string | null = null;

  const pushWord = (t: Token): void => {
    tokens.push(t);
    if (statementName === null) statementName = text.slice(t.quote ? t.start + 1 : t.start, t.quote && t.closed ? t.end - 1 : t.end);
  };

  while (i < length) {
    const ch = text.charCodeAt(i);
    if (isSpace(ch)) {
      i++;
      continue;
    }
    if (ch === SEMI) {
      tokens.push(tok(';', i, i + 1));
      statementName = null;
      i++;
      continue;
    }
    if (ch === LBRACE) {
      tokens.push(tok('{', i, i + 1));
      const name = statementName as string | null;
      statementName = null;
      i++;
      if (name !== null && name.endsWith(LUA_SUFFIX)) i = lexLuaBody(text, i, tokens, errors);
      continue;
    }
    if (ch === RBRACE) {
      tokens.push(tok('}', i, i + 1));
      statementName = null;
      i++;
      continue;
    }
    if (ch === HASH) {
      let end = text.indexOf('\n', i);
      if (end === -1) end = length;
      else if (end > i && text.charCodeAt(end - 1) === CR) end--;
      tokens.push(tok('comment', i, end));
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
      const quote: QuoteKind = ch === DQUOTE ? '"' : "'";
      pushWord(tok('word', start, i, quote, closed));
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
      if (isSpace(c) || c === SEMI || c === LBRACE) break;
      i++;
    }
    if (i > length) i = length;
    pushWord(tok('word', start, i));
  }
  return { tokens, errors };
}

/**
 * Lexes the body of a Lua block starting just after its `{`; pushes a `lua` token for the body and a
 * `}` token for the closing brace. Returns the offset after the closing brace.
 */
function lexLuaBody(text: string, start: number, tokens: Token[], errors: LexError[]): number {
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
        tokens.push(tok('lua', start, i));
        tokens.push(tok('}', i, i + 1));
        return i + 1;
      }
    }
    i++;
  }
  tokens.push(tok('lua', start, length));
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
