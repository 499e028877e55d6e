import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  CONFIG_FILE_NAMES,
  ConfigError,
  findConfigFile,
  loadResolvedConfig,
  presetRules,
  printableConfig,
  readConfigFile,
  resolveConfig,
  type ConfigFs,
  type ResolveOptions,
  type RuleInfo,
} from '../../src/engine/config.js';

const RULES: readonly RuleInfo[] = [
  {
    name: 'alpha-rule',
    severity: 'error',
    options: {
      count: { type: 'integer', description: 'a count', default: 3, minimum: 1, maximum: 10 },
      enabled: { type: 'boolean', description: 'a flag', default: true },
      mode: { type: 'string', description: 'a mode', default: 'fast', enum: ['fast', 'slow'] },
      label: { type: 'string', description: 'a label', default: 'x' },
      names: { type: 'string[]', description: 'names', default: [] },
      buffer: { type: 'size', description: 'a size', default: '8k' },
      timeout: { type: 'time', description: 'a time', default: '60s' },
      limit: { type: 'integer', description: 'at most', default: 5, maximum: 100 },
      plain: { type: 'integer', description: 'any integer', default: 0 },
    },
  },
  { name: 'beta-rule', severity: 'warning' },
  { name: 'gamma-rule', severity: 'info', recommended: false },
  { name: 'delta-rule', severity: 'info' },
  {
    name: 'upstream-timeout-missing',
    severity: 'warning',
    options: { maxSeconds: { type: 'integer', description: 'max', default: 60, minimum: 1 } },
  },
];

const V = path.resolve('/virtual/project');
const CONFIG = path.join(V, 'ngxlint.config.json');

function resolve(raw: unknown, extra: Partial<ResolveOptions> = {}) {
  return resolveConfig(raw, { rules: RULES, configFile: CONFIG, baseDir: V, ...extra });
}

