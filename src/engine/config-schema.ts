/**
 * The JSON schema (draft-07, as VS Code's JSON and YAML language servers read it) of ngxlint's config file,
 * built from the rule registry: every rule with its levels and declared options. `npm run docs` writes it to
 * schema/ngxlint.schema.json; a test fails when that file is stale, and another checks that the schema
 * accepts what {@link resolveConfig} accepts and rejects what it rejects.
 *
 * What a schema cannot know is left to the loader: whether an `extends` file exists, and sizes or times too
 * large for a 64-bit nginx.
 */
import { CONFIG_KEYS, PRESET_NAMES, type RuleInfo } from './config.js';
import type { OptionSpec, RuleMetaBase, Severity } from './types.js';

/** A rule as the schema describes it. */
export type SchemaRule = RuleInfo & Pick<RuleMetaBase, 'description'>;

/** The subset of JSON Schema draft-07 the config schema uses. */
export interface JsonSchema {
  $schema?: string;
  title?: string;
  description?: string;
  type?: 'object' | 'array' | 'string' | 'integer' | 'boolean';
  enum?: readonly string[];
  default?: unknown;
  properties?: Record<string, JsonSchema>;
  additionalProperties?: boolean;
  items?: JsonSchema | readonly JsonSchema[];
  additionalItems?: boolean;
  minItems?: number;
  maxItems?: number;
  minLength?: number;
  minimum?: number;
  maximum?: number;
  pattern?: string;
  anyOf?: readonly JsonSchema[];
  allOf?: readonly JsonSchema[];
  not?: JsonSchema;
  /** Only `#/definitions/NAME`, and with no other keyword beside it (draft-07 ignores them). */
  $ref?: string;
  definitions?: Record<string, JsonSchema>;
}

/** What config files may write for a rule's level (config.ts reads `warn` and `warning` alike). */
export const LEVEL_WORDS: readonly string[] = ['off', 'info', 'warn', 'warning', 'error'];
const SEVERITY_WORDS: Readonly<Record<Severity, string>> = { error: 'error', warning: 'warn', info: 'info' };

/** `ngx_parse_size()`: digits with an optional k or m. */
export const SIZE_PATTERN = '^[0-9]+[kKmM]?$';

/**
 * `ngx_parse_time()` as config.ts calls it: in either of nginx's two modes. Parts come in strictly
 * descending units, each unit at most once, the number before a unit may be empty, spaces may follow a unit;
 * a space straight after a number ends a seconds part, after which only a bare number may follow; a bare
 * number at the end counts as seconds; at least one digit somewhere. An `m` directly followed by `s` is
 * always read as `ms`, which only the millisecond mode knows.
 */
function timePattern(mode: 'ms' | 's'): string {
  const part = (unit: string): string => `(?:[0-9]*${unit} *)?`;
  const minutes = '(?:[0-9]*m(?!s) *)?';
  const big = mode === 's' ? part('y') + part('M') : '';
  const tail = mode === 's' ? `(?:${part('s')}|[0-9]* +)` : `(?:${part('s')}${part('ms')}|[0-9]* +)`;
  return `${big}${part('w')}${part('d')}${part('h')}${minutes}${tail}[0-9]*`;
}
export const TIME_PATTERN = `^(?=[^0-9]*[0-9])(?:${timePattern('ms')}|${timePattern('s')})$`;

const ref = (name: string): JsonSchema => ({ $ref: `#/definitions/${name}` });

const nonEmptyString: JsonSchema = { type: 'string', minLength: 1 };
const stringList = (description: string): JsonSchema => ({ description, type: 'array', items: nonEmptyString });

function optionSchema(spec: OptionSpec): JsonSchema {
  const base = { description: spec.description, default: spec.default };
  switch (spec.type) {
    case 'integer':
      return {
        ...base,
        type: 'integer',
        // config.ts wants a safe integer: the bounds say so where the rule sets none.
        minimum: spec.minimum ?? Number.MIN_SAFE_INTEGER,
        maximum: spec.maximum ?? Number.MAX_SAFE_INTEGER,
      };
    case 'boolean':
      return { ...base, type: 'boolean' };
    case 'string':
      return spec.enum === undefined ? { ...base, type: 'string' } : { ...base, type: 'string', enum: spec.enum };
    case 'string[]':
      return { ...base, type: 'array', items: { type: 'string' } };
    case 'size':
      return { description: `${spec.description} An nginx size: bytes, or digits with k or m ("8k", "1m").`, default: spec.default, allOf: [ref('size')] };
    case 'time':
      return {
        description: `${spec.description} An nginx time: seconds, or numbers with units y M w d h m s ms ("500ms", "30s", "1m30s").`,
        default: spec.default,
        allOf: [ref('time')],
      };
  }
}

