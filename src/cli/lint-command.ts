import { randomUUID } from 'node:crypto';
import * as path from 'node:path';
import { isStdinPath, overlayHost, pathMatches, type Host } from '../include/index.js';
import { ConfigError, loadResolvedConfig, printableConfig, type RuleInfo } from '../engine/config.js';
import { lint, listProbeTargets, type LintRequest, type LintResult } from '../engine/lint.js';
import type { FixMode } from './fix-command.js';
import type { AnyRule } from '../engine/rule.js';
import type { RuleLevel } from '../engine/types.js';
import { formatFindings, formatGithub, type ReportContext, type ReportFormat } from '../report/index.js';
import { detectInstalledVersion, NginxVersion, parseTime } from '../model/index.js';
import { DEFAULT_PROBE_CONCURRENCY, DEFAULT_PROBE_TIMEOUT_MS, defaultDeadlineMs, probe, readHostState, type ProbeResult, type UnprobedPass } from '../probe/index.js';
import { BackendFileError } from '../backends/index.js';
import { expandInputs } from './inputs.js';
import { EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, type CliIo } from './io.js';
import { readRuleReadme, ruleDocsUrl } from './rule-docs.js';
import { version } from './version.js';

export interface LintCommandOptions {
  readonly files: readonly string[];
  readonly prefix: string | undefined;
  /** Undefined when not given: stylish, plus annotations under GitHub Actions. */
  readonly format: ReportFormat | undefined;
  readonly outputFile: string | undefined;
  readonly maxWarnings: number | undefined;
  readonly quiet: boolean;
  /** `--rule name:level`, repeatable. */
  readonly rule: readonly string[];
  readonly color: boolean | undefined;
  readonly config: string | undefined;
  readonly noConfig: boolean;
  readonly printConfig: boolean;
  readonly stdin: boolean;
  readonly stdinFilename: string | undefined;
  readonly nginxVersion: string | undefined;
  readonly inlineConfig: boolean;
  readonly reportUnusedDisableDirectives: boolean;
  /** `--fix`: apply safe fixes in place. */
  readonly fix: boolean;
  /** `--unsafe-fixes`: also apply unsafe fixes (with --fix, --diff or --output-dir). */
  readonly unsafeFixes: boolean;
  /** `--diff` or `--fix-dry-run`: print the diff, write nothing. */
  readonly diff: boolean;
  readonly outputDir: string | undefined;
  readonly showFixes: boolean;
  /** `--backend FILE|GLOB`, repeatable. */
  readonly backend: readonly string[];
  readonly root: string | undefined;
  /** `--probe`: connect to the addresses the config names before linting (upstream-unreachable). */
  readonly probe?: boolean;
  /** `--probe-timeout`: ms, or an nginx time (`500ms`, `2s`). */
  readonly probeTimeout?: string | undefined;
  readonly probeConcurrency?: number | undefined;
  /** `--probe-budget`: the whole probe, ms or an nginx time; default 30s or ten timeouts. */
  readonly probeBudget?: string | undefined;
  /** Show a progress line on stderr (a terminal) while probing more than 20 addresses. */
  readonly probeProgress?: boolean;
}

const LEVELS: Readonly<Record<string, RuleLevel>> = { off: 'off', warn: 'warning', warning: 'warning', error: 'error', info: 'info' };

function parseRuleFlags(flags: readonly string[]): Record<string, RuleLevel> | string {
  const out: Record<string, RuleLevel> = {};
  for (const flag of flags) {
    const colon = flag.lastIndexOf(':');
    const level = colon === -1 ? undefined : LEVELS[flag.slice(colon + 1)];
    if (colon <= 0 || level === undefined) return `--rule expects name:off|info|warn|error, got "${flag}"`;
    out[flag.slice(0, colon)] = level;
  }
  return out;
}

export function ruleInfos(rules: readonly AnyRule[]): RuleInfo[] {
  return rules.map((r) => ({ name: r.name, severity: r.severity, ...(r.recommended !== undefined ? { recommended: r.recommended } : {}), ...(r.options ? { options: r.options } : {}) }));
}

