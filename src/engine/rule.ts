/**
 * What a rule is: metadata, messages by id, declarative options, and `create(context)` returning visitors
 * keyed by directive name, plus `file` and `tree:exit` hooks for cross-file checks.
 */
import type { Span } from '../source/index.js';
import type { ConfigTree, LoadedFile } from '../include/index.js';
import type { DirectiveNode, NginxVersion, ScopeModel, UpstreamGraph } from '../model/index.js';
import type { BackendInventory, BackendSource } from '../backends/index.js';
import type { HostState, ProbeResult } from '../probe/index.js';
import type { Fix, OptionsSpec, OptionValues, RuleMetaBase } from './types.js';

/** A place in a file: a directive (its whole span unless `span` narrows it) or an explicit range. */
export type Locus = { readonly node: DirectiveNode; readonly span?: Span } | { readonly file: LoadedFile; readonly span: Span };

export interface RelatedDescriptor {
  /** A place in the nginx configuration, or a line in a backend file (`{ backend: listener.source }`). */
  readonly at: Locus | { readonly backend: BackendSource };
  readonly message: string;
}

/** Argument `index` of a directive as a report location; the whole directive when the argument is missing. */
export function argLocus(node: DirectiveNode, index = 0): Locus {
  const arg = node.directive.args[index];
  return arg === undefined ? { node } : { node, span: arg.span };
}

export type MessageData = Readonly<Record<string, string | number>>;

export interface ReportDescriptor<M extends string> {
  readonly messageId: M;
  /** Values for the message's `{{placeholders}}`. */
  readonly data?: MessageData;
  readonly at: Locus;
  readonly related?: readonly RelatedDescriptor[];
  readonly fix?: Fix;
}

export interface RuleContext<M extends string, O> {
  readonly ruleId: string;
  /** The rule's options, validated and defaulted (sizes in bytes, times in milliseconds). */
  readonly options: O;
  readonly tree: ConfigTree;
  readonly model: ScopeModel;
  /** Built on first use. */
  readonly upstreams: UpstreamGraph;
  /** The target nginx version; detected on first use. */
  readonly version: NginxVersion;
  /** The backends' own configuration (--backend, --root, files next to the config); read on first use. */
  readonly backends: BackendInventory;
  /**
   * `--probe` results by address as nginx prints it (`unix:/path`, `127.0.0.1:9000`, `[::1]:9000`,
   * `host:port`); empty without --probe.
   */
  readonly probes: ReadonlyMap<string, ProbeResult>;
  /** Host state read under --probe (SELinux); empty otherwise. */
  readonly hostState: HostState;
  /** Third-party directives declared in the config (`directives: [...]`). */
  readonly extraDirectives: ReadonlySet<string>;
  report(descriptor: ReportDescriptor<M>): void;
}

export type DirectiveVisitor = (node: DirectiveNode) => void;

export interface RuleVisitors {
  /** Called for every directive with that name, in document order; `'*'` is called for every directive. */
  readonly directives?: Readonly<Record<string, DirectiveVisitor>>;
  /** Called once for every loaded file, before the directives. */
  readonly file?: (file: LoadedFile) => void;
  /** Called after every directive was visited. */
  readonly 'tree:exit'?: () => void;
}

export interface RuleDefinition<M extends string = string, S extends OptionsSpec = OptionsSpec> extends RuleMetaBase {
  /** Message templates by id; `{{name}}` is replaced from the report's data. */
  readonly messages: Readonly<Record<M, string>>;
  readonly options?: S;
  /** The rule's README, relative to the package root (set by the registry). */
  create(context: RuleContext<M, OptionValues<S>>): RuleVisitors;
}

/** Any rule, whatever its message ids and options. */
export type AnyRule = RuleDefinition<string, OptionsSpec>;

/** Identity function that gives a rule definition its precise types. */
export function defineRule<M extends string, S extends OptionsSpec = Record<never, never>>(definition: RuleDefinition<M, S>): RuleDefinition<M, S> {
  return definition;
}

/** Fills `{{name}}` placeholders; a placeholder without data is left as written. */
export function formatMessage(template: string, data: MessageData | undefined): string {
  if (data === undefined) return template;
  const parts = templateParts(template);
  let out = parts[0] as string;
  for (let i = 1; i < parts.length; i += 3) {
    const key = parts[i + 1] as string;
    out += (key in data ? String(data[key]) : (parts[i] as string)) + (parts[i + 2] as string);
  }
  return out;
}

const PLACEHOLDER = /\{\{\s*(\w+)\s*\}\}/g;

/** A template split once: text, then per placeholder its whole text, its key and the text after it. */
const templates = new Map<string, readonly string[]>();

function templateParts(template: string): readonly string[] {
  let parts = templates.get(template);
  if (parts === undefined) {
    const split: string[] = [];
    let last = 0;
    for (const m of template.matchAll(PLACEHOLDER)) {
      split.push(template.slice(last, m.index), m[0], m[1] as string);
      last = m.index + m[0].length;
    }
    split.push(template.slice(last));
    templates.set(template, (parts = split));
  }
  return parts;
}