function ruleSchema(rule: SchemaRule): JsonSchema {
  const properties: Record<string, JsonSchema> = {};
  for (const [name, spec] of Object.entries(rule.options ?? {})) properties[name] = optionSchema(spec);
  const options: JsonSchema = { type: 'object', additionalProperties: false, properties };
  const inPreset = rule.recommended === false ? 'only in ngxlint:strict' : 'in ngxlint:recommended';
  return {
    description: `${rule.description} (default level: ${SEVERITY_WORDS[rule.severity]}, ${inPreset})`,
    default: SEVERITY_WORDS[rule.severity],
    anyOf: [ref('level'), { type: 'array', items: [ref('level'), options], additionalItems: false, minItems: 1, maxItems: 2 }],
  };
}

const presetNames = PRESET_NAMES as readonly string[];
const definitions: Record<string, JsonSchema> = {
  size: { anyOf: [{ type: 'integer', minimum: 0 }, { type: 'string', pattern: SIZE_PATTERN }] },
  time: { anyOf: [{ type: 'integer', minimum: 0 }, { type: 'string', pattern: TIME_PATTERN }] },
  level: { type: 'string', enum: LEVEL_WORDS, description: 'off, info, warn (or warning), error' },
  extendsItem: {
    anyOf: [
      { type: 'string', enum: presetNames, description: 'ngxlint:recommended: the rules marked recommended; ngxlint:strict: every rule' },
      { type: 'string', minLength: 1, not: { pattern: '^ngxlint:' }, description: 'A config file, relative to this one' },
    ],
  },
};

/** The config file's schema for these rules (sorted by name, so the output is stable). */
export function buildConfigSchema(rules: readonly SchemaRule[]): JsonSchema {
  const ruleProperties: Record<string, JsonSchema> = {};
  for (const rule of [...rules].sort((a, b) => (a.name < b.name ? -1 : 1))) ruleProperties[rule.name] = ruleSchema(rule);
  const properties: Record<string, JsonSchema> = {
    $schema: { type: 'string', description: 'The schema of this file, for editors; ignored by ngxlint.' },
    extends: {
      description: 'Presets or config files applied in order before this file. Default: "ngxlint:recommended"; [] starts with every rule off.',
      anyOf: [ref('extendsItem'), { type: 'array', items: ref('extendsItem') }],
    },
    rules: {
      description: 'Rule levels: "off", "info", "warn" or "error", or [level, {options}].',
      type: 'object',
      additionalProperties: false,
      properties: ruleProperties,
    },
    backends: stringList('Backend files or globs to cross-check (PHP-FPM pools, gunicorn.conf.py, uwsgi.ini, compose files, systemd units, ...), as --backend.'),
    root: { ...nonEmptyString, description: "The server's / for backend files (their standard locations) and absolute includes, as --root; relative to the config file." },
    prefix: { ...nonEmptyString, description: 'The directory relative includes resolve against, as --prefix.' },
    nginxVersion: { type: 'string', pattern: '^[0-9]+\\.[0-9]+(\\.[0-9]+)?$', description: 'The target nginx version, as --nginx-version (e.g. "1.26.2").' },
    ignore: stringList('Glob patterns, relative to this file (** matches any depth), of files not to lint.'),
    directives: stringList('Third-party module directives that unknown-directive accepts.'),
  };
  const missing = CONFIG_KEYS.filter((k) => !Object.hasOwn(properties, k));
  if (missing.length > 0) throw new Error(`config schema: no schema for config keys ${missing.join(', ')}`);
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    title: 'ngxlint configuration',
    description: 'ngxlint.config.json, .ngxlintrc.json, .ngxlintrc.yaml, or the "ngxlint" key of package.json.',
    type: 'object',
    additionalProperties: false,
    properties,
    definitions,
  };
}

/** The schema file's text, as `npm run docs` writes it. */
export function configSchemaText(rules: readonly SchemaRule[]): string {
  return JSON.stringify(buildConfigSchema(rules), null, 2) + '\n';
}
