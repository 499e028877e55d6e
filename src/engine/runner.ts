/**
 * Runs rules over one loaded configuration: builds the model once, then one traversal of the expanded
 * configuration dispatches each directive to the visitors of every enabled rule.
 */
import type { ConfigTree, LoadedFile } from '../include/index.js';
import type { Span } from '../source/index.js';
import { ScopeModel, UpstreamGraph, type ContextName, type DirectiveNode, type NginxVersion } from '../model/index.js';
import { EMPTY_INVENTORY, type BackendInventory } from '../backends/index.js';
import type { HostState, ProbeResult } from '../probe/index.js';
import { formatMessage, type AnyRule, type DirectiveVisitor, type Locus, type ReportDescriptor, type RuleContext, type RuleVisitors } from './rule.js';
import type { Finding, Point, RelatedLocation, Severity } from './types.js';

interface Visitor {
  readonly id: string;
  readonly visit: DirectiveVisitor;
}

export interface EnabledRule {
  readonly rule: AnyRule;
  readonly severity: Severity;
  readonly options: Readonly<Record<string, unknown>>;
}

export interface LintTreeOptions {
  readonly rules: readonly EnabledRule[];
  /** Context of the entry file's top level: 'main' for nginx.conf, else inferred for snippets. */
  readonly rootContext?: ContextName;
  readonly version: () => NginxVersion;
  readonly extraDirectives?: ReadonlySet<string>;
  /** The backend inventory, loaded on first use; default: none. */
  readonly backends?: () => BackendInventory;
  /** `--probe` results by address (see RuleContext.probes); default: none. */
  readonly probes?: ReadonlyMap<string, ProbeResult>;
  readonly hostState?: HostState;
}

export interface LintTreeResult {
  readonly findings: Finding[];
  readonly model: ScopeModel;
}

export function lintTree(tree: ConfigTree, options: LintTreeOptions): LintTreeResult {
  const model = new ScopeModel(tree, options.rootContext ?? 'main');
  let upstreams: UpstreamGraph | undefined;
  let version: NginxVersion | undefined;
  const extraDirectives = options.extraDirectives ?? new Set<string>();
  const probes = options.probes ?? new Map<string, ProbeResult>();
  const findings: Finding[] = [];
  const seen = new FindingSet();
  /** Rules that threw: reported once, then not called again. */
  const crashed = new Set<string>();
  const guard = <T>(id: string, fn: () => T): T | undefined => {
    if (crashed.has(id)) return undefined;
    try {
      return fn();
    } catch (e) {
      crashed.add(id);
      findings.push(crashFinding(id, e, tree));
      return undefined;
    }
  };

  const active: { id: string; visitors: RuleVisitors }[] = [];
  for (const enabled of options.rules) {
    const id = enabled.rule.name;
    const context: RuleContext<string, unknown> = {
      ruleId: id,
      options: enabled.options,
      tree,
      model,
      get upstreams() {
        return (upstreams ??= new UpstreamGraph(model));
      },
      get version() {
        return (version ??= options.version());
      },
      get backends() {
        return options.backends ? options.backends() : EMPTY_INVENTORY;
      },
      extraDirectives,
      probes,
      hostState: options.hostState ?? {},
      report(descriptor: ReportDescriptor<string>) {
        const finding = toFinding(enabled, descriptor);
        if (seen.add(finding)) findings.push(finding);
      },
    };
    const visitors = guard(id, () => enabled.rule.create(context as RuleContext<string, never>));
    if (visitors !== undefined) active.push({ id, visitors });
  }

  const byName = new Map<string, Visitor[]>();
  const any: Visitor[] = [];
  for (const { id, visitors } of active) {
    for (const [name, visit] of Object.entries(visitors.directives ?? {})) {
      if (name === '*') any.push({ id, visit });
      else {
        let list = byName.get(name);
        if (list === undefined) byName.set(name, (list = []));
        list.push({ id, visit });
      }
    }
  }

  for (const file of tree.files.values()) {
    for (const { id, visitors } of active) {
      const hook = visitors.file;
      if (hook) guard(id, () => hook(file));
    }
  }
  // The hot loop of a lint: no closure per call, and a rule that threw is skipped from then on.
  const visitAll = (list: readonly Visitor[], node: DirectiveNode): void => {
    for (let i = 0; i < list.length; i++) {
      const { id, visit } = list[i] as Visitor;
      if (crashed.size !== 0 && crashed.has(id)) continue;
      try {
        visit(node);
      } catch (e) {
        crashed.add(id);
        findings.push(crashFinding(id, e, tree));
      }
    }
  };
  /** Per directive name, its visitors and then the `'*'` ones: one list to run per node (built on first sight of a name). */
  const dispatch = new Map<string, readonly Visitor[]>();
  const nodes = model.nodes;
  for (let n = 0; n < nodes.length; n++) {
    const node = nodes[n] as DirectiveNode;
    let list = dispatch.get(node.name);
    if (list === undefined) {
      const named = byName.get(node.name);
      list = named === undefined ? any : [...named, ...any];
      dispatch.set(node.name, list);
    }
    if (list.length !== 0) visitAll(list, node);
  }
  for (const { id, visitors } of active) {
    const hook = visitors['tree:exit'];
    if (hook) guard(id, hook);
  }
  return { findings, model };
}