function errorOf(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

function messageOf(fn: () => unknown): string {
  return errorOf(fn).message;
}

function memoryFs(files: Record<string, string>): ConfigFs {
  return {
    exists: (p) => Object.hasOwn(files, p),
    read: (p) => {
      const text = Object.hasOwn(files, p) ? files[p] : undefined;
      if (text === undefined) {
        throw Object.assign(new Error(`ENOENT: no such file or directory, open '${p}'`), { code: 'ENOENT' });
      }
      return text;
    },
  };
}

function levels(config: { rules: ReadonlyMap<string, { severity: string }> }): Record<string, string> {
  return Object.fromEntries([...config.rules].map(([name, s]) => [name, s.severity]));
}

const RECOMMENDED = {
  'alpha-rule': 'error',
  'beta-rule': 'warning',
  'delta-rule': 'info',
  'upstream-timeout-missing': 'warning',
};

describe('presets', () => {
  it('ngxlint:recommended has every rule not marked recommended: false, at its default severity', () => {
    expect(Object.fromEntries(presetRules('ngxlint:recommended', RULES))).toEqual(RECOMMENDED);
  });

  it('ngxlint:strict has every rule, info raised to warning', () => {
    expect(Object.fromEntries(presetRules('ngxlint:strict', RULES))).toEqual({
      'alpha-rule': 'error',
      'beta-rule': 'warning',
      'gamma-rule': 'warning',
      'delta-rule': 'warning',
      'upstream-timeout-missing': 'warning',
    });
  });

  it('extends a preset by name, as a string or a list; later entries win', () => {
    expect(levels(resolve({ extends: 'ngxlint:strict' }))).toEqual(Object.fromEntries(presetRules('ngxlint:strict', RULES)));
    expect(levels(resolve({ extends: ['ngxlint:strict', 'ngxlint:recommended'] }))).toEqual({
      ...RECOMMENDED,
      'gamma-rule': 'warning',
    });
  });

  it('"extends": [] starts with every rule off', () => {
    expect(levels(resolve({ extends: [] }))).toEqual({});
    expect(levels(resolve({ extends: [], rules: { 'beta-rule': 'error' } }))).toEqual({ 'beta-rule': 'error' });
  });
});

describe('defaults', () => {
  it('without a config, ngxlint:recommended applies with default options', () => {
    const config = resolveConfig(undefined, { rules: RULES, baseDir: V });
    expect(levels(config)).toEqual(RECOMMENDED);
    expect(config.configFile).toBeUndefined();
    expect(config.baseDir).toBe(V);
    expect(config.backends).toEqual([]);
    expect(config.ignore).toEqual([]);
    expect(config.directives).toEqual([]);
    expect(config.root).toBeUndefined();
    expect(config.prefix).toBeUndefined();
    expect(config.nginxVersion).toBeUndefined();
    expect(config.rules.get('alpha-rule')?.options).toEqual({
      count: 3,
      enabled: true,
      mode: 'fast',
      label: 'x',
      names: [],
      buffer: 8192,
      timeout: 60000,
      limit: 5,
      plain: 0,
    });
    expect(config.rules.get('beta-rule')?.options).toEqual({});
  });

  it('a config without "extends" builds on ngxlint:recommended', () => {
    const config = resolve({ rules: { 'beta-rule': 'off', 'gamma-rule': 'warn' }, root: '/srv/snapshot' });
    expect(levels(config)).toEqual({ ...RECOMMENDED, 'beta-rule': undefined, 'gamma-rule': 'warning' });
    expect(config.rules.has('beta-rule')).toBe(false);
    expect(config.root).toBe('/srv/snapshot');
  });

  it('reads every top-level setting; $schema is accepted', () => {
    const config = resolve({
      $schema: './schema.json',
      backends: ['etc/php/*/fpm/pool.d/*.conf'],
      root: '/',
      prefix: '/etc/nginx',
      nginxVersion: '1.26.2',
      ignore: ['vendor/**', '*.template.conf'],
      directives: ['more_set_headers', 'lua_shared_dict'],
    });
    expect(config).toMatchObject({
      backends: ['etc/php/*/fpm/pool.d/*.conf'],
      root: '/',
      prefix: '/etc/nginx',
      nginxVersion: '1.26.2',
      ignore: ['vendor/**', '*.template.conf'],
      directives: ['more_set_headers', 'lua_shared_dict'],
      configFile: CONFIG,
      baseDir: V,
    });
  });
});

describe('rule settings', () => {
  it('maps level words to severities', () => {
    const config = resolve({
      extends: [],
      rules: { 'alpha-rule': 'warn', 'beta-rule': 'error', 'delta-rule': 'info', 'gamma-rule': 'warning', 'upstream-timeout-missing': 'off' },
    });
    expect(levels(config)).toEqual({ 'alpha-rule': 'warning', 'beta-rule': 'error', 'delta-rule': 'info', 'gamma-rule': 'warning' });
  });

  it('[level, options]: options not given take their defaults; sizes in bytes, times in ms', () => {
    const config = resolve({
      rules: {
        'alpha-rule': ['warn', { count: 10, mode: 'slow', names: ['a', 'b'], buffer: '1m', timeout: '500ms', limit: -4 }],
      },
    });
    expect(config.rules.get('alpha-rule')).toEqual({
      severity: 'warning',
      options: { count: 10, enabled: true, mode: 'slow', label: 'x', names: ['a', 'b'], buffer: 1048576, timeout: 500, limit: -4, plain: 0 },
    });
  });

  it.each([
    ['buffer', '4K', 4096],
    ['buffer', 4096, 4096],
    ['buffer', '0', 0],
    ['timeout', '1m30s', 90000],
    ['timeout', '1h 30m', 5400000],
    ['timeout', '1y', 365 * 24 * 3600 * 1000],
    ['timeout', '1d', 86400000],
    ['timeout', 30, 30000],
    ['timeout', '15', 15000],
  ])('%s %j = %d', (option, value, expected) => {
    const config = resolve({ rules: { 'alpha-rule': ['error', { [option]: value }] } });
    expect(config.rules.get('alpha-rule')?.options[option]).toBe(expected);
  });

  it('[level] alone resets options to their defaults', () => {
    const config = resolve({ rules: { 'alpha-rule': ['info'] } });
    expect(config.rules.get('alpha-rule')).toMatchObject({ severity: 'info', options: { count: 3 } });
  });

  it('options are validated even for a rule turned off', () => {
    expect(messageOf(() => resolve({ rules: { 'alpha-rule': ['off', { count: 0 }] } }))).toBe(
      `${CONFIG}: rules["alpha-rule"]: option "count" must be an integer between 1 and 10, got 0`,
    );
  });

  it('options are frozen', () => {
    const options = resolve({}).rules.get('alpha-rule')?.options;
    expect(Object.isFrozen(options)).toBe(true);
  });
});

describe('validation errors', () => {
  it.each<[string, unknown, string]>([
    ['not an object', ['rules'], 'a config must be an object, got ["rules"]'],
    ['null config', null, 'a config must be an object, got null'],
    ['unknown key, close to one', { rule: {} }, 'unknown key "rule" (did you mean "rules"?)'],
    [
      'unknown key',
      { plugins: [] },
      'unknown key "plugins"; allowed keys: extends, rules, backends, root, prefix, nginxVersion, ignore, directives',
    ],
    ['backends not a list', { backends: 'etc/*.conf' }, 'backends: must be an array of strings, got "etc/*.conf"'],
    ['backends item', { backends: ['a', 3] }, 'backends[1]: must be a string, got 3'],
    ['empty ignore item', { ignore: [''] }, 'ignore[0]: must not be empty'],
    ['directives not a list', { directives: { a: 1 } }, 'directives: must be an array of strings, got {"a":1}'],
    ['root', { root: 1 }, 'root: must be a string, got 1'],
    ['prefix', { prefix: '' }, 'prefix: must not be empty'],
    ['nginxVersion', { nginxVersion: 'latest' }, 'nginxVersion: must be a version such as "1.26.2", got "latest"'],
    ['nginxVersion number', { nginxVersion: 1.26 }, 'nginxVersion: must be a version such as "1.26.2", got 1.26'],
    ['$schema', { $schema: 1 }, '$schema: must be a string, got 1'],
    ['extends type', { extends: 1 }, 'extends: must be a preset name, a file path, or an array of them, got 1'],
    ['extends item', { extends: ['ngxlint:strict', null] }, 'extends[1]: must be a preset name or a file path, got null'],
    [
      'unknown preset',
      { extends: 'ngxlint:recomended' },
      'extends: unknown preset "ngxlint:recomended" (did you mean "ngxlint:recommended"?)',
    ],
    ['unknown preset, far', { extends: ['ngxlint:all'] }, 'extends[0]: unknown preset "ngxlint:all"; presets: ngxlint:recommended, ngxlint:strict'],
    ['rules type', { rules: ['alpha-rule'] }, 'rules: must be an object mapping rule names to levels, got ["alpha-rule"]'],
    ['unknown rule', { rules: { 'alpah-rule': 'off' } }, 'rules["alpah-rule"]: unknown rule "alpah-rule" (did you mean "alpha-rule"?)'],
    ['unknown rule, far', { rules: { foo: 'off' } }, 'rules["foo"]: unknown rule "foo"'],
    [
      'bad level',
      { rules: { 'beta-rule': 'wran' } },
      'rules["beta-rule"]: level must be one of "off", "info", "warn", "error", got "wran" (did you mean "warn"?)',
    ],
    ['numeric level', { rules: { 'beta-rule': 2 } }, 'rules["beta-rule"]: level must be one of "off", "info", "warn", "error", got 2'],
    ['bad level in array', { rules: { 'beta-rule': [true] } }, 'rules["beta-rule"]: level must be one of "off", "info", "warn", "error", got true'],
    ['empty array', { rules: { 'beta-rule': [] } }, 'rules["beta-rule"]: must be a level or [level, options], got []'],
    ['long array', { rules: { 'beta-rule': ['warn', {}, {}] } }, 'rules["beta-rule"]: must be a level or [level, options], got ["warn",{},{}]'],
    ['object setting', { rules: { 'beta-rule': { level: 'warn' } } }, 'rules["beta-rule"]: must be a level or [level, options], got {"level":"warn"}'],
    ['options type', { rules: { 'alpha-rule': ['warn', 'count=3'] } }, 'rules["alpha-rule"]: options must be an object, got "count=3"'],
    [
      'unknown option, close',
      { rules: { 'upstream-timeout-missing': ['warn', { maxSecond: 3 }] } },
      'rules["upstream-timeout-missing"]: unknown option "maxSecond" (did you mean "maxSeconds"?)',
    ],
    [
      'unknown option, far',
      { rules: { 'upstream-timeout-missing': ['warn', { seconds: 3 }] } },
      'rules["upstream-timeout-missing"]: unknown option "seconds"; options: maxSeconds',
    ],
    ['rule without options', { rules: { 'beta-rule': ['warn', { x: 1 }] } }, 'rules["beta-rule"]: unknown option "x"; rule "beta-rule" has no options'],
    [
      'integer with minimum',
      { rules: { 'upstream-timeout-missing': ['warn', { maxSeconds: 'abc' }] } },
      'rules["upstream-timeout-missing"]: option "maxSeconds" must be an integer >= 1, got "abc"',
    ],
    [
      'integer fraction',
      { rules: { 'upstream-timeout-missing': ['warn', { maxSeconds: 1.5 }] } },
      'rules["upstream-timeout-missing"]: option "maxSeconds" must be an integer >= 1, got 1.5',
    ],
    ['integer range', { rules: { 'alpha-rule': ['warn', { count: 11 }] } }, 'rules["alpha-rule"]: option "count" must be an integer between 1 and 10, got 11'],
    ['integer maximum', { rules: { 'alpha-rule': ['warn', { limit: 101 }] } }, 'rules["alpha-rule"]: option "limit" must be an integer <= 100, got 101'],
    ['integer', { rules: { 'alpha-rule': ['warn', { plain: '1' }] } }, 'rules["alpha-rule"]: option "plain" must be an integer, got "1"'],
    ['boolean', { rules: { 'alpha-rule': ['warn', { enabled: 'yes' }] } }, 'rules["alpha-rule"]: option "enabled" must be true or false, got "yes"'],
    [
      'enum',
      { rules: { 'alpha-rule': ['warn', { mode: 'slwo' }] } },
      'rules["alpha-rule"]: option "mode" must be one of "fast", "slow" (did you mean "slow"?), got "slwo"',
    ],
    ['string', { rules: { 'alpha-rule': ['warn', { label: 3 }] } }, 'rules["alpha-rule"]: option "label" must be a string, got 3'],
    ['string[]', { rules: { 'alpha-rule': ['warn', { names: ['a', 1] }] } }, 'rules["alpha-rule"]: option "names" must be an array of strings, got ["a",1]'],
    ['size', { rules: { 'alpha-rule': ['warn', { buffer: '1g' }] } }, 'rules["alpha-rule"]: option "buffer" must be an nginx size such as "8k" or "1m", got "1g"'],
    [
      'time',
      { rules: { 'alpha-rule': ['warn', { timeout: '1.5s' }] } },
      'rules["alpha-rule"]: option "timeout" must be an nginx time such as "500ms", "30s" or "1m", got "1.5s"',
    ],
    [
      'time type',
      { rules: { 'alpha-rule': ['warn', { timeout: true }] } },
      'rules["alpha-rule"]: option "timeout" must be an nginx time such as "500ms", "30s" or "1m", got true',
    ],
  ])('%s', (_label, raw, message) => {
    const error = errorOf(() => resolve(raw));
    expect(error.message).toBe(`${CONFIG}: ${message}`);
    expect(error.file).toBe(CONFIG);
  });

  it('without a config file, messages start at the key path', () => {
    const error = errorOf(() => resolveConfig({ rules: { foo: 'off' } }, { rules: RULES, baseDir: V }));
    expect(error.message).toBe('rules["foo"]: unknown rule "foo"');
    expect(error.file).toBeUndefined();
  });

  it('names the file relative to the working directory when inside it', () => {
    const file = path.join(process.cwd(), 'ngxlint.config.json');
    const message = messageOf(() =>
      resolveConfig({ rules: { 'upstream-timeout-missing': ['warn', { maxSeconds: 'abc' }] } }, { rules: RULES, configFile: file, baseDir: process.cwd() }),
    );
    expect(message).toBe('ngxlint.config.json: rules["upstream-timeout-missing"]: option "maxSeconds" must be an integer >= 1, got "abc"');
  });

  it('an invalid option default is a bug in the rule, not a ConfigError', () => {
    const bad: RuleInfo = { name: 'bad', severity: 'error', options: { n: { type: 'integer', description: '', default: 0, minimum: 1 } } };
    expect(() => resolveConfig({}, { rules: [bad], baseDir: V })).toThrow('rule "bad": default of option "n" must be an integer >= 1, got 0');
  });
});

describe('command-line overrides', () => {
  it('apply last and keep configured options', () => {
    const config = resolve(
      { rules: { 'alpha-rule': ['warn', { count: 7 }], 'beta-rule': 'off' } },
      { overrides: { rules: { 'alpha-rule': 'error', 'beta-rule': 'warning', 'gamma-rule': 'info', 'delta-rule': 'off' } } },
    );
    expect(levels(config)).toEqual({ 'alpha-rule': 'error', 'beta-rule': 'warning', 'gamma-rule': 'info', 'upstream-timeout-missing': 'warning' });
    expect(config.rules.get('alpha-rule')?.options['count']).toBe(7);
  });

  it('work without a config file', () => {
    const config = loadResolvedConfig({ cwd: V, noConfig: true, rules: RULES, overrides: { rules: { 'beta-rule': 'off' } }, fs: memoryFs({}) });
    expect(levels(config)).toEqual({ ...RECOMMENDED, 'beta-rule': undefined });
    expect(config.rules.has('beta-rule')).toBe(false);
  });

  it('reject unknown rules and levels', () => {
    const unknown = errorOf(() => resolve({}, { overrides: { rules: { 'alpa-rule': 'off' } } }));
    expect(unknown.message).toBe('--rule: unknown rule "alpa-rule" (did you mean "alpha-rule"?)');
    expect(unknown.file).toBeUndefined();
    expect(messageOf(() => resolve({}, { overrides: { rules: { 'beta-rule': 'loud' as never } } }))).toBe(
      '--rule beta-rule: level must be one of "off", "info", "warn", "error", got "loud"',
    );
  });

  it('accept "warn" as well as "warning"', () => {
    expect(resolve({}, { overrides: { rules: { 'gamma-rule': 'warn' as never } } }).rules.get('gamma-rule')?.severity).toBe('warning');
  });
});

describe('extends files', () => {
  const shared = path.resolve('/virtual/shared');

  it('applies the chain in order: presets and files, then rules; lists accumulate, scalars of the extender win', () => {
    const files = {
      [path.join(shared, 'base.json')]: JSON.stringify({
        extends: ['ngxlint:strict', './more.yaml'],
        rules: { 'alpha-rule': ['warn', { count: 7, buffer: '16k' }] },
        backends: ['etc/php/*.conf'],
        root: '/r1',
        prefix: '/p1',
        ignore: ['vendor/**'],
      }),
      [path.join(shared, 'more.yaml')]: 'rules:\n  gamma-rule: error\nnginxVersion: "1.24.0"\ndirectives: [more_set_headers]\n',
    };
    const config = resolve(
      {
        extends: '../shared/base.json',
        rules: { 'alpha-rule': 'error', 'delta-rule': 'off' },
        backends: ['srv/*.conf', 'etc/php/*.conf'],
        root: '/r2',
        directives: ['lua_shared_dict'],
      },
      { read: memoryFs(files).read },
    );
    expect(levels(config)).toEqual({
      'alpha-rule': 'error',
      'beta-rule': 'warning',
      'gamma-rule': 'error',
      'upstream-timeout-missing': 'warning',
    });
    // A level alone keeps the options set earlier in the chain.
    expect(config.rules.get('alpha-rule')?.options).toMatchObject({ count: 7, buffer: 16384, timeout: 60000 });
    expect(config.backends).toEqual(['etc/php/*.conf', 'srv/*.conf']);
    expect(config.root).toBe('/r2');
    expect(config.prefix).toBe('/p1');
    expect(config.nginxVersion).toBe('1.24.0');
    expect(config.ignore).toEqual(['vendor/**']);
    expect(config.directives).toEqual(['more_set_headers', 'lua_shared_dict']);
  });

  it('an extended file without "extends" adds no preset', () => {
    const files = { [path.join(V, 'base.json')]: '{ "rules": { "gamma-rule": "warn" } }' };
    expect(levels(resolve({ extends: ['./base.json'] }, { read: memoryFs(files).read }))).toEqual({ 'gamma-rule': 'warning' });
  });

  it('a diamond is not a cycle', () => {
    const files = {
      [path.join(V, 'a.json')]: '{ "extends": "./c.json" }',
      [path.join(V, 'b.json')]: '{ "extends": "./c.json" }',
      [path.join(V, 'c.json')]: '{ "rules": { "beta-rule": "error" } }',
    };
    expect(levels(resolve({ extends: ['./a.json', './b.json'] }, { read: memoryFs(files).read }))).toEqual({ 'beta-rule': 'error' });
  });

  it('detects cycles', () => {
    const a = path.join(V, 'a.json');
    const b = path.join(V, 'b.json');
    const files = { [CONFIG]: '{ "extends": ["./a.json"] }', [a]: '{ "extends": "./b.json" }', [b]: '{ "extends": ["ngxlint:strict", "./a.json"] }' };
    const error = errorOf(() => resolve(JSON.parse(files[CONFIG] as string), { read: memoryFs(files).read }));
    expect(error.message).toBe(`${b}: extends[1]: circular extends: ${a} -> ${b} -> ${a}`);
    expect(error.file).toBe(b);

    const self = errorOf(() => resolve({ extends: './ngxlint.config.json' }, { read: memoryFs(files).read }));
    expect(self.message).toBe(`${CONFIG}: extends: circular extends: ${CONFIG} -> ${CONFIG}`);
  });

  it('reports a missing file at the extends entry', () => {
    const missing = path.join(V, 'nope.json');
    expect(messageOf(() => resolve({ extends: ['ngxlint:recommended', './nope.json'] }, { read: memoryFs({}).read }))).toBe(
      `${CONFIG}: extends[1]: cannot read "${missing}" (no such file)`,
    );
  });

  it('reports problems in an extended file against that file', () => {
    const base = path.join(shared, 'base.yaml');
    const files = { [base]: 'rules:\n  upstream-timeout-missing: [warn, { maxSeconds: 0 }]\n' };
    const error = errorOf(() => resolve({ extends: '../shared/base.yaml' }, { read: memoryFs(files).read }));
    expect(error.message).toBe(`${base}: rules["upstream-timeout-missing"]: option "maxSeconds" must be an integer >= 1, got 0`);
    expect(error.file).toBe(base);

    const broken = path.join(shared, 'broken.json');
    const syntax = errorOf(() => resolve({ extends: '../shared/broken.json' }, { read: memoryFs({ [broken]: '{\n  "rules": }' }).read }));
    expect(syntax.message).toBe(`${broken}:2:12: JSON syntax error: unexpected character "}", expected a value`);
  });
});

describe('readConfigFile', () => {
  function read(name: string, text: string): unknown {
    const file = path.join(V, name);
    return readConfigFile(file, memoryFs({ [file]: text }).read);
  }
  function syntax(name: string, text: string): string {
    return messageOf(() => read(name, text)).slice(V.length + 1);
  }

  it('reads JSON, with comments', () => {
    expect(read('ngxlint.config.json', '\ufeff// top\n{ /* c */ "rules": { "a": "off" }, "n": [1, -2.5e3, true, null, "\\u00e9\\n"] }\n')).toEqual({
      rules: { a: 'off' },
      n: [1, -2500, true, null, 'é\n'],
    });
  });

  it('reports JSON syntax errors with line:col', () => {
    expect(syntax('ngxlint.config.json', '{\n  "rules": {\n    "beta-rule": "warn",\n  }\n}\n')).toBe(
      'ngxlint.config.json:4:3: JSON syntax error: trailing comma is not allowed',
    );
    expect(syntax('.ngxlintrc.json', '{\n  "rules": {\n    "beta-rule": "warn"\n')).toBe(
      '.ngxlintrc.json:4:1: JSON syntax error: unexpected end of file, expected "," or "}"',
    );
    expect(syntax('ngxlint.config.json', '{ "root": "/" "prefix": "/etc/nginx" }')).toBe(
      'ngxlint.config.json:1:15: JSON syntax error: unexpected character """, expected "," or "}"',
    );
    expect(syntax('ngxlint.config.json', '{\n  "rules": {},\n  "rules": {}\n}')).toBe('ngxlint.config.json:3:3: JSON syntax error: duplicate key "rules"');
    expect(syntax('ngxlint.config.json', "{ 'rules': {} }")).toBe(
      'ngxlint.config.json:1:3: JSON syntax error: unexpected character "\'", expected a property name in double quotes',
    );
    expect(syntax('ngxlint.config.json', '{ "root": "/\n" }')).toBe('ngxlint.config.json:1:11: JSON syntax error: unterminated string');
    expect(syntax('ngxlint.config.json', '{ "n": 01 }')).toBe('ngxlint.config.json:1:8: JSON syntax error: invalid number');
    expect(syntax('ngxlint.config.json', '{} {}')).toBe('ngxlint.config.json:1:4: JSON syntax error: unexpected character "{" after the end of the value');
    expect(syntax('ngxlint.config.json', '')).toBe('ngxlint.config.json:1:1: JSON syntax error: unexpected end of file, expected a value');
    expect(syntax('ngxlint.config.json', '{ /* open')).toBe('ngxlint.config.json:1:3: JSON syntax error: unterminated comment');
  });

  it('reads YAML; an empty YAML file is an empty config', () => {
    expect(read('.ngxlintrc.yaml', 'extends: ngxlint:strict\nrules:\n  beta-rule: [warn]\nbackends:\n  - "a/*.conf"\n')).toEqual({
      extends: 'ngxlint:strict',
      rules: { 'beta-rule': ['warn'] },
      backends: ['a/*.conf'],
    });
    expect(read('.ngxlintrc.yml', '# nothing\n')).toEqual({});
  });

  it('reports YAML syntax errors with line:col', () => {
    expect(syntax('.ngxlintrc.yaml', 'rules:\n  a: off\n  a: warn\n')).toMatch(/^\.ngxlintrc\.yaml:3:3: YAML syntax error: Map keys must be unique$/);
    expect(syntax('.ngxlintrc.yml', 'rules: [a,\nroot: /\n')).toMatch(/^\.ngxlintrc\.yml:2:1: YAML syntax error: Flow sequence/);
    expect(syntax('.ngxlintrc.yml', 'root: /\n---\nprefix: /x\n')).toBe('.ngxlintrc.yml:2:1: YAML syntax error: Source contains multiple documents');
    expect(syntax('.ngxlintrc.yml', 'root: *anchor\n')).toMatch(/^\.ngxlintrc\.yml: YAML error: Unresolved alias/);
  });

  it('takes the "ngxlint" key of package.json (strict JSON)', () => {
    expect(read('package.json', '{ "name": "x", "ngxlint": { "root": "/" } }')).toEqual({ root: '/' });
    expect(syntax('package.json', '{ "name": "x" }')).toBe('package.json: has no "ngxlint" key');
    expect(syntax('package.json', '{ // no\n}')).toBe('package.json:1:3: JSON syntax error: unexpected character "/", expected a property name in double quotes');
  });

  it('reports unreadable files', () => {
    const error = errorOf(() => readConfigFile(path.join(V, 'missing.json'), memoryFs({}).read));
    expect(error.message).toBe(`${path.join(V, 'missing.json')}: cannot read config file (no such file)`);
    expect(error.file).toBe(path.join(V, 'missing.json'));
  });
});

describe('discovery on disk', () => {
  let tmp: string;
  beforeEach(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ngxlint-config-'));
  });
  afterEach(() => {
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  function write(rel: string, text: string): string {
    const file = path.join(tmp, rel);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, text);
    return file;
  }

  it('checks the names in order in each directory', () => {
    expect(CONFIG_FILE_NAMES).toEqual(['ngxlint.config.json', '.ngxlintrc.json', '.ngxlintrc.yaml', '.ngxlintrc.yml']);
    write('package.json', '{ "ngxlint": {} }');
    const yml = write('.ngxlintrc.yml', '{}');
    expect(findConfigFile(tmp)).toBe(yml);
    const yaml = write('.ngxlintrc.yaml', '{}');
    expect(findConfigFile(tmp)).toBe(yaml);
    const rc = write('.ngxlintrc.json', '{}');
    expect(findConfigFile(tmp)).toBe(rc);
    const main = write('ngxlint.config.json', '{}');
    expect(findConfigFile(tmp)).toBe(main);
  });

  it('searches upward and stops at the nearest directory with a config', () => {
    const far = write('.ngxlintrc.json', '{}');
    const near = write('a/.ngxlintrc.yaml', 'rules: {}\n');
    fs.mkdirSync(path.join(tmp, 'a/b/c'), { recursive: true });
    expect(findConfigFile(path.join(tmp, 'a/b/c'))).toBe(near);
    expect(findConfigFile(path.join(tmp, 'a'))).toBe(near);
    expect(findConfigFile(tmp)).toBe(far);
  });

  it('uses package.json only with an "ngxlint" key, and skips unparsable ones', () => {
    const outer = write('package.json', '{ "name": "outer", "ngxlint": { "root": "/" } }');
    write('a/package.json', '{ "name": "inner" }');
    write('a/b/package.json', '{ not json');
    expect(findConfigFile(path.join(tmp, 'a/b'))).toBe(outer);
    const inner = write('a/package.json', '{ "name": "inner", "ngxlint": {} }');
    expect(findConfigFile(path.join(tmp, 'a/b'))).toBe(inner);
  });

  it('returns undefined when nothing is found up to the root', () => {
    const seen: string[] = [];
    const fake: ConfigFs = {
      exists: (p) => {
        seen.push(p);
        return false;
      },
      read: () => '',
    };
    expect(findConfigFile(path.resolve('/x/y'), fake)).toBeUndefined();
    expect(seen).toContain(path.resolve('/x/y/ngxlint.config.json'));
    expect(seen).toContain(path.resolve('/x/package.json'));
    expect(seen.at(-1)).toBe(path.resolve('/package.json'));
  });

  it('loadResolvedConfig finds, reads and resolves the nearest config; baseDir is its directory', () => {
    const file = write('proj/.ngxlintrc.yaml', 'extends: [ngxlint:strict, ./team.json]\nrules:\n  alpha-rule: [warn, { timeout: 90s }]\n');
    write('proj/team.json', '// team defaults\n{ "rules": { "beta-rule": "off" }, "ignore": ["vendor/**"] }\n');
    fs.mkdirSync(path.join(tmp, 'proj/sub'));
    const config = loadResolvedConfig({ cwd: path.join(tmp, 'proj/sub'), rules: RULES, overrides: { rules: { 'delta-rule': 'error' } } });
    expect(config.configFile).toBe(file);
    expect(config.baseDir).toBe(path.join(tmp, 'proj'));
    expect(levels(config)).toEqual({
      'alpha-rule': 'warning',
      'gamma-rule': 'warning',
      'delta-rule': 'error',
      'upstream-timeout-missing': 'warning',
    });
    expect(config.rules.get('alpha-rule')?.options['timeout']).toBe(90000);
    expect(config.ignore).toEqual(['vendor/**']);
  });

  it('loadResolvedConfig with -c uses that file, relative to cwd', () => {
    write('ngxlint.config.json', '{ "rules": { "beta-rule": "off" } }');
    const other = write('conf/other.json', '{ "extends": [], "rules": { "gamma-rule": "error" } }');
    const config = loadResolvedConfig({ cwd: tmp, configPath: 'conf/other.json', rules: RULES });
    expect(config.configFile).toBe(other);
    expect(config.baseDir).toBe(path.join(tmp, 'conf'));
    expect(levels(config)).toEqual({ 'gamma-rule': 'error' });
  });

  it('loadResolvedConfig with a missing -c file is a ConfigError', () => {
    const error = errorOf(() => loadResolvedConfig({ cwd: tmp, configPath: 'nope.json', rules: RULES }));
    expect(error.message).toBe(`config file not found: ${path.join(tmp, 'nope.json')}`);
    expect(error.file).toBe(path.join(tmp, 'nope.json'));
  });

  it('loadResolvedConfig with noConfig ignores config files; without any, recommended applies', () => {
    write('ngxlint.config.json', '{ "extends": [] }');
    const config = loadResolvedConfig({ cwd: tmp, noConfig: true, rules: RULES });
    expect(config.configFile).toBeUndefined();
    expect(config.baseDir).toBe(tmp);
    expect(levels(config)).toEqual(RECOMMENDED);
    expect(levels(loadResolvedConfig({ cwd: tmp, rules: RULES }))).toEqual({});

    const none = loadResolvedConfig({ cwd: V, rules: RULES, fs: memoryFs({}) });
    expect(none.configFile).toBeUndefined();
    expect(none.baseDir).toBe(V);
    expect(levels(none)).toEqual(RECOMMENDED);
  });

  it('loadResolvedConfig reports errors of the file found', () => {
    const file = write('.ngxlintrc.json', '{\n  "rules": { "beta-rule": "warn" },\n  "rule": {}\n}\n');
    const error = errorOf(() => loadResolvedConfig({ cwd: tmp, rules: RULES }));
    expect(error.message).toBe(`${file}: unknown key "rule" (did you mean "rules"?)`);
    expect(error.file).toBe(file);
  });
});

describe('printableConfig', () => {
  it('lists enabled rules sorted by name with level words and options as written, then the settings', () => {
    const config = resolve({
      extends: [],
      rules: { 'upstream-timeout-missing': 'warn', 'beta-rule': 'info', 'alpha-rule': ['error', { buffer: '16k', timeout: '1m' }] },
      root: '/',
      backends: ['b/*.conf'],
    });
    const printed = printableConfig(config);
    expect(Object.keys((printed as { rules: object }).rules)).toEqual(['alpha-rule', 'beta-rule', 'upstream-timeout-missing']);
    expect(JSON.parse(JSON.stringify(printed))).toEqual({
      configFile: CONFIG,
      baseDir: V,
      rules: {
        'alpha-rule': [
          'error',
          { count: 3, enabled: true, mode: 'fast', label: 'x', names: [], buffer: '16k', timeout: '1m', limit: 5, plain: 0 },
        ],
        'beta-rule': ['info', {}],
        'upstream-timeout-missing': ['warn', { maxSeconds: 60 }],
      },
      backends: ['b/*.conf'],
      root: '/',
      ignore: [],
      directives: [],
    });
  });

  it('prints options as they are for a config not built by resolveConfig', () => {
    const printed = printableConfig({
      rules: new Map([['x', { severity: 'warning', options: { n: 1 } }]]),
      backends: [],
      root: undefined,
      prefix: undefined,
      nginxVersion: undefined,
      ignore: [],
      directives: [],
      configFile: undefined,
      baseDir: V,
    });
    expect(printed).toMatchObject({ rules: { x: ['warn', { n: 1 }] } });
  });
});
