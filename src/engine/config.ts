/**
 * Configuration files: discovery, reading (JSON with comments, YAML, package.json#ngxlint), validation and
 * resolution of presets, `extends` chains, rule levels and rule options into a {@link ResolvedConfig}.
 *
 * ```json
 * {
 *   "extends": ["ngxlint:recommended"],
 *   "rules": { "some-rule": "off", "other-rule": ["warn", { "maxSeconds": 30 }] },
 *   "backends": ["etc/php/*\/fpm/pool.d/*.conf"], "root": "/", "prefix": "/etc/nginx", "nginxVersion": "1.26.2",
 *   "ignore": ["vendor/**"], "directives": ["more_set_headers"]
 * }
 * ```
 *
 * Every problem is a {@link ConfigError} whose message is one line naming the file, the key path, and for
 * rule options the rule and the option.
 */
import * as nodeFs from 'node:fs';
import * as path from 'node:path';
import { createRequire } from 'node:module';
import type * as Yaml from 'yaml';
import { closestMatches, parseSize, parseTime } from '../model/values.js';
import type { OptionSpec, OptionsSpec, RuleLevel, Severity } from './types.js';

/** The YAML parser, loaded only when a YAML config file is read (startup time is a budget). */
const yaml = (): typeof Yaml => createRequire(import.meta.url)('yaml') as typeof Yaml;

// ---------------------------------------------------------------------------------------------------------
// Public types

/** What the config resolver needs to know about a rule. */
export interface RuleInfo {
  readonly name: string;
  /** The rule's default severity. */
  readonly severity: Severity;
  /** In `ngxlint:recommended`; default true. */
  readonly recommended?: boolean;
  readonly options?: OptionsSpec;
}

/** An enabled rule: its severity and its options, fully defaulted and validated. */
export interface RuleSetting {
  readonly severity: Severity;
  /** Size options are in bytes and time options in milliseconds (see `OptionValue` in types.ts). */
  readonly options: Readonly<Record<string, unknown>>;
}

export interface ResolvedConfig {
  /** Only the enabled rules. */
  readonly rules: ReadonlyMap<string, RuleSetting>;
  readonly backends: readonly string[];
  readonly root: string | undefined;
  readonly prefix: string | undefined;
  readonly nginxVersion: string | undefined;
  readonly ignore: readonly string[];
  readonly directives: readonly string[];
  /** Absolute path of the config file used, if any. */
  readonly configFile: string | undefined;
  /** The directory relative paths in the config resolve against: the config file's directory, or the cwd. */
  readonly baseDir: string;
}

/** Settings given on the command line (`--rule name:level`); they apply after the config file. */
export interface ConfigOverrides {
  readonly rules?: Readonly<Record<string, RuleLevel>>;
}

/** The filesystem access config discovery needs; tests pass an in-memory one. */
export interface ConfigFs {
  /** Whether a regular file exists at the path. */
  exists(p: string): boolean;
  /** The file's text; throws when it cannot be read. */
  read(p: string): string;
}

export class ConfigError extends Error {
  /** Absolute path of the config file the problem is in, when there is one. */
  readonly file: string | undefined;
  constructor(message: string, file?: string) {
    super(message);
    this.name = 'ConfigError';
    this.file = file;
  }
}

export const CONFIG_FILE_NAMES: readonly string[] = ['ngxlint.config.json', '.ngxlintrc.json', '.ngxlintrc.yaml', '.ngxlintrc.yml'];

export type PresetName = 'ngxlint:recommended' | 'ngxlint:strict';
export const PRESET_NAMES: readonly PresetName[] = ['ngxlint:recommended', 'ngxlint:strict'];
/** The preset in effect without a config file, or when a config file has no `extends` key. */
export const DEFAULT_PRESET: PresetName = 'ngxlint:recommended';

/** The top-level keys a config may have (`$schema` is accepted and ignored, for editors). */
export const CONFIG_KEYS: readonly string[] = [
  'extends',
  'rules',
  'backends',
  'root',
  'prefix',
  'nginxVersion',
  'ignore',
  'directives',
  '$schema',
];

const LEVEL_WORDS: Readonly<Record<string, RuleLevel>> = {
  off: 'off',
  info: 'info',
  warn: 'warning',
  warning: 'warning',
  error: 'error',
};
const LEVEL_LIST = '"off", "info", "warn", "error"';

const SEVERITY_WORDS: Readonly<Record<Severity, string>> = { error: 'error', warning: 'warn', info: 'info' };

