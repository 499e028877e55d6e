/**
 * Tokens to AST. Iterative (an explicit stack), so nesting depth cannot overflow the call stack;
 * blocks nested deeper than MAX_DEPTH are kept as opaque text with one error. Errors never stop the
 * parse: the parser recovers the way a reader would (a missing `;` before `}` ends the directive, a stray
 * `}` becomes a Stray node) and goes on.
 */
import { SourceText, type Span } from '../source/index.js';
import type { Arg, Comment, Config, Directive, Node, RawBlock, Stray, SyntaxError } from './ast.js';
import { BareArg, DirectiveExtras, ParsedArg, ParsedComment, ParsedDirective } from './directive.js';
import { CLOSE, CLOSED, COMMENT, EOF, ESCAPED, LUA, OPEN, SEMI_TOKEN, WORD, Scanner, type LexError } from './lexer.js';

export const MAX_DEPTH = 200;

export interface ParseOptions {
  /** File name used in positions and errors. */
  readonly file?: string;
}

/** An `include` directive and the names of the block directives around it, outermost first. */
export interface IncludeDirective {
  readonly directive: Directive;
  readonly parents: readonly string[];
}

export interface ParseResult {
  readonly ast: Config;
  readonly errors: SyntaxError[];
  /** Every directive named `include` in the tree, in source order (what walk() would visit). */
  readonly includes: readonly IncludeDirective[];
}

const NO_COMMENTS: readonly Comment[] = Object.freeze([]);
const NO_ARGS: readonly Arg[] = Object.freeze([]);
const NO_PARENTS: readonly string[] = Object.freeze([]);

/**
 * An open block: where its children start in the shared node list, and the directive that opened it
 * (`nameStart` is -1 for the file itself and for a `{` without a name).
 */
class Frame {
  readonly parent: Frame | null;
  readonly childStart: number;
  /** Where the include directives found inside this block start in the parse's include list. */
  readonly includeStart: number;
  readonly name: string;
  readonly nameStart: number;
  readonly nameEnd: number;
  readonly nameFlags: number;
  readonly args: readonly Arg[];
  readonly comments: readonly Comment[];
  readonly openStart: number;
  rawBlock: RawBlock | null = null;
  /** The names of the block directives around this block's contents, outermost first; built when first asked for. */
  private names: readonly string[] | null = null;

  constructor(parent: Frame | null, childStart: number, includeStart: number, name: string, nameStart: number, nameEnd: number, nameFlags: number, args: readonly Arg[], comments: readonly Comment[], openStart: number) {
    this.parent = parent;
    this.childStart = childStart;
    this.includeStart = includeStart;
    this.name = name;
    this.nameStart = nameStart;
    this.nameEnd = nameEnd;
    this.nameFlags = nameFlags;
    this.args = args;
    this.comments = comments;
    this.openStart = openStart;
  }

  get named(): boolean {
    return this.nameStart >= 0;
  }

  parentNames(): readonly string[] {
    return (this.names ??= this.parent === null ? NO_PARENTS : [...this.parent.parentNames(), this.name]);
  }
}

export function parse(text: string, options: ParseOptions = {}): ParseResult {
  return parseSource(new SourceText(text, options.file ?? '<input>'));
}

export function parseSource(source: SourceText): ParseResult {
  return new Parser(source).run();
}

/** The parser's state; one instance per parse. Methods rather than closures keep the hot loop optimisable. */
class Parser {
  private readonly source: SourceText;
  private readonly text: string;
  private readonly file: string;
  /** The extras of directives without a raw block or inner comments, named by a plain bare word. */
  private readonly plain: DirectiveExtras;
  private readonly scanner: Scanner;
  private readonly errors: SyntaxError[] = [];
  private eofReported = false;

  /**
   * Nodes and arguments collect in two shared lists (with explicit counts: shrinking an array's length
   * costs) and are copied out, exactly sized, when their block or directive ends: arrays grown by push keep
   * spare room, and every node survives.
   */
  private readonly nodes: Node[] = [];
  private nodeCount = 0;
  private readonly argList: Arg[] = [];
  private argCount = 0;
  private readonly stack: Frame[] = [];
  private top: Frame;
  private readonly includes: IncludeDirective[] = [];
  /** Whether `includes` is still in source order (a block directive named `include` is finished after its contents). */
  private includesInOrder = true;

