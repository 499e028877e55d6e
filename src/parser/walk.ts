import type { Directive, Node } from './ast.js';

/**
 * Visits every directive depth-first in source order without recursion. `parents` lists the enclosing
 * block directives, outermost first; it is the same array for every call, so copy it to keep it.
 */
export function walk(nodes: readonly Node[], visit: (directive: Directive, parents: readonly Directive[]) => void): void {
  // The lists being walked and the position in each, as two stacks (no object per block entered).
  const parents: Directive[] = [];
  const lists: (readonly Node[])[] = [];
  const positions: number[] = [];
  let list = nodes;
  let i = 0;
  for (;;) {
    if (i >= list.length) {
      if (lists.length === 0) return;
      list = lists.pop() as readonly Node[];
      i = positions.pop() as number;
      parents.pop();
      continue;
    }
    const node = list[i++] as Node;
    if (node.type !== 'directive') continue;
    visit(node, parents);
    const block = node.block;
    if (block !== null && block.length > 0) {
      lists.push(list);
      positions.push(i);
      parents.push(node);
      list = block;
      i = 0;
    }
  }
}
