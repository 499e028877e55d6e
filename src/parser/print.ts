import type { Config, Node } from './ast.js';

/**
 * Prints a tree back to text: every token from the tree (names, raw arguments, comments, braces, Lua
 * bodies, stray text) in source order, with the whitespace between tokens taken from the source.
 * `print(parse(x).ast) === x` for every string x.
 */
export function print(ast: Config): string {
  const text = ast.source.text;
  const parts: string[] = [];
  let cursor = 0;
  const emit = (start: number, end: number, piece: string): void => {
    if (start > cursor) parts.push(text.slice(cursor, start));
    parts.push(piece);
    cursor = end;
  };

  // Work list of nodes and closing braces, walked without recursion.
  type Item = { node: Node } | { close: { start: number; end: number } };
  const work: Item[] = [];
  for (let i = ast.children.length - 1; i >= 0; i--) work.push({ node: ast.children[i] as Node });

  while (work.length > 0) {
    const item = work.pop() as Item;
    if ('close' in item) {
      emit(item.close.start, item.close.end, '}');
      continue;
    }
    const node = item.node;
    if (node.type === 'comment') {
      emit(node.span.start, node.span.end, '#' + node.text);
      continue;
    }
    if (node.type === 'stray') {
      emit(node.span.start, node.span.end, node.text);
      continue;
    }
    const pieces: { start: number; end: number; text: string }[] = [
      { start: node.nameSpan.start, end: node.nameSpan.end, text: text.slice(node.nameSpan.start, node.nameSpan.end) },
    ];
    for (const arg of node.args) pieces.push({ start: arg.span.start, end: arg.span.end, text: arg.raw });
    for (const c of node.innerComments) pieces.push({ start: c.span.start, end: c.span.end, text: '#' + c.text });
    if (node.innerComments.length > 0) pieces.sort((a, b) => a.start - b.start);
    for (const p of pieces) emit(p.start, p.end, p.text);
    if (node.terminatorSpan) emit(node.terminatorSpan.start, node.terminatorSpan.end, node.terminator === ';' ? ';' : '{');
    if (node.rawBlock) emit(node.rawBlock.span.start, node.rawBlock.span.end, node.rawBlock.text);
    if (node.closeSpan) work.push({ close: node.closeSpan });
    if (node.block) for (let i = node.block.length - 1; i >= 0; i--) work.push({ node: node.block[i] as Node });
  }
  if (cursor < text.length) parts.push(text.slice(cursor));
  return parts.join('');
}
