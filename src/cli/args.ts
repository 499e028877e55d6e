/**
 * The CLI's argument parser: a declarative table of options per command, tokenised by node:util's parseArgs and
 * validated here, plus the help text rendered from the same tables. (It replaced yargs, whose loading cost ~13 ms
 * of every start: startup time is a budget, issue 8.)
 *
 * parseArgs runs with `strict: false` and every check is made on its tokens, so that a usage error names the
 * argument as the user wrote it ("Unknown argument: bogus") and `--no-<flag>`, `--flag=false` and repeated
 * options work on Node 20 (whose parseArgs has no `allowNegative`).
 */
import { parseArgs } from 'node:util';

interface OptionBase {
  /** A one-letter alias: `-f`. */
  readonly short?: string;
  readonly describe?: string;
}

/** A flag; `--no-<name>` turns it off, and `--<name>=true|false` (or `--<name> true|false`) sets it. */
export interface BooleanOption extends OptionBase {
  readonly type: 'boolean';
  readonly default?: boolean;
}

export interface StringOption extends OptionBase {
  readonly type: 'string';
  readonly choices?: readonly string[];
  readonly default?: string;
  /** Every occurrence is kept, in order (its value is an array, empty by default); otherwise the last one wins. */
  readonly repeatable?: boolean;
  /** `--no-<name>` is accepted and makes the value `false` (`--no-config`: use no config file). */
  readonly negatable?: boolean;
}

/** A finite number, in any notation `Number()` reads (`-1`, `1.5`, `0x10`). */
export interface NumberOption extends OptionBase {
  readonly type: 'number';
  readonly default?: number;
}

export type OptionSpec = BooleanOption | StringOption | NumberOption;
export type OptionTable = Readonly<Record<string, OptionSpec>>;

/** A command's positional argument: one (`<file>`, `[file]`) or any number (`[files..]`). */
export interface PositionalSpec {
  readonly name: string;
  readonly describe?: string;
  readonly required?: boolean;
  readonly variadic?: boolean;
}

export interface CommandSpec<O extends OptionTable = OptionTable, P extends PositionalSpec | undefined = PositionalSpec | undefined> {
  readonly name: string;
  readonly describe: string;
  readonly positional?: P;
  readonly options: O;
}

type OptionValue<S> = S extends BooleanOption
  ? boolean
  : S extends NumberOption
    ? number
    : S extends { readonly repeatable: true }
      ? string[]
      : (S extends { readonly choices: readonly (infer C)[] } ? C : string) | (S extends { readonly negatable: true } ? false : never);

/** What a command's action receives for its option table: one property per option, under its long name. */
export type OptionValues<O extends OptionTable> = {
  -readonly [K in keyof O]: O[K] extends { readonly default: unknown } | { readonly repeatable: true } ? OptionValue<O[K]> : OptionValue<O[K]> | undefined;
};

/** The positional argument's value, under its name (as `files`, `file`, `rule`). */
export type PositionalValues<P> = P extends PositionalSpec
  ? { [K in P['name']]: P extends { readonly variadic: true } ? string[] : P extends { readonly required: true } ? string : string | undefined }
  : Record<never, never>;

/** What the arguments ask for: the command's action, help, the version, or nothing valid. */
export type Invocation =
  | { readonly kind: 'run'; readonly action: () => Promise<number> }
  | { readonly kind: 'help' }
  | { readonly kind: 'version' }
  | { readonly kind: 'usage-error'; readonly message: string };

/** A command: its table (for parsing and help) and what it does with the parsed arguments. */
export interface Command {
  readonly spec: CommandSpec;
  readonly parse: (args: readonly string[]) => Invocation;
}

/** `--help` and `--version` are accepted by every command. */
const BUILTIN_OPTIONS = {
  version: { type: 'boolean', short: 'v', describe: 'Show version number' },
  help: { type: 'boolean', short: 'h', describe: 'Show help' },
} as const satisfies OptionTable;

