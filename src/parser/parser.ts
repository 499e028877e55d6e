/**
 * Tokens to AST. Iterative (an explicit stack), so nesting depth cannot overflow the call stack;
 * blocks nested deeper than MAX_DEPTH are kept as opaque text with one error. Errors never stop the
 * parse: the parser recovers the way a reader would (a missing `;` before `}` ends the directive, a stray
 * `}` becomes a Stray node) and goes on.
 */
import { SourceText, type Span } from '../source/index.js';
import type { Arg, Comment, Config, Directive, Node, RawBlock, Stray, SyntaxError } from './ast.js';
import { CLOSE, CLOSED, COMMENT, LUA, OPEN, SEMI_TOKEN, WORD, lexStream, quoteOf, type TokenStream } from './lexer.js';

export const MAX_DEPTH = 200;

export interface ParseOptions {
  /** File name used in positions and errors. */
  readonly file?: string;
}

export interface ParseResult {
  readonly ast: Config;
  readonly errors: SyntaxError[];
}

/** A directive being read: its name token and what followed so far. */
interface Pending {
  readonly nameStart: number;
  readonly nameEnd: number;
  readonly nameFlags: number;
  readonly args: Arg[];
  /** Created on the first comment between name and terminator (rare). */
  comments: Comment[] | null;
}

interface Frame {
  readonly children: Node[];
  /** The directive that opened this block; null for the file itself and for a `{` without a name. */
  readonly opener: Pending | null;
  readonly openStart: number;
  rawBlock: RawBlock | null;
}

const NO_COMMENTS: readonly Comment[] = Object.freeze([]);

export function parse(text: string, options: ParseOptions = {}): ParseResult {
  return parseSource(new SourceText(text, options.file ?? '<input>'));
}

