/**
 * A generated installation: /etc/nginx with a main nginx.conf (a small wrapper, or a real one), http-,
 * server- and location-level snippets it includes, and backend files where ngxlint looks for them (PHP-FPM
 * pool, Apache ports.conf and a systemd unit under an etc/ tree beside nginx.conf; docker-compose.yml,
 * gunicorn.conf.py, uwsgi.ini and .env beside it). Every file is one or more seeds of its role (seeds.ts)
 * run through random mutations. The case also says what to lint, with which options, and what --probe
 * would have found.
 */
import fc from 'fast-check';
import { createMemoryHost, type Host } from '../../src/include/index.js';
import { resolveConfig, type ResolvedConfig } from '../../src/engine/config.js';
import type { OptionSpec, OptionsSpec } from '../../src/engine/types.js';
import { listProbeTargets, type LintRequest } from '../../src/engine/lint.js';
import { ruleInfos } from '../../src/cli/lint-command.js';
import { allRules } from '../../rules/index.js';
import { errnoInfo, probe, type HostState, type ProbeResult, type SocketStat } from '../../src/probe/index.js';
import { loadSeeds, type Role } from './seeds.js';
import { applyMutations, mutationArb, type Limits, type Mutation } from './mutations.js';

export const PREFIX = '/etc/nginx';
export const MAIN = `${PREFIX}/nginx.conf`;

/** Where each role's file lives. */
export const PATHS: Readonly<Record<Role, string>> = {
  main: MAIN,
  http: `${PREFIX}/conf.d/app.conf`,
  server: `${PREFIX}/snippets/server.conf`,
  location: `${PREFIX}/snippets/location.conf`,
  'php-fpm': `${PREFIX}/etc/php/8.2/fpm/pool.d/www.conf`,
  apache: `${PREFIX}/etc/apache2/ports.conf`,
  systemd: `${PREFIX}/etc/systemd/system/php8.2-fpm.service`,
  compose: `${PREFIX}/docker-compose.yml`,
  gunicorn: `${PREFIX}/gunicorn.conf.py`,
  uwsgi: `${PREFIX}/uwsgi.ini`,
  dotenv: `${PREFIX}/.env`,
};

/** A main config that reaches every snippet slot from the context its role expects. */
export const WRAPPER = `user www-data;
worker_processes auto;
events {
    worker_connections 1024;
}
http {
    include conf.d/*.conf;
    server {
        listen 80;
        server_name fuzz.test;
        include snippets/server.conf;
        location / {
            include snippets/location.conf;
        }
    }
}
`;

export interface FileCase {
  /** Seeds of the role (indexes modulo their number), joined by newlines; for `main`, [-1] is the wrapper. */
  readonly picks: readonly number[];
  readonly mutations: readonly Mutation[];
}

export interface ProbeCase {
  /** Decides each address's outcome (hashed with the address). */
  readonly seed: number;
  readonly hostState: HostState;
}

export interface WorldCase {
  /** Files by role; a missing role has no file. */
  readonly files: Partial<Record<Role, FileCase>>;
  /** The files given on the command line. */
  readonly lint: 'main' | 'snippet' | 'both';
  readonly prefix: boolean;
  /** --report-unused-disable-directives, --no-inline-config. */
  readonly suppressions: 'default' | 'report-unused' | 'off';
  readonly preset: 'ngxlint:strict' | 'ngxlint:recommended';
  /** Rule options other than the defaults, by rule (within each option's declared type and range). */
  readonly options: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  readonly nginxVersion: string;
  readonly probe: ProbeCase | null;
}