// ---------------------------------------------------------------------------------------------------------
// Small helpers

const defaultFs: ConfigFs = {
  exists(p) {
    try {
      return nodeFs.statSync(p).isFile();
    } catch {
      return false;
    }
  },
  read(p) {
    return nodeFs.readFileSync(p, 'utf8');
  },
};

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A short rendering of a value for "got ..." in messages. */
function show(value: unknown): string {
  if (value === undefined) return 'undefined';
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

function didYouMean(input: string, candidates: Iterable<string>): string {
  const [best] = closestMatches(input, candidates);
  return best === undefined ? '' : ` (did you mean "${best}"?)`;
}

/** How a file is named in messages: relative to the working directory when inside it, else absolute. */
function displayPath(file: string): string {
  const rel = path.relative(process.cwd(), file);
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : file;
}

/** The error's errno-style description, e.g. `ENOENT: no such file or directory`. */
function ioReason(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return 'no such file';
    if (code === 'EISDIR') return 'is a directory';
    if (code === 'EACCES') return 'permission denied';
    return error.message.split('\n')[0] ?? error.message;
  }
  return String(error);
}

function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

// ---------------------------------------------------------------------------------------------------------
// JSON with positions

class JsonSyntaxError extends Error {
  readonly offset: number;
  constructor(message: string, offset: number) {
    super(message);
    this.offset = offset;
  }
}

/** 1-based line and column (UTF-16 code units) of an offset. */
function lineCol(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

/**
 * A strict JSON parser (RFC 8259) that reports where it failed; with `comments`, also `//` and `/* *\/`
 * comments (as in tsconfig.json). Duplicate keys are an error. A leading BOM is skipped.
 */
class JsonParser {
  private pos = 0;
  constructor(
    private readonly text: string,
    private readonly comments: boolean,
  ) {
    if (text.charCodeAt(0) === 0xfeff) this.pos = 1;
  }

  parse(): unknown {
    this.skip();
    const value = this.value();
    this.skip();
    if (this.pos < this.text.length) this.fail(`unexpected ${this.describe()} after the end of the value`);
    return value;
  }

  private fail(message: string, at = this.pos): never {
    throw new JsonSyntaxError(message, at);
  }

  private describe(at = this.pos): string {
    if (at >= this.text.length) return 'end of file';
    const c = this.text.charAt(at);
    return /[\x00-\x1f]/.test(c) ? `character U+${c.charCodeAt(0).toString(16).padStart(4, '0')}` : `character "${c}"`;
  }

  private skip(): void {
    const t = this.text;
    while (this.pos < t.length) {
      const c = t.charAt(this.pos);
      if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
        this.pos++;
      } else if (c === '/' && this.comments && t.charAt(this.pos + 1) === '/') {
        while (this.pos < t.length && t.charAt(this.pos) !== '\n') this.pos++;
      } else if (c === '/' && this.comments && t.charAt(this.pos + 1) === '*') {
        const end = t.indexOf('*/', this.pos + 2);
        if (end < 0) this.fail('unterminated comment');
        this.pos = end + 2;
      } else {
        return;
      }
    }
  }

  private value(): unknown {
    const c = this.text.charAt(this.pos);
    if (c === '{') return this.object();
    if (c === '[') return this.array();
    if (c === '"') return this.string();
    if (c === '-' || (c >= '0' && c <= '9')) return this.number();
    for (const [word, value] of [
      ['true', true],
      ['false', false],
      ['null', null],
    ] as const) {
      if (this.text.startsWith(word, this.pos)) {
        this.pos += word.length;
        return value;
      }
    }
    if (c === "'") this.fail('strings must use double quotes');
    return this.fail(`unexpected ${this.describe()}, expected a value`);
  }

  private object(): Record<string, unknown> {
    const result: Record<string, unknown> = {};
    const seen = new Set<string>();
    this.pos++;
    this.skip();
    if (this.text.charAt(this.pos) === '}') {
      this.pos++;
      return result;
    }
    for (;;) {
      if (this.text.charAt(this.pos) !== '"') {
        if (this.text.charAt(this.pos) === '}') this.fail('trailing comma is not allowed');
        this.fail(`unexpected ${this.describe()}, expected a property name in double quotes`);
      }
      const keyAt = this.pos;
      const key = this.string();
      if (seen.has(key)) this.fail(`duplicate key "${key}"`, keyAt);
      seen.add(key);
      this.skip();
      if (this.text.charAt(this.pos) !== ':') this.fail(`unexpected ${this.describe()}, expected ":" after the property name`);
      this.pos++;
      this.skip();
      setOwn(result, key, this.value());
      this.skip();
      const c = this.text.charAt(this.pos);
      if (c === '}') {
        this.pos++;
        return result;
      }
      if (c !== ',') this.fail(`unexpected ${this.describe()}, expected "," or "}"`);
      this.pos++;
      this.skip();
    }
  }

  private array(): unknown[] {
    const result: unknown[] = [];
    this.pos++;
    this.skip();
    if (this.text.charAt(this.pos) === ']') {
      this.pos++;
      return result;
    }
    for (;;) {
      if (this.text.charAt(this.pos) === ']') this.fail('trailing comma is not allowed');
      result.push(this.value());
      this.skip();
      const c = this.text.charAt(this.pos);
      if (c === ']') {
        this.pos++;
        return result;
      }
      if (c !== ',') this.fail(`unexpected ${this.describe()}, expected "," or "]"`);
      this.pos++;
      this.skip();
    }
  }

  private string(): string {
    const t = this.text;
    const start = this.pos;
    this.pos++;
    let out = '';
    for (;;) {
      if (this.pos >= t.length) this.fail('unterminated string', start);
      const c = t.charAt(this.pos);
      if (c === '"') {
        this.pos++;
        return out;
      }
      if (c === '\\') {
        const e = t.charAt(this.pos + 1);
        const simple: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };
        const mapped = simple[e];
        if (mapped !== undefined) {
          out += mapped;
          this.pos += 2;
        } else if (e === 'u' && /^[0-9a-fA-F]{4}$/.test(t.slice(this.pos + 2, this.pos + 6))) {
          out += String.fromCharCode(parseInt(t.slice(this.pos + 2, this.pos + 6), 16));
          this.pos += 6;
        } else {
          this.fail('invalid escape sequence in string');
        }
        continue;
      }
      if (c === '\n' || c === '\r') this.fail('unterminated string', start);
      if (c < ' ') this.fail(`unescaped ${this.describe()} in string`);
      out += c;
      this.pos++;
    }
  }

  private number(): number {
    const match = /^-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/.exec(this.text.slice(this.pos, this.pos + 400));
    if (match === null) this.fail('invalid number');
    const next = this.text.charAt(this.pos + match[0].length);
    if (/[0-9.eE]/.test(next)) this.fail('invalid number');
    this.pos += match[0].length;
    return Number(match[0]);
  }
}