  /** The directive being read: its name token (-1 when none) and the comments inside it so far. */
  private nameStart = -1;
  private nameEnd = -1;
  private nameFlags = 0;
  private nameHash = 0;
  private comments: Comment[] | null = null;

  constructor(source: SourceText) {
    this.source = source;
    this.text = source.text;
    this.file = source.file;
    this.plain = new DirectiveExtras(source.file, source.text, null, NO_COMMENTS, -1);
    this.scanner = new Scanner(source.text);
    this.top = new Frame(null, 0, 0, '', -1, -1, 0, NO_ARGS, NO_COMMENTS, -1);
    this.stack.push(this.top);
  }

  run(): ParseResult {
    const scanner = this.scanner;
    for (let kind = scanner.next(); kind !== EOF; kind = scanner.next()) {
      switch (kind) {
        case WORD:
          this.word();
          break;
        case COMMENT: {
          const comment = makeComment(this.text, scanner.start, scanner.end);
          if (this.nameStart >= 0) (this.comments ??= []).push(comment);
          else this.pushNode(comment);
          break;
        }
        case LUA:
          this.top.rawBlock = { text: this.text.slice(scanner.start, scanner.end), span: { start: scanner.start, end: scanner.end } };
          break;
        case SEMI_TOKEN:
          this.semicolon();
          break;
        case OPEN:
          this.open();
          break;
        case CLOSE:
          this.close();
          break;
      }
    }
    return this.finishFile();
  }

  private word(): void {
    const scanner = this.scanner;
    const start = scanner.start;
    const end = scanner.end;
    const flags = scanner.flags;
    if (this.nameStart < 0) {
      this.nameStart = start;
      this.nameEnd = end;
      this.nameFlags = flags;
      this.nameHash = scanner.hash;
      return;
    }
    const arg = (flags & 3) === 0 ? bareArg(this.text, start, end, flags, scanner.hash) : quotedArg(this.text, start, end, flags);
    if (this.argCount === this.argList.length) this.argList.push(arg);
    else this.argList[this.argCount] = arg;
    this.argCount++;
  }

  private semicolon(): void {
    const start = this.scanner.start;
    if (this.nameStart < 0) {
      this.report('unexpected ";"', start, start + 1);
      this.pushNode(stray(this.text, start, start + 1));
      return;
    }
    this.finishPending(start);
  }

  private open(): void {
    const start = this.scanner.start;
    if (this.nameStart < 0) this.report('unexpected "{"', start, start + 1);
    if (this.stack.length > MAX_DEPTH) {
      this.skipDeepBlock(start);
      return;
    }
    const named = this.nameStart >= 0;
    const name = named ? this.directiveName() : '';
    const args = named ? this.takeArgs() : NO_ARGS;
    const comments = named ? this.takeComments() : NO_COMMENTS;
    this.top = new Frame(this.top, this.nodeCount, this.includes.length, name, this.nameStart, this.nameEnd, this.nameFlags, args, comments, start);
    this.stack.push(this.top);
    this.nameStart = -1;
  }

  private close(): void {
    const start = this.scanner.start;
    if (this.nameStart >= 0) {
      // nginx: a directive not terminated by `;` before `}`.
      this.report('unexpected "}"', start, start + 1);
      this.finishPending(-1);
    }
    if (this.stack.length === 1) {
      this.report('unexpected "}"', start, start + 1);
      this.pushNode(stray(this.text, start, start + 1));
    } else {
      this.closeFrame(start);
    }
  }

  /** A block nested deeper than MAX_DEPTH becomes one Stray node, from its name (or `{`) to its `}`. */
  private skipDeepBlock(openStart: number): void {
    this.report(`blocks nested more than ${MAX_DEPTH} levels deep; this block is not analysed`, openStart, openStart + 1);
    const from = this.nameStart >= 0 ? this.nameStart : openStart;
    this.nameStart = -1;
    this.argCount = 0;
    this.comments = null;
    const scanner = this.scanner;
    let depth = 1;
    let closeEnd = -1;
    for (let kind = scanner.next(); kind !== EOF; kind = scanner.next()) {
      if (kind === OPEN) depth++;
      else if (kind === CLOSE && --depth === 0) {
        closeEnd = scanner.end;
        break;
      }
    }
    if (closeEnd < 0) this.reportEof('unexpected end of file, expecting "}"');
    this.pushNode(stray(this.text, from, closeEnd < 0 ? this.text.length : closeEnd));
  }

