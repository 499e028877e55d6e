/**
 * Tokens to AST. Iterative (an explicit stack), so nesting depth cannot overflow the call stack;
 * blocks nested deeper than MAX_DEPTH are kept as opaque text with one error. Errors never stop the
 * parse: the parser recovers the way a reader would (a missing `;` before `}` ends the directive, a stray
 * `}` becomes a Stray node) and goes on.
 */
import { SourceText, type Span } from '../source/index.js';
import type { Arg, Comment, Config, Directive, Node, RawBlock, Stray, SyntaxError } from './ast.js';
import { ParsedDirective } from './directive.js';
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
  /** Filled in when the directive's words end (its arguments collect in a shared scratch list until then). */
  args: readonly Arg[];
  /** Created on the first comment between name and terminator (rare). */
  comments: Comment[] | null;
}

interface Frame {
  /** Where this block's children start in the shared list of nodes being built. */
  readonly childStart: number;
  /** The directive that opened this block; null for the file itself and for a `{` without a name. */
  readonly opener: Pending | null;
  readonly openStart: number;
  rawBlock: RawBlock | null;
}

const NO_COMMENTS: readonly Comment[] = Object.freeze([]);
const NO_ARGS: readonly Arg[] = Object.freeze([]);

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

  // Nodes and arguments collect in two shared lists and are copied out, exactly sized, when their block or
  // directive ends: arrays grown by push keep room for 16 more elements, and every node survives.
  const nodes: Node[] = [];
  const argScratch: Arg[] = [];
  const root: Frame = { childStart: 0, opener: null, openStart: -1, rawBlock: null };
  const stack: Frame[] = [root];
  let top: Frame = root;
  let pending: Pending | null = null;

  /** Ends the pending directive's word list: its arguments move out of the scratch list. */
  const takeArgs = (p: Pending): void => {
    p.args = argScratch.length === 0 ? NO_ARGS : argScratch.slice();
    argScratch.length = 0;
  };

  const finish = (p: Pending, terminator: ';' | '{' | null, termStart: number, block: Node[] | null, rawBlock: RawBlock | null, closeStart: number): Directive => {
    const lastArg = p.args[p.args.length - 1];
    const end = closeStart >= 0 ? closeStart + 1 : terminator !== null ? termStart + 1 : lastArg !== undefined ? lastArg.span.end : p.nameEnd;
    const word = (p.nameFlags & 3) === 0 ? plainWord(text, p.nameStart, p.nameEnd) : undefined;
    const name = word !== undefined && word.indexOf('\\') === -1 ? word : unescape(text, p.nameStart, p.nameEnd, p.nameFlags);
    return new ParsedDirective(name, p.nameStart, p.nameEnd, p.nameFlags & 3, p.args, terminator, termStart, block, rawBlock, closeStart, end, p.comments ?? NO_COMMENTS, file);
  };

  const closeFrame = (closeStart: number): void => {
    const frame = stack.pop() as Frame;
    top = stack[stack.length - 1] as Frame;
    const children = nodes.slice(frame.childStart);
    nodes.length = frame.childStart;
    if (frame.opener === null) {
      // `{ ... }` with no directive name: keep the text (reported at the `{`).
      nodes.push(stray(text, frame.openStart, closeStart < 0 ? text.length : closeStart + 1));
      return;
    }
    const block = frame.rawBlock ? null : children;
    nodes.push(finish(frame.opener, '{', frame.openStart, block, frame.rawBlock, closeStart));
  };

  for (let t = 0; t < count; t++) {
    const start = starts[t] as number;
    const end = ends[t] as number;
    switch (kinds[t]) {
      case WORD: {
        const f = flags[t] as number;
        if (pending === null) pending = { nameStart: start, nameEnd: end, nameFlags: f, args: NO_ARGS, comments: null };
        else argScratch.push(makeArg(text, start, end, f));
        break;
      }
      case COMMENT: {
        const comment = makeComment(text, start, end);
        if (pending !== null) (pending.comments ??= []).push(comment);
        else nodes.push(comment);
        break;
      }
      case LUA:
        top.rawBlock = { text: text.slice(start, end), span: { start, end } };
        break;
      case SEMI_TOKEN:
        if (pending === null) {
          report('unexpected ";"', { start, end });
          nodes.push(stray(text, start, end));
        } else {
          takeArgs(pending);
          nodes.push(finish(pending, ';', start, null, null, -1));
          pending = null;
        }
        break;
      case OPEN: {
        if (pending === null) report('unexpected "{"', { start, end });
        else takeArgs(pending);
        if (stack.length > MAX_DEPTH) {
          report(`blocks nested more than ${MAX_DEPTH} levels deep; this block is not analysed`, { start, end });
          const from = pending ? pending.nameStart : start;
          const skipped = skipBlock(stream, t);
          if (skipped.closeEnd < 0 && !eofReported) {
            report('unexpected end of file, expecting "}"', { start: text.length, end: text.length });
            eofReported = true;
          }
          nodes.push(stray(text, from, skipped.closeEnd < 0 ? text.length : skipped.closeEnd));
          pending = null;
          t = skipped.index;
          break;
        }
        top = { childStart: nodes.length, opener: pending, openStart: start, rawBlock: null };
        stack.push(top);
        pending = null;
        break;
      }
      case CLOSE:
        if (pending !== null) {
          // nginx: a directive not terminated by `;` before `}`.
          report('unexpected "}"', { start, end });
          takeArgs(pending);
          nodes.push(finish(pending, null, -1, null, null, -1));
          pending = null;
        }
        if (stack.length === 1) {
          report('unexpected "}"', { start, end });
          nodes.push(stray(text, start, end));
        } else {
          closeFrame(start);
        }
        break;
    }
  }

  if (pending !== null) {
    if (!eofReported) report('unexpected end of file, expecting ";" or "}"', { start: text.length, end: text.length });
    eofReported = true;
    takeArgs(pending);
    nodes.push(finish(pending, null, -1, null, null, -1));
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
  return { ast: { type: 'config', file, source, children: nodes.slice() }, errors: unique };
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
  if ((flags & 3) === 0) {
    // A bare word without `\` is its own value: one string, shared with every equal short word.
    const raw = plainWord(text, start, end);
    const value = raw.indexOf('\\') === -1 ? raw : unescape(text, start, end, flags);
    return { value, raw, quote: null, span: { start, end } };
  }
  return { value: unescape(text, start, end, flags), raw: text.slice(start, end), quote: quoteOf(flags), span: { start, end } };
}

/**
 * Short words repeat (directive names, `on`, `$host`, `16k`): a small direct-mapped cache hands out one
 * string for equal words, which saves memory, and makes later Map lookups and comparisons cheaper.
 */
const WORD_CACHE_SIZE = 4096;
const MAX_CACHED_WORD = 40;
const wordCache: (string | undefined)[] = new Array<string | undefined>(WORD_CACHE_SIZE).fill(undefined);

function plainWord(text: string, start: number, end: number): string {
  const length = end - start;
  if (length > MAX_CACHED_WORD) return text.slice(start, end);
  let h = length;
  for (let i = start; i < end; i++) h = (Math.imul(h, 31) + text.charCodeAt(i)) | 0;
  const slot = (h ^ (h >>> 15)) & (WORD_CACHE_SIZE - 1);
  const cached = wordCache[slot];
  if (cached !== undefined && cached.length === length && text.startsWith(cached, start)) return cached;
  const word = text.slice(start, end);
  wordCache[slot] = word;
  return word;
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
