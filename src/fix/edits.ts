/**
 * Edit helpers every fix is built from. They write in the style of the block they touch (its
 * indentation, the file's line endings), quote values only when nginx needs it, and know nginx's
 * inheritance: setting an array-like directive (`proxy_set_header`, ...) at a level that defines none
 * first copies the ones it inherited, so that none is silently dropped.
 */
import type { Directive, Node } from '../parser/index.js';
import type { LoadedFile } from '../include/index.js';
import type { DirectiveNode, Scope, ScopeModel } from '../model/index.js';
import type { Edit } from '../engine/types.js';

/** Directives that are lists: one occurrence at a level replaces everything inherited. */
export const ARRAY_LIKE: ReadonlySet<string> = new Set([
  'proxy_set_header',
  'fastcgi_param',
  'uwsgi_param',
  'scgi_param',
  'grpc_set_header',
  'add_header',
  'add_trailer',
  'proxy_hide_header',
  'fastcgi_hide_header',
  'uwsgi_hide_header',
  'scgi_hide_header',
  'grpc_hide_header',
  'proxy_pass_header',
  'fastcgi_pass_header',
]);

/** An argument as nginx must read it back: bare when it can be, else double-quoted with escapes. */
export function quoteArg(value: string): string {
  // A bare word ends at whitespace, `;` or a `{` that does not follow `$`; quotes, `#` and `}` are special
  // only at its start; `\` escapes.
  const bare = value !== '' && !/[\s;"'\\]|(^|[^$])\{/.test(value) && !/^[#}]/.test(value);
  if (bare) return value;
  return '"' + value.replace(/\\/g, '\\\\').replace(/"/g, '\\"') + '"';
}

/** `name arg1 arg2;` */
export function formatDirective(name: string, args: readonly string[]): string {
  let line = name;
  for (const arg of args) line += ' ' + quoteArg(arg);
  return line + ';';
}

/** Where a scope's text lives: the file and the AST nodes written directly inside it. */
export interface BlockSite {
  readonly file: LoadedFile;
  /** The block directive; null for a file's top level. */
  readonly owner: Directive | null;
  readonly children: readonly Node[];
}

export function blockSite(model: ScopeModel, scope: Scope): BlockSite {
  if (scope.owner !== null) return { file: scope.owner.file, owner: scope.owner.directive, children: scope.owner.directive.block ?? [] };
  const entry = model.tree.files.get(model.tree.entry) as LoadedFile;
  return { file: entry, owner: null, children: entry.ast.children };
}

/** Start of the line holding `offset` (scans back only to the previous line break). */
function lineStart(text: string, offset: number): number {
  let i = offset;
  while (i > 0) {
    const c = text.charCodeAt(i - 1);
    if (c === 10 || c === 13) break;
    i--;
  }
  return i;
}

/** The whitespace before the first token on the line holding `offset`. */
function indentAt(text: string, offset: number): string {
  const start = lineStart(text, offset);
  return text.slice(start, blankEnd(text, start, offset));
}

/** The end of the run of spaces and tabs from `start`, at most `limit`. */
function blankEnd(text: string, start: number, limit: number): number {
  let i = start;
  while (i < limit) {
    const c = text.charCodeAt(i);
    if (c !== 32 && c !== 9) break;
    i++;
  }
  return i;
}

/** The file's indentation unit: a tab, or the smallest run of spaces that starts an indented line. */
export function indentUnit(text: string): string {
  // Asked once per fix: without the cache, a file with a fix on every line is scanned once per line.
  if (text !== lastIndentText) {
    lastIndentText = text;
    lastIndentUnit = scanIndentUnit(text);
  }
  return lastIndentUnit;
}
let lastIndentText: string | undefined;
let lastIndentUnit = '';

function scanIndentUnit(text: string): string {
  if (/^\t/m.test(text)) return '\t';
  let unit = 0;
  for (const m of text.matchAll(/^( +)\S/gm)) {
    const n = (m[1] as string).length;
    if (unit === 0 || n < unit) unit = n;
  }
  return ' '.repeat(unit === 0 ? 4 : Math.min(unit, 8));
}

/** True when nothing but whitespace precedes `offset` on its line. */
function startsLine(text: string, offset: number): boolean {
  return blankEnd(text, lineStart(text, offset), offset) === offset;
}

/**
 * Inserts directive lines into a block: after `after` (a directive written directly in the block), else
 * after the last simple directive before the first nested block, else at the top of the block.
 */
export function insertDirectives(model: ScopeModel, scope: Scope, lines: readonly string[], after?: DirectiveNode): Edit {
  const site = blockSite(model, scope);
  const text = site.file.source.text;
  const eol = site.file.source.lineEnding;
  const children = site.children;
  let anchor: Directive | undefined = after !== undefined && children.includes(after.directive) ? after.directive : undefined;
  if (anchor === undefined) {
    for (const d of children) {
      if (d.type !== 'directive') continue;
      if (d.block !== null || d.rawBlock !== null) break;
      anchor = d;
    }
  }
  if (anchor !== undefined) {
    // A span is built per read (the parser's getter).
    const span = anchor.span;
    const indent = startsLine(text, span.start) ? indentAt(text, span.start) : indentAt(text, span.start) + indentUnit(text);
    const body = lines.map((l) => eol + indent + l).join('');
    return { file: site.file.path, start: span.end, end: span.end, text: body };
  }
  if (site.owner !== null && site.owner.terminatorSpan !== null) {
    const open = site.owner.terminatorSpan.end;
    const first = firstDirective(children);
    const indent = first !== undefined && startsLine(text, first.span.start) ? indentAt(text, first.span.start) : indentAt(text, site.owner.span.start) + indentUnit(text);
    const body = lines.map((l) => eol + indent + l).join('');
    // `server {}` on one line: open it up so the closing brace gets its own line.
    const closeOnSameLine = site.owner.closeSpan !== null && !/[\r\n]/.test(text.slice(open, site.owner.closeSpan.start)) && first === undefined;
    const tail = closeOnSameLine ? eol + indentAt(text, site.owner.span.start) : '';
    const end = closeOnSameLine && site.owner.closeSpan !== null ? site.owner.closeSpan.start : open;
    return { file: site.file.path, start: open, end, text: body + tail };
  }
  // Top of a file with no simple directive to follow: insert before everything.
  const body = lines.map((l) => l + eol).join('');
  const start = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  return { file: site.file.path, start, end: start, text: body };
}

function firstDirective(children: readonly Node[]): Directive | undefined {
  for (const child of children) if (child.type === 'directive') return child;
  return undefined;
}

/** Replaces argument `index` of a directive, quoting the new value when nginx needs it. */
export function replaceArg(node: DirectiveNode, index: number, value: string): Edit {
  const arg = node.directive.args[index];
  if (arg === undefined) throw new Error(`${node.name} has no argument ${index}`);
  return { file: node.file.path, start: arg.span.start, end: arg.span.end, text: quoteArg(value) };
}

/** Replaces all arguments of a simple directive. */
/**
 * An edit that turns argument `index` into `value`, touching only the text inside the quotes when the
 * argument was written without escapes (so its quoting stays as it was); else the whole argument.
 */
export function editArgValue(node: DirectiveNode, index: number, value: string): Edit {
  const arg = node.directive.args[index];
  if (arg === undefined) throw new Error(`${node.name} has no argument ${index}`);
  const q = arg.quote ?? '';
  if (arg.raw === `${q}${arg.value}${q}` && !/[\\"'\s;{}$]/.test(value)) {
    return { file: node.file.path, start: arg.span.start + q.length, end: arg.span.end - q.length, text: value };
  }
  return replaceArg(node, index, value);
}

export function replaceArgs(node: DirectiveNode, values: readonly string[]): Edit {
  const d = node.directive;
  const first = d.args[0];
  const last = d.args[d.args.length - 1];
  const text = values.map(quoteArg).join(' ');
  if (first === undefined || last === undefined) return { file: node.file.path, start: d.nameSpan.end, end: d.nameSpan.end, text: ' ' + text };
  return { file: node.file.path, start: first.span.start, end: last.span.end, text };
}

/** Removes a directive; when it is alone on its line(s), the whole line goes. */
export function removeDirective(node: DirectiveNode): Edit {
  const text = node.file.source.text;
  const { start, end } = node.directive.span;
  const from = lineStart(text, start);
  let to = end;
  while (to < text.length && (text[to] === ' ' || text[to] === '\t')) to++;
  const aloneBefore = /^[ \t]*$/.test(text.slice(from, start));
  const atLineEnd = to >= text.length || text[to] === '\n' || text[to] === '\r';
  if (aloneBefore && atLineEnd) {
    if (text[to] === '\r' && text[to + 1] === '\n') to += 2;
    else if (to < text.length) to += 1;
    return { file: node.file.path, start: from, end: to, text: '' };
  }
  return { file: node.file.path, start, end, text: '' };
}

/**
 * Sets a directive at a scope's own level: replaces the arguments of its one occurrence there, or inserts
 * it. For array-like directives use {@link addToList}.
 */
export function setDirective(model: ScopeModel, scope: Scope, name: string, args: readonly string[], after?: DirectiveNode): Edit[] {
  const named = model.local(scope, name);
  const local = named.length === 0 ? named : named.filter((n) => n.scope === scope);
  const first = local[0];
  if (first !== undefined) {
    return [replaceArgs(first, args), ...local.slice(1).map(removeDirective)];
  }
  return [insertDirectives(model, scope, [formatDirective(name, args)], after)];
}

/**
 * Adds one entry of an array-like directive at a scope's level. When the level has none yet, the entries
 * it inherited are copied first, since nginx would otherwise drop them all.
 */
export function addToList(model: ScopeModel, scope: Scope, name: string, args: readonly string[]): Edit[] {
  const effective = model.effective(scope, name);
  const local = effective.origin === 'here' ? effective.nodes : [];
  const last = local[local.length - 1];
  if (last !== undefined) return [insertDirectives(model, scope, [formatDirective(name, args)], last)];
  const inherited = effective.origin === 'inherited' ? effective.nodes : [];
  // Copied as written (raw), so quoting and escapes stay exactly as the author had them.
  const lines = inherited.map((n) => [name, ...n.directive.args.map((a) => a.raw)].join(' ') + ';');
  return [insertDirectives(model, scope, [...lines, formatDirective(name, args)])];
}