  private closeFrame(closeStart: number): void {
    const frame = this.stack.pop() as Frame;
    this.top = this.stack[this.stack.length - 1] as Frame;
    const children = this.nodes.slice(frame.childStart, this.nodeCount);
    this.nodeCount = frame.childStart;
    if (!frame.named) {
      // `{ ... }` with no directive name: keep the text (reported at the `{`); nothing inside is in the tree.
      this.includes.length = frame.includeStart;
      this.pushNode(stray(this.text, frame.openStart, closeStart < 0 ? this.text.length : closeStart + 1));
      return;
    }
    const block = frame.rawBlock ? null : children;
    if (frame.name === 'include' && this.includes.length > frame.includeStart) this.includesInOrder = false;
    this.pushDirective(new ParsedDirective(frame.name, frame.nameStart, frame.args, frame.openStart, block, closeStart, this.extras(frame.rawBlock, frame.comments, frame.nameFlags, frame.nameEnd)));
  }

  private finishFile(): ParseResult {
    if (this.nameStart >= 0) {
      this.reportEof('unexpected end of file, expecting ";" or "}"');
      this.finishPending(-1);
    }
    if (this.stack.length > 1) {
      this.reportEof('unexpected end of file, expecting "}"');
      while (this.stack.length > 1) this.closeFrame(-1);
    }
    const includes = this.includesInOrder ? this.includes : this.includes.slice().sort((a, b) => a.directive.nameSpan.start - b.directive.nameSpan.start);
    const ast: Config = { type: 'config', file: this.file, source: this.source, children: this.nodes.slice(0, this.nodeCount) };
    return { ast, errors: this.sortedErrors(), includes };
  }

