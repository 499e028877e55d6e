import type { Directive, Node } from './ast.js';

/**
 * Visits every directive depth-first in source order without recursion. `parents` lists the enclosing
 * block directives, outermost first; it is the same array for every call, so copy it to keep it.
 */
export function walk(nodes: readonly Node[], visit: (directive: Directive, parents: readonly Directive[]) => void): void {
  const parents: Directive[] = [];
  const stack: { nodes: readonly Node[]; index: number }[] = [{ nodes, index: 0 }];
  while (stack.length > 0) {
    const frame = stack[stack.length - 1] as { nodes: readonly Node[]; index: number };
    if (frame.index >= frame.nodes.length) {
      stack.pop();
      if (stack.length > 0) parents.pop();
      continue;
    }
    const node = frame.nodes[frame.index++] as Node;
    if (node.type !== 'directive') continue;
    visit(node, parents);
    if (node.block) {
      parents.push(node);
      stack.push({ nodes: node.block, index: 0 });
    }
  }
}
