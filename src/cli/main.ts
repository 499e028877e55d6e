import { readFileSync } from 'node:fs';
import { commandHelp, defineCommand, programHelp, selectCommand, type Command, type ProgramSpec } from './args.js';
import { version } from './version.js';
import { EXIT_OK, EXIT_USAGE, processIo, type CliIo } from './io.js';

// Commands load their modules when they run, so that `parse` never pays for the rules and `--help` for
// neither (startup time is a budget).
import { REPORT_FORMATS as FORMATS } from '../report/formats.js';
const loadRules = async () => (await import('../../rules/index.js')).allRules;

/** Runs the CLI with the given arguments; resolves to the exit code. Never throws. */
export async function run(argv: readonly string[], given?: CliIo): Promise<number> {
  const io = given ?? processIo();
  try {
    const program = ngxlint(io, given === undefined);
    const { command, args, named } = selectCommand(argv, program.commands, program.defaultCommand);
    const invocation = command.parse(args);
    switch (invocation.kind) {
      case 'help': {
        const width = Math.min(100, process.stdout.columns ?? 100);
        io.stdout(named ? commandHelp(program, command, width) : programHelp(program, width));
        return EXIT_OK;
      }
      case 'version':
        io.stdout(`${version()}\n`);
        return EXIT_OK;
      case 'usage-error':
        io.stderr(`ngxlint: ${invocation.message}\nRun "ngxlint --help" for usage.\n`);
        return EXIT_USAGE;
      case 'run':
        return await invocation.action();
    }
  } catch (e) {
    io.stderr(`ngxlint: internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    return EXIT_USAGE;
  }
}

/** The commands, their options and what each runs; `realTerminal`: run() was given no test's io. */
function ngxlint(io: CliIo, realTerminal: boolean): ProgramSpec {
  /** The probe's progress line is for a person watching the real terminal, never for a test's captured output. */
  const probeProgress = realTerminal && process.stderr.isTTY === true;
  const lint = defineCommand(
    {
      name: 'lint',
      describe: 'Check nginx configurations (default command)',
      positional: { name: 'files', variadic: true, describe: 'nginx.conf, snippets or directories' },
      options: {
        prefix: { type: 'string', describe: "Directory relative includes resolve against (default: the main file's directory)" },
        format: { type: 'string', short: 'f', choices: FORMATS, describe: 'Output format (default: stylish; under GitHub Actions stylish plus annotations)' },
        'output-file': { type: 'string', short: 'o', describe: 'Write the report to this file' },
        'max-warnings': { type: 'number', describe: 'Exit 1 when there are more warnings than this' },
        quiet: { type: 'boolean', default: false, describe: 'Report errors only' },
        rule: { type: 'string', repeatable: true, describe: 'Set a rule: name:off|info|warn|error (repeatable)' },
        color: { type: 'boolean', describe: 'Force colour on or off (default: on for a terminal)' },
        config: { type: 'string', short: 'c', negatable: true, describe: 'Use this config file instead of searching for one (--no-config: use none)' },
        'print-config': { type: 'boolean', default: false, describe: 'Print the resolved configuration and exit' },
        stdin: { type: 'boolean', default: false, describe: 'Read the configuration from standard input' },
        'stdin-filename': { type: 'string', describe: 'Path to report (and resolve includes against) for --stdin' },
        'nginx-version': { type: 'string', describe: 'Target nginx version (default: `nginx -v`, else the current stable)' },
        'inline-config': { type: 'boolean', default: true, describe: 'Honour # ngxlint-disable comments (--no-inline-config to ignore them)' },
        'report-unused-disable-directives': { type: 'boolean', default: false, describe: 'Report disable comments that suppress nothing' },
        fix: { type: 'boolean', default: false, describe: 'Apply safe fixes to the files (atomically, after verification)' },
        'unsafe-fixes': { type: 'boolean', default: false, describe: 'Also apply unsafe fixes (with --fix, --diff or --output-dir)' },
        diff: { type: 'boolean', default: false, describe: 'Print the fixes as a unified diff (git apply / patch -p1); write nothing' },
        'fix-dry-run': { type: 'boolean', default: false, describe: 'Same as --diff' },
        'output-dir': { type: 'string', describe: 'Write patched copies and ngxlint.patch under this directory instead of changing the files' },
        'show-fixes': { type: 'boolean', default: false, describe: 'List every fix applied' },
        backend: {
          type: 'string',
          repeatable: true,
          describe: 'A backend file or glob to cross-check (PHP-FPM pool, ports.conf, gunicorn.conf.py, uwsgi.ini, .env, Procfile, compose file, systemd unit); repeatable',
        },
        root: { type: 'string', describe: "The server's / for backend files and absolute includes (--root . in a repository that mirrors it; default / for configs under /etc/nginx)" },
        probe: { type: 'boolean', default: false, describe: 'Connect to every backend address and socket the config names (upstream-unreachable)' },
        'probe-timeout': { type: 'string', describe: 'Per connect and DNS lookup: milliseconds, or an nginx time such as 500ms or 2s (default 1s)' },
        'probe-concurrency': { type: 'number', describe: 'Connects and lookups in flight at once (default 16)' },
        'probe-budget': { type: 'string', describe: 'The whole probe at most: milliseconds or an nginx time (default 30s, or ten --probe-timeout when longer)' },
      },
    },
    async (args) =>
      (await import('./lint-command.js')).lintCommand(
        {
          files: args.files,
          prefix: args.prefix,
          format: args.format,
          outputFile: args['output-file'],
          maxWarnings: args['max-warnings'],
          quiet: args.quiet,
          rule: args.rule,
          color: args.color,
          // --no-config makes config false.
          config: args.config === false ? undefined : args.config,
          noConfig: args.config === false,
          printConfig: args['print-config'],
          stdin: args.stdin,
          stdinFilename: args['stdin-filename'],
          nginxVersion: args['nginx-version'],
          inlineConfig: args['inline-config'],
          reportUnusedDisableDirectives: args['report-unused-disable-directives'],
          fix: args.fix,
          unsafeFixes: args['unsafe-fixes'],
          diff: args.diff || args['fix-dry-run'],
          outputDir: args['output-dir'],
          showFixes: args['show-fixes'],
          backend: args.backend,
          root: args.root,
          probe: args.probe,
          probeTimeout: args['probe-timeout'],
          probeConcurrency: args['probe-concurrency'],
          probeBudget: args['probe-budget'],
          probeProgress,
        },
        await loadRules(),
        io,
        () => readFileSync(0, 'utf8'),
      ),
  );
  const rules = defineCommand(
    {
      name: 'rules',
      describe: 'List the rules: name, category, severity, fixable',
      options: { format: { type: 'string', short: 'f', choices: ['table', 'json'], default: 'table', describe: 'Output format' } },
    },
    async (args) => (await import('./rules-command.js')).rulesCommand(await loadRules(), args.format, io),
  );
  const explain = defineCommand(
    { name: 'explain', describe: "Print a rule's documentation", positional: { name: 'rule', required: true, describe: 'A rule name, as `ngxlint rules` lists them' }, options: {} },
    async (args) => (await import('./rules-command.js')).explainCommand(await loadRules(), args.rule, io),
  );
  const parse = defineCommand(
    {
      name: 'parse',
      describe: "Print crossplane's JSON payload for a configuration",
      positional: { name: 'file', required: true, describe: 'Main configuration file' },
      options: {
        'single-file': { type: 'boolean', default: false, describe: 'Do not follow includes' },
        'include-comments': { type: 'boolean', default: false, describe: 'Include comments as "#" statements' },
        combine: { type: 'boolean', default: false, describe: 'Merge included files into one config' },
        positions: { type: 'boolean', default: false, describe: 'Add line/column/offset positions to statements' },
        prefix: { type: 'string', describe: 'Directory relative includes resolve against' },
        indent: { type: 'number', describe: 'Indent the JSON by this many spaces' },
        out: { type: 'string', short: 'o', describe: 'Write the payload to this file' },
      },
    },
    async (args) =>
      (await import('./parse-command.js')).parseCommand(
        {
          file: args.file,
          singleFile: args['single-file'],
          includeComments: args['include-comments'],
          combine: args.combine,
          positions: args.positions,
          prefix: args.prefix,
          indent: args.indent,
          out: args.out,
        },
        io,
      ),
  );
  const commands: Command[] = [lint, rules, explain, parse];
  return { name: 'ngxlint', describe: 'Find nginx settings that cause 502 Bad Gateway', commands, defaultCommand: lint };
}
