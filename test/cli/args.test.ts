/**
 * The CLI's argument parser (src/cli/args.ts) on a small table of its own: option types, aliases, defaults,
 * choices, negation, repeatable options, `--`, the usage errors, command selection and the help layout.
 * test/cli/main-args.test.ts checks what ngxlint's own commands receive.
 */
import { describe, expect, it } from 'vitest';
import { commandHelp, defineCommand, programHelp, selectCommand, type Command, type Invocation } from '../../src/cli/args.js';

const LIST = {
  name: 'list',
  describe: 'List things',
  positional: { name: 'files', variadic: true, describe: 'Files to list' },
  options: {
    format: { type: 'string', short: 'f', choices: ['short', 'long'], describe: 'Output format' },
    quiet: { type: 'boolean', default: false, describe: 'Say less' },
    color: { type: 'boolean', describe: 'Colour on or off' },
    inline: { type: 'boolean', default: true, describe: 'Honour inline settings' },
    config: { type: 'string', short: 'c', negatable: true, describe: 'Config file (--no-config: none)' },
    rule: { type: 'string', repeatable: true, describe: 'A rule (repeatable)' },
    max: { type: 'number', describe: 'At most this many' },
    sort: { type: 'string', choices: ['name', 'size'], default: 'name', describe: 'Sort order' },
  },
} as const;

const SHOW = { name: 'show', describe: 'Show one thing', positional: { name: 'file', required: true, describe: 'The file' }, options: {} } as const;
const NOTHING = { name: 'nothing', describe: 'Takes no arguments', options: {} } as const;

let received: unknown;
const record = async (args: unknown): Promise<number> => {
  received = args;
  return 0;
};

/** What the arguments give the action (`run`), or the help, version or usage-error outcome. */
async function outcome(command: Command, args: readonly string[]): Promise<unknown> {
  const invocation: Invocation = command.parse(args);
  if (invocation.kind !== 'run') return invocation;
  received = undefined;
  await invocation.action();
  return { run: received };
}

const list = defineCommand(LIST, record);
const show = defineCommand(SHOW, record);
const nothing = defineCommand(NOTHING, record);

const DEFAULTS = { files: [], quiet: false, inline: true, rule: [], sort: 'name' };
const error = (message: string) => ({ kind: 'usage-error', message });

describe('parsing', () => {
  it.each([
    ['nothing', [], {}],
    ['positionals', ['a', 'b'], { files: ['a', 'b'] }],
    ['--opt value', ['--format', 'long'], { format: 'long' }],
    ['--opt=value', ['--format=long'], { format: 'long' }],
    ['-f value', ['-f', 'short'], { format: 'short' }],
    ['-fvalue', ['-fshort'], { format: 'short' }],
    ['a flag', ['--quiet'], { quiet: true }],
    ['--flag=false', ['--quiet=false'], { quiet: false }],
    ['--flag=true', ['--quiet=true'], { quiet: true }],
    ['--flag false: a following true or false is the value', ['--quiet', 'false', 'x'], { quiet: false, files: ['x'] }],
    ['--flag true', ['--inline', 'true'], { inline: true }],
    ['--no-flag', ['--no-inline'], { inline: false }],
    ['--no-flag on a flag without a default', ['--no-color'], { color: false }],
    ['the last of --flag and --no-flag wins', ['--no-quiet', '--quiet', '--quiet', '--no-quiet'], { quiet: false }],
    ['--no-<string> when the table allows it', ['--no-config'], { config: false }],
    ['--no-config then --config', ['--no-config', '-c', 'x.json'], { config: 'x.json' }],
    ['--config then --no-config', ['--config', 'x.json', '--no-config'], { config: false }],
    ['a repeatable option keeps every value in order', ['--rule', 'a', '--rule=b', '--rule', 'c'], { rule: ['a', 'b', 'c'] }],
    ['any other option: the last value wins', ['-f', 'short', '--format', 'long'], { format: 'long' }],
    ['a number', ['--max', '3'], { max: 3 }],
    ['a negative number as the next argument', ['--max', '-1'], { max: -1 }],
    ['numbers as Number() reads them', ['--max=1.5'], { max: 1.5 }],
    ['an empty string value', ['--config='], { config: '' }],
    ['"-" is a value', ['-c', '-'], { config: '-' }],
    ['"-" is a positional', ['-'], { files: ['-'] }],
    ['"--" ends the options', ['a', '--', '--quiet', '-f', 'help'], { files: ['a', '--quiet', '-f', 'help'] }],
    ['options and positionals mixed', ['a', '-f', 'long', 'b', '--quiet', 'c'], { files: ['a', 'b', 'c'], format: 'long', quiet: true }],
    ['a default among choices', ['--sort', 'size'], { sort: 'size' }],
  ])('%s', async (_name, args, expected) => {
    expect(await outcome(list, args)).toEqual({ run: { ...DEFAULTS, ...expected } });
  });

  it('gives a required positional', async () => {
    expect(await outcome(show, ['a.conf'])).toEqual({ run: { file: 'a.conf' } });
    expect(await outcome(nothing, [])).toEqual({ run: {} });
  });
});

