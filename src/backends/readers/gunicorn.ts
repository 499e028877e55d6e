/**
 * gunicorn.conf.py: gunicorn's configuration is a Python module whose top-level assignments are the settings.
 * This reader does not run Python: it tokenizes the file, takes `NAME = expression` statements and evaluates
 * the small subset of expressions that configuration files use (string and number literals, lists and tuples,
 * `+ - * / // %` on literals, `os.environ.get(KEY, DEFAULT)` / `os.getenv(KEY, DEFAULT)` and `int()`/`str()`
 * around them). Anything else is symbolic: written there, known only at run time.
 *
 * Read: `bind` (a string or a list/tuple of strings), `timeout`, `keepalive`, `worker_class`, `threads`,
 * `proc_name` (the listener's name). `workers` is parsed but the Listener contract has no field for it.
 */
import * as path from 'node:path';
import { SourceText } from '../../source/index.js';
import type { BackendSource, Listener, ReaderResult, Sourced } from '../types.js';

/** gunicorn's defaults (docs.gunicorn.org, settings): bind 127.0.0.1:8000, timeout 30s, keepalive 2s. */
export const GUNICORN_DEFAULTS = { host: '127.0.0.1', port: 8000, timeoutMs: 30_000, keepaliveMs: 2_000 } as const;

// ---------------------------------------------------------------------------------------------------------
// Python tokens

type TokType = 'name' | 'number' | 'string' | 'op' | 'newline';

interface Tok {
  readonly type: TokType;
  readonly text: string;
  readonly start: number;
  readonly end: number;
  /** Strings: the decoded value; f-strings get U+0000 where a `{...}` field stands. */
  readonly value?: string;
  /** Strings: an f-string with replacement fields. */
  readonly symbolic?: boolean;
}

/** A symbolic hole in a string value (an f-string field, an unknown operand). */
const HOLE = '\u0000';

const NUMBER = /(?:0[xX][0-9a-fA-F_]+|0[oO][0-7_]+|0[bB][01_]+|(?:\d[\d_]*)?\.?\d[\d_]*(?:[eE][+-]?\d+)?[jJ]?)/y;
const OPS3 = ['**=', '//=', '>>=', '<<=', '...'];
const OPS2 = ['//', '**', '==', '!=', '<=', '>=', '->', '+=', '-=', '*=', '/=', '%=', '&=', '|=', '^=', ':=', '<<', '>>'];

