/**
 * crossplane's JSON payload (`crossplane parse`), built from a loaded ConfigTree.
 *
 * Same shape and values as crossplane, with these deliberate differences, each where crossplane
 * disagrees with nginx:
 * - `${var}` followed by whitespace ends the word (crossplane glues it onto the next word);
 * - include globs are sorted like nginx's glob(3) (crossplane keeps directory order);
 * - a file with a syntax error keeps the statements the recovering parser found (crossplane empties
 *   `parsed`), and a missing include is reported with nginx's `open() ... failed` wording.
 */
import type { Arg, Comment, Directive, Node } from '../parser/index.js';
import type { Span } from '../source/index.js';
import type { ConfigTree, LoadedFile } from '../include/index.js';

export interface PayloadError {
  readonly file: string;
  readonly line: number | null;
  readonly error: string;
}

export interface PayloadPosition {
  readonly line: number;
  readonly column: number;
  readonly endLine: number;
  readonly endColumn: number;
  readonly start: number;
  readonly end: number;
}

export interface Statement {
  directive: string;
  line: number;
  args: string[];
  includes?: number[];
  block?: Statement[];
  comment?: string;
  /** Only with `positions`: where the statement and each argument are. */
  position?: PayloadPosition;
  argPositions?: PayloadPosition[];
}

export interface FilePayload {
  file: string;
  status: 'ok' | 'failed';
  errors: { error: string; line: number | null }[];
  parsed: Statement[];
}

export interface Payload {
  status: 'ok' | 'failed';
  errors: PayloadError[];
  config: FilePayload[];
}

export interface PayloadOptions {
  readonly comments?: boolean;
  readonly combine?: boolean;
  readonly positions?: boolean;
}

/** The value crossplane reports for an argument: quotes stripped, only `\<same quote>` unescaped. */
export function crossplaneArg(arg: Pick<Arg, 'raw' | 'quote'>): string {
  if (arg.quote === null) return arg.raw;
  const closed = arg.raw.length >= 2 && arg.raw.endsWith(arg.quote) && !arg.raw.endsWith('\\' + arg.quote);
  const inner = arg.raw.slice(1, closed ? -1 : undefined);
  return inner.indexOf('\\') === -1 ? inner : inner.split('\\' + arg.quote).join(arg.quote);
}

export function toCrossplane(tree: ConfigTree, options: PayloadOptions = {}): Payload {
  const index = fileIndex(tree);
  const payload: Payload = { status: 'ok', errors: [], config: [] };
  for (const file of tree.files.values()) {
    const errors = fileErrors(tree, file);
    const entry: FilePayload = { file: file.path, status: errors.length > 0 ? 'failed' : 'ok', errors, parsed: statements(file, file.ast.children, tree, index, options) };
    if (errors.length > 0) payload.status = 'failed';
    for (const e of errors) payload.errors.push({ file: file.path, error: e.error, line: e.line });
    payload.config.push(entry);
  }
  return options.combine ? combine(payload) : payload;
}

/**
 * `JSON.stringify(toCrossplane(tree, options), null, indent)`, written as text directly when not indented. For
 * a 7 MB configuration the payload's objects (one per statement and per argument list, all alive until the
 * end) and JSON.stringify's walk over them cost several times more than the text. `--combine` rewrites the
 * statement tree and indentation is JSON.stringify's, so those go through toCrossplane().
 */
export function crossplaneJson(tree: ConfigTree, options: PayloadOptions = {}, indent?: number): { json: string; status: Payload['status'] } {
  if (options.combine || indent !== undefined) {
    const payload = toCrossplane(tree, options);
    return { json: JSON.stringify(payload, null, indent), status: payload.status };
  }
  const index = fileIndex(tree);
  const files = [...tree.files.values()].map((file) => ({ file, errors: fileErrors(tree, file) }));
  const status = files.some((f) => f.errors.length > 0) ? 'failed' : 'ok';
  const allErrors: PayloadError[] = files.flatMap(({ file, errors }) => errors.map((e) => ({ file: file.path, error: e.error, line: e.line })));
  const out = new JsonText();
  out.add(`{"status":"${status}","errors":${JSON.stringify(allErrors)},"config":[`);
  files.forEach(({ file, errors }, i) => {
    const entry: Omit<FilePayload, 'parsed'> = { file: file.path, status: errors.length > 0 ? 'failed' : 'ok', errors };
    // The entry's JSON without its closing brace, then its statements as the last key.
    out.add(`${i > 0 ? ',' : ''}${JSON.stringify(entry).slice(0, -1)},"parsed":`);
    new StatementWriter(out, file, tree, index, options).list(file.ast.children);
    out.add('}');
  });
  out.add(']}');
  return { json: out.text(), status };
}

/** Builds a long text from many short pieces, joined in chunks so that the pieces die young. */
class JsonText {
  private readonly chunks: string[] = [];
  private parts: string[] = [];

