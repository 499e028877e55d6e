/**
 * The config file's JSON schema: the committed file matches the registry, and the schema and the config
 * loader agree on what is a valid config (checked with a small validator for the part of JSON Schema the
 * schema uses, which fails on any keyword it does not know).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { allRules } from '../../rules/index.js';
import { buildConfigSchema, configSchemaText, type JsonSchema, type SchemaRule } from '../../src/engine/config-schema.js';
import { CONFIG_KEYS, ConfigError, readConfigFile, resolveConfig } from '../../src/engine/config.js';

const ROOT = path.resolve(__dirname, '../..');
const SCHEMA_FILE = path.join(ROOT, 'schema/ngxlint.schema.json');

// ---------------------------------------------------------------------------------------------------------
// A validator for the subset of draft-07 the schema uses

const ANNOTATIONS = new Set(['$schema', 'title', 'description', 'default', 'definitions']);
const KEYWORDS = new Set([
  '$ref', 'type', 'enum', 'properties', 'additionalProperties', 'items', 'additionalItems', 'minItems', 'maxItems',
  'minLength', 'minimum', 'maximum', 'pattern', 'anyOf', 'allOf', 'not',
]);

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function hasType(value: unknown, type: string): boolean {
  switch (type) {
    case 'object':
      return isObject(value);
    case 'array':
      return Array.isArray(value);
    case 'string':
      return typeof value === 'string';
    case 'integer':
      return typeof value === 'number' && Number.isInteger(value);
    case 'boolean':
      return typeof value === 'boolean';
    default:
      throw new Error(`validator: unknown type ${type}`);
  }
}

/** Whether `value` is valid against `schema`; `root` holds the definitions `$ref` points into. */
function validates(schema: JsonSchema, value: unknown, root: JsonSchema): boolean {
  for (const key of Object.keys(schema)) {
    if (!KEYWORDS.has(key) && !ANNOTATIONS.has(key)) throw new Error(`validator: unsupported keyword ${key}`);
  }
  if (schema.$ref !== undefined) {
    if (Object.keys(schema).length !== 1) throw new Error('validator: $ref with siblings (ignored by draft-07)');
    const name = /^#\/definitions\/(.+)$/.exec(schema.$ref)?.[1];
    const target = name === undefined ? undefined : root.definitions?.[name];
    if (target === undefined) throw new Error(`validator: unresolved $ref ${schema.$ref}`);
    return validates(target, value, root);
  }
  if (schema.type !== undefined && !hasType(value, schema.type)) return false;
  if (schema.enum !== undefined && !schema.enum.includes(value as string)) return false;
  if (typeof value === 'string') {
    if (schema.minLength !== undefined && [...value].length < schema.minLength) return false;
    // The 'u' flag, as VS Code's JSON language service compiles patterns.
    if (schema.pattern !== undefined && !new RegExp(schema.pattern, 'u').test(value)) return false;
  }
  if (typeof value === 'number') {
    if (schema.minimum !== undefined && value < schema.minimum) return false;
    if (schema.maximum !== undefined && value > schema.maximum) return false;
  }
  if (isObject(value)) {
    const properties = schema.properties ?? {};
    for (const [key, item] of Object.entries(value)) {
      const sub = Object.hasOwn(properties, key) ? properties[key] : undefined;
      if (sub === undefined) {
        if (schema.additionalProperties === false) return false;
      } else if (!validates(sub, item, root)) {
        return false;
      }
    }
  }
  if (Array.isArray(value)) {
    if (schema.minItems !== undefined && value.length < schema.minItems) return false;
    if (schema.maxItems !== undefined && value.length > schema.maxItems) return false;
    const items = schema.items;
    if (Array.isArray(items)) {
      if (schema.additionalItems === false && value.length > items.length) return false;
      if (!value.every((item, i) => i >= items.length || validates(items[i] as JsonSchema, item, root))) return false;
    } else if (items !== undefined && !value.every((item) => validates(items as JsonSchema, item, root))) {
      return false;
    }
  }
  if (schema.anyOf !== undefined && !schema.anyOf.some((s) => validates(s, value, root))) return false;
  if (schema.allOf !== undefined && !schema.allOf.every((s) => validates(s, value, root))) return false;
  if (schema.not !== undefined && validates(schema.not, value, root)) return false;
  return true;
}

// ---------------------------------------------------------------------------------------------------------
// The two judges

