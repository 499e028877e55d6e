/**
 * The parser's Directive: offsets as numbers on the node, spans built when asked for. A 7 MB
 * configuration has about 160,000 directives, and four span objects each that nearly nothing reads were
 * a large part of the heap (and of the garbage collector's time, since every node survives).
 */
import type { Span } from '../source/index.js';
import type { Arg, Comment, Directive, Node, QuoteKind, RawBlock } from './ast.js';

/** `bits`: the name's quote in bits 0-1 (0 none, 1 double, 2 single), the terminator in bits 2-3 (0 none, 1 `;`, 2 `{`). */
const TERMINATOR_SHIFT = 2;

export class ParsedDirective implements Directive {
  readonly type = 'directive' as const;
  readonly name: string;
  readonly args: readonly Arg[];
  readonly block: readonly Node[] | null;
  readonly rawBlock: RawBlock | null;
  readonly innerComments: readonly Comment[];
  readonly file: string;
  private readonly nameStart: number;
  private readonly nameEnd: number;
  /** Offset of the `;` or `{`; -1 when missing. */
  private readonly termStart: number;
  /** Offset of the closing `}`; -1 when none. */
  private readonly closeStart: number;
  private readonly end: number;
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
    rawBlock: RawBlock | null,
    closeStart: number,
    end: number,
    innerComments: readonly Comment[],
    file: string,
  ) {
    this.name = name;
    this.args = args;
    this.block = block;
    this.rawBlock = rawBlock;
    this.innerComments = innerComments;
    this.file = file;
    this.nameStart = nameStart;
    this.nameEnd = nameEnd;
    this.termStart = terminator === null ? -1 : termStart;
    this.closeStart = closeStart;
    this.end = end;
    this.bits = nameQuote | ((terminator === ';' ? 1 : terminator === '{' ? 2 : 0) << TERMINATOR_SHIFT);
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

  get span(): Span {
    return { start: this.nameStart, end: this.end };
  }
}