// ---------------------------------------------------------------------------------------------------------
// Reading files

type FileFormat = 'json' | 'yaml' | 'package.json';

function formatOf(file: string): FileFormat {
  const base = path.basename(file);
  if (base === 'package.json') return 'package.json';
  const ext = path.extname(base).toLowerCase();
  return ext === '.yaml' || ext === '.yml' ? 'yaml' : 'json';
}

/** Parses a config file's text. `file` names it in messages and selects the format. */
function parseConfigText(text: string, file: string): unknown {
  const shown = displayPath(file);
  const format = formatOf(file);
  if (format === 'yaml') {
    const doc = yaml().parseDocument(text, { uniqueKeys: true, prettyErrors: true });
    const first = doc.errors[0];
    if (first !== undefined) {
      const pos = first.linePos?.[0];
      const where = pos === undefined ? '' : `:${pos.line}:${pos.col}`;
      const reason = (first.message.split('\n')[0] ?? first.message).replace(/ at line \d+, column \d+:?$/, '').replace(/; please use YAML\.\w+\(\)$/, '');
      throw new ConfigError(`${shown}${where}: YAML syntax error: ${reason}`, file);
    }
    let value: unknown;
    try {
      value = doc.toJS();
    } catch (error) {
      // Unresolved aliases and alias bombs surface here, without a position.
      throw new ConfigError(`${shown}: YAML error: ${error instanceof Error ? error.message : String(error)}`, file);
    }
    // An empty YAML file is an empty config.
    return value ?? {};
  }
  let value: unknown;
  try {
    value = new JsonParser(text, format === 'json').parse();
  } catch (error) {
    if (!(error instanceof JsonSyntaxError)) throw error;
    const { line, column } = lineCol(text, error.offset);
    throw new ConfigError(`${shown}:${line}:${column}: JSON syntax error: ${error.message}`, file);
  }
  if (format === 'package.json') {
    if (!isObject(value) || !Object.hasOwn(value, 'ngxlint')) {
      throw new ConfigError(`${shown}: has no "ngxlint" key`, file);
    }
    return value['ngxlint'];
  }
  return value;
}

