import yargs from 'yargs';
import { readFileSync } from 'node:fs';
import { version } from './version.js';
import { EXIT_OK, EXIT_USAGE, processIo, type CliIo } from './io.js';

// Commands load their modules when they run, so that `parse` never pays for the rules and `--help` for
// neither (startup time is a budget).
import { REPORT_FORMATS as FORMATS } from '../report/formats.js';
const loadRules = async () => (await import('../../rules/index.js')).allRules;


/** Runs the CLI with the given arguments; resolves to the exit code. Never throws. */
export async function run(argv: readonly string[], given?: CliIo): Promise<number> {
  const io = given ?? processIo();
  /** The probe's progress line is for a person watching the real terminal, never for a test's captured output. */
  const probeProgress = given === undefined && process.stderr.isTTY === true;
  let action: (() => Promise<number>) | undefined;
  let usageError: string | undefined;
  const cli = yargs()
    .scriptName('ngxlint')
    .parserConfiguration({ 'camel-case-expansion': false, 'boolean-negation': true })
    .usage('$0 [files..]  Find nginx settings that cause 502 Bad Gateway')
    .command(
      ['$0 [files..]', 'lint [files..]'],
      'Check nginx configurations (default command)',
      (y) =>
        y
          .positional('files', { type: 'string', array: true, describe: 'nginx.conf, snippets or directories' })
          .option('prefix', { type: 'string', describe: "Directory relative includes resolve against (default: the main file's directory)" })
          .option('format', { alias: 'f', choices: FORMATS, describe: 'Output format (default: stylish; under GitHub Actions stylish plus annotations)' })
          .option('output-file', { alias: 'o', type: 'string', describe: 'Write the report to this file' })
          .option('max-warnings', { type: 'number', describe: 'Exit 1 when there are more warnings than this' })
          .option('quiet', { type: 'boolean', default: false, describe: 'Report errors only' })
          .option('rule', { type: 'string', describe: 'Set a rule: name:off|info|warn|error (repeatable)' })
          .option('color', { type: 'boolean', describe: 'Force colour on or off (default: on for a terminal)' })
          .option('config', { alias: 'c', type: 'string', describe: 'Use this config file instead of searching for one (--no-config: use none)' })
          .option('print-config', { type: 'boolean', default: false, describe: 'Print the resolved configuration and exit' })
          .option('stdin', { type: 'boolean', default: false, describe: 'Read the configuration from standard input' })
          .option('stdin-filename', { type: 'string', describe: 'Path to report (and resolve includes against) for --stdin' })
          .option('nginx-version', { type: 'string', describe: 'Target nginx version (default: `nginx -v`, else the current stable)' })
          .option('inline-config', { type: 'boolean', default: true, describe: 'Honour # ngxlint-disable comments (--no-inline-config to ignore them)' })
          .option('report-unused-disable-directives', { type: 'boolean', default: false, describe: 'Report disable comments that suppress nothing' })
          .option('fix', { type: 'boolean', default: false, describe: 'Apply safe fixes to the files (atomically, after verification)' })
          .option('unsafe-fixes', { type: 'boolean', default: false, describe: 'Also apply unsafe fixes (with --fix, --diff or --output-dir)' })
          .option('diff', { type: 'boolean', default: false, describe: 'Print the fixes as a unified diff (git apply / patch -p1); write nothing' })
          .option('fix-dry-run', { type: 'boolean', default: false, describe: 'Same as --diff' })
          .option('output-dir', { type: 'string', describe: 'Write patched copies and ngxlint.patch under this directory instead of changing the files' })
          .option('show-fixes', { type: 'boolean', default: false, describe: 'List every fix applied' })
          .option('backend', { type: 'string', describe: 'A backend file or glob to cross-check (PHP-FPM pool, ports.conf, gunicorn.conf.py, uwsgi.ini, .env, Procfile, compose file, systemd unit); repeatable' })
          .option('root', { type: 'string', describe: 'Look for backend files in the standard locations under this directory (default / for configs under /etc/nginx)' })
          .option('probe', { type: 'boolean', default: false, describe: 'Connect to every backend address and socket the config names (upstream-unreachable)' })
          .option('probe-timeout', { type: 'string', describe: 'Per connect and DNS lookup: milliseconds, or an nginx time such as 500ms or 2s (default 1s)' })
          .option('probe-concurrency', { type: 'number', describe: 'Connects and lookups in flight at once (default 16)' })
          .option('probe-budget', { type: 'string', describe: 'The whole probe at most: milliseconds or an nginx time (default 30s, or ten --probe-timeout when longer)' }),
      (args) => {
        action = async () =>
          (await import('./lint-command.js')).lintCommand(
            {
              files: args.files ?? [],
              prefix: args.prefix,
              format: args.format,
              outputFile: args['output-file'],
              maxWarnings: args['max-warnings'],
              quiet: args.quiet,
              // Repeated --rule options arrive as an array, a single one as a string.
              rule: ([] as string[]).concat(args.rule ?? []),
              color: args.color,
              // yargs turns --no-config into config: false.
              config: typeof args.config === 'string' ? args.config : undefined,
              noConfig: (args.config as unknown) === false,
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
              backend: ([] as string[]).concat(args.backend ?? []),
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
          );
      },
    )
    .command(
      'rules',
      'List the rules: name, category, severity, fixable',
      (y) => y.option('format', { alias: 'f', choices: ['table', 'json'] as const, default: 'table' as const }),
      (args) => {
        action = async () => (await import('./rules-command.js')).rulesCommand(await loadRules(), args.format, io);
      },
    )
    .command(
      'explain <rule>',
      "Print a rule's documentation",
      (y) => y.positional('rule', { type: 'string', demandOption: true }),
      (args) => {
        action = async () => (await import('./rules-command.js')).explainCommand(await loadRules(), args.rule, io);
      },
    )
    .command(
      'parse <file>',
      "Print crossplane's JSON payload for a configuration",
      (y) =>
        y
          .positional('file', { type: 'string', demandOption: true, describe: 'Main configuration file' })
          .option('single-file', { type: 'boolean', default: false, describe: 'Do not follow includes' })
          .option('include-comments', { type: 'boolean', default: false, describe: 'Include comments as "#" statements' })
          .option('combine', { type: 'boolean', default: false, describe: 'Merge included files into one config' })
          .option('positions', { type: 'boolean', default: false, describe: 'Add line/column/offset positions to statements' })
          .option('prefix', { type: 'string', describe: 'Directory relative includes resolve against' })
          .option('indent', { type: 'number', describe: 'Indent the JSON by this many spaces' })
          .option('out', { alias: 'o', type: 'string', describe: 'Write the payload to this file' }),
      (args) => {
        action = async () => (await import('./parse-command.js')).parseCommand(
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
        );
      },
    )
    .version(version())
    .alias('v', 'version')
    .help()
    .alias('h', 'help')
    .strict()
    .wrap(Math.min(100, process.stdout.columns ?? 100))
    .exitProcess(false)
    .fail((message, error) => {
      usageError = message ?? error?.message ?? 'invalid usage';
    });

  try {
    await cli.parseAsync([...argv], {}, (_err, _argv, output) => {
      if (output) io.stdout(output.endsWith('\n') ? output : output + '\n');
    });
    if (usageError !== undefined) {
      io.stderr(`ngxlint: ${usageError}\nRun "ngxlint --help" for usage.\n`);
      return EXIT_USAGE;
    }
    return action ? await action() : EXIT_OK;
  } catch (e) {
    io.stderr(`ngxlint: internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    return EXIT_USAGE;
  }
}
