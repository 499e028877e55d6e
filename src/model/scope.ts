/**
 * The scope model: the configuration as nginx sees it after includes, as a tree of scopes (main, http,
 * server, location, upstream, ...) holding directive nodes. A file included from several places appears
 * once per place, each time in that place's context. Effective values follow nginx's merge rule: a level
 * inherits a directive only when it defines none of it, which also covers the array-like directives
 * (`proxy_set_header`, `add_header`, `fastcgi_param`, ...): one occurrence at an inner level drops all the
 * outer ones.
 */
import type { Directive, Node } from '../parser/index.js';
import type { ConfigTree, LoadedFile } from '../include/index.js';
import { childContext, getDirective, isFreeformContext, variantFor, type ContextName, type DirectiveVariant } from './directives.js';
import { passKindOf } from './values.js';

export interface Scope {
  /** Context of this scope's body; null when unknown (a third-party block). */
  readonly kind: ContextName | null;
  /** The node whose block this is; null for the root. */
  readonly owner: DirectiveNode | null;
  readonly parent: Scope | null;
  /** Direct children in order, included files expanded in place (the `include` nodes stay too). */
  readonly children: DirectiveNode[];
}

export interface DirectiveNode {
  readonly directive: Directive;
  /** The directive's name (shortcut for directive.name). */
  readonly name: string;
  readonly file: LoadedFile;
  /** The scope the directive sits in. */
  readonly scope: Scope;
  /** The scope its block opens, for block directives. */
  readonly block: Scope | null;
  /** The `include` directives through which this node was reached, outermost first. */
  readonly includedVia: readonly Directive[];
  /** The directive-table variant for this context; undefined when unknown or not allowed here. */
  readonly variant: DirectiveVariant | undefined;
}

export type Origin = 'here' | 'inherited' | 'default';

export interface Effective {
  /** Every occurrence at the level that defines it (one for scalars, several for array-like directives). */
  readonly nodes: readonly DirectiveNode[];
  readonly origin: Origin;
  /** The scope that defines it; null for a default. */
  readonly scope: Scope | null;
  /** nginx's documented default, when origin is 'default'. */
  readonly defaultValue: string | undefined;
}

/** Scopes that inherit from their parent (nginx merges these levels' settings). */
const INHERITING: ReadonlySet<ContextName> = new Set<ContextName>([
  'server',
  'location',
  'if-in-server',
  'if-in-location',
  'limit_except',
  'stream-server',
  'mail-server',
]);

/** Directives nginx never inherits into nested levels: handlers and per-location actions. */
const NOT_INHERITED: ReadonlySet<string> = new Set([
  'proxy_pass',
  'fastcgi_pass',
  'uwsgi_pass',
  'scgi_pass',
  'grpc_pass',
  'memcached_pass',
  'try_files',
  'return',
  'rewrite',
  'alias',
  'auth_request',
  'internal',
  'location',
  'if',
  'set',
  'include',
]);

export class ScopeModel {
  readonly tree: ConfigTree;
  readonly root: Scope;
  /** Every node in document order (a depth-first walk of the expanded configuration). */
  readonly nodes: readonly DirectiveNode[];
  private readonly names = new Map<string, NameEntry>();
  private readonly passIndex: DirectiveNode[] = [];
  private readonly scopeIndex = new WeakMap<Scope, Map<string, DirectiveNode[]>>();

  /**
   * The first `include` left unexpanded because the expanded configuration grew past maxExpandedNodes()
   * (files that include the same files many times over multiply; nginx would grind through every copy).
   */
  readonly expansionCutAt: DirectiveNode | undefined;

  constructor(tree: ConfigTree, rootContext: ContextName = 'main') {
    this.tree = tree;
    const root = newScope(rootContext, null);
    this.root = root;
    const cut: { at?: DirectiveNode } = {};
    this.nodes = expand(tree, root, this.names, this.passIndex, cut);
    this.expansionCutAt = cut.at;
  }

