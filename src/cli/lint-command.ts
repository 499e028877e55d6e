import * as path from 'node:path';
import { createMemoryHost, pathMatches, type Host } from '../include/index.js';
import { ConfigError, loadResolvedConfig, printableConfig, type RuleInfo } from '../engine/config.js';
import { lint, type LintRequest, type LintResult } from '../engine/lint.js';
import type { FixMode } from './fix-command.js';
import type { AnyRule } from '../engine/rule.js';
import type { RuleLevel } from '../engine/types.js';
import { formatFindings, type ReportFormat } from '../report/index.js';
import { NginxVersion } from '../model/index.js';
import { expandInputs } from './inputs.js';
import { EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, type CliIo } from './io.js';
import { ruleDocsUrl } from './rule-docs.js';

export interface LintCommandOptions {
  readonly files: readonly string[];
  readonly prefix: string | undefined;
  readonly format: ReportFormat;
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
    host = overlay(io.host, stdinPath, readStdin());
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
      io.stderr('ngxlint: every input file is ignored by the config\'s "ignore" patterns\n');
      return EXIT_USAGE;
    }
  }

  const request: LintRequest = {
    files: inputs,
    host,
    config,
    rules,
    prefix: options.prefix === undefined ? undefined : path.resolve(io.cwd, options.prefix),
    nginxVersion: options.nginxVersion,
    inlineConfig: options.inlineConfig,
    reportUnusedDisableDirectives: options.reportUnusedDisableDirectives,
  };
  const mode: FixMode | undefined = options.diff
    ? { kind: 'diff' }
    : options.outputDir !== undefined
      ? { kind: 'output-dir', dir: options.outputDir }
      : options.fix || options.unsafeFixes
        ? { kind: 'write' }
        : undefined;
  if (mode?.kind === 'write' && options.stdin) {
    io.stderr('ngxlint: --fix cannot write back to standard input; use --diff\n');
    return EXIT_USAGE;
  }
  let result: LintResult;
  let fixFailures = 0;
  let changed = false;
  if (mode === undefined) {
    result = lint(request);
  } else {
    const { fixFiles } = await import('../fix/index.js');
    const { writeFixes } = await import('./fix-command.js');
    const outcome = fixFiles(request, { unsafe: options.unsafeFixes });
    result = outcome.remaining;
    const encode = (file: string, text: string): Uint8Array => result.sources.get(file)?.encode(text) ?? Buffer.from(text, 'utf8');
    const written = writeFixes(outcome, mode, options.showFixes, io, encode);
    fixFailures = written.failures;
    changed = written.changed;
  }
  for (const note of result.notes) io.stderr(`ngxlint: ${path.relative(io.cwd, note.file) || note.file}: ${note.message}\n`);
  for (const e of result.ioErrors) io.stderr(`ngxlint: ${e}\n`);

  const shown = options.quiet ? result.findings.filter((f) => f.severity === 'error') : result.findings;
  // With --diff, stdout carries the patch alone: the report of what remains goes to stderr.
  const out = mode?.kind === 'diff' ? io.stderr : io.stdout;
  const color = options.color ?? (io.stdoutIsTTY && options.outputFile === undefined && io.env.NO_COLOR === undefined);
  const text = formatFindings(options.format, shown, { cwd: io.cwd, color, sources: result.sources, ruleUrl: ruleDocsUrl, files: result.files });
  if (options.outputFile !== undefined) io.writeFile(path.resolve(io.cwd, options.outputFile), text);
  else out(text);

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

/** The real host, except that one path reads as the given text (for --stdin). */
function overlay(base: Host, filePath: string, text: string): Host {
  const memory = createMemoryHost({ [filePath]: text });
  return {
    readFile: (p) => (path.resolve(p) === filePath ? memory.readFile(p) : base.readFile(p)),
    stat: (p) => (path.resolve(p) === filePath ? memory.stat(p) : base.stat(p)),
    glob: (pattern) => [...new Set([...base.glob(pattern), ...memory.glob(pattern)])].sort(),
    resolve: base.resolve,
  };
}