export async function lintCommand(options: LintCommandOptions, rules: readonly AnyRule[], io: CliIo, readStdin: () => string): Promise<number> {
  const ruleFlags = parseRuleFlags(options.rule);
  if (typeof ruleFlags === 'string') {
    io.stderr(`ngxlint: ${ruleFlags}\n`);
    return EXIT_USAGE;
  }
  const probeSettings = parseProbeOptions(options);
  if (typeof probeSettings === 'string') {
    io.stderr(`ngxlint: ${probeSettings}\n`);
    return EXIT_USAGE;
  }
  if (options.nginxVersion !== undefined && NginxVersion.parse(options.nginxVersion) === undefined) {
    io.stderr(`ngxlint: invalid --nginx-version "${options.nginxVersion}" (expected e.g. 1.26.2)\n`);
    return EXIT_USAGE;
  }
  let config;
  try {
    config = loadResolvedConfig({
      cwd: io.cwd,
      ...(options.config !== undefined ? { configPath: options.config } : {}),
      noConfig: options.noConfig,
      rules: ruleInfos(rules),
      overrides: { rules: ruleFlags },
    });
  } catch (e) {
    if (e instanceof ConfigError) {
      io.stderr(`ngxlint: ${e.message}\n`);
      return EXIT_USAGE;
    }
    throw e;
  }
  if (options.printConfig) {
    io.stdout(JSON.stringify(printableConfig(config), null, 2) + '\n');
    return EXIT_OK;
  }

  let host: Host = io.host;
  let inputs: string[];
  if (options.stdin) {
    if (options.stdinFilename === undefined) {
      io.stderr('ngxlint: --stdin needs --stdin-filename PATH (used for messages and to resolve includes)\n');
      return EXIT_USAGE;
    }
    const stdinPath = path.resolve(io.cwd, options.stdinFilename);
    host = overlayHost(io.host, new Map([[stdinPath, readStdin()]]));
    inputs = [stdinPath];
  } else {
    if (options.files.length === 0) {
      io.stderr('ngxlint: no input files; pass nginx.conf, snippets or directories (see --help)\n');
      return EXIT_USAGE;
    }
    const expanded = expandInputs(options.files, io.cwd, host);
    for (const e of expanded.errors) io.stderr(`ngxlint: ${e}\n`);
    if (expanded.errors.length > 0) return EXIT_USAGE;
    inputs = expanded.files.filter((f) => !config.ignore.some((pattern) => pathMatches(pattern, path.relative(config.baseDir, f))));
    if (inputs.length === 0) {
      // Not an error: a pre-commit hook passes whatever changed, and ignored files are meant to pass.
      io.stderr('ngxlint: every input file is ignored by the config\'s "ignore" patterns; nothing to check\n');
      return EXIT_OK;
    }
  }

  const request: LintRequest = {
    files: inputs,
    host,
    config,
    rules,
    prefix: options.prefix === undefined ? undefined : path.resolve(io.cwd, options.prefix),
    nginxVersion: options.nginxVersion,
    detectVersion: once(detectInstalledVersion),
    inlineConfig: options.inlineConfig,
    reportUnusedDisableDirectives: options.reportUnusedDisableDirectives,
    backends: {
      explicit: options.backend.map((b) => path.resolve(io.cwd, b)),
      // On the live host (a config under /etc/nginx), the backends are where the distribution puts them.
      root: options.root !== undefined ? path.resolve(io.cwd, options.root) : inputs.some((f) => f.startsWith('/etc/nginx/')) && config.root === undefined ? '/' : undefined,
    },
  };
  const mode: FixMode | undefined = options.diff
    ? { kind: 'diff' }
    : options.outputDir !== undefined
      ? { kind: 'output-dir', dir: options.outputDir }
      : options.fix || options.unsafeFixes
        ? { kind: 'write' }
        : undefined;
  if (mode?.kind === 'write' && (options.stdin || inputs.some(isStdinPath))) {
    io.stderr('ngxlint: --fix cannot write back to standard input; use --diff\n');
    return EXIT_USAGE;
  }
  let result: LintResult;
  let fixFailures = 0;
  let changed = false;
  try {
    // Rules run synchronously: the probe goes first, and its results ride along in the request.
    const probed = probeSettings === undefined ? request : { ...request, probes: await runProbe(request, probeSettings, options.probeProgress === true, io), hostState: readHostState() };
    if (mode === undefined) result = lint(probed);
    else ({ result, fixFailures, changed } = await runFixes(probed, mode, options, io));
  } catch (e) {
    if (e instanceof BackendFileError) {
      io.stderr(`ngxlint: ${e.message}\n`);
      return EXIT_USAGE;
    }
    throw e;
  }
  if (result.backendFiles.length > 0) io.stderr(`ngxlint: backend files read: ${result.backendFiles.map((f) => path.relative(io.cwd, f) || f).join(', ')}\n`);
  for (const note of result.notes) io.stderr(`ngxlint: ${path.relative(io.cwd, note.file) || note.file}: ${note.message}\n`);
  for (const e of result.ioErrors) io.stderr(`ngxlint: ${e}\n`);

  const shown = options.quiet ? result.findings.filter((f) => f.severity === 'error') : result.findings;
  // With --diff, stdout carries the patch alone: the report of what remains goes to stderr.
  const out = mode?.kind === 'diff' ? io.stderr : io.stdout;
  const color = options.color ?? (io.stdoutIsTTY && options.outputFile === undefined && io.env.NO_COLOR === undefined);
  const ctx: ReportContext = {
    cwd: io.cwd,
    color,
    sources: result.sources,
    ruleUrl: ruleDocsUrl,
    files: result.files,
    rules,
    ruleHelp: readRuleReadme,
    toolVersion: version(),
    runErrors: result.ioErrors,
  };
  // Under GitHub Actions the default report is read in the job log, and the findings become annotations too.
  const annotate = options.format === undefined && io.env.GITHUB_ACTIONS === 'true';
  const text = formatFindings(options.format ?? 'stylish', shown, ctx);
  if (options.outputFile !== undefined) io.writeFile(path.resolve(io.cwd, options.outputFile), text);
  else out(annotate ? withoutWorkflowCommands(text) : text);
  if (annotate) out(formatGithub(shown, ctx, { listOverflow: options.outputFile !== undefined }));

  if (result.ioErrors.length > 0 || fixFailures > 0) return EXIT_USAGE;
  // A dry run that would change files fails a CI check, as `ruff --diff` does.
  if (mode?.kind === 'diff' && changed) return EXIT_FINDINGS;
  const errors = result.findings.filter((f) => f.severity === 'error').length;
  const warnings = result.findings.filter((f) => f.severity === 'warning').length;
  if (errors > 0) return EXIT_FINDINGS;
  if (!options.quiet && options.maxWarnings !== undefined && warnings > options.maxWarnings) {
    io.stderr(`ngxlint: ${warnings} warnings exceed --max-warnings ${options.maxWarnings}\n`);
    return EXIT_FINDINGS;
  }
  return EXIT_OK;
}

