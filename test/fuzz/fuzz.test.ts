/**
 * Quick fuzzing in `npm test`: every property of properties.ts, a fixed seed and a small number of runs,
 * so the run is reproducible and short. `npm run fuzz` runs the same properties for longer with a new seed.
 */
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { QUICK } from './mutations.js';
import { fuzzProperties } from './properties.js';

const SEED = 20240817;

describe('fuzz (quick, fixed seed)', () => {
  for (const p of fuzzProperties(QUICK)) {
    it(`${p.name}: ${p.summary}`, async () => {
      await fc.assert(p.property, { seed: SEED, numRuns: p.quickRuns });
    });
  }
});