describe('usage errors', () => {
  it.each([
    ['an unknown long option', ['--bogus'], 'Unknown argument: bogus'],
    ['an unknown option with a value', ['--bogus=1'], 'Unknown argument: bogus'],
    ['an unknown short option', ['-x'], 'Unknown argument: x'],
    ['unknown options together', ['--bogus', '-xy', 'a'], 'Unknown arguments: bogus, x, y'],
    ['a case mismatch', ['--Quiet'], 'Unknown argument: Quiet'],
    ['--no- on an option that is not negatable', ['--no-format'], 'Unknown argument: no-format'],
    ['--no- on an unknown option', ['--no-bogus'], 'Unknown argument: no-bogus'],
    ['a value for a negation', ['--no-config=x'], 'Option --no-config takes no value'],
    ['a missing value at the end', ['--config'], 'Option --config needs a value'],
    ['a missing value for a short option', ['-c'], 'Option -c needs a value'],
    ['a missing value with choices', ['-f'], 'Option -f needs a value: one of "short", "long"'],
    ['a missing repeatable value', ['--rule'], 'Option --rule needs a value'],
    ['an option where the value should be', ['--config', '--quiet'], 'Option --config needs a value; "--quiet" looks like an option (write --config=--quiet if it is the value)'],
    ['a short option where the value should be', ['-c', '-f', 'long'], 'Option -c needs a value; "-f" looks like an option (write -c-f if it is the value)'],
    ['a missing number', ['--max'], 'Option --max needs a value'],
    ['a bad number', ['--max', 'abc'], 'Option --max expects a number, got "abc"'],
    ['an empty number', ['--max='], 'Option --max expects a number, got ""'],
    ['an infinite number', ['--max=Infinity'], 'Option --max expects a number, got "Infinity"'],
    ['a value outside the choices', ['--format', 'xml'], 'Invalid values:\n  Argument: format, Given: "xml", Choices: "short", "long"'],
    ['choices are case-sensitive', ['-f', 'LONG'], 'Invalid values:\n  Argument: format, Given: "LONG", Choices: "short", "long"'],
    ['a flag with a value other than true or false', ['--quiet=yes'], 'Option --quiet takes true or false, not "yes"'],
    ['the first problem in argument order', ['--max', 'x', '--format', 'xml'], 'Option --max expects a number, got "x"'],
  ])('%s', async (_name, args, message) => {
    expect(await outcome(list, args)).toEqual(error(message));
  });

  it.each([
    ['a missing required positional', show, [], 'Missing required argument: file'],
    ['a required positional given only after an unknown option', show, ['--bogus'], 'Unknown argument: bogus'],
    ['an extra positional', show, ['a', 'b'], 'Unknown argument: b'],
    ['extra positionals after "--"', show, ['a', '--', 'b', '-c'], 'Unknown arguments: b, -c'],
    ['a positional where none is taken', nothing, ['x'], 'Unknown argument: x'],
    ['an option of another command', nothing, ['--quiet'], 'Unknown argument: quiet'],
  ])('%s', async (_name, command, args, message) => {
    expect(await outcome(command, args)).toEqual(error(message));
  });
});

describe('--help and --version', () => {
  it.each([
    [['--help'], 'help'],
    [['-h'], 'help'],
    [['a', 'help'], 'help'],
    [['--bogus', '--help'], 'help'],
    [['--max', 'x', '-h'], 'help'],
    [['--version'], 'version'],
    [['-v'], 'version'],
    [['--version', '--help'], 'help'],
    [['-hv'], 'help'],
    [['--version', '--bogus'], 'version'],
  ])('%j asks for %s, whatever else is wrong', async (args, kind) => {
    expect(await outcome(list, args)).toEqual({ kind });
  });

  it('is not asked for by --help=false, "help" before other positionals, or "help" after "--"', async () => {
    expect(await outcome(list, ['--help=false'])).toEqual({ run: DEFAULTS });
    expect(await outcome(list, ['help', 'a'])).toEqual({ run: { ...DEFAULTS, files: ['help', 'a'] } });
    expect(await outcome(list, ['--', 'help'])).toEqual({ run: { ...DEFAULTS, files: ['help'] } });
  });

  it('is rejected with another value than true or false', async () => {
    expect(await outcome(list, ['--version=1'])).toEqual(error('Option --version takes true or false, not "1"'));
  });
});