  /** The lexer's errors and the parser's in source order (lexer first on a tie), each fault once. */
  private sortedErrors(): SyntaxError[] {
    const errors = this.scanner.errors.map((e: LexError) => this.syntaxError(e.message, e.start, e.end));
    for (const e of this.errors) errors.push(e);
    errors.sort((a, b) => a.span.start - b.span.start);
    // The lexer and the parser can both report the same fault (`"a"}`, `a }` at top level): keep one.
    const seen = new Set<string>();
    return errors.filter((e) => {
      const key = `${e.span.start}:${e.span.end}:${e.message}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
  }

  /** Ends the directive being read (not a block: those end in closeFrame) at its `;`, or without one (-1). */
  private finishPending(termStart: number): void {
    const name = this.directiveName();
    const args = this.takeArgs();
    const comments = this.takeComments();
    const directive = new ParsedDirective(name, this.nameStart, args, termStart, null, -1, this.extras(null, comments, this.nameFlags, this.nameEnd));
    this.nameStart = -1;
    this.pushDirective(directive);
  }

  private extras(rawBlock: RawBlock | null, comments: readonly Comment[], nameFlags: number, nameEnd: number): DirectiveExtras {
    const plainName = (nameFlags & (3 | ESCAPED)) === 0;
    if (rawBlock === null && comments.length === 0 && plainName) return this.plain;
    return new DirectiveExtras(this.file, this.text, rawBlock, comments, plainName ? -1 : nameEnd);
  }

  private pushDirective(directive: ParsedDirective): void {
    this.pushNode(directive);
    if (directive.name === 'include') this.includes.push({ directive, parents: this.top.parentNames() });
  }

  private directiveName(): string {
    const { text, nameStart, nameEnd, nameFlags } = this;
    if ((nameFlags & (3 | ESCAPED)) !== 0) return unescape(text, nameStart, nameEnd, nameFlags);
    return plainWord(text, nameStart, nameEnd, this.nameHash);
  }

  /** Ends the pending directive's word list: its arguments move out of the shared list. */
  private takeArgs(): readonly Arg[] {
    const list = this.argList;
    const count = this.argCount;
    this.argCount = 0;
    // Most directives have one or two arguments: an array literal is quicker than slice().
    if (count === 1) return [list[0] as Arg];
    if (count === 2) return [list[0] as Arg, list[1] as Arg];
    return count === 0 ? NO_ARGS : list.slice(0, count);
  }

  private takeComments(): readonly Comment[] {
    const comments = this.comments ?? NO_COMMENTS;
    this.comments = null;
    return comments;
  }

  private pushNode(node: Node): void {
    if (this.nodeCount === this.nodes.length) this.nodes.push(node);
    else this.nodes[this.nodeCount] = node;
    this.nodeCount++;
  }

  private report(message: string, start: number, end: number): void {
    this.errors.push(this.syntaxError(message, start, end));
  }

  /** Reports an unexpected end of file unless one was already reported (by the lexer or the parser). */
  private reportEof(message: string): void {
    if (!this.eofReported && !this.scanner.eofError) this.report(message, this.text.length, this.text.length);
    this.eofReported = true;
  }

  private syntaxError(message: string, start: number, end: number): SyntaxError {
    const pos = this.source.positionAt(start);
    return { message, file: this.file, span: { start, end }, line: pos.line, column: pos.column };
  }
}

function stray(text: string, start: number, end: number): Stray {
  return { type: 'stray', span: { start, end }, text: text.slice(start, end) };
}

function bareArg(text: string, start: number, end: number, flags: number, hash: number): Arg {
  // A bare word without `\` is its own value: one string, shared with every equal short word.
  const raw = plainWord(text, start, end, hash);
  return (flags & ESCAPED) === 0 ? new BareArg(raw, start) : new ParsedArg(unescape(text, start, end, flags), raw, start);
}

function quotedArg(text: string, start: number, end: number, flags: number): Arg {
  return new ParsedArg(unescape(text, start, end, flags), text.slice(start, end), start);
}

/**
 * Short words repeat (directive names, `on`, `$host`, `16k`): a small direct-mapped cache hands out one
 * string for equal words, which saves memory, and makes later Map lookups and comparisons cheaper.
 */
const WORD_CACHE_SIZE = 4096;
const MAX_CACHED_WORD = 40;
const wordCache: (string | undefined)[] = new Array<string | undefined>(WORD_CACHE_SIZE).fill(undefined);

/** The text of a bare word; `hash` is the scanner's hash of its characters. */
function plainWord(text: string, start: number, end: number, hash: number): string {
  const word = text.slice(start, end);
  const length = end - start;
  if (length > MAX_CACHED_WORD) return word;
  const h = hash ^ length;
  const slot = (h ^ (h >>> 15)) & (WORD_CACHE_SIZE - 1);
  // Comparing a fresh slice (garbage that dies young) is quicker than comparing characters in a loop.
  const cached = wordCache[slot];
  if (cached === word) return cached;
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
  return new ParsedComment(text.slice(start + 1, end), start, inline);
}

const BACKSLASH = 92;
/** What nginx makes of `\x`, by the code of x. */
const ESCAPES: (string | undefined)[] = [];
for (const [c, value] of [['"', '"'], ["'", "'"], ['\\', '\\'], ['t', '\t'], ['r', '\r'], ['n', '\n']] as const) ESCAPES[c.charCodeAt(0)] = value;

/** The value nginx stores for a word: quotes stripped, `\"` `\'` `\\` `\t` `\r` `\n` unescaped. */
function unescape(text: string, tokenStart: number, tokenEnd: number, flags: number): string {
  const quoted = (flags & 3) !== 0;
  const start = quoted ? tokenStart + 1 : tokenStart;
  const end = quoted && (flags & CLOSED) !== 0 ? tokenEnd - 1 : tokenEnd;
  if ((flags & ESCAPED) === 0) return text.slice(start, end);
  // Copied in runs between backslashes; an escape nginx does not know keeps its backslash.
  let out = '';
  let run = start;
  for (let i = start; i < end - 1; i++) {
    if (text.charCodeAt(i) !== BACKSLASH) continue;
    const replacement = ESCAPES[text.charCodeAt(i + 1)];
    if (replacement !== undefined) {
      out += text.slice(run, i) + replacement;
      run = i + 2;
    }
    i++;
  }
  return out + text.slice(run, end);
}
