import { isTemplateFile, defineRule, getDirective, getDirectiveIn, type ContextName, type DirectiveNode, type Scope } from '../../src/rule-api.js';

/**
 * Contexts where nginx accepts a directive although the reference does not list them, found by running
 * Debian's nginx 1.22.1 (with its dynamic modules) over every directive in every context.
 */
const ALSO_ACCEPTED: Readonly<Record<string, readonly ContextName[]>> = {
  // documented for location only; nginx runs their handlers at http and server level too
  fastcgi_split_path_info: ['http', 'server'],
  secure_link_secret: ['http', 'server'],
  // the mail proxy module's undocumented `proxy on|off`
  proxy: ['mail', 'mail-server'],
};


/** Contexts a file can be written for: a main configuration or a snippet included at one of these levels. */
const FILE_CONTEXTS: readonly ContextName[] = ['main', 'http', 'server', 'location'];

function allowedIn(name: string, kind: ContextName): boolean {
  return getDirectiveIn(name, kind) !== undefined || (Object.hasOwn(ALSO_ACCEPTED, name) && ALSO_ACCEPTED[name]?.includes(kind) === true);
}

/** Inside a block whose own directive nginx does not know: its contents are the module's business. */
function insideUnknownBlock(scope: Scope): boolean {
  for (let s: Scope | null = scope; s !== null; s = s.parent) if (s.kind === null) return true;
  return false;
}

export default defineRule({
  name: 'directive-not-allowed-here',
  category: 'load',
  severity: 'error',
  description: 'A known directive written in a context where nginx does not accept it; nginx refuses the whole configuration.',
  messages: {
    notAllowed: '"{{name}}" directive is not allowed here',
  },
  create(context) {
    const known = (node: DirectiveNode): boolean => getDirective(node.name) !== undefined && !context.extraDirectives.has(node.name);
    let topLevel: ContextName | undefined;
    /**
     * The context the top level is judged in. It is known for a main nginx.conf but only guessed for a
     * snippet, and a snippet named nginx.conf (an http-level file mounted into conf.d/) looks like a main
     * file. So the top level is judged in the context that accepts the most of its directives, the
     * guessed one first on ties: a file whose top level all fits another context was written for it (the
     * guess is wrong, not the file), and in a file that fits none (`location` beside `events`, `server`
     * in a location snippet) the directives that do not fit the file's evident level are reported.
     */
    const topLevelContext = (): ContextName => {
      if (topLevel === undefined) {
        const root = context.model.root;
        const top = root.children.filter(known);
        const guessed = root.kind ?? 'main';
        let best = guessed;
        let bestCount = top.filter((n) => allowedIn(n.name, guessed)).length;
        for (const kind of FILE_CONTEXTS) {
          const count = top.filter((n) => allowedIn(n.name, kind)).length;
          if (count > bestCount) [best, bestCount] = [kind, count];
        }
        topLevel = best;
      }
      return topLevel;
    };
    return {
      directives: {
        '*'(node) {
          // Unknown names are unknown-directive's, and inside an unknown block nothing can be said. In
          // nested blocks the model's `variant` is the table entry valid in the block's context.
          const atTop = node.scope === context.model.root;
          if ((node.variant !== undefined && !atTop) || insideUnknownBlock(node.scope) || !known(node)) return;
          if (atTop) {
            if (allowedIn(node.name, topLevelContext())) return;
          } else {
            const kind = node.scope.kind;
            if (node.variant !== undefined || (kind !== null && allowedIn(node.name, kind))) return;
          }
          // Last: the first question about a file scans its whole text.
          if (isTemplateFile(node.file)) return;
          context.report({ messageId: 'notAllowed', data: { name: node.name }, at: { node, span: node.directive.nameSpan } });
        },
      },
    };
  },
});