  add(piece: string): void {
    this.parts.push(piece);
    if (this.parts.length === JSON_CHUNK_PARTS) this.flush();
  }

  text(): string {
    this.flush();
    return this.chunks.join('');
  }

  private flush(): void {
    this.chunks.push(this.parts.join(''));
    this.parts = [];
  }
}

const JSON_CHUNK_PARTS = 4096;

/** A statement's `args` as JSON, without its brackets. */
function argsJson(node: Directive): string {
  // Most directives need neither an `if`'s parentheses stripped nor a Lua body added: no array for those.
  if (node.name === 'if' || node.rawBlock !== null) return directiveArgs(node).map(jsonString).join(',');
  const args = node.args;
  let text = '';
  for (let i = 0; i < args.length; i++) {
    const value = jsonString(crossplaneArg(args[i] as Arg));
    text = i === 0 ? value : text + ',' + value;
  }
  return text;
}

/** A string as JSON.stringify() writes it. */
function jsonString(s: string): string {
  return needsJsonEscape(s) ? JSON.stringify(s) : `"${s}"`;
}

/** Whether JSON.stringify() would escape a character of `s` (a quote, a backslash, a control character, a surrogate). */
function needsJsonEscape(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c === 0x22 || c === 0x5c || (c >= 0xd800 && c <= 0xdfff)) return true;
  }
  return false;
}

/** Writes a file's statements as JSON text, with the keys in the order the Statement objects have them. */
class StatementWriter {
  private readonly lineAt: (offset: number) => number;

  constructor(
    private readonly out: JsonText,
    private readonly file: LoadedFile,
    private readonly tree: ConfigTree,
    private readonly index: ReadonlyMap<string, number>,
    private readonly options: PayloadOptions,
  ) {
    this.lineAt = file.source.lineCursor();
  }

  /** A list of statements; recursive, as a file nests blocks at most MAX_DEPTH deep. */
  list(nodes: readonly Node[]): void {
    this.out.add('[');
    // Each statement's text starts with its separator: one piece fewer per statement.
    let separator = '';
    for (const node of nodes) {
      if (node.type === 'stray') continue;
      if (node.type === 'comment') {
        if (!this.options.comments) continue;
        this.comment(separator, node);
        separator = ',';
        continue;
      }
      this.directive(separator, node);
      separator = ',';
      if (this.options.comments) {
        for (const c of node.innerComments) this.comment(',', c);
      }
    }
    this.out.add(']');
  }

  private directive(separator: string, node: Directive): void {
    let text = `${separator}{"directive":${jsonString(node.name)},"line":${this.lineAt(node.nameSpan.start)},"args":[${argsJson(node)}]`;
    const included = this.tree.includes.get(node);
    if (included !== undefined) text += `,"includes":[${included.map((p) => this.index.get(p) as number).join(',')}]`;
    if (node.block) {
      this.out.add(text + ',"block":');
      this.list(node.block);
      text = '';
    }
    if (this.options.positions) text += `,"position":${this.position(node.span)},"argPositions":[${node.args.map((a) => this.position(a.span)).join(',')}]`;
    this.out.add(text + '}');
  }

  private comment(separator: string, node: Comment): void {
    const position = this.options.positions ? `,"position":${this.position(node.span)}` : '';
    this.out.add(`${separator}{"directive":"#","line":${this.lineAt(node.span.start)},"args":[],"comment":${jsonString(node.text)}${position}}`);
  }

  private position(span: Span): string {
    const p = position(this.file, span);
    return `{"line":${p.line},"column":${p.column},"endLine":${p.endLine},"endColumn":${p.endColumn},"start":${p.start},"end":${p.end}}`;
  }
}

function fileIndex(tree: ConfigTree): Map<string, number> {
  const index = new Map<string, number>();
  [...tree.files.keys()].forEach((file, i) => index.set(file, i));
  return index;
}

/** A file's syntax errors and include problems in source order, worded as crossplane words them. */
function fileErrors(tree: ConfigTree, file: LoadedFile): { error: string; line: number | null }[] {
  const fileProblems = tree.problems.filter((p) => p.file === file.path);
  const all = [
    ...file.errors.map((e) => ({ offset: e.span.start, line: e.line, message: e.message })),
    ...fileProblems.map((p) => ({ offset: p.span.start, line: p.line, message: p.message })),
  ].sort((a, b) => a.offset - b.offset);
  return all.map((e) => ({ error: e.line === null ? e.message : `${e.message} in ${file.path}:${e.line}`, line: e.line }));
}