/**
 * Reads a config file: JSON (comments allowed; syntax errors give `file:line:col`), YAML for `.yaml`/`.yml`,
 * and for `package.json` the value of its `"ngxlint"` key. The result is not validated; pass it to
 * {@link resolveConfig}. Throws ConfigError.
 */
export function readConfigFile(file: string, read: (p: string) => string = defaultFs.read): unknown {
  let text: string;
  try {
    text = read(file);
  } catch (error) {
    throw new ConfigError(`${displayPath(file)}: cannot read config file (${ioReason(error)})`, file);
  }
  return parseConfigText(text, file);
}

function hasNgxlintKey(file: string, fs: ConfigFs): boolean {
  try {
    const pkg: unknown = JSON.parse(fs.read(file));
    return isObject(pkg) && Object.hasOwn(pkg, 'ngxlint');
  } catch {
    // Not our file: a package.json we cannot read or parse is skipped.
    return false;
  }
}

/**
 * Looks for a config file from `cwd` up to the filesystem root. In each directory the names in
 * {@link CONFIG_FILE_NAMES} are tried in order, then `package.json` when it has an `"ngxlint"` key; the
 * first found wins. Returns an absolute path.
 */
export function findConfigFile(cwd: string, fs: ConfigFs = defaultFs): string | undefined {
  let dir = path.resolve(cwd);
  for (;;) {
    for (const name of CONFIG_FILE_NAMES) {
      const candidate = path.join(dir, name);
      if (fs.exists(candidate)) return candidate;
    }
    const pkg = path.join(dir, 'package.json');
    if (fs.exists(pkg) && hasNgxlintKey(pkg, fs)) return pkg;
    const parent = path.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

// ---------------------------------------------------------------------------------------------------------
// Presets

/**
 * The levels a preset gives: `ngxlint:recommended` is every rule with `recommended !== false` at its
 * default severity; `ngxlint:strict` is every rule at its default severity, `info` raised to `warning`.
 */
export function presetRules(preset: PresetName, rules: readonly RuleInfo[]): Map<string, RuleLevel> {
  const result = new Map<string, RuleLevel>();
  for (const rule of rules) {
    if (preset === 'ngxlint:recommended') {
      if (rule.recommended !== false) result.set(rule.name, rule.severity);
    } else {
      result.set(rule.name, rule.severity === 'info' ? 'warning' : rule.severity);
    }
  }
  return result;
}

// ---------------------------------------------------------------------------------------------------------
// Options

interface CheckedOptions {
  /** Values as written (or defaulted): what --print-config shows; valid config input. */
  readonly written: Readonly<Record<string, unknown>>;
  /** Values for the rule: sizes in bytes, times in milliseconds. */
  readonly resolved: Readonly<Record<string, unknown>>;
}

/** Sizes: `8k`, `1m`, or a number of bytes, as nginx's `ngx_parse_size()` reads them. */
function sizeValue(value: unknown): number | undefined {
  const text = typeof value === 'number' ? String(value) : value;
  if (typeof text !== 'string') return undefined;
  const result = parseSize(text);
  return result.ok ? result.value : undefined;
}

/**
 * Times in milliseconds: `500ms`, `30s`, `1m30s`, `1h`, or a number of seconds, as `ngx_parse_time()` reads
 * them. Both nginx modes are accepted: the msec-slot one (`ms` allowed) and then the sec-slot one (`M`, `y`).
 */
function timeValue(value: unknown): number | undefined {
  const text = typeof value === 'number' ? String(value) : value;
  if (typeof text !== 'string') return undefined;
  const msMode = parseTime(text, 'ms');
  if (msMode.ok) return msMode.value.ms;
  const sMode = parseTime(text, 's');
  return sMode.ok ? sMode.value.ms : undefined;
}

/** Checks one option value; returns the problem ("must be ...") or the written and resolved values. */
function checkOption(spec: OptionSpec, value: unknown): { problem: string } | { written: unknown; resolved: unknown } {
  switch (spec.type) {
    case 'integer': {
      const { minimum: min, maximum: max } = spec;
      const range =
        min !== undefined && max !== undefined
          ? ` between ${min} and ${max}`
          : min !== undefined
            ? ` >= ${min}`
            : max !== undefined
              ? ` <= ${max}`
              : '';
      const fits =
        typeof value === 'number' &&
        Number.isSafeInteger(value) &&
        (min === undefined || value >= min) &&
        (max === undefined || value <= max);
      return fits ? { written: value, resolved: value } : { problem: `must be an integer${range}` };
    }
    case 'boolean':
      return typeof value === 'boolean' ? { written: value, resolved: value } : { problem: 'must be true or false' };
    case 'string': {
      if (spec.enum !== undefined) {
        if (typeof value === 'string' && spec.enum.includes(value)) return { written: value, resolved: value };
        const hint = typeof value === 'string' ? didYouMean(value, spec.enum) : '';
        return { problem: `must be one of ${spec.enum.map((e) => `"${e}"`).join(', ')}${hint}` };
      }
      return typeof value === 'string' ? { written: value, resolved: value } : { problem: 'must be a string' };
    }
    case 'string[]': {
      if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) {
        return { problem: 'must be an array of strings' };
      }
      const copy = Object.freeze([...(value as string[])]);
      return { written: copy, resolved: copy };
    }
    case 'size': {
      const bytes = sizeValue(value);
      return bytes === undefined
        ? { problem: 'must be an nginx size such as "8k" or "1m"' }
        : { written: value, resolved: bytes };
    }
    case 'time': {
      const ms = timeValue(value);
      return ms === undefined ? { problem: 'must be an nginx time such as "500ms", "30s" or "1m"' } : { written: value, resolved: ms };
    }
  }
}

/** Every option at its default. Invalid defaults are a bug in the rule, not in the config. */
function defaultOptions(rule: RuleInfo): CheckedOptions {
  const written: Record<string, unknown> = {};
  const resolved: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(rule.options ?? {})) {
    const checked = checkOption(spec, spec.default);
    if ('problem' in checked) {
      throw new Error(`rule "${rule.name}": default of option "${name}" ${checked.problem}, got ${show(spec.default)}`);
    }
    setOwn(written, name, checked.written);
    setOwn(resolved, name, checked.resolved);
  }
  return { written: Object.freeze(written), resolved: Object.freeze(resolved) };
}

