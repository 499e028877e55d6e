/**
 * What ngxlint's commands receive from run() for given arguments (the commands themselves are stand-ins here),
 * and how run() answers help, version and usage errors. test/cli/args.test.ts covers the parser itself.
 */
import { describe, expect, it, vi } from 'vitest';
import { REPORT_FORMATS } from '../../src/report/formats.js';
import { NO_ARGUMENTS_LINT_OPTIONS, runCli } from '../harness/cli.js';

const calls: unknown[][] = [];
vi.mock('../../src/cli/lint-command.js', () => ({ lintCommand: async (options: unknown) => (calls.push(['lint', options]), 0) }));
vi.mock('../../src/cli/parse-command.js', () => ({ parseCommand: (options: unknown) => (calls.push(['parse', options]), 0) }));
vi.mock('../../src/cli/rules-command.js', () => ({
  rulesCommand: (_rules: unknown, format: unknown) => (calls.push(['rules', format]), 0),
  explainCommand: (_rules: unknown, name: unknown) => (calls.push(['explain', name]), 0),
}));

async function ngxlint(argv: string[]) {
  calls.length = 0;
  const result = await runCli(argv, { cwd: '/' });
  return { ...result, calls: [...calls] };
}

/** What lintCommand gets with no arguments: every key, as yargs gave them. */
const LINT = NO_ARGUMENTS_LINT_OPTIONS;

const PARSE = { file: 'x.conf', singleFile: false, includeComments: false, combine: false, positions: false, prefix: undefined, indent: undefined, out: undefined };

describe('lint (the default command) receives', () => {
  it.each([
    ['no arguments', [], {}],
    ['files', ['a.conf', 'conf.d'], { files: ['a.conf', 'conf.d'] }],
    ['files, after the command name', ['lint', 'a.conf'], { files: ['a.conf'] }],
    ['a file named like a command, after "lint"', ['lint', 'rules'], { files: ['rules'] }],
    ['a file named like a command, after "--"', ['--', 'rules', '-x.conf'], { files: ['rules', '-x.conf'] }],
    ['every string option', ['--prefix', '/etc/nginx', '-o', 'out.txt', '--stdin-filename=n.conf', '--nginx-version', '1.24.0', '--output-dir', 'o', '--root', '/r', '--probe-timeout', '2s', '--probe-budget', '10s'],
      { prefix: '/etc/nginx', outputFile: 'out.txt', stdinFilename: 'n.conf', nginxVersion: '1.24.0', outputDir: 'o', root: '/r', probeTimeout: '2s', probeBudget: '10s' }],
    ['every flag', ['--quiet', '--print-config', '--stdin', '--report-unused-disable-directives', '--fix', '--unsafe-fixes', '--diff', '--show-fixes', '--probe', '--color'],
      { quiet: true, printConfig: true, stdin: true, reportUnusedDisableDirectives: true, fix: true, unsafeFixes: true, diff: true, showFixes: true, probe: true, color: true }],
    ['numbers', ['--max-warnings', '0', '--probe-concurrency=4'], { maxWarnings: 0, probeConcurrency: 4 }],
    ['-f and its choices', ['-f', 'json'], { format: 'json' }],
    ['--format=', ['--format=sarif'], { format: 'sarif' }],
    ['--fix-dry-run as --diff', ['--fix-dry-run'], { diff: true }],
    ['repeated --rule, in order', ['--rule', 'a:off', '--rule=b:warn'], { rule: ['a:off', 'b:warn'] }],
    ['repeated --backend, in order', ['--backend', 'a.ini', '--backend', 'b/*.conf'], { backend: ['a.ini', 'b/*.conf'] }],
    ['-c', ['-c', 'x.json'], { config: 'x.json' }],
    ['--no-config', ['--no-config'], { noConfig: true }],
    ['--no-inline-config', ['--no-inline-config'], { inlineConfig: false }],
    ['--no-color', ['--no-color'], { color: false }],
    ['--inline-config=false', ['--inline-config=false'], { inlineConfig: false }],
    ['--quiet false', ['--quiet', 'false', 'a.conf'], { files: ['a.conf'] }],
  ])('%s', async (_name, argv, expected) => {
    expect(await ngxlint(argv)).toStrictEqual({ code: 0, stdout: '', stderr: '', calls: [['lint', { ...LINT, ...expected }]] });
  });
});

