import { defineRule, insertDirectives, replaceArg, formatDirective, type DirectiveNode, type Edit, type Fix, type Scope } from '../../src/rule-api.js';

const PARAM = 'SCRIPT_FILENAME';
const VALUE = '$document_root$fastcgi_script_name';
/** Levels whose fastcgi_param set a location can inherit. */
const INHERITING = new Set(['location', 'if-in-location', 'limit_except', 'server', 'http']);

/** What a file included by name is known to hold when it was not loaded. */
function knownInclude(arg: string): 'provides' | 'lacks' | 'unknown' {
  const base = arg.slice(arg.lastIndexOf('/') + 1);
  if (base === 'fastcgi.conf' || base === 'fastcgi-php.conf') return 'provides';
  if (base === 'fastcgi_params') return 'lacks';
  return 'unknown';
}

const baseName = (p: string): string => p.slice(p.lastIndexOf('/') + 1);

/**
 * Whether a level's fastcgi_param list sets SCRIPT_FILENAME. Searched from the end: the line is most often
 * written after `include fastcgi_params`, whose dozen-odd params do not set it.
 */
function setsParam(params: readonly DirectiveNode[]): boolean {
  for (let i = params.length - 1; i >= 0; i--) if ((params[i] as DirectiveNode).directive.args[0]?.value === PARAM) return true;
  return false;
}