/** `f`, called on the first call only; later calls answer what it returned. */
function once<T>(f: () => T): () => T {
  let done = false;
  let value: T;
  return () => {
    if (!done) {
      value = f();
      done = true;
    }
    return value;
  };
}

/**
 * Text the Actions runner prints without taking any line as a workflow command: a config can put "::" at the
 * start of a line of the report (in a file name or a quoted message), which the runner would otherwise obey.
 */
function withoutWorkflowCommands(text: string): string {
  if (text === '') return text;
  const token = randomUUID();
  return `::stop-commands::${token}\n${text}${text.endsWith('\n') ? '' : '\n'}::${token}::\n`;
}

/** How many addresses make a progress line worth drawing. */
const PROGRESS_MIN_TARGETS = 20;

interface ProbeSettings {
  readonly timeoutMs: number;
  readonly concurrency: number;
  /** The whole probe. */
  readonly budgetMs: number;
}

/** Milliseconds (a bare number) or an nginx time, from 1ms to 10m; undefined when invalid. */
function parseProbeTime(given: string): number | undefined {
  const raw = given.trim();
  // A bare number is milliseconds here (nginx would read seconds); anything else is an nginx time.
  const time = /^\d+$/.test(raw) ? undefined : parseTime(raw, 'ms');
  const parsed = time === undefined ? Number(raw) : time.ok ? time.value.ms : undefined;
  return parsed === undefined || raw === '' || !Number.isFinite(parsed) || parsed < 1 || parsed > 600_000 ? undefined : parsed;
}