export function defineCommand<const O extends OptionTable, const P extends PositionalSpec | undefined = undefined>(
  spec: CommandSpec<O, P>,
  action: (args: OptionValues<O> & PositionalValues<P>) => Promise<number>,
): Command {
  return {
    spec,
    parse: (args) => {
      const parsed = parseCommandArgs(args, spec);
      if (parsed.kind !== 'parsed') return parsed;
      const { options, positionals } = parsed;
      const positional = spec.positional;
      if (positional !== undefined) options[positional.name] = positional.variadic ? positionals : positionals[0];
      // Checked against the tables by parseCommandArgs: each option has its type (or its default), the positional its arity.
      return { kind: 'run', action: () => action(options as OptionValues<O> & PositionalValues<P>) };
    },
  };
}

type ParsedValue = string | number | boolean | string[] | undefined;
type Parsed = { readonly kind: 'parsed'; readonly options: Record<string, ParsedValue>; readonly positionals: string[] } | Exclude<Invocation, { kind: 'run' }>;

/** The values `--flag=VALUE` and `--flag VALUE` may give a boolean option. */
const BOOLEAN_WORDS: Readonly<Record<string, boolean>> = { true: true, false: false };

/**
 * Which command the arguments name, and the arguments without its name: the first positional argument (before
 * any `--`), read with the default command's options (so that `-f json rules` is `rules -f json`), when it names
 * one; otherwise the default command, with all of them.
 */
export function selectCommand(argv: readonly string[], commands: readonly Command[], fallback: Command): { command: Command; args: string[]; named: boolean } {
  for (const token of tokenize(argv, fallback.spec.options)) {
    if (token.kind === 'option-terminator') break;
    if (token.kind !== 'positional') continue;
    const command = commands.find((c) => c.spec.name === token.value);
    if (command === undefined) break;
    return { command, args: argv.filter((_, i) => i !== token.index), named: true };
  }
  return { command: fallback, args: [...argv], named: false };
}

function tokenize(args: readonly string[], options: OptionTable) {
  const config: Record<string, { type: 'string' | 'boolean'; short?: string }> = {};
  for (const [name, spec] of Object.entries({ ...options, ...BUILTIN_OPTIONS })) {
    config[name] = { type: spec.type === 'boolean' ? 'boolean' : 'string', ...(spec.short !== undefined ? { short: spec.short } : {}) };
  }
  return parseArgs({ args: [...args], options: config, strict: false, allowPositionals: true, tokens: true }).tokens;
}

/**
 * Parses one command's arguments (its name removed) against its table. The first problem in argument order is
 * the error, except that unknown options and surplus positionals are named together, as yargs did; `--help`
 * (or a last positional `help`) and `--version` win over any error.
 */