/** At most `maxMutations` mutations per file, each within `limits`. */
export function worldArb(limits: Limits, maxMutations: number): fc.Arbitrary<WorldCase> {
  const fileCase = (picks: fc.Arbitrary<number[]> = fc.array(fc.nat(), { minLength: 1, maxLength: 3 })): fc.Arbitrary<FileCase> =>
    fc.record({ picks, mutations: fc.array(mutationArb(limits), { maxLength: maxMutations }) });
  const optional = (role: Role, freq: number): Record<string, fc.Arbitrary<FileCase | undefined>> => ({ [role]: fc.option(fileCase(), { freq, nil: undefined }) });
  return fc.record({
    files: fc
      .record({
        main: fileCase(fc.oneof(fc.constant([-1]).map((p) => [...p]), fc.array(fc.nat(), { minLength: 1, maxLength: 2 }))),
        ...optional('http', 4),
        ...optional('server', 3),
        ...optional('location', 3),
        ...optional('php-fpm', 2),
        ...optional('apache', 1),
        ...optional('systemd', 1),
        ...optional('compose', 1),
        ...optional('gunicorn', 1),
        ...optional('uwsgi', 1),
        ...optional('dotenv', 1),
      })
      .map((files) => Object.fromEntries(Object.entries(files).filter(([, v]) => v !== undefined)) as Partial<Record<Role, FileCase>>),
    lint: fc.constantFrom('main' as const, 'main' as const, 'snippet' as const, 'both' as const),
    prefix: fc.boolean(),
    suppressions: fc.constantFrom('default' as const, 'report-unused' as const, 'off' as const),
    preset: fc.constantFrom('ngxlint:strict' as const, 'ngxlint:recommended' as const),
    options: optionsArb(),
    nginxVersion: fc.constantFrom('1.22.1', '1.18.0', '1.25.3', '1.29.4', '1.30.0'),
    probe: fc.option(
      fc.record({
        seed: fc.nat(),
        hostState: fc.constantFrom<HostState>({}, { selinux: 'enforcing', httpdCanNetworkConnect: false }, { selinux: 'enforcing', httpdCanNetworkConnect: true }, { selinux: 'permissive' }),
      }),
      { freq: 3, nil: null },
    ),
  });
}

const encoder = new TextEncoder();

function seedsOf(role: Role, spec: FileCase): { origin: string; bytes: Uint8Array }[] {
  if (spec.picks[0] === -1) return [{ origin: 'wrapper', bytes: encoder.encode(WRAPPER) }];
  const pool = loadSeeds()[role];
  return spec.picks.map((k) => pool[k % pool.length] as { origin: string; bytes: Uint8Array });
}

/** The bytes of every file of a case, by absolute path. */
export function worldFiles(c: WorldCase): Map<string, Uint8Array> {
  const out = new Map<string, Uint8Array>();
  for (const [role, spec] of Object.entries(c.files) as [Role, FileCase][]) {
    const parts = seedsOf(role, spec).map((s) => s.bytes);
    const joined = new Uint8Array(parts.reduce((n, b) => n + b.length + 1, 0));
    let at = 0;
    for (const b of parts) {
      joined.set(b, at);
      joined[at + b.length] = 0x0a;
      at += b.length + 1;
    }
    out.set(PATHS[role], applyMutations(parts.length === 1 ? (parts[0] as Uint8Array) : joined, spec.mutations));
  }
  return out;
}

/** Which seeds each file came from, for failure reports. */
export function worldSources(c: WorldCase): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [role, spec] of Object.entries(c.files) as [Role, FileCase][]) out[PATHS[role]] = seedsOf(role, spec).map((s) => s.origin);
  return out;
}

/** A value of an option's declared type that its validation accepts, biased to the edges. */
function optionValueArb(spec: OptionSpec): fc.Arbitrary<unknown> {
  switch (spec.type) {
    case 'integer':
      return fc.oneof(fc.constantFrom(spec.minimum ?? 0, spec.maximum ?? 1_000_000), fc.integer({ min: spec.minimum ?? 0, max: spec.maximum ?? 1_000_000 }));
    case 'boolean':
      return fc.boolean();
    case 'string':
      return spec.enum ? fc.constantFrom(...spec.enum) : fc.constantFrom('', spec.default, '127.0.0.1', '127.0.0.11:53', '[::1]', '1.18.0', '1.29.4', 'x y', 'é');
    case 'string[]':
      return fc.array(fc.constantFrom('', '/run/php/php8.2-fpm.sock', '/tmp/x.sock', '127.0.0.1:9000', '8080', 'app', '/api/', '~', '*', 'é'), { maxLength: 3 });
    case 'size':
      return fc.constantFrom('0', '1', '512', '4k', '64k', '1m', '1024m');
    case 'time':
      return fc.constantFrom('0s', '1ms', '1s', '30s', '75s', '1h', '365d');
  }
}

/** Options for a few rules; most cases keep the defaults. */
function optionsArb(): fc.Arbitrary<Record<string, Record<string, unknown>>> {
  const perRule = allRules
    .filter((r) => r.options !== undefined && Object.keys(r.options).length > 0)
    .map((r) => [r.name, fc.record(Object.fromEntries(Object.entries(r.options as OptionsSpec).map(([k, spec]) => [k, optionValueArb(spec)])), { requiredKeys: [] })] as const);
  return fc
    .record(Object.fromEntries(perRule.map(([name, arb]) => [name, fc.option(arb, { freq: 4, nil: undefined })])))
    .map((o) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Record<string, Record<string, unknown>>);
}

