/**
 * Structural invariants every parse must satisfy, whatever the input. Shared by the property tests.
 * Throws an Error describing the first violation (fast-check then shrinks the input).
 */
import { lex, print, type Directive, type Node, type ParseResult } from '../../src/parser/index.js';
import type { Span } from '../../src/source/index.js';

function fail(message: string): never {
  throw new Error(message);
}

function checkSpan(what: string, span: Span, lo: number, hi: number): void {
  if (!(Number.isInteger(span.start) && Number.isInteger(span.end))) fail(`${what}: non-integer span ${JSON.stringify(span)}`);
  if (span.start < lo || span.end > hi || span.start > span.end) fail(`${what}: span ${span.start}-${span.end} outside ${lo}-${hi}`);
}

/** The lexer's tokens are in order and only whitespace (and a leading BOM) lies between them. */
export function checkTokens(text: string): void {
  const { tokens, errors } = lex(text);
  let cursor = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  for (const t of tokens) {
    if (t.start < cursor || t.end < t.start || t.end > text.length) fail(`token ${t.kind} ${t.start}-${t.end} out of order (cursor ${cursor})`);
    if (!/^[ \t\r\n]*$/.test(text.slice(cursor, t.start))) fail(`non-whitespace between tokens at ${cursor}-${t.start}: ${JSON.stringify(text.slice(cursor, t.start))}`);
    cursor = t.end;
  }
  if (!/^[ \t\r\n]*$/.test(text.slice(cursor))) fail(`non-whitespace after the last token at ${cursor}`);
  for (const e of errors) checkSpan(`lex error "${e.message}"`, { start: e.start, end: e.end }, 0, text.length);
}

export function checkParse(text: string, result: ParseResult): void {
  const { ast, errors } = result;
  if (ast.source.text !== text) fail('ast.source.text differs from the input');
  const printed = print(ast);
  if (printed !== text) fail(`print() differs from the input: ${JSON.stringify(printed)} vs ${JSON.stringify(text)}`);

  let previous = -1;
  const seen = new Set<string>();
  for (const e of errors) {
    const key = `${e.span.start}-${e.span.end} ${e.message}`;
    if (seen.has(key)) fail(`error reported twice: ${key}`);
    seen.add(key);
    if (typeof e.message !== 'string' || e.message === '') fail('empty error message');
    checkSpan(`error "${e.message}"`, e.span, 0, text.length);
    if (!(e.line >= 1 && e.column >= 1)) fail(`error "${e.message}" at ${e.line}:${e.column}`);
    const pos = ast.source.positionAt(e.span.start);
    if (pos.line !== e.line || pos.column !== e.column) fail(`error "${e.message}" at ${e.line}:${e.column}, but its span starts at ${pos.line}:${pos.column}`);
    if (e.span.start < previous) fail('errors are not in source order');
    previous = e.span.start;
  }

  // Sibling lists with the range they must lie in, walked without recursion (inputs may nest deeply).
  const work: { nodes: readonly Node[]; lo: number; hi: number; path: string }[] = [{ nodes: ast.children, lo: 0, hi: text.length, path: '' }];
  while (work.length > 0) {
    const { nodes, lo, hi, path } = work.pop() as (typeof work)[number];
    let cursor = lo;
    nodes.forEach((node, index) => {
      const where = `${path}/${index}:${node.type}`;
      checkSpan(where, node.span, cursor, hi);
      if (node.type === 'comment') {
        if (text.slice(node.span.start, node.span.end) !== '#' + node.text) fail(`${where}: comment text does not match its span`);
        if (node.text.includes('\n')) fail(`${where}: comment runs past its line`);
        cursor = node.span.end;
        return;
      }
      if (node.type === 'stray') {
        if (text.slice(node.span.start, node.span.end) !== node.text) fail(`${where}: stray text does not match its span`);
        if (node.text === '') fail(`${where}: empty stray node`);
        cursor = node.span.end;
        return;
      }
      cursor = checkDirective(text, node, where, hi, work);
    });
  }
}

