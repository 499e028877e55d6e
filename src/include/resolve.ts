/**
 * Loads an entry file and everything it includes, the way nginx does: relative `include` paths are
 * taken against the prefix (nginx's conf prefix; default: the entry file's directory), globs are expanded
 * and sorted, a glob matching nothing is fine, a missing plain path is an error. Each file is read and
 * parsed once (breadth-first, like crossplane) and records every site that includes it. Include cycles
 * are reported at the include that closes them; nothing recurses, so no input can hang or overflow.
 */
import * as path from 'node:path';
import { decode, type SourceText, type Span } from '../source/index.js';
import { parseSource, type Config, type Directive, type IncludeDirective, type SyntaxError } from '../parser/index.js';
import { HostError, openFailedMessage, type Host } from './host.js';
import { GlobLimitError, hasGlobMagic } from './glob.js';

export interface IncludeSite {
  /** The `include` directive. */
  readonly directive: Directive;
  /** The file holding that directive. */
  readonly file: string;
  /** Names of the block directives around the include, outermost first (e.g. ['http', 'server']). */
  readonly context: readonly string[];
}

export interface LoadedFile {
  readonly path: string;
  readonly source: SourceText;
  readonly ast: Config;
  readonly errors: readonly SyntaxError[];
  /** Where this file is included from; empty for the entry file. */
  readonly sites: IncludeSite[];
}

export type IncludeProblemKind = 'not-found' | 'unreadable' | 'binary' | 'cycle';

export interface IncludeProblem {
  readonly kind: IncludeProblemKind;
  readonly message: string;
  /** The file holding the include directive. */
  readonly file: string;
  readonly span: Span;
  readonly line: number;
  readonly column: number;
  /** The path the include pointed at. */
  readonly target: string;
}

export interface ConfigTree {
  readonly entry: string;
  readonly prefix: string;
  /** Every loaded file by absolute path, in load order (entry first, then breadth-first). */
  readonly files: ReadonlyMap<string, LoadedFile>;
  /** For each `include` directive, the files it pulled in, in nginx's order. */
  readonly includes: ReadonlyMap<Directive, readonly string[]>;
  readonly problems: readonly IncludeProblem[];
}

export interface LoadOptions {
  readonly host: Host;
  /** Directory relative includes are resolved against; default: the entry file's directory. */
  readonly prefix?: string;
  /** When false, only the entry file is read. Default true. */
  readonly followIncludes?: boolean;
  /**
   * The directory that stands for `/` in absolute include paths, for a checkout that mirrors the server's
   * filesystem (`include /etc/nginx/conf.d/*.conf;` read from `<root>/etc/nginx/conf.d/`). Default `/`.
   */
  readonly root?: string | undefined;
}

/** The entry file itself could not be used; callers turn this into an I/O error (exit code 2). */
export class EntryError extends Error {
  readonly path: string;
  constructor(filePath: string, message: string) {
    super(message);
    this.name = 'EntryError';
    this.path = filePath;
  }
}

