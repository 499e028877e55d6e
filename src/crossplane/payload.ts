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
  const index = new Map<string, number>();
  [...tree.files.keys()].forEach((file, i) => index.set(file, i));

  const payload: Payload = { status: 'ok', errors: [], config: [] };
  for (const file of tree.files.values()) {
    const entry: FilePayload = { file: file.path, status: 'ok', errors: [], parsed: statements(file, file.ast.children, tree, index, options) };
    const fail = (line: number | null, message: string): void => {
      const error = line === null ? message : `${message} in ${file.path}:${line}`;
      entry.status = 'failed';
      entry.errors.push({ error, line });
      payload.status = 'failed';
      payload.errors.push({ file: file.path, error, line });
    };
    const fileProblems = tree.problems.filter((p) => p.file === file.path);
    const all = [
      ...file.errors.map((e) => ({ offset: e.span.start, line: e.line, message: e.message })),
      ...fileProblems.map((p) => ({ offset: p.span.start, line: p.line, message: p.message })),
    ].sort((a, b) => a.offset - b.offset);
    for (const e of all) fail(e.line, e.message);
    payload.config.push(entry);
  }
  return options.combine ? combine(payload) : payload;
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
  let args: string[] = new Array<string>(node.args.length);
  for (let i = 0; i < node.args.length; i++) args[i] = crossplaneArg(node.args[i] as Arg);
  if (node.name === 'if') args = stripIfParens(args);
  if (node.rawBlock) args.push(node.rawBlock.text);
  const stmt: Statement = { directive: node.name, line: file.source.lineAt(node.nameSpan.start), args };
  const included = tree.includes.get(node);
  if (included !== undefined) stmt.includes = included.map((p) => index.get(p) as number);
  if (node.block) stmt.block = [];
  if (options.positions) {
    stmt.position = position(file, node.span);
    stmt.argPositions = node.args.map((a) => position(file, a.span));
  }
  return stmt;
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
