/**
 * Which context a lone snippet belongs to, when no main configuration includes it: guessed from its
 * top-level directives, the way a reader would.
 */
import type { Config } from '../parser/index.js';
import type { ContextName } from '../model/index.js';

const MAIN_ONLY = new Set(['events', 'http', 'stream', 'mail', 'worker_processes', 'user', 'pid', 'load_module', 'worker_rlimit_nofile', 'env']);
const HTTP_LEVEL = new Set(['server', 'upstream', 'map', 'geo', 'split_clients', 'limit_req_zone', 'limit_conn_zone', 'proxy_cache_path', 'log_format', 'types']);
const SERVER_LEVEL = new Set(['location', 'listen', 'server_name', 'ssl_certificate', 'ssl_certificate_key']);
const LOCATION_LEVEL = new Set(['proxy_pass', 'fastcgi_pass', 'uwsgi_pass', 'scgi_pass', 'grpc_pass', 'try_files', 'alias', 'limit_except']);

export interface InferredContext {
  readonly context: ContextName;
  /** Why, for the one-line note. */
  readonly because: string;
}

export function inferContext(ast: Config): InferredContext {
  const names = ast.children.flatMap((n) => (n.type === 'directive' ? [n.name] : []));
  const first = (set: ReadonlySet<string>) => names.find((n) => set.has(n));
  let hit = first(MAIN_ONLY);
  if (hit !== undefined) return { context: 'main', because: `"${hit}" at top level` };
  hit = first(HTTP_LEVEL);
  if (hit !== undefined) return { context: 'http', because: `"${hit}" at top level` };
  hit = first(SERVER_LEVEL);
  if (hit !== undefined) return { context: 'server', because: `"${hit}" at top level` };
  hit = first(LOCATION_LEVEL);
  if (hit !== undefined) return { context: 'location', because: `"${hit}" at top level` };
  return { context: 'http', because: 'no context-specific directive at top level' };
}

/**
 * True when the file is a main configuration: it has main-only directives, or it is named nginx.conf and
 * nothing at its top level belongs to a narrower context (docker images often ship an http-level
 * `server {}` file named nginx.conf that is mounted into conf.d/).
 */
export function looksLikeMain(ast: Config, fileName: string): boolean {
  const names = ast.children.flatMap((n) => (n.type === 'directive' ? [n.name] : []));
  if (names.some((n) => MAIN_ONLY.has(n))) return true;
  return fileName === 'nginx.conf' && !names.some((n) => HTTP_LEVEL.has(n) || SERVER_LEVEL.has(n) || LOCATION_LEVEL.has(n));
}

/**
 * Template placeholders that nginx cannot read and that break the block structure: Go/Jinja/Mustache
 * `{{ }}`, Jinja `{% %}`, ERB `<% %>`, Cloud Foundry `@{VAR}`.
 */
const TEMPLATE_MARKER_AT = /\{\{|\{%|<%|@\{[A-Za-z_]/y;

/**
 * The first line holding a template placeholder outside a comment, when the file is a template that is
 * rendered before nginx reads it (such files are skipped with a note rather than reported line by line).
 * One pass over the text without splitting it into lines: a 50 MB configuration costs no extra memory.
 */
export function templateMarkerLine(text: string): number | undefined {
  const markers = new MarkerFinder(text);
  let line = 1;
  let counted = 0;
  let at = markers.next(0);
  while (at !== -1) {
    const lineStart = text.lastIndexOf('\n', at) + 1;
    for (let nl = text.indexOf('\n', counted); nl !== -1 && nl < lineStart; nl = text.indexOf('\n', nl + 1)) line++;
    counted = lineStart;
    let first = lineStart;
    while (first < at && /\s/.test(text[first] as string)) first++;
    if (text[first] !== '#') return line;
    // A comment line: go on after it.
    const next = text.indexOf('\n', at);
    if (next === -1) return undefined;
    at = markers.next(next + 1);
  }
  return undefined;
}

/**
 * Finds template placeholders by searching for their rare characters with indexOf (`{{`, `%` for `{%` and
 * `<%`, `@` for `@{`), several times faster than a regular expression over a large file. The next
 * occurrence of each is remembered, so that going on after a comment line never searches the same text twice.
 */
class MarkerFinder {
  /** Per searched string: the offset of its next occurrence at or after the last search start; -1 none. */
  private readonly ahead: number[];

  constructor(private readonly text: string) {
    this.ahead = MARKER_SEARCHES.map(() => -2);
  }

  /** Offset of the first placeholder starting at or after `from`; -1 when there is none. */
  next(from: number): number {
    let best = -1;
    for (let k = 0; k < MARKER_SEARCHES.length; k++) {
      const { search, back } = MARKER_SEARCHES[k] as MarkerSearch;
      let at = this.ahead[k] as number;
      if (at === -2 || (at !== -1 && at - back < from)) {
        for (at = this.text.indexOf(search, from + back); at !== -1 && !this.isMarker(at - back); at = this.text.indexOf(search, at + 1));
        this.ahead[k] = at;
      }
      if (at !== -1 && (best === -1 || at - back < best)) best = at - back;
    }
    return best;
  }

  private isMarker(at: number): boolean {
    TEMPLATE_MARKER_AT.lastIndex = at;
    return TEMPLATE_MARKER_AT.test(this.text);
  }
}

interface MarkerSearch {
  readonly search: string;
  /** How far before the searched string the placeholder starts. */
  readonly back: number;
}

const MARKER_SEARCHES: readonly MarkerSearch[] = [
  { search: '{{', back: 0 },
  { search: '%', back: 1 },
  { search: '@', back: 0 },
];

const templateLines = new WeakMap<object, number | undefined>();

/** {@link templateMarkerLine} of a file's source, computed once per source (lint and rules both ask). */
export function templateLineOf(source: { readonly text: string }): number | undefined {
  if (templateLines.has(source)) return templateLines.get(source);
  const line = templateMarkerLine(source.text);
  templateLines.set(source, line);
  return line;
}

/** Whether a loaded file is a template (see {@link templateMarkerLine}); cached per file. */
export function isTemplateFile(file: { readonly source: { readonly text: string } }): boolean {
  return templateLineOf(file.source) !== undefined;
}