function parseCommandArgs(args: readonly string[], spec: CommandSpec): Parsed {
  const options: Record<string, ParsedValue> = {};
  for (const [name, option] of Object.entries(spec.options)) {
    options[name] = option.type === 'string' && option.repeatable ? [] : option.default;
  }
  const positionals: string[] = [];
  const unknown: string[] = [];
  let problem: string | undefined;
  let help = false;
  let version = false;
  let lastBeforeTerminator: string | undefined;
  let terminated = false;

  const tokens = tokenize(args, spec.options);
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    if (token.kind === 'option-terminator') {
      terminated = true;
      continue;
    }
    if (token.kind === 'positional') {
      positionals.push(token.value);
      if (!terminated) lastBeforeTerminator = token.value;
      continue;
    }
    const found = lookUp(spec.options, token.name);
    if (found === undefined) {
      unknown.push(token.rawName.replace(/^--?/, ''));
      continue;
    }
    const { name, option, negated } = found;
    const given = token.inlineValue ? token.value : undefined;
    if (negated) {
      if (given !== undefined) problem ??= `Option ${token.rawName} takes no value`;
      else options[name] = false;
      continue;
    }
    if (option.type === 'boolean') {
      // `--fix false`: a following true or false is the flag's value, as with yargs.
      const next = tokens[i + 1];
      const following = next?.kind === 'positional' && next.index === token.index + 1 ? BOOLEAN_WORDS[next.value] : undefined;
      const value = given === undefined ? (following ?? true) : BOOLEAN_WORDS[given];
      if (value === undefined) {
        problem ??= `Option ${token.rawName} takes true or false, not "${given}"`;
        continue;
      }
      if (given === undefined && following !== undefined) i++;
      if (name === 'help') help = value;
      else if (name === 'version') version = value;
      else options[name] = value;
      continue;
    }
    const error = valueProblem(name, token.rawName, option, token.value, token.inlineValue === true);
    if (error !== undefined) {
      problem ??= error;
      continue;
    }
    const value = token.value!;
    if (option.type === 'number') options[name] = Number(value);
    else if (option.repeatable) (options[name] as string[]).push(value);
    else options[name] = value;
  }

  if (help || lastBeforeTerminator === 'help') return { kind: 'help' };
  if (version) return { kind: 'version' };
  if (problem !== undefined) return { kind: 'usage-error', message: problem };
  const positional = spec.positional;
  const allowed = positional === undefined ? 0 : positional.variadic ? Infinity : 1;
  unknown.push(...positionals.slice(allowed));
  if (unknown.length > 0) return { kind: 'usage-error', message: `Unknown argument${unknown.length > 1 ? 's' : ''}: ${unknown.join(', ')}` };
  if (positional?.required && positionals.length === 0) return { kind: 'usage-error', message: `Missing required argument: ${positional.name}` };
  return { kind: 'parsed', options, positionals };
}

/** The option a token names: by its long name (parseArgs maps the short ones), or `no-<name>` for a negation. */
function lookUp(options: OptionTable, tokenName: string): { name: string; option: OptionSpec; negated: boolean } | undefined {
  const option = options[tokenName] ?? BUILTIN_OPTIONS[tokenName as keyof typeof BUILTIN_OPTIONS];
  if (option !== undefined) return { name: tokenName, option, negated: false };
  if (!tokenName.startsWith('no-')) return undefined;
  const name = tokenName.slice(3);
  const negatable = options[name];
  if (negatable?.type === 'boolean' || (negatable?.type === 'string' && negatable.negatable)) return { name, option: negatable, negated: true };
  return undefined;
}

