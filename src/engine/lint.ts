/**
 * Linting a set of input files: each main configuration is linted with everything it includes; a snippet
 * is linted inside the main configuration that includes it (found upward from it), or else in the context
 * its top-level directives suggest. Findings from several trees are merged without duplicates, then inline
 * suppression comments apply.
 */
import * as path from 'node:path';
import { EntryError, loadConfig, type ConfigTree, type Host } from '../include/index.js';
import type { Config } from '../parser/index.js';
import type { SourceText } from '../source/index.js';
import { targetVersion, UpstreamGraph, type ContextName, type NginxVersion, type ScopeModel } from '../model/index.js';
import { inferContext, looksLikeMain, templateLineOf } from './context-inference.js';
import { FindingSet, lintTree, type EnabledRule } from './runner.js';
import { applySuppressions } from './suppressions.js';
import type { AnyRule } from './rule.js';
import type { ResolvedConfig } from './config.js';
import { loadBackends, type BackendInventory } from '../backends/index.js';
import { probeKey, probeTargetsOf, variablePassesOf, type HostState, type ProbeResult, type ProbeTarget, type UnprobedPass } from '../probe/index.js';
import type { Finding } from './types.js';

export interface LintRequest {
  /** Absolute paths of the files to lint. */
  readonly files: readonly string[];
  readonly host: Host;
  readonly config: ResolvedConfig;
  readonly rules: readonly AnyRule[];
  /** `--prefix`, else the config's `prefix`. */
  readonly prefix?: string | undefined;
  /** `--nginx-version`. */
  readonly nginxVersion?: string | undefined;
  /**
   * Finds the installed nginx's version when neither `nginxVersion` nor the config gives one and a rule asks:
   * `nginx -v` (detectInstalledVersion) by default. The lint command passes one that runs it once for all the
   * lints of a command (--fix lints again after each pass).
   */
  readonly detectVersion?: () => NginxVersion | undefined;
  /** Honour `# ngxlint-disable` comments (false with --no-inline-config). */
  readonly inlineConfig?: boolean;
  readonly reportUnusedDisableDirectives?: boolean;
  /** --backend files/globs (absolute; the config's `backends` are added) and --root. */
  readonly backends?: { readonly explicit: readonly string[]; readonly root?: string | undefined };
  /** How far up to look for a main nginx.conf that includes a snippet. */
  readonly searchLevels?: number;
  /** `--probe` results (probed before linting: rules run synchronously), by `probeKey`. */
  readonly probes?: ReadonlyMap<string, ProbeResult>;
  /** Host state read under --probe. */
  readonly hostState?: HostState;
}

export interface LintResult {
  readonly findings: Finding[];
  /** Every file read, for code frames. */
  readonly sources: ReadonlyMap<string, SourceText>;
  /** The input files, for reporters that list clean files too. */
  readonly files: readonly string[];
  /** One-line notes for stderr (context inference, encodings, templates), each about one file. */
  readonly notes: { readonly file: string; readonly message: string }[];
  /** Inputs that could not be read: one line each; the run exits 2. */
  readonly ioErrors: string[];
  /** Files included from more than one place: a fix there would change every site at once. */
  readonly multiIncluded: ReadonlySet<string>;
  /** Backend files read, when a rule needed them. */
  readonly backendFiles: readonly string[];
}

/**
 * The TCP and unix targets named by the configurations a lint of `request` would load (pass sites and
 * upstream servers, without variables): what --probe may connect to, and nothing else. The passes left out
 * because their targets have variables go to `unprobed`, when given.
 */
export function listProbeTargets(request: LintRequest, unprobed?: UnprobedPass[]): ProbeTarget[] {
  const targets = new Map<string, ProbeTarget>();
  const seen = new Set<string>();
  lint({ ...request, rules: [], probes: undefined }, (model) => {
    const graph = new UpstreamGraph(model);
    for (const t of probeTargetsOf(graph)) if (!targets.has(probeKey(t))) targets.set(probeKey(t), t);
    if (unprobed === undefined) return;
    for (const p of variablePassesOf(graph)) {
      const key = `${p.file}:${p.line}:${p.column}`;
      if (!seen.has(key)) (seen.add(key), unprobed.push(p));
    }
  });
  return [...targets.values()];
}

