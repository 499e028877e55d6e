/**
 * The parser's nodes: offsets as numbers on the node, spans built when asked for. A 7 MB configuration
 * has about 160,000 directives and 250,000 arguments; a span object for each that nearly nothing reads
 * was a large part of the heap (and of the garbage collector's time, since every node survives).
 * Classes rather than object literals: V8 gives each one hidden class with fixed field types, so the code
 * that builds and reads them stays optimised.
 */
import type { Span } from '../source/index.js';
import type { Arg, Comment, Directive, Node, QuoteKind, RawBlock } from './ast.js';

/** `bits`: the name's quote in bits 0-1 (0 none, 1 double, 2 single), the terminator in bits 2-3 (0 none, 1 `;`, 2 `{`). */
const TERMINATOR_SHIFT = 2;

/**
 * What most directives of a file share: the file name, and no raw block or inner comments. A directive with
 * either has its own; the rest point at one per file, which keeps three fields off every directive.
 */
export class DirectiveExtras {
  readonly file: string;
  readonly rawBlock: RawBlock | null;
  readonly innerComments: readonly Comment[];

  constructor(file: string, rawBlock: RawBlock | null, innerComments: readonly Comment[]) {
    this.file = file;
    this.rawBlock = rawBlock;
    this.innerComments = innerComments;
  }
}

export class ParsedDirective implements Directive {
  readonly name: string;
  readonly args: readonly Arg[];
  readonly block: readonly Node[] | null;
  private readonly extras: DirectiveExtras;
  private readonly nameStart: number;
  private readonly nameEnd: number;
  /** Offset of the `;` or `{`; -1 when missing. */
  private readonly termStart: number;
  /** Offset of the closing `}`; -1 when none. */
  private readonly closeStart: number;
  private readonly bits: number;

  constructor(
    name: string,
    nameStart: number,
    nameEnd: number,
    nameQuote: number,
    args: readonly Arg[],
    terminator: ';' | '{' | null,
    termStart: number,
    block: readonly Node[] | null,
    closeStart: number,
    extras: DirectiveExtras,
  ) {
    this.name = name;
    this.args = args;
    this.block = block;
    this.extras = extras;
    this.nameStart = nameStart;
    this.nameEnd = nameEnd;
    this.termStart = terminator === null ? -1 : termStart;
    this.closeStart = closeStart;
    this.bits = nameQuote | ((terminator === ';' ? 1 : terminator === '{' ? 2 : 0) << TERMINATOR_SHIFT);
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
    return { start: this.nameStart, end: this.nameEnd };
  }

  get nameQuote(): QuoteKind {
    const q = this.bits & 3;
    return q === 1 ? '"' : q === 2 ? "'" : null;
  }

  get terminator(): ';' | '{' | null {
    const t = this.bits >> TERMINATOR_SHIFT;
    return t === 1 ? ';' : t === 2 ? '{' : null;
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

  private endOffset(): number {
    if (this.closeStart >= 0) return this.closeStart + 1;
    if (this.termStart >= 0) return this.termStart + 1;
    const last = this.args[this.args.length - 1];
    return last === undefined ? this.nameEnd : last.span.end;
  }
}

/**
 * An argument: its value, its source text and where that starts. The quote and the end follow from the
 * source text (a bare word never starts with a quote), so they are not stored.
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
    const c = this.raw.charCodeAt(0);
    return c === 34 ? '"' : c === 39 ? "'" : null;
  }

  get span(): Span {
    return { start: this.start, end: this.start + this.raw.length };
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
