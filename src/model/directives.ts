/**
 * The directive table: every directive of the official nginx reference (`@nginx/reference-lib`), with
 * the contexts it is allowed in, its argument-count bounds, whether it opens a block, whether it may
 * repeat in one block, and its documented default.
 *
 * The data lives in `directives.generated.json`, written by `npm run build:directives`
 * (scripts/build-directives.mjs, which documents the JSON's compact keys and how each field is derived).
 *
 * Where the JSON is read from: `tsc` does not copy JSON into `dist/`, so the file is shipped as
 * `src/model/directives.generated.json` (package.json "files" lists `src/model/*.json`) and this module
 * looks for it next to itself first — which is where it is when running from `src/` (vitest, tsx) — and
 * then at `../../../src/model/` — which is where it is from `dist/src/model/directives.js`. It is read
 * with `fs.readFileSync` rather than a JSON import so that (a) the same code works from both places and
 * (b) nothing is read or parsed until the first lookup: loading this module costs nothing, which keeps
 * CLI startup fast for commands that never consult the table. Even then only the lines of the directives
 * looked up are parsed (see {@link indexLines}).
 */

import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

// ---------------------------------------------------------------------------------------------------------
// Types

/** Contexts whose bodies hold directives. */
export const DIRECTIVE_CONTEXTS = [
  'main',
  'events',
  'http',
  /** `server` inside `http`. */
  'server',
  'location',
  /** `if` inside an http `server`. */
  'if-in-server',
  /** `if` inside a `location`. */
  'if-in-location',
  'limit_except',
  /** `upstream` inside `http`. */
  'upstream',
  'stream',
  'stream-server',
  'stream-upstream',
  'mail',
  'mail-server',
  /** NGINX Plus licensing block (`mgmt { }` in main). */
  'mgmt',
  /** `acme_issuer name { }` in http. */
  'acme_issuer',
  /** `oidc_provider name { }` in http (NGINX Plus). */
  'oidc_provider',
] as const;

/**
 * Contexts opened by blocks whose bodies are free-form tables rather than directives (`map`, `geo`,
 * `types`, ...). The reference lists no directive for them; only `include` is allowed in every context.
 */
export const FREEFORM_CONTEXTS = [
  'types',
  'map',
  'geo',
  'num_map',
  'split_clients',
  'charset_map',
  'match',
  'otel_exporter',
] as const;

export const CONTEXT_NAMES = [...DIRECTIVE_CONTEXTS, ...FREEFORM_CONTEXTS] as const;

export type DirectiveContextName = (typeof DIRECTIVE_CONTEXTS)[number];
export type FreeformContextName = (typeof FREEFORM_CONTEXTS)[number];
export type ContextName = DirectiveContextName | FreeformContextName;

/**
 * Which part of nginx defines a directive: `core` (main/events and `include`), `http`, `stream`,
 * `mail`, or `mgmt` (NGINX Plus licensing). Modules outside `ngx_{http,stream,mail}_*` are placed by what
 * they configure: `ngx_otel_module` is http, `ngx_google_perftools_module` is core.
 */
export type DirectiveFamily = 'core' | 'http' | 'stream' | 'mail' | 'mgmt';

/** The directive as one module defines it. */
export interface DirectiveVariant {
  /** e.g. `ngx_http_proxy_module`; the reference's "Core functionality" is `ngx_core_module`. */
  readonly module: string;
  readonly family: DirectiveFamily;
  /** Contexts it may appear in. */
  readonly contexts: readonly ContextName[];
  /** Takes a `{ ... }` block. */
  readonly block: boolean;
  /**
   * For blocks, the context of the body; null for `if`, whose body is `if-in-server` or
   * `if-in-location` depending on the parent (see {@link childContext}), and for simple directives.
   */
  readonly opens: ContextName | null;
  /** Fewest arguments (the block is not an argument). */
  readonly minArgs: number;
  /** Most arguments; null when unbounded. */
  readonly maxArgs: number | null;
  /**
   * May appear more than once in the same block: each occurrence adds values (`add_header`,
   * `proxy_set_header`, `allow`, `*_hide_header`, bit masks such as `proxy_next_upstream`) or defines
   * another named object (`location`, `upstream`, `limit_req_zone`, `set`). False means a second
   * occurrence is an error ("is duplicate") or silently overrides the first.
   */
  readonly repeatable: boolean;
  /** Documented default, verbatim (e.g. `8 4k|8k`: platform-dependent); null when none. */
  readonly default: string | null;
  /** Documented syntax lines (without the name), plain text; empty for directives without arguments. */
  readonly syntax: readonly string[];
}

/**
 * Everything known about one directive name. The same name can be defined by several modules
 * (`server` by http core, upstream, stream, mail; `proxy_pass` by http and stream proxy); the
 * top-level fields merge them, and {@link variantFor} picks the variant that applies in a context.
 */
