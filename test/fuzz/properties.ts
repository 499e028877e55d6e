/**
 * The fuzz properties, shared by the quick run in `npm test` (fuzz.test.ts) and the long one in
 * `npm run fuzz` (long.fuzz.ts). Each names its input's files so a failure can be written out and
 * replayed with the CLI.
 */
import fc from 'fast-check';
import { parseSource } from '../../src/parser/index.js';
import { decode } from '../../src/source/index.js';
import { lint } from '../../src/engine/lint.js';
import { fixFiles } from '../../src/fix/index.js';
import { checkParse, checkTokens } from '../parser/invariants.js';
import { loadSeeds, ROLES, type Role } from './seeds.js';
import { applyMutations, mutationArb, SPECIALS, type Limits, type Mutation } from './mutations.js';
import { fullRequest, worldArb, worldFiles, worldSources, type WorldCase } from './world.js';
import { checkEachFix, checkFindings, checkFix, checkPayload, checkReports } from './checks.js';

export interface FuzzProperty<T> {
  readonly name: string;
  readonly summary: string;
  readonly arbitrary: fc.Arbitrary<T>;
  /** Throws when the property does not hold. */
  readonly check: (value: T) => Promise<void>;
  /** The input as files (absolute paths), to write out for a failure. */
  readonly files: (value: T) => ReadonlyMap<string, Uint8Array>;
  /** Anything else needed to replay the input (options, where the files came from). */
  readonly notes: (value: T) => unknown;
  /** Runs in `npm test`: small enough that the whole fuzz suite stays well under 20s on two cores. */
  readonly quickRuns: number;
}

/** The slowest input a property has seen so far, and how long it took (shrinking included). */
export interface Slowest {
  ms: number;
  value: unknown;
}

/** A property with its input type erased, so that properties of different inputs fit in one list. */
export interface RunnableProperty {
  readonly name: string;
  readonly summary: string;
  readonly quickRuns: number;
  readonly property: fc.IAsyncPropertyWithHooks<[unknown]>;
  readonly files: (value: unknown) => ReadonlyMap<string, Uint8Array>;
  readonly notes: (value: unknown) => unknown;
  readonly slowest: Slowest;
}

function runnable<T>(p: FuzzProperty<T>): RunnableProperty {
  const slowest: Slowest = { ms: 0, value: undefined };
  const timed = async (value: T): Promise<void> => {
    const started = performance.now();
    try {
      await p.check(value);
    } finally {
      const ms = performance.now() - started;
      if (ms > slowest.ms) Object.assign(slowest, { ms, value });
    }
  };
  return {
    name: p.name,
    summary: p.summary,
    quickRuns: p.quickRuns,
    property: fc.asyncProperty(p.arbitrary, timed) as unknown as fc.IAsyncPropertyWithHooks<[unknown]>,
    files: (value) => p.files(value as T),
    notes: (value) => p.notes(value as T),
    slowest,
  };
}

/** Decodes, parses, prints and encodes: the text prints back, the bytes come back, spans are sane. */
function checkBytes(bytes: Uint8Array): void {
  const { source } = decode(bytes, 'fuzz.conf');
  const result = parseSource(source);
  checkParse(source.text, result);
  checkTokens(source.text);
  if (!Buffer.from(source.encode(source.text)).equals(Buffer.from(bytes))) throw new Error(`encode() does not give the bytes back (${source.encoding})`);
}

const WORDS = ['server', 'location', 'listen', 'proxy_pass', 'http://up', 'upstream', 'include', 'a', '80', '/', '~', 'content_by_lua_block'];
const textEncoder = new TextEncoder();

/** Random bytes, random UTF-16 (lone surrogates included) as UTF-8, token soups, each maybe after a BOM. */
const bytesArb: fc.Arbitrary<Uint8Array> = fc
  .tuple(
    fc.oneof(
      fc.uint8Array({ maxLength: 600 }),
      fc.string({ unit: 'binary', maxLength: 200 }).map((s) => textEncoder.encode(s)),
      fc.array(fc.constantFrom(...SPECIALS, ...WORDS, ' ', '\n'), { maxLength: 120 }).map((parts) => textEncoder.encode(parts.join(''))),
    ),
    fc.constantFrom<readonly number[]>([], [], [], [0xef, 0xbb, 0xbf], [0xff, 0xfe], [0xfe, 0xff]),
  )
  .map(([body, bom]) => Uint8Array.from([...bom, ...body]));

