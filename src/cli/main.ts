import yargs from 'yargs';
import { readFileSync } from 'node:fs';
import { EXIT_OK, EXIT_USAGE, processIo, type CliIo } from './io.js';
import { parseCommand } from './parse-command.js';
import { checkCommand } from './check-command.js';

/** The package version, from package.json two levels up from src/ or three from dist/src/. */
export function version(): string {
  for (const rel of ['../../package.json', '../../../package.json']) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(rel, import.meta.url), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'ngxlint' && pkg.version) return pkg.version;
    } catch {
      // try the next layout
    }
  }
  return 'unknown';
}

/** Runs the CLI with the given arguments; resolves to the exit code. Never throws. */
export async function run(argv: readonly string[], io: CliIo = processIo()): Promise<number> {
  let action: (() => number) | undefined;
  let usageError: string | undefined;
  const cli = yargs()
    .scriptName('ngxlint')
    .parserConfiguration({ 'camel-case-expansion': false })
    .usage('$0 [files..]  Find nginx settings that cause 502 Bad Gateway')
    .command(
      ['$0 [files..]', 'lint [files..]'],
      'Check nginx configuration files (default command)',
      (y) =>
        y
          .positional('files', { type: 'string', array: true, describe: 'nginx.conf, snippets or directories' })
          .option('prefix', { type: 'string', describe: 'Directory relative includes resolve against (default: the main file\'s directory)' }),
      (args) => {
        action = () => checkCommand({ files: args.files ?? [], prefix: args.prefix }, io);
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
        action = () => parseCommand(
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
    return action ? action() : EXIT_OK;
  } catch (e) {
    io.stderr(`ngxlint: internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    return EXIT_USAGE;
  }
}