function statements(file: LoadedFile, nodes: readonly Node[], tree: ConfigTree, index: ReadonlyMap<string, number>, options: PayloadOptions): Statement[] {
  // Iterative so that deep (but bounded) nesting cannot overflow; blocks are filled as they are reached.
  const out: Statement[] = [];
  const work: { nodes: readonly Node[]; into: Statement[] }[] = [{ nodes, into: out }];
  while (work.length > 0) {
    const { nodes: list, into } = work.pop() as { nodes: readonly Node[]; into: Statement[] };
    for (const node of list) {
      if (node.type === 'stray') continue;
      if (node.type === 'comment') {
        if (options.comments) into.push(commentStatement(file, node, options));
        continue;
      }
      const stmt = directiveStatement(file, node, tree, index, options);
      into.push(stmt);
      if (options.comments) for (const c of node.innerComments) into.push(commentStatement(file, c, options));
      if (node.block && stmt.block) work.push({ nodes: node.block, into: stmt.block });
    }
  }
  return out;
}

function directiveStatement(file: LoadedFile, node: Directive, tree: ConfigTree, index: ReadonlyMap<string, number>, options: PayloadOptions): Statement {
  const stmt: Statement = { directive: node.name, line: file.source.lineAt(node.nameSpan.start), args: directiveArgs(node) };
  const included = tree.includes.get(node);
  if (included !== undefined) stmt.includes = included.map((p) => index.get(p) as number);
  if (node.block) stmt.block = [];
  if (options.positions) {
    stmt.position = position(file, node.span);
    stmt.argPositions = node.args.map((a) => position(file, a.span));
  }
  return stmt;
}

/** A statement's `args`: crossplane's argument values, without an `if`'s parentheses, plus a Lua block's body. */
function directiveArgs(node: Directive): string[] {
  let args: string[] = new Array<string>(node.args.length);
  for (let i = 0; i < node.args.length; i++) args[i] = crossplaneArg(node.args[i] as Arg);
  if (node.name === 'if') args = stripIfParens(args);
  if (node.rawBlock) args.push(node.rawBlock.text);
  return args;
}

function commentStatement(file: LoadedFile, node: Comment, options: PayloadOptions): Statement {
  const stmt: Statement = { directive: '#', line: file.source.lineAt(node.span.start), args: [], comment: node.text };
  if (options.positions) stmt.position = position(file, node.span);
  return stmt;
}

function position(file: LoadedFile, span: { start: number; end: number }): PayloadPosition {
  const loc = file.source.locate(span);
  return { line: loc.start.line, column: loc.start.column, endLine: loc.end.line, endColumn: loc.end.column, start: span.start, end: span.end };
}

/** crossplane removes the parentheses around an `if` condition. */
function stripIfParens(args: string[]): string[] {
  const first = args[0];
  const last = args[args.length - 1];
  if (first === undefined || last === undefined || !first.startsWith('(') || !last.endsWith(')')) return args;
  const copy = [...args];
  copy[0] = first.slice(1).trimStart();
  copy[copy.length - 1] = (copy[copy.length - 1] as string).slice(0, -1).trimEnd();
  const start = copy[0] === '' ? 1 : 0;
  const end = copy.length - (copy[copy.length - 1] === '' ? 1 : 0);
  return copy.slice(start, Math.max(start, end));
}

/** Deepest block nesting of a combined config (the parser allows 200 per file). */
const MAX_COMBINED_DEPTH = 1000;

/** crossplane's `--combine`: one config whose include statements are replaced by the included files' statements. */
function combine(payload: Payload): Payload {
  const first = payload.config[0];
  if (first === undefined) return payload;
  const expanding = new Set<number>();
  const errors: PayloadError[] = [];
  const expand = (list: readonly Statement[], depth: number): Statement[] => {
    const out: Statement[] = [];
    // Each file is within the parser's nesting limit, but a chain of includes can nest blocks without end;
    // the combined tree stops where JSON output (and this recursion) would overflow the stack.
    if (depth > MAX_COMBINED_DEPTH) {
      if (errors.length === 0) errors.push({ file: first.file, line: null, error: `blocks nested more than ${MAX_COMBINED_DEPTH} levels deep across included files; deeper levels are left out of the combined config` });
      return out;
    }
    for (const stmt of list) {
      if (stmt.includes !== undefined) {
        for (const i of stmt.includes) {
          // An include cycle is reported as an error; expand each file once along a chain.
          if (expanding.has(i)) continue;
          expanding.add(i);
          out.push(...expand(payload.config[i]?.parsed ?? [], depth));
          expanding.delete(i);
        }
        continue;
      }
      out.push(stmt.block ? { ...stmt, block: expand(stmt.block, depth + 1) } : stmt);
    }
    return out;
  };
  expanding.add(0);
  const parsed = expand(first.parsed, 0);
  const combined: FilePayload = {
    file: first.file,
    status: payload.config.some((c) => c.status === 'failed') || errors.length > 0 ? 'failed' : 'ok',
    errors: [...payload.config.flatMap((c) => c.errors), ...errors],
    parsed,
  };
  return { status: errors.length > 0 ? 'failed' : payload.status, errors: [...payload.errors, ...errors], config: [combined] };
}