/**
 * Findings by rule, file, span and message, to drop a repeated report. Indexed by file and start offset
 * rather than by a key string per finding: a report costs no string building.
 */
export class FindingSet {
  private readonly byFile = new Map<string, Map<number, Finding[]>>();

  /** Adds the finding; false when an equal one (same rule, file, span and message) is already there. */
  add(finding: Finding): boolean {
    let byStart = this.byFile.get(finding.file);
    if (byStart === undefined) this.byFile.set(finding.file, (byStart = new Map()));
    const here = byStart.get(finding.span.start);
    if (here === undefined) {
      byStart.set(finding.span.start, [finding]);
      return true;
    }
    for (const f of here) {
      if (f.span.end === finding.span.end && f.ruleId === finding.ruleId && f.message === finding.message) return false;
    }
    here.push(finding);
    return true;
  }
}

/** A rule that throws must not take the run down: its exception becomes one error finding. */
function crashFinding(id: string, e: unknown, tree: ConfigTree): Finding {
  const entry = tree.files.get(tree.entry) as LoadedFile;
  const point: Point = { line: 1, column: 1, offset: 0 };
  return {
    ruleId: 'internal-error',
    severity: 'error',
    messageId: 'crashed',
    message: `rule "${id}" crashed: ${e instanceof Error ? e.message : String(e)} (please report this)`,
    file: entry.path,
    span: { start: 0, end: 0 },
    start: point,
    end: point,
    related: [],
    fix: undefined,
  };
}

function resolveLocus(locus: Locus): { file: LoadedFile; span: Span } {
  if ('node' in locus) return { file: locus.node.file, span: locus.span ?? locus.node.directive.span };
  return { file: locus.file, span: locus.span };
}

function point(file: LoadedFile, offset: number): Point {
  const p = file.source.positionAt(offset);
  return { line: p.line, column: p.column, offset: p.offset };
}

function toFinding(enabled: EnabledRule, descriptor: ReportDescriptor<string>): Finding {
  const template = enabled.rule.messages[descriptor.messageId];
  if (template === undefined) throw new Error(`rule "${enabled.rule.name}" reported unknown messageId "${descriptor.messageId}"`);
  const { file, span } = resolveLocus(descriptor.at);
  const related: RelatedLocation[] = (descriptor.related ?? []).map((r) => {
    if ('backend' in r.at) {
      // A backend file is not loaded as nginx configuration: its position is all there is (offset 0).
      const b = r.at.backend;
      return { file: b.file, start: { line: b.line, column: b.column, offset: 0 }, end: { line: b.line, column: b.endColumn, offset: 0 }, message: r.message };
    }
    const at = resolveLocus(r.at);
    return { file: at.file.path, start: point(at.file, at.span.start), end: point(at.file, at.span.end), message: r.message };
  });
  return {
    ruleId: enabled.rule.name,
    severity: enabled.severity,
    messageId: descriptor.messageId,
    message: formatMessage(template, descriptor.data),
    file: file.path,
    span,
    start: point(file, span.start),
    end: point(file, span.end),
    related,
    fix: descriptor.fix,
  };
}