/** Loads, lints and suppresses; never throws for bad input. `onModel` sees each configuration linted. */
export function lint(request: LintRequest, onModel?: (model: ScopeModel) => void): LintResult {
  const { host, config } = request;
  const prefix = request.prefix ?? (config.prefix === undefined ? undefined : path.resolve(config.baseDir, config.prefix));
  const enabled: EnabledRule[] = [];
  for (const rule of request.rules) {
    const setting = config.rules.get(rule.name);
    if (setting !== undefined) enabled.push({ rule, severity: setting.severity, options: setting.options });
  }
  let version: NginxVersion | undefined;
  const getVersion = (): NginxVersion => (version ??= targetVersion(request.nginxVersion, config.nginxVersion, request.detectVersion));
  const extraDirectives = new Set(config.directives);
  /** `--root`, else the config's `root`: the server's `/` for backend files and absolute includes. */
  const root = request.backends?.root ?? (config.root === undefined ? undefined : path.resolve(config.baseDir, config.root));
  let inventory: BackendInventory | undefined;
  /** Read once, on first use by a rule; an unreadable explicit file throws BackendFileError (exit 2). */
  const getBackends = (): BackendInventory =>
    (inventory ??= loadBackends({
      host,
      explicit: [...(request.backends?.explicit ?? []), ...config.backends.map((b) => path.resolve(config.baseDir, b))],
      root,
      near: request.files.map((f) => path.dirname(f)),
    }));

  // Files named explicitly are read up front, so that a wrong --backend is an error even when no rule asks.
  if ((request.backends?.explicit.length ?? 0) > 0 || config.backends.length > 0) getBackends();

  const findings: Finding[] = [];
  /**
   * The findings kept so far, for dropping those a tree linted earlier reported too; built when a second tree
   * is linted (one tree's findings are distinct already).
   */
  let seen: FindingSet | undefined;
  let treesRun = 0;
  const sources = new Map<string, SourceText>();
  const asts = new Map<string, Config>();
  const notes: { file: string; message: string }[] = [];
  const ioErrors: string[] = [];
  const lintedTrees = new Set<string>();
  const mainCache = new Map<string, ConfigTree | null>();

  const load = (entry: string, entryPrefix: string | undefined): ConfigTree | undefined => {
    try {
      return loadConfig(entry, { host, root, ...(entryPrefix !== undefined ? { prefix: entryPrefix } : {}) });
    } catch (e) {
      if (e instanceof EntryError) {
        ioErrors.push(e.message);
        return undefined;
      }
      throw e;
    }
  };

  const templates = new Set<string>();
  const multiIncluded = new Set<string>();
  const run = (tree: ConfigTree, rootContext: ContextName, keep: (f: Finding) => boolean): void => {
    for (const file of tree.files.values()) {
      if (file.sites.length > 1) multiIncluded.add(file.path);
      if (!sources.has(file.path)) {
        sources.set(file.path, file.source);
        asts.set(file.path, file.ast);
        if (file.source.encodingNote) notes.push({ file: file.path, message: file.source.encodingNote });
        const templateLine = file.path === tree.entry ? undefined : templateLineOf(file.source);
        if (templateLine !== undefined) {
          templates.add(file.path);
          notes.push({ file: file.path, message: `included file looks like a template (placeholder at line ${templateLine}); its findings are not reported` });
        }
      }
    }
    const result = lintTree(tree, { rules: enabled, rootContext, version: getVersion, extraDirectives, backends: getBackends, probes: request.probes, hostState: request.hostState });
    onModel?.(result.model);
    if (++treesRun === 2) {
      seen = new FindingSet();
      for (const f of findings) seen.add(f);
    }
    for (const f of result.findings) {
      if (!keep(f) || templates.has(f.file)) continue;
      if (seen === undefined || seen.add(f)) findings.push(f);
    }
  };

  /** The tree's files by real path, built when a snippet is not in a tree under the name it was given. */
  const realPaths = new Map<ConfigTree, Map<string, string>>();
  /**
   * The name under which `tree` includes `file`: that name, or another one for the same file, such as the
   * `sites-enabled/shop` symlink of `sites-available/shop`.
   */
  const nameInTree = (tree: ConfigTree, file: string): string | undefined => {
    if (tree.files.has(file)) return file;
    if (host.realpath === undefined) return undefined;
    const real = host.realpath(file);
    if (real === undefined) return undefined;
    let byReal = realPaths.get(tree);
    if (byReal === undefined) {
      realPaths.set(tree, (byReal = new Map()));
      for (const name of tree.files.keys()) {
        const r = host.realpath(name);
        if (r !== undefined && !byReal.has(r)) byReal.set(r, name);
      }
    }
    return byReal.get(real);
  };

  /** A main nginx.conf in the snippet's directory or above that includes it. */
  const findMain = (snippet: string): ConfigTree | undefined => {
    let dir = path.dirname(snippet);
    for (let level = 0; level <= (request.searchLevels ?? 3); level++) {
      const candidate = path.join(dir, 'nginx.conf');
      if (candidate !== snippet && host.stat(candidate)?.kind === 'file') {
        let tree = mainCache.get(candidate);
        if (tree === undefined) {
          tree = load(candidate, prefix) ?? null;
          mainCache.set(candidate, tree);
        }
        if (tree !== null && nameInTree(tree, snippet) !== undefined) return tree;
      }
      const parent = path.dirname(dir);
      if (parent === dir) break;
      dir = parent;
    }
    return undefined;
  };

  for (const file of request.files) {
    const tree = load(file, prefix);
    if (tree === undefined) continue;
    const entry = tree.files.get(tree.entry);
    if (entry === undefined) continue;
    const templateLine = templateLineOf(entry.source);
    if (templateLine !== undefined) {
      notes.push({ file, message: `looks like a template (placeholder at line ${templateLine}), not an nginx configuration; render it first, then lint the result` });
      continue;
    }
    if (looksLikeMain(entry.ast, path.basename(file))) {
      if (lintedTrees.has(tree.entry)) continue;
      lintedTrees.add(tree.entry);
      run(tree, 'main', () => true);
      continue;
    }
    const main = findMain(file);
    if (main !== undefined) {
      const key = `${main.entry}#snippets`;
      if (!lintedTrees.has(main.entry) && !lintedTrees.has(key)) {
        // Lint the whole main tree once; report only what concerns the files that were asked for, under the
        // names the tree includes them by (a fix then edits the file the symlink points to, see writeFileAtomic).
        const asked = new Set(request.files.map((f) => nameInTree(main, f) ?? f));
        run(main, 'main', (f) => asked.has(f.file));
        lintedTrees.add(key);
      }
      continue;
    }
    const inferred = inferContext(entry.ast);
    notes.push({ file, message: `no main nginx.conf found that includes it; linted as ${inferred.context} context (${inferred.because})` });
    // Without a known prefix, relative includes of a lone snippet cannot be resolved reliably.
    const prefixKnown = prefix !== undefined;
    run(tree, inferred.context, (f) => prefixKnown || f.ruleId !== 'include-not-found');
  }

  let kept = findings;
  if (request.inlineConfig !== false) {
    const result = applySuppressions(findings, asts, {
      reportUnused: request.reportUnusedDisableDirectives === true,
      knownRules: new Set(request.rules.map((r) => r.name)),
    });
    kept = [...result.kept, ...result.problems];
  }
  notes.push(...(inventory?.problems ?? []));
  return { findings: kept, sources, files: request.files, notes, ioErrors, multiIncluded, backendFiles: inventory?.filesRead ?? [] };
}