  /** Every `*_pass` node (proxy_pass, fastcgi_pass, ...), in document order. */
  passNodes(): readonly DirectiveNode[] {
    return this.passIndex;
  }

  /** All nodes with this name, in document order. */
  byName(name: string): readonly DirectiveNode[] {
    return this.names.get(name)?.nodes ?? [];
  }

  /** The nodes named `name` directly in `scope` (after include expansion). */
  local(scope: Scope, name: string): readonly DirectiveNode[] {
    // Most questions are about names a scope does not have (a default applies): its name mask says so.
    if (isNamedScope(scope) && (scope.nameMask & nameBit(name)) === 0) return NONE;
    const children = scope.children;
    // Most scopes are small: a scan is cheaper than building (and keeping) an index.
    if (children.length <= 16) {
      let found: DirectiveNode[] | undefined;
      for (const child of children) if (child.name === name) (found ??= []).push(child);
      return found ?? NONE;
    }
    let index = this.scopeIndex.get(scope);
    if (index === undefined) {
      index = new Map();
      for (const child of scope.children) {
        let list = index.get(child.name);
        if (list === undefined) index.set(child.name, (list = []));
        list.push(child);
      }
      this.scopeIndex.set(scope, index);
    }
    return index.get(name) ?? NONE;
  }

  /** The value of `name` in effect in `scope`: set here, inherited from an outer level, or nginx's default. */
  effective(scope: Scope, name: string): Effective {
    // A name written nowhere is at its default everywhere: no walk up the levels.
    if (!this.names.has(name)) return defaultEffective(name, scope.kind);
    const inherits = !NOT_INHERITED.has(name);
    for (let s: Scope | null = scope; s !== null; s = s.parent) {
      const nodes = this.local(s, name);
      if (nodes.length > 0) return { nodes, origin: s === scope ? 'here' : 'inherited', scope: s, defaultValue: undefined };
      if (!inherits || !inheritsFromParent(s)) break;
    }
    return defaultEffective(name, scope.kind);
  }

  /**
   * Whether the levels a scope inherits from are all in view: no `include` on the chain from `scope` up to
   * `upTo` (or up through every inheriting level) loaded nothing, since a file that could not be read may
   * set what is being checked. Without `upTo` the configuration must also be a main one, not a snippet.
   */
  chainInView(scope: Scope, upTo: Scope | null = null): boolean {
    if (upTo === null && this.root.kind !== 'main') return false;
    for (let s: Scope | null = scope; s !== null; s = s.parent) {
      for (const include of this.local(s, 'include')) if ((this.tree.includes.get(include.directive) ?? []).length === 0) return false;
      if (s === upTo || !inheritsFromParent(s)) break;
    }
    return true;
  }

  /** Context names from the root to the scope, e.g. ['main', 'http', 'server', 'location']. */
  contextPath(scope: Scope): (ContextName | null)[] {
    const path: (ContextName | null)[] = [];
    for (let s: Scope | null = scope; s !== null; s = s.parent) path.push(s.kind);
    return path.reverse();
  }

  /** The nearest enclosing scope of a kind (the scope itself included). */
  enclosing(scope: Scope, kind: ContextName): Scope | undefined {
    for (let s: Scope | null = scope; s !== null; s = s.parent) if (s.kind === kind) return s;
    return undefined;
  }
}

const NONE: readonly DirectiveNode[] = Object.freeze([]);

/**
 * A scope as the model builds it. Scopes and nodes are object literals, not class instances, on purpose:
 * every one of them lives as long as the model, and V8 allocates the objects of a literal whose objects
 * survive straight into the old generation (allocation-site pretenuring, which `new` does not get), so the
 * scavenger does not copy them twice.
 */
interface NamedScope extends Scope {
  children: DirectiveNode[];
  /** One bit set per name of its children (see nameBit); 30 bits, a small integer even where V8 compresses pointers. */
  nameMask: number;
  /** Whether nginx merges this level's settings with its parent's. */
  readonly inherits: boolean;
}