describe('the other commands receive', () => {
  it.each([
    ['rules: table by default', ['rules'], ['rules', 'table']],
    ['rules -f json', ['rules', '-f', 'json'], ['rules', 'json']],
    ['rules, named after an option of lint', ['-f', 'json', 'rules'], ['rules', 'json']],
    ['explain RULE', ['explain', 'syntax-error'], ['explain', 'syntax-error']],
    ['parse FILE', ['parse', 'x.conf'], ['parse', PARSE]],
    ['parse with every option', ['parse', '--single-file', '--include-comments', '--combine', '--positions', '--prefix', 'p', '--indent', '2', '-o', 'o.json', 'x.conf'],
      ['parse', { ...PARSE, singleFile: true, includeComments: true, combine: true, positions: true, prefix: 'p', indent: 2, out: 'o.json' }]],
    ['parse --out', ['parse', 'x.conf', '--out=o.json'], ['parse', { ...PARSE, out: 'o.json' }]],
  ])('%s', async (_name, argv, expected) => {
    expect(await ngxlint(argv)).toStrictEqual({ code: 0, stdout: '', stderr: '', calls: [expected] });
  });
});

describe('usage errors exit 2 with a message and a pointer to --help', () => {
  it.each([
    [['--bogus-option'], 'Unknown argument: bogus-option'],
    [['--bogus', '-x'], 'Unknown arguments: bogus, x'],
    [['-f', 'xml', 'nginx.conf'], `Invalid values:\n  Argument: format, Given: "xml", Choices: ${REPORT_FORMATS.map((f) => `"${f}"`).join(', ')}`],
    [['--max-warnings', 'many'], 'Option --max-warnings expects a number, got "many"'],
    [['--probe-concurrency'], 'Option --probe-concurrency needs a value'],
    [['-c', '--quiet'], 'Option -c needs a value; "--quiet" looks like an option (write -c--quiet if it is the value)'],
    [['--fix=yes'], 'Option --fix takes true or false, not "yes"'],
    [['--no-prefix'], 'Unknown argument: no-prefix'],
    [['rules', '-f', 'xml'], 'Invalid values:\n  Argument: format, Given: "xml", Choices: "table", "json"'],
    [['rules', 'extra'], 'Unknown argument: extra'],
    [['rules', '--quiet'], 'Unknown argument: quiet'],
    [['explain'], 'Missing required argument: rule'],
    [['explain', 'a', 'b'], 'Unknown argument: b'],
    [['parse'], 'Missing required argument: file'],
    [['parse', 'a.conf', 'b.conf'], 'Unknown argument: b.conf'],
    [['parse', '--indent', 'wide', 'a.conf'], 'Option --indent expects a number, got "wide"'],
  ])('%j', async (argv, message) => {
    expect(await ngxlint(argv)).toStrictEqual({ code: 2, stdout: '', stderr: `ngxlint: ${message}\nRun "ngxlint --help" for usage.\n`, calls: [] });
  });
});

describe('help and version', () => {
  const mainHelp = /^ngxlint \[files\.\.\]  Find nginx settings that cause 502 Bad Gateway\n\nCommands:\n/;

  it.each([[['--help']], [['-h']], [['help']], [['a.conf', '--help']], [['--bogus', '--help']], [['--help', '--version']]])('%j: the main help', async (argv) => {
    const r = await ngxlint(argv);
    expect([r.code, r.stderr, r.calls]).toEqual([0, '', []]);
    expect(r.stdout).toMatch(mainHelp);
    expect(r.stdout).toContain('\nOptions:\n      --prefix ');
  });

  it.each([
    [['lint', '--help'], 'ngxlint lint [files..]\n\nCheck nginx configurations (default command)\n\nPositionals:\n  files '],
    [['rules', '--help'], 'ngxlint rules\n\nList the rules: name, category, severity, fixable\n\nOptions:\n  -f, --format '],
    [['explain', '-h'], "ngxlint explain <rule>\n\nPrint a rule's documentation\n\nPositionals:\n  rule "],
    [['parse', '--help'], "ngxlint parse <file>\n\nPrint crossplane's JSON payload for a configuration\n\nPositionals:\n  file "],
    [['parse', 'help'], 'ngxlint parse <file>\n\n'],
    [['-h', 'parse'], 'ngxlint parse <file>\n\n'],
  ])("%j: the command's help", async (argv, start) => {
    const r = await ngxlint(argv);
    expect([r.code, r.stderr, r.calls]).toEqual([0, '', []]);
    expect(r.stdout.startsWith(start)).toBe(true);
    expect(r.stdout).toMatch(/ {2}-h, --help +Show help +\[boolean\]\n$/);
  });

  it.each([[['--version']], [['-v']], [['parse', '--version']], [['-v', 'rules']]])('%j: the version', async (argv) => {
    const r = await ngxlint(argv);
    expect([r.code, r.stderr, r.calls]).toEqual([0, '', []]);
    expect(r.stdout).toMatch(/^\d+\.\d+\.\d+\S*\n$/);
  });
});
