/**
 * `npm run fuzz`: the properties of properties.ts for a time budget (or a number of runs) with a fresh
 * seed, bigger mutations than `npm test`, and a report per property: cases run, the slowest case, and for
 * a failure the shrunk counterexample, written to fuzz-failures/ (see failures.ts).
 *
 *   FUZZ_SECONDS=60        total time budget, shared by the properties (lint and fix get the most)
 *   FUZZ_RUNS=N            run N cases per property instead of a time budget
 *   FUZZ_SEED=S            seed (default: from the clock); printed, so any run can be repeated
 *   FUZZ_PROPERTIES=a,b    only these properties (parse-bytes, parse-mutants, lint, fix)
 *   FUZZ_REPLAY=PATH       with FUZZ_SEED and one property: replay the case a failure report names
 *   FUZZ_SLOW_MS=10000     save any case slower than this as fuzz-failures/slow-*
 *   FUZZ_SHRINK_SECONDS=300  time allowed for shrinking a counterexample
 */
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { LONG } from './mutations.js';
import { fuzzProperties, type RunnableProperty } from './properties.js';
import { saveCase } from './failures.js';

function envNumber(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 0) throw new Error(`${name}=${raw}: expected a non-negative number`);
  return n;
}

const seconds = envNumber('FUZZ_SECONDS', 60);
const fixedRuns = process.env.FUZZ_RUNS ? envNumber('FUZZ_RUNS', 0) : undefined;
const baseSeed = Math.trunc(envNumber('FUZZ_SEED', Date.now() % 2 ** 31));
const replay = process.env.FUZZ_REPLAY || undefined;
const slowMs = envNumber('FUZZ_SLOW_MS', 10_000);
const shrinkMs = envNumber('FUZZ_SHRINK_SECONDS', 300) * 1000;
/** Share of the time budget: linting and fixing are where the bugs hide, and each case costs more. */
const SHARE: Readonly<Record<string, number>> = { 'parse-bytes': 1, 'parse-mutants': 1, lint: 4, fix: 4 };
/** Cases per fc.check call: the deadline is checked between chunks, so a chunk may overrun it a little. */
const CHUNK = 25;

const all = fuzzProperties(LONG);
const wanted = process.env.FUZZ_PROPERTIES?.split(',').map((s) => s.trim()).filter(Boolean);
const unknown = wanted?.filter((n) => !all.some((p) => p.name === n)) ?? [];
if (unknown.length > 0) throw new Error(`FUZZ_PROPERTIES: unknown ${unknown.join(', ')} (known: ${all.map((p) => p.name).join(', ')})`);
const selected = wanted ? all.filter((p) => wanted.includes(p.name)) : all;
if (replay !== undefined && selected.length !== 1) throw new Error('FUZZ_REPLAY needs FUZZ_PROPERTIES naming exactly one property');
const shareTotal = selected.reduce((sum, p) => sum + (SHARE[p.name] ?? 1), 0);

interface Outcome {
  readonly runs: number;
  readonly failure?: { readonly seed: number; readonly dir: string; readonly error: string };
}

async function fuzz(p: RunnableProperty): Promise<Outcome> {
  const budgetMs = (seconds * 1000 * (SHARE[p.name] ?? 1)) / shareTotal;
  const started = Date.now();
  let runs = 0;
  for (let chunk = 0; ; chunk++) {
    const left = fixedRuns === undefined ? budgetMs - (Date.now() - started) : fixedRuns - runs;
    if (left <= 0) break;
    const seed = (baseSeed + chunk) | 0;
    const numRuns = replay !== undefined ? 1 : fixedRuns === undefined ? CHUNK : Math.min(CHUNK, left);
    const details = await fc.check(p.property, {
      seed,
      numRuns,
      ...(replay !== undefined ? { path: replay } : {}),
      // Bounds the shrinking of a failure; runs themselves end on the chunk size.
      interruptAfterTimeLimit: (fixedRuns === undefined ? left : 0) + shrinkMs,
      markInterruptAsFailure: false,
    });
    if (details.failed && details.counterexample !== null) {
      const value = details.counterexample[0];
      const error = details.errorInstance instanceof Error ? (details.errorInstance.stack ?? details.errorInstance.message) : String(details.errorInstance);
      const dir = saveCase({ kind: 'failure', property: p.name, seed, path: details.counterexamplePath, error, files: p.files(value), notes: p.notes(value) });
      return { runs: runs + details.numRuns, failure: { seed, dir, error } };
    }
    runs += details.numRuns;
    if (replay !== undefined || details.interrupted) break;
  }
  return { runs };
}

it(
  `fuzz for ${fixedRuns === undefined ? `${seconds}s` : `${fixedRuns} runs per property`} (seed ${baseSeed})`,
  async () => {
    console.log(`ngxlint fuzz: seed ${baseSeed}, ${fixedRuns === undefined ? `${seconds}s` : `${fixedRuns} runs per property`}, properties: ${selected.map((p) => p.name).join(', ')}`);
    const failures: string[] = [];
    for (const p of selected) {
      const started = Date.now();
      const outcome = await fuzz(p);
      const took = ((Date.now() - started) / 1000).toFixed(1);
      console.log(`${p.name}: ${outcome.runs} cases in ${took}s, slowest ${Math.round(p.slowest.ms)}ms${outcome.failure ? ' — FAILED' : ''}`);
      if (p.slowest.ms > slowMs && outcome.failure === undefined) {
        const dir = saveCase({ kind: 'slow', property: p.name, seed: baseSeed, path: null, error: `took ${Math.round(p.slowest.ms)}ms`, files: p.files(p.slowest.value), notes: p.notes(p.slowest.value) });
        console.log(`  slow case saved to ${dir}`);
      }
      if (outcome.failure) {
        console.log(`  ${outcome.failure.error.split('\n').slice(0, 12).join('\n  ')}\n  counterexample saved to ${outcome.failure.dir}`);
        failures.push(`${p.name} (seed ${outcome.failure.seed}): see ${outcome.failure.dir}`);
      }
    }
    expect(failures).toEqual([]);
  },
  (fixedRuns === undefined ? seconds * 2 : 3600) * 1000 + shrinkMs * selected.length + 60_000,
);