export interface DirectiveSpec {
  readonly name: string;
  /** Defining modules, in reference order. */
  readonly modules: readonly string[];
  /** Union of the variants' contexts. */
  readonly contexts: readonly ContextName[];
  /** Smallest minArgs of the variants. */
  readonly minArgs: number;
  /** Largest maxArgs of the variants; null when any is unbounded. */
  readonly maxArgs: number | null;
  /** `always` / `never` a block, or `depends` on the context (`server` is a block except in `upstream`). */
  readonly block: 'always' | 'never' | 'depends';
  /** As {@link DirectiveVariant.repeatable}, merged the same way. */
  readonly repeatable: 'always' | 'never' | 'depends';
  /** Distinct documented defaults of the variants. */
  readonly defaults: readonly string[];
  /** At least one. */
  readonly variants: readonly DirectiveVariant[];
}

// ---------------------------------------------------------------------------------------------------------
// Loading

/** The JSON's compact variant, as written by scripts/build-directives.mjs. */
interface RawVariant {
  m: string;
  f: DirectiveFamily;
  c: string[];
  a: [number, number | null];
  b?: 1;
  o?: string;
  r?: 1;
  d?: string;
  s?: string[];
}

interface RawTable {
  source: string;
  contexts: string[];
  freeformContexts: string[];
  directives: Record<string, RawVariant[]>;
}

const JSON_NAME = 'directives.generated.json';

/** Where the JSON is: beside this file (running from src/), or in src/model/ seen from dist/src/model/. */
function locateTable(): string {
  const candidates = [
    new URL(`./${JSON_NAME}`, import.meta.url),
    new URL(`../../../src/model/${JSON_NAME}`, import.meta.url),
  ].map((u) => fileURLToPath(u));
  for (const path of candidates) {
    if (existsSync(path)) return path;
  }
  throw new Error(`ngxlint: directive table ${JSON_NAME} not found (looked in ${candidates.join(', ')})`);
}

const CONTEXT_SET: ReadonlySet<string> = new Set(CONTEXT_NAMES);
const FAMILIES: ReadonlySet<string> = new Set(['core', 'http', 'stream', 'mail', 'mgmt']);

function asContext(c: string, where: string): ContextName {
  if (!CONTEXT_SET.has(c)) throw new Error(`ngxlint: directive table: unknown context "${c}" in ${where}`);
  return c as ContextName;
}

function tri(values: readonly boolean[]): 'always' | 'never' | 'depends' {
  return values.every((v) => v) ? 'always' : values.some((v) => v) ? 'depends' : 'never';
}

function buildSpec(name: string, raws: readonly RawVariant[]): DirectiveSpec {
  if (raws.length === 0) throw new Error(`ngxlint: directive table: "${name}" has no variant`);
  const variants = raws.map((r): DirectiveVariant => {
    if (!FAMILIES.has(r.f)) throw new Error(`ngxlint: directive table: unknown family "${r.f}" of "${name}"`);
    return {
      module: r.m,
      family: r.f,
      contexts: r.c.map((c) => asContext(c, name)),
      block: r.b === 1,
      opens: r.o === undefined ? null : asContext(r.o, name),
      minArgs: r.a[0],
      maxArgs: r.a[1],
      repeatable: r.r === 1,
      default: r.d ?? null,
      syntax: r.s ?? [],
    };
  });
  const contexts = new Set<ContextName>();
  for (const v of variants) for (const c of v.contexts) contexts.add(c);
  return {
    name,
    modules: [...new Set(variants.map((v) => v.module))],
    contexts: CONTEXT_NAMES.filter((c) => contexts.has(c)),
    minArgs: Math.min(...variants.map((v) => v.minArgs)),
    maxArgs: variants.some((v) => v.maxArgs === null)
      ? null
      : Math.max(...variants.map((v) => v.maxArgs ?? 0)),
    block: tri(variants.map((v) => v.block)),
    repeatable: tri(variants.map((v) => v.repeatable)),
    defaults: [...new Set(variants.flatMap((v) => (v.default === null ? [] : [v.default])))],
    variants,
  };
}

/**
 * The table, with each spec built on its first lookup: a lint consults a few dozen of the ~800 directives, and
 * building them all cost more than the rest of a small lint.
 */
interface Table {
  /** The variants of `name` as the JSON has them; undefined when the table does not know it. */
  readonly raw: (name: string) => readonly RawVariant[] | undefined;
  readonly names: () => readonly string[];
  readonly source: () => string;
  readonly specs: Map<string, DirectiveSpec | null>;
}

let table: Table | null = null;

function load(): Table {
  if (table) return table;
  const text = readFileSync(locateTable(), 'utf8');
  const lines = indexLines(text);
  table = lines === undefined ? parsedTable(JSON.parse(text) as RawTable) : lineTable(text, lines);
  return table;
}

function parsedTable(json: RawTable): Table {
  const names = Object.keys(json.directives).sort();
  return {
    raw: (name) => (Object.hasOwn(json.directives, name) ? json.directives[name] : undefined),
    names: () => names,
    source: () => json.source,
    specs: new Map(),
  };
}