function newScope(kind: ContextName | null, parent: NamedScope | null): NamedScope {
  // Children are set when the body has been expanded; until then (and for bodies never expanded) none.
  return { kind, owner: null, parent, children: NONE as DirectiveNode[], nameMask: 0, inherits: kind !== null && INHERITING.has(kind) };
}

function isNamedScope(scope: Scope): scope is NamedScope {
  return (scope as Partial<NamedScope>).nameMask !== undefined;
}

function inheritsFromParent(scope: Scope): boolean {
  return isNamedScope(scope) ? scope.inherits : scope.kind !== null && INHERITING.has(scope.kind);
}

/** One of 30 bits for a directive name, from its length and two of its characters (no hashing of the whole string). */
function nameBit(name: string): number {
  const n = name.length;
  if (n === 0) return 1;
  return 1 << ((n * 7 + name.charCodeAt(n - 1) * 3 + name.charCodeAt(n >> 1)) % 30);
}
/** Frozen 'default' answers by context, then name: most effective() calls end here, so they share one. */
const defaults = new Map<ContextName | null, Map<string, Effective>>();

function defaultEffective(name: string, kind: ContextName | null): Effective {
  let byName = defaults.get(kind);
  if (byName === undefined) defaults.set(kind, (byName = new Map()));
  let effective = byName.get(name);
  if (effective === undefined) {
    effective = Object.freeze({ nodes: NONE, origin: 'default' as const, scope: null, defaultValue: computeDefault(name, kind) });
    byName.set(name, effective);
  }
  return effective;
}

function computeDefault(name: string, kind: ContextName | null): string | undefined {
  const spec = getDirective(name);
  if (spec === undefined) return undefined;
  const variant = kind === null ? spec.variants[0] : (variantFor(spec, kind) ?? spec.variants[0]);
  return variant?.default ?? undefined;
}

interface Classified {
  readonly variant: DirectiveVariant | undefined;
  readonly opens: ContextName | null;
  /** Whether the name is a `*_pass` directive. */
  readonly pass: boolean;
  /** The name's bit in a scope's name mask. */
  readonly bit: number;
  /** Whether its block holds table rows (map, types, ...), not directives: the model leaves it unexpanded. */
  readonly opensTable: boolean;
}

const classified = new Map<ContextName | null, Map<string, Classified>>();

/** The variant for `name` in `kind`, and the context its block opens (computed once per name and context). */
function classify(name: string, kind: ContextName | null): Classified {
  let byName = classified.get(kind);
  if (byName === undefined) classified.set(kind, (byName = new Map()));
  let c = byName.get(name);
  if (c === undefined) byName.set(name, (c = computeClassify(name, kind)));
  return c;
}

function computeClassify(name: string, kind: ContextName | null): Classified {
  const pass = passKindOf(name) !== undefined;
  const bit = nameBit(name);
  const spec = getDirective(name);
  if (spec === undefined) return { variant: undefined, opens: null, pass, bit, opensTable: false };
  const variant = kind === null ? undefined : variantFor(spec, kind);
  const blockVariant = variant ?? spec.variants.find((v) => v.block);
  if (blockVariant === undefined || !blockVariant.block) return { variant, opens: null, pass, bit, opensTable: false };
  const opens = childContext(blockVariant, kind ?? 'main') ?? blockVariant.opens;
  return { variant, opens, pass, bit, opensTable: opens !== null && isFreeformContext(opens) };
}

/**
 * What the model keeps per directive name: its nodes in document order, and its classification in the
 * context it was last seen in (a name mostly stays in one context, so one map lookup per node finds both).
 */
interface NameEntry {
  readonly nodes: DirectiveNode[];
  kind: ContextName | null;
  classified: Classified;
}

