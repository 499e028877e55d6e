import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadBackends } from '../../src/backends/index.js';
import { createNodeHost } from '../../src/include/index.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

describe('backend discovery and runaway globs', () => {
  it("a pool file's include glob through looping directory links is a problem of that file, not a crash", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ngxlint-discover-'));
    dirs.push(dir);
    const pools = path.join(dir, 'pool');
    fs.mkdirSync(pools);
    for (let i = 0; i < 16; i++) fs.symlinkSync('.', path.join(pools, `l${i}`));
    const main = path.join(dir, 'php-fpm.conf');
    fs.writeFileSync(main, `[global]\ninclude=${pools}/*/*/*/*/*/*/*/*.conf\n\n[www]\nlisten = /run/php/www.sock\n`);
    const inventory = loadBackends({ host: createNodeHost(), explicit: [main] });
    expect(inventory.listeners.length).toBeGreaterThan(0);
    expect(inventory.problems).toEqual([{ file: main, message: expect.stringContaining('would examine more than 250000 directory entries') }]);
  });
});