/** Tokenize Python source; `newline` tokens end logical lines (outside brackets). Never throws. */
function tokenize(text: string): Tok[] {
  const toks: Tok[] = [];
  let depth = 0;
  let i = 0;
  const n = text.length;
  const pushNewline = (at: number): void => {
    if (depth === 0 && toks.length > 0 && toks[toks.length - 1]?.type !== 'newline') toks.push({ type: 'newline', text: '\n', start: at, end: at });
  };
  while (i < n) {
    const c = text[i] as string;
    if (c === '\n' || c === '\r') {
      pushNewline(i);
      i++;
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\f' || c === '\ufeff') {
      i++;
      continue;
    }
    if (c === '#') {
      while (i < n && text[i] !== '\n' && text[i] !== '\r') i++;
      continue;
    }
    if (c === '\\' && (text[i + 1] === '\n' || text[i + 1] === '\r')) {
      i += text[i + 1] === '\r' && text[i + 2] === '\n' ? 3 : 2;
      continue;
    }
    // Strings, with optional prefixes (r, b, u, f and their pairs).
    const prefix = /^[rRbBuUfF]{0,2}(?=['"])/.exec(text.slice(i, i + 3));
    if (prefix) {
      const start = i;
      const flags = prefix[0].toLowerCase();
      i += prefix[0].length;
      const quote = text[i] as string;
      const triple = text.slice(i, i + 3) === quote.repeat(3);
      const delim = triple ? quote.repeat(3) : quote;
      i += delim.length;
      const bodyStart = i;
      let closed = false;
      while (i < n) {
        if (text[i] === '\\') {
          i += 2;
          continue;
        }
        if (!triple && (text[i] === '\n' || text[i] === '\r')) break;
        if (text.startsWith(delim, i)) {
          closed = true;
          break;
        }
        i++;
      }
      const body = text.slice(bodyStart, Math.min(i, n));
      if (closed) i += delim.length;
      const raw = flags.includes('r');
      let value = raw ? body : unescapePython(body);
      let symbolic = false;
      if (flags.includes('f')) {
        const f = fstringValue(value);
        value = f.value;
        symbolic = f.symbolic;
      }
      toks.push({ type: 'string', text: text.slice(start, i), start, end: i, value, symbolic });
      continue;
    }
    if (/[A-Za-z_\u0080-\uffff]/.test(c)) {
      const start = i;
      while (i < n && /[\w\u0080-\uffff]/.test(text[i] as string)) i++;
      toks.push({ type: 'name', text: text.slice(start, i), start, end: i });
      continue;
    }
    if (/[0-9]/.test(c) || (c === '.' && /[0-9]/.test(text[i + 1] ?? ''))) {
      NUMBER.lastIndex = i;
      const m = NUMBER.exec(text);
      const len = m && m[0].length > 0 ? m[0].length : 1;
      toks.push({ type: 'number', text: text.slice(i, i + len), start: i, end: i + len });
      i += len;
      continue;
    }
    const three = text.slice(i, i + 3);
    const two = text.slice(i, i + 2);
    const op = OPS3.includes(three) ? three : OPS2.includes(two) ? two : c;
    if (op === ';' && depth === 0) {
      pushNewline(i);
      i++;
      continue;
    }
    if (op === '(' || op === '[' || op === '{') depth++;
    else if ((op === ')' || op === ']' || op === '}') && depth > 0) depth--;
    toks.push({ type: 'op', text: op, start: i, end: i + op.length });
    i += op.length;
  }
  depth = 0;
  pushNewline(n);
  return toks;
}

function unescapePython(body: string): string {
  return body.replace(/\\(\r\n|[\s\S])/g, (m: string, ch: string) => {
    switch (ch) {
      case 'n':
        return '\n';
      case 't':
        return '\t';
      case 'r':
        return '\r';
      case '\\':
        return '\\';
      case "'":
        return "'";
      case '"':
        return '"';
      case '0':
        return '\0';
      case '\n':
      case '\r\n':
        return '';
      default:
        return m;
    }
  });
}

/** The literal parts of an f-string, with a HOLE for each `{...}` field. */
function fstringValue(body: string): { value: string; symbolic: boolean } {
  let out = '';
  let symbolic = false;
  for (let i = 0; i < body.length; i++) {
    const ch = body[i] as string;
    if (ch === '{' && body[i + 1] === '{') {
      out += '{';
      i++;
    } else if (ch === '}' && body[i + 1] === '}') {
      out += '}';
      i++;
    } else if (ch === '{') {
      let depth = 1;
      while (i + 1 < body.length && depth > 0) {
        i++;
        if (body[i] === '{') depth++;
        else if (body[i] === '}') depth--;
      }
      out += HOLE;
      symbolic = true;
    } else out += ch;
  }
  return { value: out, symbolic };
}

// ---------------------------------------------------------------------------------------------------------
// A tiny evaluator for the expressions configuration files use

/** The value of an expression, as far as it can be known without running Python. */
export type PyValue =
  | { readonly kind: 'str'; readonly value: string; readonly symbolic: boolean; readonly start: number; readonly end: number }
  | { readonly kind: 'num'; readonly value: number; readonly symbolic: boolean; readonly start: number; readonly end: number }
  | { readonly kind: 'bool'; readonly value: boolean; readonly start: number; readonly end: number }
  | { readonly kind: 'none'; readonly start: number; readonly end: number }
  | { readonly kind: 'list'; readonly items: readonly PyValue[]; readonly start: number; readonly end: number }
  /** Known only at run time; `fallback` is the default written in an environment lookup. */
  | { readonly kind: 'unknown'; readonly fallback?: PyValue; readonly start: number; readonly end: number };

class Parser {
  private i = 0;
  constructor(private readonly toks: readonly Tok[]) {}

  parse(): PyValue | undefined {
    try {
      const v = this.tuple();
      if (this.i < this.toks.length) {
        // Something this evaluator does not follow (a conditional expression, a comprehension, ...).
        const last = this.toks[this.toks.length - 1] as Tok;
        return { kind: 'unknown', start: (this.toks[0] as Tok).start, end: last.end };
      }
      return v;
    } catch {
      const first = this.toks[0];
      const last = this.toks[this.toks.length - 1];
      return first && last ? { kind: 'unknown', start: first.start, end: last.end } : undefined;
    }
  }

  private peek(): Tok | undefined {
    return this.toks[this.i];
  }

  private isOp(text: string): boolean {
    const t = this.peek();
    return t !== undefined && t.type === 'op' && t.text === text;
  }

  private expect(text: string): Tok {
    const t = this.peek();
    if (!t || t.type !== 'op' || t.text !== text) throw new Error(`expected ${text}`);
    this.i++;
    return t;
  }

  /** `a, b` at the top of an assignment is a tuple. */
  private tuple(): PyValue {
    const first = this.expr();
    if (!this.isOp(',')) return first;
    const items = [first];
    while (this.isOp(',')) {
      this.i++;
      if (this.peek() === undefined) break;
      items.push(this.expr());
    }
    return { kind: 'list', items, start: first.start, end: (items[items.length - 1] as PyValue).end };
  }

  private expr(): PyValue {
    let left = this.term();
    while (this.isOp('+') || this.isOp('-')) {
      const op = (this.peek() as Tok).text;
      this.i++;
      const right = this.term();
      left = binary(op, left, right);
    }
    return left;
  }

  private term(): PyValue {
    let left = this.factor();
    while (this.isOp('*') || this.isOp('/') || this.isOp('//') || this.isOp('%')) {
      const op = (this.peek() as Tok).text;
      this.i++;
      const right = this.factor();
      left = binary(op, left, right);
    }
    return left;
  }

  private factor(): PyValue {
    if (this.isOp('-') || this.isOp('+')) {
      const op = this.expect((this.peek() as Tok).text);
      const v = this.factor();
      if (v.kind === 'num') return { ...v, value: op.text === '-' ? -v.value : v.value, start: op.start };
      return { kind: 'unknown', start: op.start, end: v.end };
    }
    return this.postfix();
  }

  private postfix(): PyValue {
    const startTok = this.peek();
    if (!startTok) throw new Error('unexpected end');
    if (startTok.type === 'name' && !['True', 'False', 'None'].includes(startTok.text)) {
      // A dotted name, maybe called or subscripted.
      const parts = [startTok.text];
      this.i++;
      while (this.isOp('.') && this.toks[this.i + 1]?.type === 'name') {
        parts.push((this.toks[this.i + 1] as Tok).text);
        this.i += 2;
      }
      let value: PyValue = { kind: 'unknown', start: startTok.start, end: (this.toks[this.i - 1] as Tok).end };
      let callee = parts.join('.');
      for (;;) {
        if (this.isOp('(')) {
          this.i++;
          const args: PyValue[] = [];
          while (!this.isOp(')')) {
            if (this.peek()?.type === 'name' && this.toks[this.i + 1]?.text === '=') this.i += 2; // keyword argument
            args.push(this.expr());
            if (this.isOp(',')) this.i++;
            else break;
          }
          const close = this.expect(')');
          value = call(callee, args, startTok.start, close.end);
          callee = '';
        } else if (this.isOp('[')) {
          this.i++;
          this.tuple();
          const close = this.expect(']');
          value = { kind: 'unknown', start: startTok.start, end: close.end };
          callee = '';
        } else if (this.isOp('.') && this.toks[this.i + 1]?.type === 'name') {
          const name = (this.toks[this.i + 1] as Tok).text;
          this.i += 2;
          value = { kind: 'unknown', start: startTok.start, end: (this.toks[this.i - 1] as Tok).end };
          callee = callee ? `${callee}.${name}` : '';
        } else break;
      }
      return value;
    }
    const atom = this.atom();
    // Method calls and subscripts on literals (`"x".upper()`, `[...][0]`) are not followed.
    if (this.isOp('(') || this.isOp('[') || this.isOp('.')) {
      let end = atom.end;
      while (this.isOp('(') || this.isOp('[') || this.isOp('.')) {
        if (this.isOp('.')) {
          this.i += 2;
          end = (this.toks[this.i - 1] as Tok).end;
          continue;
        }
        const close = this.isOp('(') ? ')' : ']';
        this.i++;
        if (!this.isOp(close)) this.tuple();
        end = this.expect(close).end;
      }
      return { kind: 'unknown', start: atom.start, end };
    }
    return atom;
  }

  private atom(): PyValue {
    const t = this.peek();
    if (!t) throw new Error('unexpected end');
    if (t.type === 'string') {
      let value = '';
      let symbolic = false;
      let end = t.end;
      while (this.peek()?.type === 'string') {
        const s = this.peek() as Tok;
        value += s.value ?? '';
        symbolic ||= s.symbolic === true;
        end = s.end;
        this.i++;
      }
      return { kind: 'str', value, symbolic, start: t.start, end };
    }
    if (t.type === 'number') {
      this.i++;
      const value = pythonNumber(t.text);
      return value === undefined ? { kind: 'unknown', start: t.start, end: t.end } : { kind: 'num', value, symbolic: false, start: t.start, end: t.end };
    }
    if (t.type === 'name') {
      this.i++;
      if (t.text === 'None') return { kind: 'none', start: t.start, end: t.end };
      return { kind: 'bool', value: t.text === 'True', start: t.start, end: t.end };
    }
    if (t.type === 'op' && (t.text === '(' || t.text === '[')) {
      const close = t.text === '(' ? ')' : ']';
      this.i++;
      if (this.isOp(close)) return { kind: 'list', items: [], start: t.start, end: this.expect(close).end };
      const first = this.expr();
      if (t.text === '(' && this.isOp(close)) {
        this.i++;
        return first; // a parenthesized expression
      }
      const items = [first];
      while (this.isOp(',')) {
        this.i++;
        if (this.isOp(close)) break;
        items.push(this.expr());
      }
      const end = this.expect(close).end;
      return { kind: 'list', items, start: t.start, end };
    }
    if (t.type === 'op' && t.text === '{') {
      // A dict or set: skip it.
      let depth = 0;
      const start = t.start;
      let end = t.end;
      do {
        const x = this.toks[this.i];
        if (!x) break;
        if (x.type === 'op' && ['(', '[', '{'].includes(x.text)) depth++;
        else if (x.type === 'op' && [')', ']', '}'].includes(x.text)) depth--;
        end = x.end;
        this.i++;
      } while (depth > 0);
      return { kind: 'unknown', start, end };
    }
    throw new Error(`unexpected ${t.text}`);
  }
}

function pythonNumber(text: string): number | undefined {
  const t = text.replace(/_/g, '');
  if (/[jJ]$/.test(t)) return undefined;
  if (/^0[xX]/.test(t)) return parseInt(t.slice(2), 16);
  if (/^0[oO]/.test(t)) return parseInt(t.slice(2), 8);
  if (/^0[bB]/.test(t)) return parseInt(t.slice(2), 2);
  const v = Number(t);
  return Number.isFinite(v) ? v : undefined;
}

function binary(op: string, a: PyValue, b: PyValue): PyValue {
  const start = a.start;
  const end = b.end;
  const aa = a.kind === 'unknown' && a.fallback ? a.fallback : a;
  const bb = b.kind === 'unknown' && b.fallback ? b.fallback : b;
  const fromEnv = a.kind === 'unknown' || b.kind === 'unknown';
  if (aa.kind === 'num' && bb.kind === 'num') {
    let value: number;
    if (op === '+') value = aa.value + bb.value;
    else if (op === '-') value = aa.value - bb.value;
    else if (op === '*') value = aa.value * bb.value;
    else if (op === '/') value = aa.value / bb.value;
    else if (op === '//') value = Math.floor(aa.value / bb.value);
    else value = aa.value % bb.value;
    if (!Number.isFinite(value)) return { kind: 'unknown', start, end };
    const v: PyValue = { kind: 'num', value, symbolic: fromEnv || aa.symbolic || bb.symbolic, start, end };
    return fromEnv ? { kind: 'unknown', fallback: v, start, end } : v;
  }
  if (op === '+' && (a.kind === 'str' || b.kind === 'str')) {
    // String concatenation; an unknown operand (even one with a written default) leaves a hole.
    const part = (v: PyValue): { s: string; sym: boolean } => (v.kind === 'str' ? { s: v.value, sym: v.symbolic } : { s: HOLE, sym: true });
    const pa = part(a);
    const pb = part(b);
    return { kind: 'str', value: pa.s + pb.s, symbolic: pa.sym || pb.sym, start, end };
  }
  if (op === '+' && a.kind === 'list' && b.kind === 'list') return { kind: 'list', items: [...a.items, ...b.items], start, end };
  return { kind: 'unknown', start, end };
}

const ENV_LOOKUPS = new Set(['os.environ.get', 'environ.get', 'os.getenv', 'getenv', 'env', 'os.environ.setdefault']);

function call(callee: string, args: readonly PyValue[], start: number, end: number): PyValue {
  if (ENV_LOOKUPS.has(callee)) {
    const fallback = args[1];
    if (fallback && (fallback.kind === 'str' || fallback.kind === 'num')) return { kind: 'unknown', fallback: { ...fallback, symbolic: true }, start, end };
    return { kind: 'unknown', start, end };
  }
  const arg = args[0];
  if ((callee === 'int' || callee === 'float') && arg && args.length === 1) {
    const known = arg.kind === 'unknown' ? arg.fallback : arg;
    const num = known?.kind === 'num' ? known.value : known?.kind === 'str' && /^\s*[+-]?\d+(\.\d+)?\s*$/.test(known.value) ? Number(known.value) : undefined;
    if (num === undefined) return { kind: 'unknown', start, end };
    const value = callee === 'int' ? Math.trunc(num) : num;
    if (arg.kind === 'unknown') return { kind: 'unknown', fallback: { kind: 'num', value, symbolic: true, start, end }, start, end };
    return { kind: 'num', value, symbolic: known?.kind === 'str' ? known.symbolic : false, start, end };
  }
  if (callee === 'str' && arg && args.length === 1) {
    if (arg.kind === 'num') return { kind: 'str', value: String(arg.value), symbolic: arg.symbolic, start, end };
    if (arg.kind === 'str') return { ...arg, start, end };
    if (arg.kind === 'unknown' && arg.fallback) return { kind: 'unknown', fallback: arg.fallback.kind === 'num' ? { kind: 'str', value: String(arg.fallback.value), symbolic: true, start, end } : arg.fallback, start, end };
  }
  return { kind: 'unknown', start, end };
}

// ---------------------------------------------------------------------------------------------------------
// Statements

export interface PyAssignment {
  readonly name: string;
  readonly value: PyValue;
  /** Indented: inside an `if`, a function or another block, so it may or may not run. */
  readonly conditional: boolean;
  readonly nameStart: number;
}

/** Every `NAME = expression` (and `NAME: type = expression`) statement of a Python file, in order. Never throws. */
export function pythonAssignments(text: string): PyAssignment[] {
  const toks = tokenize(text);
  const out: PyAssignment[] = [];
  let line: Tok[] = [];
  for (const t of toks) {
    if (t.type !== 'newline') {
      line.push(t);
      continue;
    }
    const first = line[0];
    if (first && first.type === 'name') {
      let eq = -1;
      if (line[1]?.type === 'op' && line[1].text === '=') eq = 1;
      else if (line[1]?.type === 'op' && line[1].text === ':') eq = line.findIndex((x, k) => k > 1 && x.type === 'op' && x.text === '=');
      const valueToks = eq > 0 ? line.slice(eq + 1) : [];
      // `a = b = value` assigns the last expression to every name.
      const names = [first.text];
      let rest = valueToks;
      while (rest[0]?.type === 'name' && rest[1]?.type === 'op' && rest[1].text === '=') {
        names.push(rest[0].text);
        rest = rest.slice(2);
      }
      if (eq > 0 && rest.length > 0) {
        const value = new Parser(rest).parse();
        let lineStart = first.start;
        while (lineStart > 0 && text[lineStart - 1] !== '\n' && text[lineStart - 1] !== '\r') lineStart--;
        // Indented, or after `if x:` on the same line: inside a block. After `a = 1;` on a top-level line: not.
        const prefix = text.slice(lineStart, first.start).replace(/^\ufeff/, '');
        const conditional = /^\s/.test(prefix) || (prefix.trim() !== '' && !prefix.trim().endsWith(';'));
        if (value) for (const name of names) out.push({ name, value, conditional, nameStart: first.start });
      }
    }
    line = [];
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// The reader

function sourceOf(st: SourceText, file: string, start: number, end: number): BackendSource {
  const s = st.positionAt(start);
  const lineEnd = st.offsetAt(s.line, Number.MAX_SAFE_INTEGER);
  return { file, line: s.line, column: s.column, endColumn: s.column + Math.max(0, Math.min(end, lineEnd) - s.offset) };
}

/**
 * Where a default (a setting the file does not write) is reported: line 1, column 1, an empty span. There is
 * no line to point at; the file itself is the place to add the setting.
 */
function defaultSource(file: string): BackendSource {
  return { file, line: 1, column: 1, endColumn: 1 };
}

interface Address {
  readonly transport: 'tcp' | 'unix';
  readonly host?: string;
  readonly port?: number;
  readonly path?: string;
  readonly symbolic: boolean;
}

/**
 * A gunicorn bind address (gunicorn.util.parse_address): `unix:PATH` (also `unix://PATH`), `fd://N` (skipped),
 * `tcp://HOST:PORT`, `HOST:PORT`, `[V6]:PORT`, `HOST` (port 8000), `:PORT` (all interfaces). A HOLE (an unknown
 * part) leaves that part undefined and the address symbolic.
 */
export function parseGunicornAddress(raw: string, symbolic = false): Address | undefined {
  let s = raw.trim();
  const sym = symbolic || s.includes(HOLE);
  const clean = (x: string | undefined): string | undefined => (x === undefined || x.includes(HOLE) ? undefined : x);
  if (/^unix:/i.test(s)) {
    const p = s.replace(/^unix:(\/\/)?/i, '');
    return { transport: 'unix', path: p.replace(new RegExp(HOLE, 'g'), '*'), symbolic: sym || p.includes(HOLE) };
  }
  if (/^fd:\/\//i.test(s)) return undefined;
  s = s.replace(/^tcp:\/\//i, '');
  let host: string | undefined = s;
  let portText: string | undefined = String(GUNICORN_DEFAULTS.port);
  const v6 = /^\[([^\]]*)\](?::(.*))?$/.exec(s);
  if (v6) {
    host = v6[1];
    portText = v6[2] ?? portText;
  } else if (s.includes(':')) {
    const parts = s.split(':');
    host = parts[0];
    portText = parts[1];
  } else if (/^\d+$/.test(s)) {
    // gunicorn would take a bare number for a host name; the writer meant a port.
    host = undefined;
    portText = s;
  }
  const port = clean(portText) !== undefined && /^\d+$/.test(portText ?? '') ? Number(portText) : undefined;
  const h = clean(host);
  return { transport: 'tcp', host: h === '' ? undefined : h?.toLowerCase(), port, symbolic: sym || (portText !== undefined && port === undefined) || h !== host };
}

/**
 * Strings of a bind value: a string or a list/tuple of strings. A value known only at run time is one hole,
 * even when an environment lookup writes a default: a symbolic listener leaves unknown parts undefined.
 */
function bindStrings(v: PyValue): { value: string; symbolic: boolean; start: number; end: number }[] {
  if (v.kind === 'str') return [{ value: v.value, symbolic: v.symbolic, start: v.start, end: v.end }];
  if (v.kind === 'list') return v.items.flatMap(bindStrings);
  if (v.kind === 'unknown') return [{ value: HOLE, symbolic: true, start: v.start, end: v.end }];
  return [];
}

/** A number of seconds as milliseconds, with where it was written; symbolic when known only at run time. */
function secondsValue(st: SourceText, file: string, v: PyValue, conditional: boolean): Sourced<number> | undefined {
  const known = v.kind === 'unknown' ? v.fallback : v;
  const num = known?.kind === 'num' ? known.value : known?.kind === 'str' && /^\s*\d+(\.\d+)?\s*$/.test(known.value) ? Number(known.value) : undefined;
  if (num === undefined) return undefined;
  const symbolic = conditional || v.kind === 'unknown' || (known?.kind === 'num' && known.symbolic) || (known?.kind === 'str' && known.symbolic);
  return { value: Math.round(num * 1000), source: sourceOf(st, file, v.start, v.end), ...(symbolic ? { symbolic: true } : {}) };
}

/** The last assignment to `name`, and whether the value is uncertain (assigned inside a block). */
function lastAssignment(assignments: readonly PyAssignment[], name: string): { a: PyAssignment; uncertain: boolean } | undefined {
  const all = assignments.filter((x) => x.name === name);
  const top = all.filter((x) => !x.conditional);
  const a = top[top.length - 1] ?? all[all.length - 1];
  if (!a) return undefined;
  return { a, uncertain: all.some((x) => x.conditional) };
}

/** Whether a worker class keeps idle keep-alive connections (the sync worker never does). */
function keepsAlive(workerClass: PyValue | undefined, threads: PyValue | undefined): boolean | undefined {
  const threadCount = threads?.kind === 'num' ? threads.value : undefined;
  if (!workerClass) return threadCount !== undefined && threadCount > 1 ? true : false; // sync, or gthread when threads > 1
  const wc = workerClass.kind === 'str' && !workerClass.symbolic ? workerClass.value : workerClass.kind === 'unknown' && workerClass.fallback?.kind === 'str' ? workerClass.fallback.value : undefined;
  if (wc === undefined) return undefined;
  if (/(^|[.#:])sync$|SyncWorker$/i.test(wc.trim())) return threadCount !== undefined && threadCount > 1;
  return true;
}

/**
 * Read a gunicorn.conf.py. One listener per `bind` address (default 127.0.0.1:8000), each with the request
 * `timeout` (default 30s; 0 means no limit) and, for workers that keep connections alive (gthread, eventlet,
 * gevent, tornado, uvicorn's worker; sync with threads > 1), the idle `keepalive` (default 2s). The sync worker
 * answers `Connection: close`, so it gets no idleTimeout. Never throws.
 */
export function readGunicornConf(file: string, text: string): ReaderResult {
  try {
    return readGunicornConfUnsafe(file, text);
  } catch (error) {
    return { listeners: [], problems: [`could not read the gunicorn settings (${error instanceof Error ? error.message : String(error)})`] };
  }
}

function readGunicornConfUnsafe(file: string, text: string): ReaderResult {
  const st = new SourceText(text, file);
  const assignments = pythonAssignments(text);

  const procName = lastAssignment(assignments, 'proc_name');
  const name = procName?.a.value.kind === 'str' && !procName.a.value.symbolic ? procName.a.value.value : path.basename(file).replace(/\.py$/, '').replace(/\.conf$/, '') || 'gunicorn';

  const timeoutA = lastAssignment(assignments, 'timeout');
  const requestTimeout: Sourced<number> | undefined = timeoutA ? secondsValue(st, file, timeoutA.a.value, timeoutA.uncertain) : { value: GUNICORN_DEFAULTS.timeoutMs, source: defaultSource(file) };

  const workerClass = lastAssignment(assignments, 'worker_class');
  const threads = lastAssignment(assignments, 'threads');
  const alive = keepsAlive(workerClass?.a.value, threads?.a.value);
  const keepaliveA = lastAssignment(assignments, 'keepalive');
  let idleTimeout: Sourced<number> | undefined;
  if (alive !== false) {
    idleTimeout = keepaliveA ? secondsValue(st, file, keepaliveA.a.value, keepaliveA.uncertain) : { value: GUNICORN_DEFAULTS.keepaliveMs, source: defaultSource(file) };
    // Unknown worker class: the keep-alive applies only if it is not the sync worker.
    if (idleTimeout && alive === undefined) idleTimeout = { ...idleTimeout, symbolic: true };
  }

  // `certfile` makes every bind address speak TLS.
  const certfile = lastAssignment(assignments, 'certfile')?.a.value;
  const tls = certfile !== undefined && !(certfile.kind === 'str' && certfile.value === '') && certfile.kind !== 'none' && certfile.kind !== 'bool';

  const common = {
    kind: 'gunicorn' as const,
    name,
    protocol: 'http' as const,
    ...(tls ? { tls: true } : {}),
    ...(requestTimeout ? { requestTimeout } : {}),
    ...(idleTimeout ? { idleTimeout } : {}),
  };

  const bindAssignments = assignments.filter((x) => x.name === 'bind');
  const listeners: Listener[] = [];
  if (bindAssignments.length === 0) {
    listeners.push({ ...common, transport: 'tcp', host: GUNICORN_DEFAULTS.host, port: GUNICORN_DEFAULTS.port, source: defaultSource(file) });
    return { listeners };
  }
  // The last top-level bind wins; binds inside blocks (if/else) are each possible, so all are kept, symbolic.
  const uncertain = bindAssignments.some((x) => x.conditional);
  const topLevel = bindAssignments.filter((x) => !x.conditional);
  const effective = uncertain ? [...(topLevel.length ? [topLevel[topLevel.length - 1] as PyAssignment] : []), ...bindAssignments.filter((x) => x.conditional)] : [topLevel[topLevel.length - 1] as PyAssignment];
  for (const assignment of effective) {
    for (const s of bindStrings(assignment.value)) {
      const addr = parseGunicornAddress(s.value, s.symbolic || uncertain);
      if (!addr) continue;
      const source = sourceOf(st, file, s.start, s.end);
      listeners.push({
        ...common,
        transport: addr.transport,
        ...(addr.host !== undefined ? { host: addr.host } : {}),
        ...(addr.port !== undefined ? { port: addr.port } : {}),
        ...(addr.path !== undefined ? { path: addr.path } : {}),
        source,
        ...(addr.symbolic ? { symbolic: true } : {}),
      });
    }
  }
  return { listeners };
}