/**
 * The table read line by line: JSON.parse of all of its 130 KB took a few milliseconds of every start, more
 * than finding the lines and parsing the few dozen a lint asks for.
 */
function lineTable(text: string, lines: ReadonlyMap<string, readonly [number, number]>): Table {
  let names: readonly string[] | undefined;
  return {
    raw: (name) => {
      const at = lines.get(name);
      return at === undefined ? undefined : (JSON.parse(text.slice(at[0], at[1])) as RawVariant[]);
    },
    names: () => (names ??= [...lines.keys()].sort()),
    source: () => (JSON.parse(text) as RawTable).source,
    specs: new Map(),
  };
}

const DIRECTIVES_OPEN = '\n  "directives": {\n';
const DIRECTIVES_CLOSE = '  }\n}\n';
const LINE_START = '    "';

/**
 * Where each directive's variants are in the JSON text, which scripts/build-directives.mjs writes one directive
 * per line below `"directives": {` (`    "name": [...],`; test/model/directives.test.ts checks the file is its
 * output); undefined when the text is laid out otherwise, and then it is parsed whole. Exported for tests.
 */
export function indexLines(text: string): Map<string, [number, number]> | undefined {
  const open = text.indexOf(DIRECTIVES_OPEN);
  if (open === -1) return undefined;
  const lines = new Map<string, [number, number]>();
  let line = open + DIRECTIVES_OPEN.length;
  while (text.startsWith(LINE_START, line)) {
    const eol = text.indexOf('\n', line);
    const colon = text.indexOf('": [', line);
    if (eol === -1 || colon === -1 || colon > eol) return undefined;
    const name = text.slice(line + LINE_START.length, colon);
    // A name with an escape or a quote in it reads differently as JSON.
    if (name.includes('\\') || name.includes('"')) return undefined;
    const end = text.charCodeAt(eol - 1) === 0x2c /* , */ ? eol - 1 : eol;
    if (text.charCodeAt(end - 1) !== 0x5d /* ] */) return undefined;
    lines.set(name, [colon + 3, end]);
    line = eol + 1;
  }
  return text.slice(line) === DIRECTIVES_CLOSE ? lines : undefined;
}

// ---------------------------------------------------------------------------------------------------------
// API

/** The directive named `name`, or undefined when the reference does not know it (third-party modules). */
export function getDirective(name: string): DirectiveSpec | undefined {
  const { raw, specs } = load();
  let spec = specs.get(name);
  if (spec === undefined) {
    // Unknown names are remembered too (as null): map and types blocks hold thousands of them.
    const variants = raw(name);
    spec = variants === undefined ? null : buildSpec(name, variants);
    specs.set(name, spec);
  }
  return spec ?? undefined;
}

/** Every directive name, sorted. */
export function allDirectiveNames(): readonly string[] {
  return load().names();
}

/** Where the table came from, e.g. `@nginx/reference-lib@1.1.41`. */
export function directiveTableSource(): string {
  return load().source();
}

/** Whether the table has been read yet (it is read on the first lookup, not on import). */
export function isLoaded(): boolean {
  return table !== null;
}

/** The variant of `spec` allowed in `context`, or undefined when the directive is not allowed there. */
export function variantFor(spec: DirectiveSpec, context: ContextName): DirectiveVariant | undefined {
  const variants = spec.variants;
  for (let i = 0; i < variants.length; i++) {
    const v = variants[i] as DirectiveVariant;
    if (v.contexts.includes(context)) return v;
  }
  return undefined;
}

/** Shorthand for `variantFor(getDirective(name), context)`. */
export function getDirectiveIn(name: string, context: ContextName): DirectiveVariant | undefined {
  const spec = getDirective(name);
  return spec && variantFor(spec, context);
}

/**
 * The context of the body of block directive `variant` written in `parent`: `http` for `http { }`,
 * `stream-upstream` for a stream `upstream { }`, `if-in-location` for an `if` in a location, `map` for
 * a `map { }`... Undefined for simple directives and for an `if` outside server/location.
 */
export function childContext(variant: DirectiveVariant, parent: ContextName): ContextName | undefined {
  if (!variant.block) return undefined;
  if (variant.opens !== null) return variant.opens;
  if (parent === 'server') return 'if-in-server';
  if (parent === 'location') return 'if-in-location';
  return undefined;
}

/** True for the bodies of `map`, `geo`, `types` and the like, which hold table rows, not directives. */
export function isFreeformContext(context: ContextName): context is FreeformContextName {
  return (FREEFORM_CONTEXTS as readonly string[]).includes(context);
}

/** Whether `n` arguments fit the variant's bounds. */
export function argCountFits(variant: DirectiveVariant, n: number): boolean {
  return n >= variant.minArgs && (variant.maxArgs === null || n <= variant.maxArgs);
}