// ---------------------------------------------------------------------------------------------------------
// Resolution

interface RuleEntry {
  level: RuleLevel;
  /** Undefined: the defaults (no options given yet). */
  options: CheckedOptions | undefined;
}

interface State {
  readonly rules: Map<string, RuleEntry>;
  readonly backends: string[];
  readonly ignore: string[];
  readonly directives: string[];
  root: string | undefined;
  prefix: string | undefined;
  nginxVersion: string | undefined;
}

interface Context {
  readonly ruleIndex: ReadonlyMap<string, RuleInfo>;
  readonly read: (p: string) => string;
}

/** Where a value comes from, for messages. */
interface Source {
  /** Absolute file, or undefined for a config given as a value. */
  readonly file: string | undefined;
  /** The directory its relative `extends` paths resolve against. */
  readonly dir: string;
}

function fail(source: Source | undefined, keyPath: string, problem: string): never {
  const parts: string[] = [];
  if (source?.file !== undefined) parts.push(displayPath(source.file));
  if (keyPath !== '') parts.push(keyPath);
  parts.push(problem);
  throw new ConfigError(parts.join(': '), source?.file);
}

function stringList(source: Source, key: string, value: unknown): string[] {
  if (!Array.isArray(value)) fail(source, key, `must be an array of strings, got ${show(value)}`);
  value.forEach((item, i) => {
    if (typeof item !== 'string') fail(source, `${key}[${i}]`, `must be a string, got ${show(item)}`);
    if (item === '') fail(source, `${key}[${i}]`, 'must not be empty');
  });
  return value as string[];
}

function nonEmptyString(source: Source, key: string, value: unknown): string {
  if (typeof value !== 'string') fail(source, key, `must be a string, got ${show(value)}`);
  if (value === '') fail(source, key, 'must not be empty');
  return value;
}

function parseLevel(value: unknown): RuleLevel | undefined {
  return typeof value === 'string' && Object.hasOwn(LEVEL_WORDS, value) ? LEVEL_WORDS[value] : undefined;
}

function levelProblem(value: unknown): string {
  const hint = typeof value === 'string' ? didYouMean(value, ['off', 'info', 'warn', 'error']) : '';
  return `level must be one of ${LEVEL_LIST}, got ${show(value)}${hint}`;
}