/** --probe-timeout, --probe-concurrency and --probe-budget, validated; undefined without --probe; a message when invalid. */
function parseProbeOptions(options: LintCommandOptions): ProbeSettings | undefined | string {
  if (options.probe !== true) {
    if (options.probeTimeout !== undefined || options.probeConcurrency !== undefined || options.probeBudget !== undefined) return '--probe-timeout, --probe-concurrency and --probe-budget need --probe';
    return undefined;
  }
  const timeoutMs = options.probeTimeout === undefined ? DEFAULT_PROBE_TIMEOUT_MS : parseProbeTime(options.probeTimeout);
  if (timeoutMs === undefined) return `invalid --probe-timeout "${options.probeTimeout}" (expected milliseconds or a time such as 500ms or 2s, at most 10m)`;
  const concurrency = options.probeConcurrency ?? DEFAULT_PROBE_CONCURRENCY;
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 1024) return `invalid --probe-concurrency "${String(options.probeConcurrency)}" (expected a whole number from 1 to 1024)`;
  const budgetMs = options.probeBudget === undefined ? defaultDeadlineMs(timeoutMs) : parseProbeTime(options.probeBudget);
  if (budgetMs === undefined) return `invalid --probe-budget "${options.probeBudget}" (expected milliseconds or a time such as 10s or 1m, at most 10m)`;
  return { timeoutMs, concurrency, budgetMs };
}

/** Probes the addresses the configurations name; a summary (and a progress line on a terminal) on stderr. */
async function runProbe(request: LintRequest, settings: ProbeSettings, progress: boolean, io: CliIo): Promise<ReadonlyMap<string, ProbeResult>> {
  const unprobed: UnprobedPass[] = [];
  const targets = listProbeTargets(request, unprobed);
  const draw = progress && targets.length > PROGRESS_MIN_TARGETS;
  const started = Date.now();
  const results = await probe(targets, {
    timeoutMs: settings.timeoutMs,
    concurrency: settings.concurrency,
    deadlineMs: settings.budgetMs,
    ...(draw ? { onProgress: (done: number, total: number) => io.stderr(`\r${probeProgressLine(done, total)}`) } : {}),
  });
  if (draw) io.stderr('\r\x1b[K');
  const all = [...results.values()];
  const failed = all.filter((r) => r.status !== 'ok' && r.status !== 'skipped').length;
  io.stderr(`ngxlint: probed ${all.length} address${all.length === 1 ? '' : 'es'} in ${Date.now() - started}ms: ${failed} with problems\n`);
  const skipped = all.filter((r) => r.status === 'skipped');
  if (skipped.length > 0) io.stderr(`ngxlint: not probed before the overall deadline (${settings.budgetMs / 1000}s, --probe-budget): ${skipped.map((r) => r.key).join(', ')}\n`);
  if (unprobed.length > 0) {
    const where = unprobed.map((p) => `${path.relative(io.cwd, p.file) || p.file}:${p.line}:${p.column} (${p.text})`);
    io.stderr(`ngxlint: not probed, the target is known only per request (variables): ${where.join(', ')}\n`);
  }
  return results;
}

/** `ngxlint: probing 12/40 addresses`, for the progress line. */
export function probeProgressLine(done: number, total: number): string {
  return `ngxlint: probing ${done}/${total} addresses`;
}

async function runFixes(request: LintRequest, mode: FixMode, options: LintCommandOptions, io: CliIo): Promise<{ result: LintResult; fixFailures: number; changed: boolean }> {
  const { fixFiles } = await import('../fix/index.js');
  const { writeFixes } = await import('./fix-command.js');
  const outcome = fixFiles(request, { unsafe: options.unsafeFixes });
  const result = outcome.remaining;
  const encode = (file: string, text: string): Uint8Array => result.sources.get(file)?.encode(text) ?? Buffer.from(text, 'utf8');
  const written = writeFixes(outcome, mode, options.showFixes, io, encode);
  return { result, fixFailures: written.failures, changed: written.changed };
}
