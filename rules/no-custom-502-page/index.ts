import { addToList, defineRule, formatDirective, insertDirectives, type DirectiveNode, type Edit, type Scope } from '../../src/rule-api.js';

const PAGE = '/50x.html';
const PAGE_ARGS = ['502', '503', '504', PAGE];
const PAGE_LOCATION = `location = ${PAGE} { internal; root /usr/share/nginx/html; }`;
const FIX_TITLE = `add "${formatDirective('error_page', PAGE_ARGS)}" and a file-backed ${PAGE} location`;

/** The status codes an `error_page` line covers (every argument but the last, without `=code`). */
function codesOf(node: DirectiveNode): string[] {
  return node.directive.args.slice(0, -1).map((a) => a.value).filter((v) => /^\d{3}$/.test(v));
}

const LOCATION_LEVELS: ReadonlySet<string | null> = new Set(['location', 'if-in-location', 'limit_except']);

/**
 * The server whose error_page a pass here inherits. Only locations (and their ifs) lie between a pass nginx
 * accepts and its server; inside anything else (an unknown `locaton / {`, a misplaced `http {`) nothing is
 * inherited, so a page added to the server never reaches it.
 */
function inheritingServer(scope: Scope): Scope | undefined {
  let s: Scope | null = scope;
  while (s !== null && LOCATION_LEVELS.has(s.kind)) s = s.parent;
  return s !== null && s.kind === 'server' ? s : undefined;
}

/** True when the server already has `location = /50x.html` written directly in it. */
function hasPageLocation(server: Scope, local: (scope: Scope, name: string) => readonly DirectiveNode[]): boolean {
  return local(server, 'location').some((n) => {
    const args = n.directive.args;
    const first = args[0]?.value;
    return (first === '=' && args[1]?.value === PAGE) || first === `=${PAGE}`;
  });
}

/** Zero-width inserts at the same offset of the same file become one edit, in order. */
function mergeInserts(edits: readonly Edit[]): Edit[] {
  const out: Edit[] = [];
  for (const e of edits) {
    const i = out.findIndex((o) => o.file === e.file && o.start === e.start && o.end === e.start && e.end === e.start);
    const prev = out[i];
    if (prev !== undefined) out[i] = { ...prev, text: prev.text + e.text };
    else out.push(e);
  }
  return out;
}

export default defineRule({
  name: 'no-custom-502-page',
  category: 'upstream',
  severity: 'info',
  description: 'A location passes requests to a backend while no error_page covers 502: when the backend fails, clients get the stock "502 Bad Gateway" page.',
  recommended: false,
  fix: 'unsafe',
  messages: {
    noPage:
      '"{{pass}}" has no error_page for 502 in effect{{why}}: when the backend is down or fails, clients get nginx\'s stock "502 Bad Gateway" page',
  },
  create(context) {
    const model = context.model;
    return {
      'tree:exit'() {
        // One finding per place the fix would go: the server, or the level whose own error_page lines hide the server's.
        const groups = new Map<Scope, { first: DirectiveNode; others: DirectiveNode[]; server: Scope; inheritedFrom: Scope | null }>();
        for (const node of model.passNodes()) {
          const server = inheritingServer(node.scope);
          // the stream module's proxy_pass has no error_page
          if (server === undefined || model.enclosing(server, 'http') === undefined) continue;
          const effective = model.effective(node.scope, 'error_page');
          if (effective.nodes.some((n) => codesOf(n).includes('502'))) continue;
          const level = effective.scope;
          // Where the new line goes: the level whose lines are in effect when it is the server or inside it, else the server.
          const inside = level !== null && level !== server && model.enclosing(level, 'server') === server;
          const target = inside ? level : server;
          const group = groups.get(target);
          if (group === undefined) groups.set(target, { first: node, others: [], server, inheritedFrom: effective.origin === 'default' ? null : level });
          else group.others.push(node);
        }
        for (const [target, group] of groups) {
          // A 502 page at an outer level that this level's own error_page lines replace.
          let hidden: DirectiveNode | undefined;
          for (let s = group.inheritedFrom?.parent ?? null; s !== null && hidden === undefined; s = s.parent) {
            const outer = model.effective(s, 'error_page');
            hidden = outer.nodes.find((n) => codesOf(n).includes('502'));
            if (outer.scope === null) break;
            s = outer.scope;
          }
          const why =
            hidden === undefined
              ? ''
              : ` (its own error_page lines replace the inherited "error_page ${hidden.directive.args.map((a) => a.raw).join(' ')}": nginx inherits error_page only into levels that define none)`;
          const edits: Edit[] = [...addToList(model, target, 'error_page', PAGE_ARGS)];
          if (!hasPageLocation(group.server, (s, n) => model.local(s, n))) edits.push(insertDirectives(model, group.server, [PAGE_LOCATION]));
          const related = group.others.map((n) => ({ at: { node: n }, message: `"${n.name}" here has no 502 page either` }));
          if (hidden !== undefined) related.unshift({ at: { node: hidden }, message: 'the 502 page that is not inherited' });
          context.report({
            messageId: 'noPage',
            data: { pass: `${group.first.name} ${group.first.directive.args.map((a) => a.raw).join(' ')}`, why },
            at: { node: group.first },
            related,
            fix: { title: FIX_TITLE, applicability: 'unsafe', edits: mergeInserts(edits) },
          });
        }
      },
    };
  },
});