/** Whether config.ts accepts the config; files named in `extends` exist and are empty configs. */
function loaderAccepts(raw: unknown, rules: readonly SchemaRule[]): boolean {
  try {
    resolveConfig(raw, { rules, baseDir: '/project', configFile: '/project/ngxlint.config.json', read: () => '{}' });
    return true;
  } catch (error) {
    if (error instanceof ConfigError) return false;
    throw error;
  }
}

const schema = buildConfigSchema(allRules);
const schemaAccepts = (raw: unknown): boolean => validates(schema, raw, schema);

/** A rule with one option of each kind, to cover what the registry's rules do not declare. */
const SYNTHETIC: readonly SchemaRule[] = [
  {
    name: 'every-option',
    description: 'a rule with every kind of option',
    severity: 'warning',
    options: {
      count: { type: 'integer', description: 'a count', default: 3, minimum: 1, maximum: 10 },
      plain: { type: 'integer', description: 'any integer', default: 0 },
      enabled: { type: 'boolean', description: 'a flag', default: true },
      mode: { type: 'string', description: 'a mode', default: 'fast', enum: ['fast', 'slow'] },
      label: { type: 'string', description: 'a label', default: '' },
      names: { type: 'string[]', description: 'names', default: [] },
      buffer: { type: 'size', description: 'a size', default: '8k' },
      timeout: { type: 'time', description: 'a time', default: '60s' },
    },
  },
  { name: 'no-options', description: 'a rule without options', severity: 'info', recommended: false },
];
const syntheticSchema = buildConfigSchema(SYNTHETIC);
const syntheticAccepts = (raw: unknown): boolean => validates(syntheticSchema, raw, syntheticSchema);
const option = (name: string, value: unknown) => ({ rules: { 'every-option': ['warn', { [name]: value }] } });

// ---------------------------------------------------------------------------------------------------------

describe('schema/ngxlint.schema.json', () => {
  it('matches the registry (npm run docs regenerates it)', () => {
    expect(fs.readFileSync(SCHEMA_FILE, 'utf8')).toBe(configSchemaText(allRules));
  });

  it('describes every config key, every rule and every rule option', () => {
    expect(Object.keys(schema.properties ?? {}).sort()).toEqual([...CONFIG_KEYS].sort());
    expect(schema.additionalProperties).toBe(false);
    const ruleProps = schema.properties?.['rules']?.properties ?? {};
    expect(Object.keys(ruleProps).sort()).toEqual(allRules.map((r) => r.name).sort());
    for (const rule of allRules) {
      const entry = ruleProps[rule.name] as JsonSchema;
      expect(entry.description, rule.name).toContain(rule.description);
      const tuple = entry.anyOf?.[1]?.items as readonly JsonSchema[];
      const options = tuple[1]?.properties ?? {};
      expect(Object.keys(options).sort(), rule.name).toEqual(Object.keys(rule.options ?? {}).sort());
      for (const [name, spec] of Object.entries(rule.options ?? {})) {
        expect(options[name]?.description, `${rule.name}.${name}`).toContain(spec.description);
        expect(options[name]?.default, `${rule.name}.${name}`).toEqual(spec.default);
      }
    }
  });

  it("accepts every rule's default options as written in a config", () => {
    for (const rule of allRules) {
      const defaults = Object.fromEntries(Object.entries(rule.options ?? {}).map(([k, spec]) => [k, spec.default]));
      const config = { rules: { [rule.name]: ['error', defaults] } };
      expect(schemaAccepts(config), rule.name).toBe(true);
      expect(loaderAccepts(config, allRules), rule.name).toBe(true);
    }
  });
});