/** Why a string or number option's value is not acceptable, if it is not. */
function valueProblem(name: string, rawName: string, option: StringOption | NumberOption, value: string | undefined, inline: boolean): string | undefined {
  const choices = option.type === 'string' && option.choices !== undefined ? option.choices.map((c) => JSON.stringify(c)).join(', ') : undefined;
  if (value === undefined) return `Option ${rawName} needs a value${choices !== undefined ? `: one of ${choices}` : ''}`;
  const numeric = value.trim() !== '' && Number.isFinite(Number(value));
  // parseArgs takes the next argument as the value whatever it is: `--config --quiet` is a forgotten value
  // (a negative number is a value, as is `-` alone).
  if (!inline && value.length > 1 && value.startsWith('-') && !(option.type === 'number' && numeric)) {
    return `Option ${rawName} needs a value; "${value}" looks like an option (write ${rawName.startsWith('--') ? `${rawName}=${value}` : `${rawName}${value}`} if it is the value)`;
  }
  if (option.type === 'number') return numeric ? undefined : `Option ${rawName} expects a number, got "${value}"`;
  if (option.choices !== undefined && !option.choices.includes(value)) {
    // yargs' wording, which scripts and tests may match.
    return `Invalid values:\n  Argument: ${name}, Given: ${JSON.stringify(value)}, Choices: ${choices}`;
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------------------------
// Help

export interface ProgramSpec {
  readonly name: string;
  /** What the program does, after its usage on the first line of the main help. */
  readonly describe: string;
  readonly commands: readonly Command[];
  /** The command that runs when none is named; its positional and options are the main help's. */
  readonly defaultCommand: Command;
}

interface Row {
  readonly left: string;
  readonly text: string;
  /** Annotations such as `[boolean] [default: false]`, right-aligned. */
  readonly notes: string;
}

/** `ngxlint --help`: usage, the commands, and the default command's arguments. */
export function programHelp(program: ProgramSpec, width: number): string {
  const main = program.defaultCommand.spec;
  const commands = program.commands.map((c) => ({
    left: `${program.name} ${usage(c.spec)}`,
    text: c.spec.describe,
    notes: c === program.defaultCommand ? '[default]' : '',
  }));
  return [
    `${program.name} ${positionalUsage(main.positional)}  ${program.describe}`,
    section('Commands', commands, width),
    ...argumentSections(main, width),
  ].join('\n\n') + '\n';
}

/** `ngxlint parse --help`: the command's usage, description and arguments. */
export function commandHelp(program: ProgramSpec, command: Command, width: number): string {
  return [`${program.name} ${usage(command.spec)}`, command.spec.describe, ...argumentSections(command.spec, width)].join('\n\n') + '\n';
}

function usage(spec: CommandSpec): string {
  return spec.positional === undefined ? spec.name : `${spec.name} ${positionalUsage(spec.positional)}`;
}

function positionalUsage(positional: PositionalSpec | undefined): string {
  if (positional === undefined) return '';
  const name = positional.variadic ? `${positional.name}..` : positional.name;
  return positional.required ? `<${name}>` : `[${name}]`;
}

function argumentSections(spec: CommandSpec, width: number): string[] {
  const sections: string[] = [];
  const positional = spec.positional;
  if (positional !== undefined) {
    const notes = [positional.variadic ? '[array]' : '[string]', positional.required ? '[required]' : ''];
    sections.push(section('Positionals', [{ left: positional.name, text: positional.describe ?? '', notes: notes.filter(Boolean).join(' ') }], width));
  }
  const options = Object.entries({ ...spec.options, ...BUILTIN_OPTIONS }).map(([name, option]) => ({
    left: `${option.short !== undefined ? `-${option.short},` : '   '} --${name}`,
    text: option.describe ?? '',
    notes: optionNotes(option),
  }));
  sections.push(section('Options', options, width));
  return sections;
}

function optionNotes(option: OptionSpec): string {
  const notes: string[] = [];
  if (option.type === 'string' && option.choices !== undefined) notes.push(`[choices: ${option.choices.map((c) => JSON.stringify(c)).join(', ')}]`);
  else notes.push(`[${option.type}]`);
  if (option.default !== undefined) notes.push(`[default: ${JSON.stringify(option.default)}]`);
  return notes.join(' ');
}

/**
 * A titled two-column table: the left column as wide as its widest entry, the text wrapped beside it, and the
 * notes right-aligned on the text's last line, or on lines of their own when they do not fit there.
 */
function section(title: string, rows: readonly Row[], width: number): string {
  const indent = 2;
  const leftWidth = indent + Math.max(...rows.map((r) => r.left.length)) + 2;
  // On too narrow a terminal for two columns, the text goes under its entry.
  const sideBySide = width - leftWidth >= 30;
  const textIndent = sideBySide ? leftWidth : indent + 8;
  const lines = [`${title}:`];
  for (const row of rows) {
    const head = ' '.repeat(indent) + row.left;
    const text = wrap(row.text, width - textIndent);
    const body = sideBySide
      ? [head.padEnd(textIndent) + (text[0] ?? ''), ...text.slice(1).map((line) => ' '.repeat(textIndent) + line)]
      : [head, ...text.map((line) => ' '.repeat(textIndent) + line)];
    const last = body.length - 1;
    const end = body[last]!.trimEnd();
    if (row.notes === '') body[last] = end;
    else if (end.length + 1 + row.notes.length <= width) body[last] = end.padEnd(width - row.notes.length) + row.notes;
    else body.push(...wrap(row.notes, width - indent).map((line) => line.padStart(width)));
    lines.push(...body);
  }
  return lines.join('\n');
}

/** Words of `text` in lines of at most `width` characters (a longer word gets a line of its own). */
function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line !== '' && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else {
      line = line === '' ? word : `${line} ${word}`;
    }
  }
  if (line !== '') lines.push(line);
  return lines;
}
