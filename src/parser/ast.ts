import type { SourceText, Span } from '../source/index.js';

export type QuoteKind = '"' | "'" | null;

/** One argument (or a directive's name) as written. */
export interface Arg {
  /** The value as nginx reads it: quotes removed, `\"` `\'` `\\` `\t` `\r` `\n` unescaped. */
  readonly value: string;
  /** The exact source text, quotes included. */
  readonly raw: string;
  readonly quote: QuoteKind;
  readonly span: Span;
}

export interface Comment {
  readonly type: 'comment';
  /** Text after the `#`, up to (not including) the line ending. */
  readonly text: string;
  /** Covers the `#` and the text. */
  readonly span: Span;
  /** True when code precedes the comment on its line. */
  readonly inline: boolean;
}

/** The opaque body of a `*_by_lua_block` directive: everything between its braces. */
export interface RawBlock {
  readonly text: string;
  readonly span: Span;
}

export interface Directive {
  readonly type: 'directive';
  /** The name's value (unquoted). */
  readonly name: string;
  readonly nameSpan: Span;
  /** Whether the name was quoted in the source (legal, rare). */
  readonly nameQuote: QuoteKind;
  readonly args: readonly Arg[];
  /** Child nodes for `{...}` directives; null for `;` directives and Lua blocks. */
  readonly block: readonly Node[] | null;
  /** Body of a `*_by_lua_block`, kept as opaque text. */
  readonly rawBlock: RawBlock | null;
  /** `;` for simple directives, `{` for blocks; null when missing (a syntax error was reported). */
  readonly terminator: ';' | '{' | null;
  /** Span of the `;` or the `{`. */
  readonly terminatorSpan: Span | null;
  /** Span of the closing `}`; null when the block was never closed. */
  readonly closeSpan: Span | null;
  /** Comments that sit between the name and the terminator. */
  readonly innerComments: readonly Comment[];
  /** From the start of the name to the end of the `;` or `}`. */
  readonly span: Span;
  readonly file: string;
}

/** Text the parser could not make sense of (a stray `;`, `{...}` without a name, a stray `}`). */
export interface Stray {
  readonly type: 'stray';
  readonly span: Span;
  readonly text: string;
}

export type Node = Directive | Comment | Stray;

export interface SyntaxError {
  /** nginx's wording where nginx has one. */
  readonly message: string;
  readonly file: string;
  readonly span: Span;
  readonly line: number;
  readonly column: number;
}

/** A parsed file. */
export interface Config {
  readonly type: 'config';
  readonly file: string;
  readonly source: SourceText;
  readonly children: readonly Node[];
}

export function isDirective(node: Node): node is Directive {
  return node.type === 'directive';
}
