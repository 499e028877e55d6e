/**
 * Tokens to AST. Iterative (an explicit stack), so nesting depth cannot overflow the call stack;
 * blocks nested deeper than MAX_DEPTH are kept as opaque text with one error. Errors never stop the
 * parse: the parser recovers the way a reader would (a missing `;` before `}` ends the directive, a stray
 * `}` becomes a Stray node) and goes on.
 */
import { SourceText, type Span } from '../source/index.js';
import type { Arg, Comment, Config, Directive, Node, QuoteKind, RawBlock, Stray, SyntaxError } from './ast.js';
import { lex, type Token } from './lexer.js';

export const MAX_DEPTH = 200;

export interface ParseOptions {
  /** File name used in positions and errors. */
  readonly file?: string;
}

export interface ParseResult {
  readonly ast: Config;
  readonly errors: SyntaxError[];
}

interface Pending {
  readonly name: Token;
  readonly args: Arg[];
  readonly comments: Comment[];
}

interface Frame {
  readonly children: Node[];
  /** The directive that opened this block; null for the file itself. */
  readonly opener: Pending | null;
  readonly openSpan: Span | null;
  rawBlock: RawBlock | null;
}

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

  const lexed = lex(text);
  for (const e of lexed.errors) report(e.message, { start: e.start, end: e.end });
  // The lexer already said "unexpected end of file" for an unterminated quote or Lua block.
  let eofReported = lexed.errors.some((e) => e.message.startsWith('unexpected end of file'));
  const tokens = lexed.tokens;

  const root: Frame = { children: [], opener: null, openSpan: null, rawBlock: null };
  const stack: Frame[] = [root];
  let pending: Pending | null = null;

  const top = (): Frame => stack[stack.length - 1] as Frame;

  const finish = (p: Pending, terminator: Token | null, extra: Partial<Pick<Directive, 'block' | 'rawBlock' | 'closeSpan'>> = {}): Directive => {
    const terminatorSpan = terminator ? { start: terminator.start, end: terminator.end } : null;
    const closeSpan = extra.closeSpan ?? null;
    const lastArg = p.args[p.args.length - 1];
    const end = closeSpan?.end ?? terminatorSpan?.end ?? lastArg?.span.end ?? p.name.end;
    return {
      type: 'directive',
      name: unescape(text, p.name),
      nameSpan: { start: p.name.start, end: p.name.end },
      nameQuote: p.name.quote,
      args: p.args,
      block: extra.block ?? null,
      rawBlock: extra.rawBlock ?? null,
      terminator: terminator ? (terminator.kind === ';' ? ';' : '{') : null,
      terminatorSpan,
      closeSpan,
      innerComments: p.comments,
      span: { start: p.name.start, end },
      file,
    };
  };

  const closeFrame = (frame: Frame, close: Token | null): void => {
    stack.pop();
    const parent = top();
    const closeSpan = close ? { start: close.start, end: close.end } : null;
    const openSpan = frame.openSpan as Span;
    if (frame.opener === null) {
      // `{ ... }` with no directive name: keep the text, report once (already reported at the `{`).
      const end = close ? close.end : text.length;
      parent.children.push(stray(text, openSpan.start, end));
      return;
    }
    const terminator: Token = { kind: '{', start: openSpan.start, end: openSpan.end, quote: null, closed: true };
    parent.children.push(
      finish(frame.opener, terminator, {
        block: frame.rawBlock ? null : frame.children,
        rawBlock: frame.rawBlock,
        closeSpan,
      }),
    );
  };

  for (let t = 0; t < tokens.length; t++) {
    const token = tokens[t] as Token;
    switch (token.kind) {
      case 'word':
        if (pending === null) pending = { name: token, args: [], comments: [] };
        else pending.args.push(makeArg(text, token));
        break;
      case 'comment': {
        const comment = makeComment(text, token);
        if (pending !== null) pending.comments.push(comment);
        else top().children.push(comment);
        break;
      }
      case 'lua':
        top().rawBlock = { text: text.slice(token.start, token.end), span: { start: token.start, end: token.end } };
        break;
      case ';':
        if (pending === null) {
          report('unexpected ";"', token);
          top().children.push(stray(text, token.start, token.end));
        } else {
          top().children.push(finish(pending, token));
          pending = null;
        }
        break;
      case '{': {
        if (pending === null) report('unexpected "{"', token);
        if (stack.length > MAX_DEPTH) {
          report(`blocks nested more than ${MAX_DEPTH} levels deep; this block is not analysed`, token);
          const start = pending ? pending.name.start : token.start;
          const skipped = skipBlock(tokens, t);
          const end = skipped.close ? skipped.close.end : text.length;
          if (!skipped.close && !eofReported) {
            report('unexpected end of file, expecting "}"', { start: text.length, end: text.length });
            eofReported = true;
          }
          top().children.push(stray(text, start, end));
          pending = null;
          t = skipped.index;
          break;
        }
        stack.push({ children: [], opener: pending, openSpan: { start: token.start, end: token.end }, rawBlock: null });
        pending = null;
        break;
      }
      case '}':
        if (pending !== null) {
          // nginx: a directive not terminated by `;` before `}`.
          report('unexpected "}"', token);
          top().children.push(finish(pending, null));
          pending = null;
        }
        if (stack.length === 1) {
          report('unexpected "}"', token);
          root.children.push(stray(text, token.start, token.end));
        } else {
          closeFrame(top(), token);
        }
        break;
    }
  }

  if (pending !== null) {
    if (!eofReported) report('unexpected end of file, expecting ";" or "}"', { start: text.length, end: text.length });
    eofReported = true;
    top().children.push(finish(pending, null));
    pending = null;
  }
  if (stack.length > 1) {
    if (!eofReported) report('unexpected end of file, expecting "}"', { start: text.length, end: text.length });
    while (stack.length > 1) closeFrame(top(), null);
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

function skipBlock(tokens: readonly Token[], openIndex: number): { index: number; close: Token | null } {
  let depth = 0;
  for (let t = openIndex; t < tokens.length; t++) {
    const token = tokens[t] as Token;
    if (token.kind === '{') depth++;
    else if (token.kind === '}') {
      depth--;
      if (depth === 0) return { index: t, close: token };
    }
  }
  return { index: tokens.length, close: null };
}

function stray(text: string, start: number, end: number): Stray {
  return { type: 'stray', span: { start, end }, text: text.slice(start, end) };
}

function makeArg(text: string, token: Token): Arg {
  return {
    value: unescape(text, token),
    raw: text.slice(token.start, token.end),
    quote: token.quote,
    span: { start: token.start, end: token.end },
  };
}

function makeComment(text: string, token: Token): Comment {
  let inline = false;
  for (let i = token.start - 1; i >= 0; i--) {
    const c = text.charCodeAt(i);
    if (c === 10 || c === 13) break;
    if (c !== 32 && c !== 9 && c !== 0xfeff) {
      inline = true;
      break;
    }
  }
  return { type: 'comment', text: text.slice(token.start + 1, token.end), span: { start: token.start, end: token.end }, inline };
}

/** The value nginx stores for a word: quotes stripped, `\"` `\'` `\\` `\t` `\r` `\n` unescaped. */
function unescape(text: string, token: Token): string {
  const quote: QuoteKind = token.quote;
  const start = quote ? token.start + 1 : token.start;
  const end = quote && token.closed ? token.end - 1 : token.end;
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
