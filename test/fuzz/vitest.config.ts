/** `npm run fuzz` (vitest run --config test/fuzz/vitest.config.ts): only the long fuzz run. */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  root: path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..'),
  test: {
    include: ['test/fuzz/long.fuzz.ts'],
    // The test sets its own timeout from FUZZ_SECONDS.
    testTimeout: 0,
  },
});