const configs = new Map<string, ResolvedConfig>();

/** The config of a case: its preset, with its rules' options at each rule's own level. */
export function caseConfig(preset: WorldCase['preset'], options: WorldCase['options'] = {}): ResolvedConfig {
  const key = JSON.stringify([preset, options]);
  let config = configs.get(key);
  if (config === undefined) {
    const levels = new Map(allRules.map((r) => [r.name, r.severity]));
    const rules = Object.fromEntries(Object.entries(options).map(([name, opts]) => [name, [levels.get(name) ?? 'error', opts]]));
    config = resolveConfig({ extends: [preset], rules }, { rules: ruleInfos(allRules), baseDir: '/' });
    if (configs.size > 100) configs.clear();
    configs.set(key, config);
  }
  return config;
}

/** The lint request a case describes, over an in-memory host holding `files`. */
export function lintRequest(c: WorldCase, files: ReadonlyMap<string, Uint8Array>, host: Host = createMemoryHost(Object.fromEntries(files))): LintRequest {
  const targets = c.lint === 'main' ? [MAIN] : c.lint === 'snippet' ? [PATHS.http] : [MAIN, PATHS.http];
  return {
    files: targets,
    host,
    config: caseConfig(c.preset, c.options),
    rules: allRules,
    prefix: c.prefix ? PREFIX : undefined,
    nginxVersion: c.nginxVersion,
    inlineConfig: c.suppressions !== 'off',
    reportUnusedDisableDirectives: c.suppressions === 'report-unused',
    hostState: c.probe?.hostState ?? {},
  };
}

function hash(seed: number, text: string): number {
  let h = seed ^ 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

const CONNECT_ERRORS = ['ECONNREFUSED', 'ENOENT', 'EACCES', 'ETIMEDOUT', 'ECONNRESET', 'EHOSTUNREACH', 'ENOTSOCK'];
const LOOKUP_ERRORS = ['ENOTFOUND', 'EAI_AGAIN', 'ENODATA'];
const SOCKET_STATS: readonly SocketStat[] = [
  { kind: 'socket', mode: 0o660, uid: 33, gid: 33 },
  { kind: 'socket', mode: 0o600, uid: 0, gid: 0 },
  { kind: 'socket', mode: 0o666, uid: 1000, gid: 1000 },
  { kind: 'missing', error: errnoInfo('ENOENT') },
  { kind: 'file', mode: 0o644, uid: 0, gid: 0 },
  { kind: 'unreadable', error: errnoInfo('EACCES') },
];

function codeError(code: string): Error {
  return Object.assign(new Error(code), { code });
}

/**
 * What --probe would report for the case's configuration: the real probe() over the real target list,
 * with connect, lookup and stat replaced by deterministic fakes (no network, no filesystem, no clock).
 */
export async function fakeProbes(c: WorldCase, request: LintRequest): Promise<ReadonlyMap<string, ProbeResult> | undefined> {
  const p = c.probe;
  if (p === null) return undefined;
  const pick = <T>(key: string, list: readonly T[]): T => list[hash(p.seed, key) % list.length] as T;
  return probe(listProbeTargets(request), {
    now: () => 0,
    hostsFile: '127.0.0.1 localhost\n::1 localhost ip6-localhost\n10.0.0.5 app.internal\n',
    connect: async (endpoint) => {
      const key = 'path' in endpoint ? endpoint.path : `${endpoint.host}:${endpoint.port}`;
      if (hash(p.seed, key) % 3 === 0) return;
      throw codeError(pick(`e${key}`, CONNECT_ERRORS));
    },
    lookup: async (host) => {
      const r = hash(p.seed, host) % 4;
      if (r === 0) throw codeError(pick(host, LOOKUP_ERRORS));
      return r === 1 ? ['127.0.0.1'] : r === 2 ? ['::1', '127.0.0.1'] : ['10.0.0.5', '10.0.0.6'];
    },
    stat: async (path) => pick(path, SOCKET_STATS),
  });
}

/** The request with its probe results: what `ngxlint [--probe]` would lint. */
export async function fullRequest(c: WorldCase, files: ReadonlyMap<string, Uint8Array>): Promise<LintRequest> {
  const request = lintRequest(c, files);
  const probes = await fakeProbes(c, request);
  return probes === undefined ? request : { ...request, probes };
}