function unknownRule(name: string, ctx: Context): string {
  return `unknown rule "${name}"${didYouMean(name, ctx.ruleIndex.keys())}`;
}

function checkOptions(source: Source, keyPath: string, rule: RuleInfo, value: unknown): CheckedOptions {
  if (!isObject(value)) fail(source, keyPath, `options must be an object, got ${show(value)}`);
  const specs = rule.options ?? {};
  const defaults = defaultOptions(rule);
  const written: Record<string, unknown> = { ...defaults.written };
  const resolved: Record<string, unknown> = { ...defaults.resolved };
  for (const [name, given] of Object.entries(value)) {
    const spec = Object.hasOwn(specs, name) ? specs[name] : undefined;
    if (spec === undefined) {
      const names = Object.keys(specs);
      const known =
        names.length === 0 ? `; rule "${rule.name}" has no options` : didYouMean(name, names) || `; options: ${names.join(', ')}`;
      fail(source, keyPath, `unknown option "${name}"${known}`);
    }
    const checked = checkOption(spec, given);
    if ('problem' in checked) fail(source, keyPath, `option "${name}" ${checked.problem}, got ${show(given)}`);
    setOwn(written, name, checked.written);
    setOwn(resolved, name, checked.resolved);
  }
  return { written: Object.freeze(written), resolved: Object.freeze(resolved) };
}

function applyPreset(state: State, preset: PresetName, ctx: Context): void {
  for (const [name, level] of presetRules(preset, [...ctx.ruleIndex.values()])) {
    const entry = state.rules.get(name);
    // A level alone keeps options configured earlier (as in ESLint).
    state.rules.set(name, { level, options: entry?.options });
  }
}

function applyRules(state: State, source: Source, value: unknown, ctx: Context): void {
  if (!isObject(value)) fail(source, 'rules', `must be an object mapping rule names to levels, got ${show(value)}`);
  for (const [name, setting] of Object.entries(value)) {
    const keyPath = `rules[${JSON.stringify(name)}]`;
    const rule = ctx.ruleIndex.get(name);
    if (rule === undefined) fail(source, keyPath, unknownRule(name, ctx));
    if (Array.isArray(setting)) {
      if (setting.length < 1 || setting.length > 2) {
        fail(source, keyPath, `must be a level or [level, options], got ${show(setting)}`);
      }
      const level = parseLevel(setting[0]);
      if (level === undefined) fail(source, keyPath, levelProblem(setting[0]));
      // [level, options]: options not given take their defaults.
      const options = setting.length === 2 ? checkOptions(source, keyPath, rule, setting[1]) : undefined;
      state.rules.set(name, { level, options });
    } else {
      const level = parseLevel(setting);
      if (level === undefined) {
        if (isObject(setting)) fail(source, keyPath, `must be a level or [level, options], got ${show(setting)}`);
        fail(source, keyPath, levelProblem(setting));
      }
      const entry = state.rules.get(name);
      state.rules.set(name, { level, options: entry?.options });
    }
  }
}

function addUnique(target: string[], items: readonly string[]): void {
  for (const item of items) if (!target.includes(item)) target.push(item);
}

/**
 * Applies one config (its `extends` first, then its own settings) onto `state`. `chain` lists the files
 * being resolved, to detect `extends` cycles.
 */