export default defineRule({
  name: 'fastcgi-missing-script-filename',
  category: 'upstream',
  severity: 'error',
  description: 'A fastcgi_pass whose effective fastcgi_param set lacks SCRIPT_FILENAME: PHP answers "File not found." or an empty page.',
  fix: 'safe',
  messages: {
    missing:
      'the FastCGI parameters in effect here ({{source}}) have no SCRIPT_FILENAME: PHP-FPM answers 404 "File not found." and logs "Primary script unknown"',
    none: 'no fastcgi_param reaches this fastcgi_pass: PHP-FPM gets no SCRIPT_FILENAME and answers 200 with an empty body',
  },
  create(context) {
    const model = context.model;
    const tree = context.tree;
    const seen = new Set<string>();

    /** The `include` written directly in `scope` through which `node` was reached (or the node itself). */
    const directChild = (node: DirectiveNode, scope: Scope): DirectiveNode | undefined => {
      if (node.includedVia.length === 0) return node;
      for (let i = node.includedVia.length - 1; i >= 0; i--) {
        const via = node.includedVia[i];
        const child = scope.children.find((c) => c.directive === via);
        if (child !== undefined) return child;
      }
      return scope.children.includes(node) && node.includedVia.length === 0 ? node : undefined;
    };

    const unresolved = (s: Scope): DirectiveNode[] => model.local(s, 'include').filter((n) => (tree.includes.get(n.directive) ?? []).length === 0);

    /**
     * What the level's includes that loaded nothing are known to hold: 'unknown' when one is unknown, else
     * 'provides' when one provides, else 'lacks'; undefined when there is no such include.
     */
    const missingIncludes = (s: Scope): 'provides' | 'lacks' | 'unknown' | undefined => {
      let known: 'provides' | 'lacks' | undefined;
      for (const n of model.local(s, 'include')) {
        if ((tree.includes.get(n.directive) ?? []).length > 0) continue;
        const holds = knownInclude(n.directive.args[0]?.value ?? '');
        if (holds === 'unknown') return 'unknown';
        if (holds === 'provides' || known === undefined) known = holds;
      }
      return known;
    };

    /** Where the location's fastcgi_param set comes from: the level, its params, and unloaded includes there. */
    type Level = { scope: Scope; params: readonly DirectiveNode[] } | 'unknown' | 'ok' | undefined;
    const effectiveLevel = (start: Scope): Level => {
      for (let s: Scope | null = start; s !== null; s = s.parent) {
        if (s.kind === null || !INHERITING.has(s.kind)) break;
        const missing = missingIncludes(s);
        if (missing === 'unknown') return 'unknown';
        if (missing === 'provides') return 'ok';
        const params = model.local(s, 'fastcgi_param');
        if (params.length > 0 || missing === 'lacks') return { scope: s, params };
        if (s.kind === 'http') break;
      }
      return undefined;
    };

    /** `include .../fastcgi_params` directly at the level, when fastcgi.conf is known to sit next to it. */
    const switchable = (scope: Scope): { node: DirectiveNode; value: string } | undefined => {
      for (const inc of model.local(scope, 'include')) {
        if (inc.scope !== scope || !scope.children.includes(inc)) continue;
        const arg = inc.directive.args[0];
        if (arg === undefined || baseName(arg.value) !== 'fastcgi_params') continue;
        const loaded = tree.includes.get(inc.directive) ?? [];
        const target = loaded[0];
        if (target === undefined) continue;
        const sibling = target.slice(0, target.lastIndexOf('/') + 1) + 'fastcgi.conf';
        if (tree.files.has(sibling)) return { node: inc, value: arg.value.slice(0, arg.value.length - 'fastcgi_params'.length) + 'fastcgi.conf' };
      }
      return undefined;
    };

    const fixFor = (passNode: DirectiveNode, level: { scope: Scope; params: readonly DirectiveNode[] } | undefined): Fix | undefined => {
      const line = formatDirective('fastcgi_param', [PARAM, VALUE]);
      let edits: Edit[];
      let title = `add "${line}"`;
      if (level === undefined) {
        const after = directChild(passNode, passNode.scope);
        edits = [insertDirectives(model, passNode.scope, [line], after)];
      } else {
        const sw = switchable(level.scope);
        if (sw !== undefined) {
          edits = [replaceArg(sw.node, 0, sw.value)];
          title = `include ${sw.value} instead of fastcgi_params`;
        } else {
          const lastParam = level.params[level.params.length - 1];
          const after = lastParam === undefined ? undefined : directChild(lastParam, level.scope);
          if (lastParam !== undefined && after === undefined) return undefined;
          // Only the level's own file is edited, never a shared fastcgi_params.
          edits = [insertDirectives(model, level.scope, [line], after)];
        }
      }
      return { title, applicability: 'safe', edits };
    };

    /**
     * The route serves PHP: a location or pass target naming php, port 9000, a PHP fastcgi_index or
     * fastcgi_split_path_info. Other FastCGI apps (Django's flup, custom servers) may not need SCRIPT_FILENAME.
     */
    const looksLikePhp = (node: DirectiveNode): boolean => {
      const target = node.directive.args[0]?.value ?? '';
      if (/php/i.test(target) || /:9000$/.test(target)) return true;
      for (let s: Scope | null = node.scope; s !== null; s = s.parent) {
        if (s.kind === 'location' && s.owner !== null && s.owner.directive.args.some((a) => /php/i.test(a.value))) return true;
      }
      const index = model.effective(node.scope, 'fastcgi_index').nodes[0];
      if (index !== undefined && /php/i.test(index.directive.args[0]?.value ?? '')) return true;
      return model.effective(node.scope, 'fastcgi_split_path_info').nodes.length > 0;
    };

    return {
      directives: {
        fastcgi_pass: (node) => {
          if (node.scope.kind !== 'location' && node.scope.kind !== 'if-in-location') return;
          const level = effectiveLevel(node.scope);
          if (level === 'unknown' || level === 'ok') return;
          if (level !== undefined && setsParam(level.params)) return;
          if (level !== undefined && !looksLikePhp(node)) return;
          const key = level === undefined ? `pass:${node.file.path}:${node.directive.span.start}` : `level:${level.scope.owner?.file.path ?? ''}:${level.scope.owner?.directive.span.start ?? -1}`;
          const fix = fixFor(node, level);
          if (level === undefined) {
            context.report({ messageId: 'none', at: { node }, ...(fix ? { fix } : {}) });
            return;
          }
          const files = [...new Set([...level.params.map((p) => baseName(p.file.path)), ...unresolved(level.scope).map((n) => baseName(n.directive.args[0]?.value ?? ''))])];
          const source = level.scope === node.scope ? 'set in this location' : `inherited from the ${level.scope.kind ?? 'outer'} level`;
          const detail = files.length > 0 ? `${source}, from ${files.join(', ')}` : source;
          // One report per pass; the fix is offered once per level so that it is not applied twice.
          const firstAtLevel = !seen.has(key);
          seen.add(key);
          context.report({ messageId: 'missing', data: { source: detail }, at: { node }, ...(fix && firstAtLevel ? { fix } : {}) });
        },
      },
    };
  },
});
