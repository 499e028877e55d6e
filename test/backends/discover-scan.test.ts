import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadBackends } from '../../src/backends/index.js';
import { createNodeHost, type Host } from '../../src/include/index.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

function project(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ngxlint-scan-'));
  dirs.push(dir);
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

/** The node host, counting its globs. */
function countingHost(): { host: Host; globs: string[] } {
  const base = createNodeHost();
  const globs: string[] = [];
  return { host: { ...base, glob: (pattern) => (globs.push(pattern), base.glob(pattern)) }, globs };
}

describe('the scan of standard locations beside a configuration', () => {
  it('finds a pool under etc/ beside nginx.conf', () => {
    const dir = project({ 'nginx.conf': 'events {}\n', 'etc/php/8.2/fpm/pool.d/www.conf': '[www]\nlisten = /run/php/www.sock\n' });
    const inventory = loadBackends({ host: createNodeHost(), explicit: [], near: [dir] });
    expect(inventory.filesRead).toEqual([path.join(dir, 'etc/php/8.2/fpm/pool.d/www.conf')]);
    expect(inventory.listeners.map((l) => l.source.file)).toEqual([path.join(dir, 'etc/php/8.2/fpm/pool.d/www.conf')]);
  });

  it('does not glob locations whose directory is missing', () => {
    const dir = project({ 'nginx.conf': 'events {}\n', 'etc/systemd/system/app.socket': '[Socket]\nListenStream=127.0.0.1:9000\n' });
    const { host, globs } = countingHost();
    const inventory = loadBackends({ host, explicit: [], near: [dir] });
    expect(inventory.filesRead).toEqual([path.join(dir, 'etc/systemd/system/app.socket')]);
    expect(globs).toEqual([path.join(dir, 'etc/systemd/system/*.socket'), path.join(dir, 'etc/systemd/system/*.service')]);
  });
});