/** Checks one directive; queues its children; returns the offset after it. */
function checkDirective(
  text: string,
  d: Directive,
  where: string,
  hi: number,
  work: { nodes: readonly Node[]; lo: number; hi: number; path: string }[],
): number {
  if (d.nameSpan.start !== d.span.start) fail(`${where}: span does not start at the name`);
  if (d.name === '' && d.nameQuote === null) fail(`${where}: empty bare name`);
  // Name, arguments and inner comments: in increasing order, never overlapping.
  const pieces: { what: string; span: Span }[] = [{ what: 'name', span: d.nameSpan }];
  let cursor = d.span.start;
  checkSpan(`${where} name`, d.nameSpan, cursor, hi);
  if (d.nameSpan.end <= d.nameSpan.start) fail(`${where}: empty name span`);
  cursor = d.nameSpan.end;
  d.args.forEach((arg, k) => {
    checkSpan(`${where} arg ${k}`, arg.span, cursor, hi);
    if (arg.span.end <= arg.span.start) fail(`${where} arg ${k}: empty span`);
    if (text.slice(arg.span.start, arg.span.end) !== arg.raw) fail(`${where} arg ${k}: raw does not match its span`);
    if (arg.quote !== null && arg.raw[0] !== arg.quote) fail(`${where} arg ${k}: quote kind does not match`);
    cursor = arg.span.end;
    pieces.push({ what: `arg ${k}`, span: arg.span });
  });
  for (const c of d.innerComments) {
    if (text.slice(c.span.start, c.span.end) !== '#' + c.text) fail(`${where}: inner comment text does not match its span`);
    pieces.push({ what: 'inner comment', span: c.span });
  }
  pieces.sort((a, b) => a.span.start - b.span.start);
  for (let k = 1; k < pieces.length; k++) {
    const a = pieces[k - 1] as (typeof pieces)[number];
    const b = pieces[k] as (typeof pieces)[number];
    if (b.span.start < a.span.end) fail(`${where}: ${b.what} overlaps ${a.what}`);
  }
  cursor = (pieces[pieces.length - 1] as (typeof pieces)[number]).span.end;

  if (d.terminatorSpan === null) {
    if (d.terminator !== null) fail(`${where}: terminator without a span`);
    if (d.block !== null || d.rawBlock !== null || d.closeSpan !== null) fail(`${where}: block without a {`);
    if (d.span.end !== Math.max(d.nameSpan.end, ...d.args.map((a) => a.span.end))) fail(`${where}: unterminated span does not end at its last word`);
    return cursor;
  }
  checkSpan(`${where} terminator`, d.terminatorSpan, cursor, hi);
  const term = text.slice(d.terminatorSpan.start, d.terminatorSpan.end);
  if (term !== d.terminator) fail(`${where}: terminator ${JSON.stringify(d.terminator)} but the source has ${JSON.stringify(term)}`);
  cursor = d.terminatorSpan.end;

  if (d.terminator === ';') {
    if (d.block !== null || d.rawBlock !== null || d.closeSpan !== null) fail(`${where}: ; directive with a block`);
    if (d.span.end !== cursor) fail(`${where}: span does not end at the ;`);
    return cursor;
  }
  if ((d.block === null) === (d.rawBlock === null)) fail(`${where}: a { directive needs exactly one of block and rawBlock`);
  const inner = { lo: cursor, hi: d.closeSpan ? d.closeSpan.start : hi };
  if (d.closeSpan) {
    checkSpan(`${where} close`, d.closeSpan, cursor, hi);
    if (text.slice(d.closeSpan.start, d.closeSpan.end) !== '}') fail(`${where}: close span is not a }`);
    if (d.span.end !== d.closeSpan.end) fail(`${where}: span does not end at the }`);
  } else if (d.span.end !== cursor) fail(`${where}: unclosed block span does not end at the {`);
  if (d.rawBlock) {
    if (d.rawBlock.span.start !== inner.lo) fail(`${where}: Lua body does not start right after the {`);
    if (d.rawBlock.span.end !== (d.closeSpan ? d.closeSpan.start : text.length)) fail(`${where}: Lua body does not run to the }`);
    if (text.slice(d.rawBlock.span.start, d.rawBlock.span.end) !== d.rawBlock.text) fail(`${where}: Lua body text does not match its span`);
  }
  if (d.block) work.push({ nodes: d.block, lo: inner.lo, hi: inner.hi, path: where });
  return d.closeSpan ? d.closeSpan.end : hi;
}