const parseBytes: FuzzProperty<Uint8Array> = {
  name: 'parse-bytes',
  summary: 'decode + parse of arbitrary bytes never throws; print and encode give the bytes back',
  arbitrary: bytesArb,
  check: async (bytes) => checkBytes(bytes),
  files: (bytes) => new Map([['/fuzz.conf', bytes]]),
  notes: () => ({}),
  quickRuns: 1500,
};

interface MutantCase {
  readonly role: Role;
  readonly pick: number;
  readonly mutations: readonly Mutation[];
}

const mutantArb = (limits: Limits): fc.Arbitrary<MutantCase> =>
  fc.record({ role: fc.constantFrom(...ROLES), pick: fc.nat(), mutations: fc.array(mutationArb(limits), { minLength: 1, maxLength: 6 }) });

function mutantSeed(c: MutantCase): { origin: string; bytes: Uint8Array } {
  const pool = loadSeeds()[c.role];
  return pool[c.pick % pool.length] as { origin: string; bytes: Uint8Array };
}

const mutantBytes = (c: MutantCase): Uint8Array => applyMutations(mutantSeed(c).bytes, c.mutations);

const parseMutants = (limits: Limits): FuzzProperty<MutantCase> => ({
  name: 'parse-mutants',
  summary: 'parse of mutated seed files (corpus, examples, README code) never throws and prints back byte for byte',
  arbitrary: mutantArb(limits),
  check: async (c) => checkBytes(mutantBytes(c)),
  files: (c) => new Map([['/fuzz.conf', mutantBytes(c)]]),
  notes: (c) => ({ seed: mutantSeed(c).origin, mutations: c.mutations }),
  quickRuns: 300,
});

const worldNotes = (c: WorldCase): unknown => ({ sources: worldSources(c), case: c });

const lintWorld = (limits: Limits): FuzzProperty<WorldCase> => ({
  name: 'lint',
  summary: 'lint of a mutated installation with every rule never throws, no rule crashes, findings, reports and the crossplane payload are well-formed',
  arbitrary: worldArb(limits, 4),
  check: async (c) => {
    const request = await fullRequest(c, worldFiles(c));
    const result = lint(request);
    checkFindings(result);
    checkReports(result);
    checkPayload(request);
  },
  files: worldFiles,
  notes: worldNotes,
  quickRuns: 120,
});

export interface FixCase {
  readonly world: WorldCase;
  readonly unsafe: boolean;
}

const fixWorld = (limits: Limits): FuzzProperty<FixCase> => ({
  name: 'fix',
  summary: 'fix (safe and unsafe) never throws, settles, adds no syntax or other error, keeps encoding and line endings, is idempotent; no offered fix makes a loadable file unloadable',
  // Fewer mutations: files with syntax errors are never fixed, so heavy damage leaves nothing to test.
  arbitrary: fc.record({ world: worldArb(limits, 1), unsafe: fc.boolean() }),
  check: async ({ world, unsafe }) => {
    const request = await fullRequest(world, worldFiles(world));
    const first = lint(request);
    checkFindings(first);
    checkEachFix(request, first, 8);
    checkFix(request, first, fixFiles(request, { unsafe }), unsafe);
  },
  files: ({ world }) => worldFiles(world),
  notes: ({ world, unsafe }) => ({ unsafe, ...(worldNotes(world) as object) }),
  quickRuns: 100,
});

/** Every property, with structural mutations within `limits`. */
export function fuzzProperties(limits: Limits): RunnableProperty[] {
  return [runnable(parseBytes), runnable(parseMutants(limits)), runnable(lintWorld(limits)), runnable(fixWorld(limits))];
}