export function loadConfig(entry: string, options: LoadOptions): ConfigTree {
  const host = options.host;
  const entryPath = host.resolve(entry);
  const prefix = host.resolve(options.prefix ?? path.dirname(entryPath));
  const root = options.root === undefined ? undefined : host.resolve(options.root);
  const files = new Map<string, LoadedFile>();
  const includes = new Map<Directive, string[]>();
  const problems: IncludeProblem[] = [];
  /** Include edges in source order, for cycle detection. */
  const edges = new Map<string, { directive: Directive; target: string }[]>();

  const first = readAndParse(host, entryPath);
  if ('error' in first) throw new EntryError(entryPath, first.error);
  const entryFile: LoadedFile = { ...first.file, sites: [] };
  files.set(entryPath, entryFile);

  // Files in load order, each with the include directives its parse found.
  const queue: { file: LoadedFile; includes: readonly IncludeDirective[] }[] = [{ file: entryFile, includes: first.includes }];
  const contextOf = new Map<string, readonly string[]>([[entryPath, []]]);

  for (let q = 0; q < queue.length && options.followIncludes !== false; q++) {
    const { file: current, includes: found } = queue[q] as (typeof queue)[number];
    const baseContext = contextOf.get(current.path) ?? [];
    const fileEdges: { directive: Directive; target: string }[] = [];
    edges.set(current.path, fileEdges);

    for (const { directive, parents } of found) {
      if (directive.args.length !== 1) continue;
      const pattern = (directive.args[0] as { value: string }).value;
      const absolute = !pattern.startsWith('/') ? host.resolve(prefix, pattern) : root === undefined ? pattern : host.resolve(root, `.${pattern}`);
      const context = baseContext.length === 0 ? parents : [...baseContext, ...parents];
      const problem = (kind: IncludeProblemKind, message: string, target: string): void => {
        const pos = current.source.positionAt(directive.span.start);
        problems.push({ kind, message, file: current.path, span: directive.span, line: pos.line, column: pos.column, target });
      };

      // Every target is opened, never just stat()ed first: the read itself says what is wrong with it
      // (missing, a dangling or looping symlink among a glob's matches, a directory, a FIFO), and a file
      // cannot change kind between the check and the read.
      let targets: string[];
      try {
        targets = hasGlobMagic(absolute) ? host.glob(absolute) : [absolute];
      } catch (e) {
        if (!(e instanceof GlobLimitError)) throw e;
        problem('unreadable', e.message, absolute);
        targets = [];
      }
      const loaded: string[] = [];
      for (const target of targets) {
        let file = files.get(target);
        if (file === undefined) {
          const result = readAndParse(host, target);
          if ('error' in result) {
            problem(result.kind, result.error, target);
            continue;
          }
          file = { ...result.file, sites: [] };
          files.set(target, file);
          contextOf.set(target, context);
          queue.push({ file, includes: result.includes });
        }
        file.sites.push({ directive, file: current.path, context });
        fileEdges.push({ directive, target });
        loaded.push(target);
      }
      includes.set(directive, loaded);
    }
  }

  for (const cycle of findCycles(entryPath, edges)) {
    const holder = files.get(cycle.from) as LoadedFile;
    const pos = holder.source.positionAt(cycle.directive.span.start);
    const chain = cycle.chain.map((p) => path.relative(prefix, p) || p).join(' -> ');
    problems.push({
      kind: 'cycle',
      message: `include cycle: ${chain}`,
      file: cycle.from,
      span: cycle.directive.span,
      line: pos.line,
      column: pos.column,
      target: cycle.chain[cycle.chain.length - 1] as string,
    });
  }

  return { entry: entryPath, prefix, files, includes, problems };
}

type ReadResult = { file: Omit<LoadedFile, 'sites'>; includes: readonly IncludeDirective[] } | { error: string; kind: 'not-found' | 'unreadable' | 'binary' };

function readAndParse(host: Host, filePath: string): ReadResult {
  let bytes: Uint8Array;
  try {
    bytes = host.readFile(filePath);
  } catch (e) {
    if (!(e instanceof HostError)) return { error: openFailedMessage(filePath, 'EIO'), kind: 'unreadable' };
    return { error: e.message, kind: e.code === 'ENOENT' || e.code === 'ENOTDIR' ? 'not-found' : 'unreadable' };
  }
  const { source, nulOffset } = decode(bytes, filePath);
  if (nulOffset !== undefined) {
    const pos = source.positionAt(nulOffset);
    return { error: `${filePath}:${pos.line}:${pos.column}: binary file (NUL byte), not an nginx configuration`, kind: 'binary' };
  }
  const { ast, errors, includes } = parseSource(source);
  return { file: { path: filePath, source, ast, errors }, includes };
}

interface Cycle {
  readonly from: string;
  readonly directive: Directive;
  /** Files from the cycle's start back to it, e.g. [a, b, a]. */
  readonly chain: readonly string[];
}

/** Iterative depth-first search; reports each include edge that leads back into the active chain. */
function findCycles(entry: string, edges: ReadonlyMap<string, readonly { directive: Directive; target: string }[]>): Cycle[] {
  const cycles: Cycle[] = [];
  const state = new Map<string, 'active' | 'done'>();
  const chain: string[] = [entry];
  const stack: { file: string; next: number }[] = [{ file: entry, next: 0 }];
  state.set(entry, 'active');
  while (stack.length > 0) {
    const frame = stack[stack.length - 1] as { file: string; next: number };
    const out = edges.get(frame.file) ?? [];
    if (frame.next >= out.length) {
      state.set(frame.file, 'done');
      stack.pop();
      chain.pop();
      continue;
    }
    const edge = out[frame.next++] as { directive: Directive; target: string };
    const seen = state.get(edge.target);
    if (seen === 'active') {
      const start = chain.indexOf(edge.target);
      cycles.push({ from: frame.file, directive: edge.directive, chain: [...chain.slice(start), edge.target] });
    } else if (seen === undefined) {
      state.set(edge.target, 'active');
      chain.push(edge.target);
      stack.push({ file: edge.target, next: 0 });
    }
  }
  return cycles;
}