describe('the schema and config.ts agree', () => {
  const registryCases: [string, unknown, boolean][] = [
    ['an empty config', {}, true],
    ['$schema', { $schema: './node_modules/ngxlint/schema/ngxlint.schema.json' }, true],
    ['$schema not a string', { $schema: 5 }, false],
    ['a preset', { extends: 'ngxlint:strict' }, true],
    ['no presets', { extends: [] }, true],
    ['presets and files', { extends: ['ngxlint:recommended', './base.json', 'shared/.ngxlintrc.yaml'] }, true],
    ['an unknown preset', { extends: 'ngxlint:strictest' }, false],
    ['an unknown preset in a list', { extends: ['ngxlint:all'] }, false],
    ['an empty extends path', { extends: '' }, false],
    ['extends not a string', { extends: [1] }, false],
    ['extends an object', { extends: { preset: 'ngxlint:strict' } }, false],
    ['an unknown key', { rule: {} }, false],
    ['a config that is an array', [], false],
    ['a config that is a string', 'ngxlint:strict', false],
    ['a config that is null', null, false],
    ['levels', { rules: { 'syntax-error': 'error', 'include-cycle': 'warn', 'include-not-found': 'warning', 'unknown-directive': 'info', 'invalid-arguments': 'off' } }, true],
    ['a level in an array', { rules: { 'syntax-error': ['warn'] } }, true],
    ['a level and empty options', { rules: { 'syntax-error': ['warn', {}] } }, true],
    ['rules null', { rules: null }, false],
    ['an unknown rule', { rules: { 'no-such-rule': 'off' } }, false],
    ['a capitalised level', { rules: { 'syntax-error': 'Error' } }, false],
    ['an unknown level', { rules: { 'syntax-error': 'warnings' } }, false],
    ['a boolean level', { rules: { 'syntax-error': false } }, false],
    ['a numeric level', { rules: { 'syntax-error': 2 } }, false],
    ['an empty array', { rules: { 'syntax-error': [] } }, false],
    ['three items', { rules: { 'syntax-error': ['warn', {}, {}] } }, false],
    ['options first', { rules: { 'syntax-error': [{}, 'warn'] } }, false],
    ['options alone', { rules: { 'syntax-error': {} } }, false],
    ['options as an array', { rules: { 'syntax-error': ['warn', []] } }, false],
    ['options null', { rules: { 'syntax-error': ['warn', null] } }, false],
    ['an option of a rule that has none', { rules: { 'syntax-error': ['warn', { x: 1 }] } }, false],
    ['time options', { rules: { 'upstream-timeout-missing': ['info', { readTimeout: '1m30s', connectTimeout: 5, sendTimeout: '500ms' }] } }, true],
    ['a time with a space before the unit', { rules: { 'upstream-timeout-missing': ['info', { readTimeout: '30 s' }] } }, false],
    ['a fractional time', { rules: { 'upstream-timeout-missing': ['info', { readTimeout: '1.5s' }] } }, false],
    ['a time as a boolean', { rules: { 'upstream-timeout-missing': ['info', { readTimeout: true }] } }, false],
    ['a misspelt option', { rules: { 'upstream-timeout-missing': ['info', { readtimeout: '35s' }] } }, false],
    ['a size option', { rules: { 'upstream-header-buffer-too-small': ['warn', { minBufferSize: '16k' }] } }, true],
    ['a size in bytes', { rules: { 'upstream-header-buffer-too-small': ['warn', { minBufferSize: 16384 }] } }, true],
    ['a size with kb', { rules: { 'upstream-header-buffer-too-small': ['warn', { minBufferSize: '16kb' }] } }, false],
    ['a size with g', { rules: { 'upstream-header-buffer-too-small': ['warn', { minBufferSize: '1g' }] } }, false],
    ['a negative size', { rules: { 'upstream-header-buffer-too-small': ['warn', { minBufferSize: -1 }] } }, false],
    ['an integer at its minimum', { rules: { 'php-fpm-pool-saturation': ['warn', { lowMaxChildren: 0 }] } }, true],
    ['an integer below its minimum', { rules: { 'upstream-read-timeout-too-short': ['warn', { minSeconds: 0 }] } }, false],
    ['an integer as a string', { rules: { 'php-fpm-pool-saturation': ['warn', { lowMaxChildren: '5' }] } }, false],
    ['a fractional integer', { rules: { 'php-fpm-pool-saturation': ['warn', { lowMaxChildren: 1.5 }] } }, false],
    ['a string list', { rules: { 'upstream-read-timeout-too-short': ['warn', { ignoreLocations: ['health', ''] }] } }, true],
    ['a string for a string list', { rules: { 'upstream-read-timeout-too-short': ['warn', { ignoreLocations: 'health' }] } }, false],
    ['a number in a string list', { rules: { 'upstream-port-mismatch': ['error', { ignoreTargets: [3000] }] } }, false],
    ['lists and paths', { backends: ['etc/php/*/fpm/pool.d/*.conf'], ignore: ['templates/**'], directives: ['more_set_headers'], root: '/', prefix: '/etc/nginx' }, true],
    ['an empty list', { backends: [], ignore: [], directives: [] }, true],
    ['an empty string in a list', { ignore: [''] }, false],
    ['a string for a list', { backends: 'etc/php/8.2/fpm/pool.d/www.conf' }, false],
    ['an empty root', { root: '' }, false],
    ['a numeric prefix', { prefix: 1 }, false],
    ['a version', { nginxVersion: '1.26.2' }, true],
    ['a two-part version', { nginxVersion: '1.26' }, true],
    ['a one-part version', { nginxVersion: '1' }, false],
    ['a v-prefixed version', { nginxVersion: 'v1.26.2' }, false],
    ['a numeric version', { nginxVersion: 1.26 }, false],
    ['a version with a trailing newline', { nginxVersion: '1.26.2\n' }, false],
  ];
  for (const [name, config, valid] of registryCases) {
    it(`${name}: ${valid ? 'valid' : 'invalid'}`, () => {
      expect(loaderAccepts(config, allRules), 'config.ts').toBe(valid);
      expect(schemaAccepts(config), 'schema').toBe(valid);
    });
  }

  const syntheticCases: [string, unknown, boolean][] = [
    ['an integer within bounds', option('count', 10), true],
    ['an integer above its maximum', option('count', 11), false],
    ['a large safe integer', option('plain', -9007199254740991), true],
    ['an unsafe integer', option('plain', 9007199254740992), false],
    ['an enum value', option('mode', 'slow'), true],
    ['a value outside the enum', option('mode', 'Slow'), false],
    ['a boolean', option('enabled', false), true],
    ['a boolean as a string', option('enabled', 'false'), false],
    ['an empty string', option('label', ''), true],
    ['a number for a string', option('label', 1), false],
    ['an empty string list', option('names', []), true],
    ['a rule without options, with empty options', { rules: { 'no-options': ['info', {}] } }, true],
    ['a rule without options, with an option', { rules: { 'no-options': ['info', { a: 1 }] } }, false],
  ];
  for (const [name, config, valid] of syntheticCases) {
    it(`${name}: ${valid ? 'valid' : 'invalid'}`, () => {
      expect(loaderAccepts(config, SYNTHETIC), 'config.ts').toBe(valid);
      expect(syntheticAccepts(config), 'schema').toBe(valid);
    });
  }

  it('on nginx time strings (both of nginx parse_time modes)', () => {
    const unit = fc.constantFrom('0', '1', '5', '9', ' ', 'ms', 'm', 's', 'h', 'd', 'w', 'M', 'y', 'k', '.', '-');
    fc.assert(
      fc.property(fc.string({ unit, maxLength: 8 }), (text) => {
        expect(syntheticAccepts(option('timeout', text)), JSON.stringify(text)).toBe(loaderAccepts(option('timeout', text), SYNTHETIC));
      }),
      { numRuns: 3000 },
    );
  });

  it('on nginx size strings', () => {
    const unit = fc.constantFrom('0', '1', '8', 'k', 'K', 'm', 'M', 'g', 'b', ' ', '.', '-', '+');
    fc.assert(
      fc.property(fc.string({ unit, maxLength: 6 }), (text) => {
        expect(syntheticAccepts(option('buffer', text)), JSON.stringify(text)).toBe(loaderAccepts(option('buffer', text), SYNTHETIC));
      }),
      { numRuns: 1000 },
    );
  });

  it('on numbers for sizes and times (below 1e15; larger ones the loader rejects once they overflow nginx)', () => {
    const number = fc.oneof(fc.integer({ min: -1000, max: 1_000_000 }), fc.double({ min: -1e6, max: 1e15, noNaN: true }));
    fc.assert(
      fc.property(number, fc.constantFrom('buffer', 'timeout'), (value, name) => {
        expect(syntheticAccepts(option(name, value)), String(value)).toBe(loaderAccepts(option(name, value), SYNTHETIC));
      }),
      { numRuns: 1000 },
    );
  });

  it('on the config examples in README.md', () => {
    const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    const heading = /^#+ Configuration file$/m.exec(readme);
    expect(heading, 'a "Configuration file" section').not.toBeNull();
    const section = readme.slice(heading?.index ?? 0);
    const blocks = [...section.matchAll(/```(json|yaml)\n([\s\S]*?)```/g)].slice(0, 2);
    expect(blocks.map((b) => b[1])).toEqual(['json', 'yaml']);
    for (const [, lang, text] of blocks) {
      const raw = readConfigFile(`/project/.ngxlintrc.${lang}`, () => text as string);
      expect(loaderAccepts(raw, allRules), lang).toBe(true);
      expect(schemaAccepts(raw), lang).toBe(true);
    }
  });
});