interface Frame {
  readonly nodes: readonly Node[];
  index: number;
  readonly scope: NamedScope;
  readonly file: LoadedFile;
  readonly includedVia: readonly Directive[];
  /** Files on the include chain leading here, to stop at cycles (reported by include-cycle). */
  readonly fileChain: readonly string[];
  /** Whether these nodes are the scope's own body (not an included file's): its end completes the scope. */
  readonly ownsScope: boolean;
  /** Where the scope's children start in the shared list of children being collected. */
  readonly childStart: number;
}

/**
 * The most nodes an expanded configuration may have: a million, or one per 4 bytes of its files when they are
 * larger (a directive takes 20 to 50 bytes in real configurations, so only files included many times over
 * reach it).
 */
export function maxExpandedNodes(tree: ConfigTree): number {
  let bytes = 0;
  for (const file of tree.files.values()) bytes += file.source.text.length;
  return Math.max(1_000_000, Math.ceil(bytes / 4));
}

function expand(tree: ConfigTree, root: NamedScope, names: Map<string, NameEntry>, passes: DirectiveNode[], cut: { at?: DirectiveNode }): DirectiveNode[] {
  const limit = maxExpandedNodes(tree);
  const out: DirectiveNode[] = [];
  const entry = tree.files.get(tree.entry);
  if (entry === undefined) return out;
  // Children collect in one shared list, depth-first, and each scope takes an exactly sized copy of its
  // part when its body ends (arrays grown by push keep room for 16 more elements, in every scope).
  const collecting: DirectiveNode[] = [];
  const stack: Frame[] = [{ nodes: entry.ast.children, index: 0, scope: root, file: entry, includedVia: [], fileChain: [entry.path], ownsScope: true, childStart: 0 }];
  while (stack.length > 0) {
    const frame = stack[stack.length - 1] as Frame;
    if (frame.index >= frame.nodes.length) {
      stack.pop();
      if (frame.ownsScope) {
        frame.scope.children = collecting.slice(frame.childStart);
        collecting.length = frame.childStart;
      }
      continue;
    }
    const ast = frame.nodes[frame.index++] as Node;
    if (ast.type !== 'directive') continue;
    const kind = frame.scope.kind;
    let named = names.get(ast.name);
    if (named === undefined) names.set(ast.name, (named = { nodes: [], kind, classified: classify(ast.name, kind) }));
    else if (named.kind !== kind) {
      named.kind = kind;
      named.classified = classify(ast.name, kind);
    }
    const { variant, opens, pass, bit, opensTable } = named.classified;
    const block = ast.block === null ? null : newScope(opens, frame.scope);
    const node: DirectiveNode = { directive: ast, name: ast.name, file: frame.file, scope: frame.scope, block, includedVia: frame.includedVia, variant };
    if (block !== null) (block as { owner: DirectiveNode | null }).owner = node;
    collecting.push(node);
    out.push(node);
    named.nodes.push(node);
    if (pass) passes.push(node);
    frame.scope.nameMask |= bit;

    if (ast.name === 'include' && out.length > limit) {
      cut.at ??= node;
    } else if (ast.name === 'include') {
      const targets = tree.includes.get(ast) ?? [];
      for (let i = targets.length - 1; i >= 0; i--) {
        const target = targets[i] as string;
        const file = tree.files.get(target);
        if (file === undefined || frame.fileChain.includes(target)) continue;
        stack.push({
          nodes: file.ast.children,
          index: 0,
          scope: frame.scope,
          file,
          includedVia: [...frame.includedVia, ast],
          fileChain: [...frame.fileChain, target],
          ownsScope: false,
          childStart: -1,
        });
      }
    } else if (block !== null && ast.block !== null && !opensTable) {
      stack.push({ nodes: ast.block, index: 0, scope: block, file: frame.file, includedVia: frame.includedVia, fileChain: frame.fileChain, ownsScope: true, childStart: collecting.length });
    }
  }
  return out;
}
