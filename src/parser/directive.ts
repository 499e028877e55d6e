/**
 * The parser's nodes: offsets as numbers on the node, spans built when asked for. A 7 MB configuration
 * has about 160,000 directives and 250,000 arguments; a span object for each that nearly nothing reads
 * was a large part of the heap (and of the garbage collector's time, since every node survives).
 * Classes rather than object literals: V8 gives each one hidden class with fixed field types, so the code
 * that builds and reads them stays optimised.
 */
import type { Span } from '../source/index.js';
import type { Arg, Comment, Directive, Node, QuoteKind, RawBlock } from './ast.js';

/**
 * What most directives of a file share: the file and its text, no raw block or inner comments, and a name
 * written as a plain word (its end follows from its length). A directive with any of these has its own;
 * the rest point at one per file, which keeps fields off every directive.
 */
export class DirectiveExtras {
  readonly file: string;
  readonly text: string;
  readonly rawBlock: RawBlock | null;
  readonly innerComments: readonly Comment[];
  /** End of the name's token; -1 for a bare word without a `\` (which ends at its length). */
  readonly nameEnd: number;

  constructor(file: string, text: string, rawBlock: RawBlock | null, innerComments: readonly Comment[], nameEnd: number) {
    this.file = file;
    this.text = text;
    this.rawBlock = rawBlock;
    this.innerComments = innerComments;
    this.nameEnd = nameEnd;
  }
}

export class ParsedDirective implements Directive {
  readonly name: string;
  readonly args: readonly Arg[];
  readonly block: readonly Node[] | null;
  private readonly extras: DirectiveExtras;
  private readonly nameStart: number;
  /** Offset of the `;` or `{`; -1 when missing. */
  private readonly termStart: number;
  /** Offset of the closing `}`; -1 when none. */
  private readonly closeStart: number;

  constructor(name: string, nameStart: number, args: readonly Arg[], termStart: number, block: readonly Node[] | null, closeStart: number, extras: DirectiveExtras) {
    this.name = name;
    this.args = args;
    this.block = block;
    this.extras = extras;
    this.nameStart = nameStart;
    this.termStart = termStart;
    this.closeStart = closeStart;
  }

  get file(): string {
    return this.extras.file;
  }

  get rawBlock(): RawBlock | null {
    return this.extras.rawBlock;
  }

  get innerComments(): readonly Comment[] {
    return this.extras.innerComments;
  }

  get type(): 'directive' {
    return 'directive';
  }

  get nameSpan(): Span {
    return { start: this.nameStart, end: this.nameEnd() };
  }

  /** A plain name has no quote; any other starts with its quote, if it has one (a bare word never starts with one). */
  get nameQuote(): QuoteKind {
    return this.extras.nameEnd < 0 ? null : quoteAt(this.extras.text, this.nameStart);
  }

  /** A block directive has its children or a Lua body; rules ask for every directive's, so the text is not read. */
  get terminator(): ';' | '{' | null {
    if (this.termStart < 0) return null;
    return this.block !== null || this.extras.rawBlock !== null ? '{' : ';';
  }

  get terminatorSpan(): Span | null {
    return this.termStart < 0 ? null : { start: this.termStart, end: this.termStart + 1 };
  }

  get closeSpan(): Span | null {
    return this.closeStart < 0 ? null : { start: this.closeStart, end: this.closeStart + 1 };
  }

  /** Ends at the closing `}`, else at the `;` or `{`, else (unterminated) at the last argument or the name. */
  get span(): Span {
    return { start: this.nameStart, end: this.endOffset() };
  }

  private nameEnd(): number {
    const end = this.extras.nameEnd;
    return end >= 0 ? end : this.nameStart + this.name.length;
  }

  private endOffset(): number {
    if (this.closeStart >= 0) return this.closeStart + 1;
    if (this.termStart >= 0) return this.termStart + 1;
    const last = this.args[this.args.length - 1];
    return last === undefined ? this.nameEnd() : last.span.end;
  }
}

function quoteAt(text: string, offset: number): QuoteKind {
  const c = text.charCodeAt(offset);
  return c === 34 ? '"' : c === 39 ? "'" : null;
}

/**
 * A quoted or escaped argument: its value, its source text and where that starts. The quote and the end
 * follow from the source text (a bare word never starts with a quote), so they are not stored.
 */
export class ParsedArg implements Arg {
  readonly value: string;
  readonly raw: string;
  private readonly start: number;

  constructor(value: string, raw: string, start: number) {
    this.value = value;
    this.raw = raw;
    this.start = start;
  }

  get quote(): QuoteKind {
    return quoteAt(this.raw, 0);
  }

  get span(): Span {
    return { start: this.start, end: this.start + this.raw.length };
  }
}

/**
 * A bare word without a `\`, nine arguments in ten: its value is its source text, so it keeps one string
 * (a field less on 200,000 objects of a 7 MB configuration).
 */
export class BareArg implements Arg {
  readonly value: string;
  private readonly start: number;

  constructor(value: string, start: number) {
    this.value = value;
    this.start = start;
  }

  get raw(): string {
    return this.value;
  }

  get quote(): QuoteKind {
    return null;
  }

  get span(): Span {
    return { start: this.start, end: this.start + this.value.length };
  }
}

export class ParsedComment implements Comment {
  readonly text: string;
  readonly inline: boolean;
  private readonly start: number;

  constructor(text: string, start: number, inline: boolean) {
    this.text = text;
    this.start = start;
    this.inline = inline;
  }

  get type(): 'comment' {
    return 'comment';
  }

  /** The `#` and the text. */
  get span(): Span {
    return { start: this.start, end: this.start + 1 + this.text.length };
  }
}