describe('selecting the command', () => {
  const commands = [list, show, nothing];
  const select = (argv: string[]) => {
    const { command, args, named } = selectCommand(argv, commands, list);
    return [command.spec.name, args, named];
  };

  it('takes the first positional when it names a command, and removes it', () => {
    expect(select(['show', 'a.conf'])).toEqual(['show', ['a.conf'], true]);
    expect(select(['-f', 'long', 'show', 'x'])).toEqual(['show', ['-f', 'long', 'x'], true]);
    expect(select(['list', 'show'])).toEqual(['list', ['show'], true]);
  });

  it('runs the default command otherwise, with every argument', () => {
    expect(select([])).toEqual(['list', [], false]);
    expect(select(['a.conf', 'show'])).toEqual(['list', ['a.conf', 'show'], false]);
    expect(select(['--', 'show'])).toEqual(['list', ['--', 'show'], false]);
    expect(select(['--help'])).toEqual(['list', ['--help'], false]);
  });
});

describe('help', () => {
  const program = { name: 'tool', describe: 'Does things', commands: [list, show, nothing], defaultCommand: list };

  it('lists the commands, then the default command arguments, with aligned columns and annotations', () => {
    expect(programHelp(program, 100)).toBe(
      [
        'tool [files..]  Does things',
        '',
        'Commands:',
        '  tool list [files..]  List things                                                         [default]',
        '  tool show <file>     Show one thing',
        '  tool nothing         Takes no arguments',
        '',
        'Positionals:',
        '  files  Files to list                                                                       [array]',
        '',
        'Options:',
        '  -f, --format   Output format                                            [choices: "short", "long"]',
        '      --quiet    Say less                                                 [boolean] [default: false]',
        '      --color    Colour on or off                                                          [boolean]',
        '      --inline   Honour inline settings                                    [boolean] [default: true]',
        '  -c, --config   Config file (--no-config: none)                                            [string]',
        '      --rule     A rule (repeatable)                                                        [string]',
        '      --max      At most this many                                                          [number]',
        '      --sort     Sort order                              [choices: "name", "size"] [default: "name"]',
        '  -v, --version  Show version number                                                       [boolean]',
        '  -h, --help     Show help                                                                 [boolean]',
        '',
      ].join('\n'),
    );
  });

  it("gives a command's usage, description and arguments", () => {
    expect(commandHelp(program, show, 60)).toBe(
      [
        'tool show <file>',
        '',
        'Show one thing',
        '',
        'Positionals:',
        '  file  The file                         [string] [required]',
        '',
        'Options:',
        '  -v, --version  Show version number               [boolean]',
        '  -h, --help     Show help                         [boolean]',
        '',
      ].join('\n'),
    );
  });

  it('wraps text beside its entry, and puts notes that do not fit on lines of their own', () => {
    const wordy = defineCommand(
      {
        name: 'wordy',
        describe: 'Wordy',
        options: {
          long: { type: 'boolean', default: false, describe: 'A description long enough that it has to be wrapped over more than one line' },
          choice: { type: 'string', choices: ['one', 'two', 'three', 'four', 'five', 'six'], describe: 'Pick one' },
        },
      },
      record,
    );
    expect(commandHelp(program, wordy, 60).split('\n').slice(4)).toEqual([
      'Options:',
      '      --long     A description long enough that it has to be',
      '                 wrapped over more than one line',
      '                                  [boolean] [default: false]',
      '      --choice   Pick one',
      '     [choices: "one", "two", "three", "four", "five", "six"]',
      '  -v, --version  Show version number               [boolean]',
      '  -h, --help     Show help                         [boolean]',
      '',
    ]);
  });

  it('puts the text under its entry on a terminal too narrow for two columns', () => {
    const lines = commandHelp(program, list, 40).split('\n');
    expect(lines.slice(lines.indexOf('Options:'), lines.indexOf('Options:') + 4)).toEqual([
      'Options:',
      '  -f, --format',
      '          Output format',
      '              [choices: "short", "long"]',
    ]);
    expect(Math.max(...lines.map((l) => l.length))).toBeLessThanOrEqual(40);
  });
});