export function parseSource(source: SourceText): ParseResult {
  const text = source.text;
  const file = source.file;
  const errors: SyntaxError[] = [];
  const report = (message: string, span: Span): void => {
    const pos = source.positionAt(span.start);
    errors.push({ message, file, span, line: pos.line, column: pos.column });
  };

  const lexed = lexStream(text);
  for (const e of lexed.errors) report(e.message, { start: e.start, end: e.end });
  // The lexer already said "unexpected end of file" for an unterminated quote or Lua block.
  let eofReported = lexed.errors.some((e) => e.message.startsWith('unexpected end of file'));
  const stream: TokenStream = lexed.stream;
  const { kinds, starts, ends, flags } = stream;
  const count = stream.count;

  const root: Frame = { children: [], opener: null, openStart: -1, rawBlock: null };
  const stack: Frame[] = [root];
  let top: Frame = root;
  let pending: Pending | null = null;

  const finish = (p: Pending, terminator: ';' | '{' | null, termStart: number, block: Node[] | null, rawBlock: RawBlock | null, closeStart: number): Directive => {
    const terminatorSpan = terminator === null ? null : { start: termStart, end: termStart + 1 };
    const closeSpan = closeStart < 0 ? null : { start: closeStart, end: closeStart + 1 };
    const lastArg = p.args[p.args.length - 1];
    const end = closeSpan !== null ? closeSpan.end : terminatorSpan !== null ? terminatorSpan.end : lastArg !== undefined ? lastArg.span.end : p.nameEnd;
    return {
      type: 'directive',
      name: unescape(text, p.nameStart, p.nameEnd, p.nameFlags),
      nameSpan: { start: p.nameStart, end: p.nameEnd },
      nameQuote: quoteOf(p.nameFlags),
      args: p.args,
      block,
      rawBlock,
      terminator,
      terminatorSpan,
      closeSpan,
      innerComments: p.comments ?? NO_COMMENTS,
      span: { start: p.nameStart, end },
      file,
    };
  };

  const closeFrame = (closeStart: number): void => {
    const frame = stack.pop() as Frame;
    top = stack[stack.length - 1] as Frame;
    if (frame.opener === null) {
      // `{ ... }` with no directive name: keep the text (reported at the `{`).
      top.children.push(stray(text, frame.openStart, closeStart < 0 ? text.length : closeStart + 1));
      return;
    }
    const block = frame.rawBlock ? null : frame.children;
    top.children.push(finish(frame.opener, '{', frame.openStart, block, frame.rawBlock, closeStart));
  };

  for (let t = 0; t < count; t++) {
    const start = starts[t] as number;
    const end = ends[t] as number;
    switch (kinds[t]) {
      case WORD: {
        const f = flags[t] as number;
        if (pending === null) pending = { nameStart: start, nameEnd: end, nameFlags: f, args: [], comments: null };
        else pending.args.push(makeArg(text, start, end, f));
        break;
      }
      case COMMENT: {
        const comment = makeComment(text, start, end);
        if (pending !== null) (pending.comments ??= []).push(comment);
        else top.children.push(comment);
        break;
      }
      case LUA:
        top.rawBlock = { text: text.slice(start, end), span: { start, end } };
        break;
      case SEMI_TOKEN:
        if (pending === null) {
          report('unexpected ";"', { start, end });
          top.children.push(stray(text, start, end));
        } else {
          top.children.push(finish(pending, ';', start, null, null, -1));
          pending = null;
        }
        break;
      case OPEN: {
        if (pending === null) report('unexpected "{"', { start, end });
        if (stack.length > MAX_DEPTH) {
          report(`blocks nested more than ${MAX_DEPTH} levels deep; this block is not analysed`, { start, end });
          const from = pending ? pending.nameStart : start;
          const skipped = skipBlock(stream, t);
          if (skipped.closeEnd < 0 && !eofReported) {
            report('unexpected end of file, expecting "}"', { start: text.length, end: text.length });
            eofReported = true;
          }
          top.children.push(stray(text, from, skipped.closeEnd < 0 ? text.length : skipped.closeEnd));
          pending = null;
          t = skipped.index;
          break;
        }
        top = { children: [], opener: pending, openStart: start, rawBlock: null };
        stack.push(top);
        pending = null;
        break;
      }
      case CLOSE:
        if (pending !== null) {
          // nginx: a directive not terminated by `;` before `}`.
          report('unexpected "}"', { start, end });
          top.children.push(finish(pending, null, -1, null, null, -1));
          pending = null;
        }
        if (stack.length === 1) {
          report('unexpected "}"', { start, end });
          root.children.push(stray(text, start, end));
        } else {
          closeFrame(start);
        }
        break;
    }
  }

  if (pending !== null) {
    if (!eofReported) report('unexpected end of file, expecting ";" or "}"', { start: text.length, end: text.length });
    eofReported = true;
    top.children.push(finish(pending, null, -1, null, null, -1));
    pending = null;
  }
  if (stack.length > 1) {
    if (!eofReported) report('unexpected end of file, expecting "}"', { start: text.length, end: text.length });
    while (stack.length > 1) closeFrame(-1);
  }

  errors.sort((a, b) => a.span.start - b.span.start);
  // The lexer and the parser can both report the same fault (`"a"}`, `a }` at top level): keep one.
  const seen = new Set<string>();
  const unique = errors.filter((e) => {
    const key = `${e.span.start}:${e.span.end}:${e.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  return { ast: { type: 'config', file, source, children: root.children }, errors: unique };
}

function skipBlock(stream: TokenStream, openIndex: number): { index: number; closeEnd: number } {
  let depth = 0;
  for (let t = openIndex; t < stream.count; t++) {
    const kind = stream.kinds[t];
    if (kind === OPEN) depth++;
    else if (kind === CLOSE) {
      depth--;
      if (depth === 0) return { index: t, closeEnd: stream.ends[t] as number };
    }
  }
  return { index: stream.count, closeEnd: -1 };
}

function stray(text: string, start: number, end: number): Stray {
  return { type: 'stray', span: { start, end }, text: text.slice(start, end) };
}

function makeArg(text: string, start: number, end: number, flags: number): Arg {
  const raw = text.slice(start, end);
  // A bare word without `\` is its own value: no second string.
  const value = (flags & 3) === 0 && raw.indexOf('\\') === -1 ? raw : unescape(text, start, end, flags);
  return { value, raw, quote: quoteOf(flags), span: { start, end } };
}

function makeComment(text: string, start: number, end: number): Comment {
  let inline = false;
  for (let i = start - 1; i >= 0; i--) {
    const c = text.charCodeAt(i);
    if (c === 10 || c === 13) break;
    if (c !== 32 && c !== 9 && c !== 0xfeff) {
      inline = true;
      break;
    }
  }
  return { type: 'comment', text: text.slice(start + 1, end), span: { start, end }, inline };
}

/** The value nginx stores for a word: quotes stripped, `\"` `\'` `\\` `\t` `\r` `\n` unescaped. */
function unescape(text: string, tokenStart: number, tokenEnd: number, flags: number): string {
  const quoted = (flags & 3) !== 0;
  const start = quoted ? tokenStart + 1 : tokenStart;
  const end = quoted && (flags & CLOSED) !== 0 ? tokenEnd - 1 : tokenEnd;
  const raw = text.slice(start, end);
  if (raw.indexOf('\\') === -1) return raw;
  let out = '';
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i];
    if (c === '\\' && i + 1 < raw.length) {
      const n = raw[i + 1];
      if (n === '"' || n === "'" || n === '\\') {
        out += n;
        i++;
        continue;
      }
      if (n === 't' || n === 'r' || n === 'n') {
        out += n === 't' ? '\t' : n === 'r' ? '\r' : '\n';
        i++;
        continue;
      }
    }
    out += c;
  }
  return out;
}