function applyConfig(raw: unknown, source: Source, state: State, ctx: Context, chain: readonly string[], isRoot: boolean): void {
  if (!isObject(raw)) fail(source, '', `a config must be an object, got ${show(raw)}`);

  for (const key of Object.keys(raw)) {
    if (!CONFIG_KEYS.includes(key)) {
      const hint = didYouMean(key, CONFIG_KEYS) || `; allowed keys: ${CONFIG_KEYS.filter((k) => k !== '$schema').join(', ')}`;
      fail(source, '', `unknown key "${key}"${hint}`);
    }
  }

  // Check the plain keys before following `extends`, so a typo here is reported first.
  const backends = raw['backends'] === undefined ? undefined : stringList(source, 'backends', raw['backends']);
  const ignore = raw['ignore'] === undefined ? undefined : stringList(source, 'ignore', raw['ignore']);
  const directives = raw['directives'] === undefined ? undefined : stringList(source, 'directives', raw['directives']);
  const root = raw['root'] === undefined ? undefined : nonEmptyString(source, 'root', raw['root']);
  const prefix = raw['prefix'] === undefined ? undefined : nonEmptyString(source, 'prefix', raw['prefix']);
  let nginxVersion: string | undefined;
  if (raw['nginxVersion'] !== undefined) {
    const v = raw['nginxVersion'];
    if (typeof v !== 'string' || !/^[0-9]+\.[0-9]+(\.[0-9]+)?$/.test(v)) {
      fail(source, 'nginxVersion', `must be a version such as "1.26.2", got ${show(v)}`);
    }
    nginxVersion = v;
  }
  if (raw['$schema'] !== undefined && typeof raw['$schema'] !== 'string') {
    fail(source, '$schema', `must be a string, got ${show(raw['$schema'])}`);
  }

  let extendsList: { value: string; keyPath: string }[];
  const ext = raw['extends'];
  if (ext === undefined) {
    extendsList = isRoot ? [{ value: DEFAULT_PRESET, keyPath: 'extends' }] : [];
  } else if (typeof ext === 'string') {
    extendsList = [{ value: ext, keyPath: 'extends' }];
  } else if (Array.isArray(ext)) {
    extendsList = ext.map((item, i) => {
      if (typeof item !== 'string') fail(source, `extends[${i}]`, `must be a preset name or a file path, got ${show(item)}`);
      return { value: item, keyPath: `extends[${i}]` };
    });
  } else {
    fail(source, 'extends', `must be a preset name, a file path, or an array of them, got ${show(ext)}`);
  }

  for (const { value, keyPath } of extendsList) {
    if (value.startsWith('ngxlint:')) {
      if (!(PRESET_NAMES as readonly string[]).includes(value)) {
        fail(source, keyPath, `unknown preset "${value}"${didYouMean(value, PRESET_NAMES) || `; presets: ${PRESET_NAMES.join(', ')}`}`);
      }
      applyPreset(state, value as PresetName, ctx);
      continue;
    }
    if (value === '') fail(source, keyPath, 'must not be empty');
    const file = path.resolve(source.dir, value);
    if (chain.includes(file)) {
      const cycle = [...chain.slice(chain.indexOf(file)), file].map(displayPath).join(' -> ');
      fail(source, keyPath, `circular extends: ${cycle}`);
    }
    let text: string;
    try {
      text = ctx.read(file);
    } catch (error) {
      fail(source, keyPath, `cannot read "${displayPath(file)}" (${ioReason(error)})`);
    }
    const parsed = parseConfigText(text, file);
    applyConfig(parsed, { file, dir: path.dirname(file) }, state, ctx, [...chain, file], false);
  }

  if (raw['rules'] !== undefined) applyRules(state, source, raw['rules'], ctx);

  // Lists accumulate along the chain; single values from the extending config win.
  if (backends !== undefined) addUnique(state.backends, backends);
  if (ignore !== undefined) addUnique(state.ignore, ignore);
  if (directives !== undefined) addUnique(state.directives, directives);
  if (root !== undefined) state.root = root;
  if (prefix !== undefined) state.prefix = prefix;
  if (nginxVersion !== undefined) state.nginxVersion = nginxVersion;
}

function applyOverrides(state: State, overrides: ConfigOverrides | undefined, ctx: Context): void {
  const rules = overrides?.rules;
  if (rules === undefined) return;
  for (const [name, given] of Object.entries(rules)) {
    if (!ctx.ruleIndex.has(name)) throw new ConfigError(`--rule: ${unknownRule(name, ctx)}`);
    const level = parseLevel(given);
    if (level === undefined) throw new ConfigError(`--rule ${name}: ${levelProblem(given)}`);
    const entry = state.rules.get(name);
    state.rules.set(name, { level, options: entry?.options });
  }
}

/** The options as written for each resolved RuleSetting, for {@link printableConfig}. */
const writtenOptions = new WeakMap<RuleSetting, Readonly<Record<string, unknown>>>();

export interface ResolveOptions {
  /** Every rule there is. */
  readonly rules: readonly RuleInfo[];
  /** The file `raw` was read from (absolute), for messages and `extends` cycle detection. */
  readonly configFile?: string;
  /** The directory relative paths resolve against (the config file's directory, or the cwd). */
  readonly baseDir: string;
  readonly overrides?: ConfigOverrides;
  /** Reads files named in `extends`; default: the real filesystem. */
  readonly read?: (p: string) => string;
}

/**
 * Validates a config value (as {@link readConfigFile} returns it; `undefined` for no config) and resolves
 * it: presets and `extends` files first, in order, then `rules`, then the command-line overrides.
 *
 * - No `extends` key in the top config means `"extends": "ngxlint:recommended"`; `"extends": []` starts
 *   with every rule off.
 * - `"level"` alone keeps the options set earlier in the chain; `[level, options]` replaces them, options
 *   not given taking their defaults.
 * - `extends` paths resolve against the extending file's directory; other relative paths are kept as
 *   written and resolve against `baseDir`. `backends`, `ignore` and `directives` accumulate along the chain;
 *   `root`, `prefix` and `nginxVersion` from the extending config win.
 *
 * Throws ConfigError.
 */
export function resolveConfig(raw: unknown, options: ResolveOptions): ResolvedConfig {
  const ruleIndex = new Map(options.rules.map((r) => [r.name, r]));
  const ctx: Context = { ruleIndex, read: options.read ?? defaultFs.read };
  const state: State = {
    rules: new Map(),
    backends: [],
    ignore: [],
    directives: [],
    root: undefined,
    prefix: undefined,
    nginxVersion: undefined,
  };
  const configFile = options.configFile === undefined ? undefined : path.resolve(options.baseDir, options.configFile);
  const source: Source = { file: configFile, dir: options.baseDir };
  applyConfig(raw === undefined ? {} : raw, source, state, ctx, configFile === undefined ? [] : [configFile], true);
  applyOverrides(state, options.overrides, ctx);

  const rules = new Map<string, RuleSetting>();
  for (const [name, entry] of state.rules) {
    if (entry.level === 'off') continue;
    const rule = ruleIndex.get(name);
    if (rule === undefined) continue;
    const checked = entry.options ?? defaultOptions(rule);
    const setting: RuleSetting = Object.freeze({ severity: entry.level, options: checked.resolved });
    writtenOptions.set(setting, checked.written);
    rules.set(name, setting);
  }

  return {
    rules,
    backends: Object.freeze(state.backends),
    root: state.root,
    prefix: state.prefix,
    nginxVersion: state.nginxVersion,
    ignore: Object.freeze(state.ignore),
    directives: Object.freeze(state.directives),
    configFile,
    baseDir: options.baseDir,
  };
}

export interface LoadConfigOptions {
  readonly cwd: string;
  /** `-c FILE`: use this file (relative to cwd) instead of searching; a missing file is a ConfigError. */
  readonly configPath?: string;
  /** `--no-config`: ignore config files; the default preset applies. */
  readonly noConfig?: boolean;
  readonly rules: readonly RuleInfo[];
  readonly overrides?: ConfigOverrides;
  /** Default: the real filesystem. */
  readonly fs?: ConfigFs;
}

/** Finds (or takes `-c`), reads and resolves the config for a run. Throws ConfigError. */
export function loadResolvedConfig(options: LoadConfigOptions): ResolvedConfig {
  const fs = options.fs ?? defaultFs;
  const cwd = path.resolve(options.cwd);
  const common = { rules: options.rules, overrides: options.overrides, read: fs.read };
  if (options.noConfig === true) {
    return resolveConfig(undefined, { ...common, baseDir: cwd });
  }
  let file: string | undefined;
  if (options.configPath !== undefined) {
    file = path.resolve(cwd, options.configPath);
    if (!fs.exists(file)) throw new ConfigError(`config file not found: ${displayPath(file)}`, file);
  } else {
    file = findConfigFile(cwd, fs);
  }
  if (file === undefined) return resolveConfig(undefined, { ...common, baseDir: cwd });
  const raw = readConfigFile(file, fs.read);
  return resolveConfig(raw, { ...common, configFile: file, baseDir: path.dirname(file) });
}

/**
 * The resolved config as plain data for `--print-config`: rules as `{ name: [level, options] }` sorted by
 * name (level words as in config files, options as written or defaulted), then the other settings.
 */
export function printableConfig(config: ResolvedConfig): object {
  const rules: Record<string, [string, Readonly<Record<string, unknown>>]> = {};
  for (const name of [...config.rules.keys()].sort()) {
    const setting = config.rules.get(name);
    if (setting === undefined) continue;
    setOwn(rules, name, [SEVERITY_WORDS[setting.severity], writtenOptions.get(setting) ?? setting.options]);
  }
  return {
    configFile: config.configFile,
    baseDir: config.baseDir,
    rules,
    backends: [...config.backends],
    root: config.root,
    prefix: config.prefix,
    nginxVersion: config.nginxVersion,
    ignore: [...config.ignore],
    directives: [...config.directives],
  };
}
