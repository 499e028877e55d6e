/**
 * bin/ngxlint.js runs the one-file bundle (scripts/bundle.mjs) with a V8 code cache when it can, and the
 * compiled modules otherwise. These tests check that both answer alike, which one is picked, and that a bad
 * cache is ignored and replaced. How fast either starts is measured elsewhere (issue 8), not asserted here.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, ROOT } from '../e2e/helpers.js';
import { tempTree } from '../harness/cli.js';

const BUNDLE_REL = 'dist/src/cli/main.bundle.cjs';

interface Run {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Builds dist/ and the bundle when missing or stale, as `npm test` does before vitest starts. */
function ensureBundle(): void {
  ensureBuilt(['src/cli/main.ts', 'src/model/directives.ts']);
  const bundle = path.join(ROOT, BUNDLE_REL);
  if (fs.existsSync(bundle) && fs.statSync(bundle).mtimeMs >= fs.statSync(path.join(ROOT, 'dist/src/cli/main.js')).mtimeMs) return;
  const r = spawnSync(process.execPath, [path.join(ROOT, 'scripts/bundle.mjs')], { encoding: 'utf8', timeout: 120_000 });
  if (r.status !== 0) throw new Error(`scripts/bundle.mjs failed:\n${r.stdout}${r.stderr}`);
}

/** `node <install>/bin/ngxlint.js ...args`; `bundle: false` sets NGXLINT_NO_BUNDLE. */
function ngxlint(install: string, args: readonly string[], options: { cwd: string; bundle: boolean; input?: string; env?: Record<string, string> }): Run {
  const env = { ...process.env, NO_COLOR: '1', NGXLINT_NO_BUNDLE: options.bundle ? '' : '1', ...options.env };
  const r = spawnSync(process.execPath, [path.join(install, 'bin/ngxlint.js'), ...args], {
    cwd: options.cwd,
    env,
    encoding: 'utf8',
    timeout: 60_000,
    ...(options.input !== undefined ? { input: options.input } : {}),
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

/**
 * A copy of the installed package's layout that runs the repository's bundle: bin/ and the bundle are copied
 * (so its code cache is written here), the data it reads (package.json, the directive table, rule READMEs,
 * node_modules) is linked, and dist/src/cli/main.js is a stand-in that names itself, so each
 * run shows which of the two answered.
 */
function installation(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ngxlint-install-'));
  dirs.push(dir);
  fs.cpSync(path.join(ROOT, 'bin'), path.join(dir, 'bin'), { recursive: true });
  fs.copyFileSync(path.join(ROOT, 'package.json'), path.join(dir, 'package.json'));
  fs.mkdirSync(path.join(dir, 'dist/src/cli'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'dist/src/cli/main.js'), "export async function run() {\n  process.stdout.write('compiled modules\\n');\n  return 0;\n}\n");
  // Older than the bundle, as after a build.
  const past = new Date(Date.now() - 60_000);
  fs.utimesSync(path.join(dir, 'dist/src/cli/main.js'), past, past);
  fs.copyFileSync(path.join(ROOT, BUNDLE_REL), path.join(dir, BUNDLE_REL));
  for (const link of ['node_modules', 'src', 'rules']) fs.symlinkSync(path.join(ROOT, link), path.join(dir, link));
  return dir;
}

const caches = (install: string): string[] =>
  fs
    .readdirSync(path.join(install, 'dist/src/cli'))
    .filter((f) => f.endsWith('.v8cache'))
    .map((f) => path.join(install, 'dist/src/cli', f));

beforeAll(ensureBundle);

describe('the bundled CLI', () => {
  const fixable = tempTree({ 'nginx.conf': 'events {}\nhttp {\n    server {\n        listen 80;\n        location / { proxy_pass http://localhost:8080; }\n    }\n}\n' });
  dirs.push(fixable);

  const cases: { name: string; args: string[]; cwd?: string; input?: string; env?: Record<string, string> }[] = [
    { name: 'lint, stylish', args: ['examples/reverse-proxy'] },
    { name: 'lint, compact', args: ['-f', 'compact', 'examples/multi-site'] },
    { name: 'lint, json', args: ['-f', 'json', 'examples/php-fpm-site'] },
    { name: 'lint, a diff of the fixes', args: ['--diff', 'nginx.conf'], cwd: fixable },
    { name: 'lint from stdin', args: ['--stdin', '--stdin-filename', 'nginx.conf', '-f', 'compact'], input: 'events {}\nhttp {\n    proxy_buffers 1 4k;\n}\n' },
    { name: 'help', args: ['--help'] },
    { name: 'help of a command', args: ['parse', '--help'] },
    { name: 'rules', args: ['rules'] },
    { name: 'explain', args: ['explain', 'syntax-error'] },
    { name: 'explain an unknown rule', args: ['explain', 'syntax-eror'] },
    { name: 'parse', args: ['parse', 'examples/multi-site/nginx.conf'] },
    { name: 'an unknown option', args: ['--bogus'] },
    { name: 'a missing file', args: ['no/such/nginx.conf'] },
  ];

  it.each(cases)('answers like the compiled modules: $name', ({ args, cwd, input, env }) => {
    const install = installation();
    const where = cwd ?? ROOT;
    const bundled = ngxlint(install, args, { cwd: where, bundle: true, ...(input !== undefined ? { input } : {}), ...(env ? { env } : {}) });
    const compiled = ngxlint(ROOT, args, { cwd: where, bundle: false, ...(input !== undefined ? { input } : {}), ...(env ? { env } : {}) });
    // Rule documentation links point into the installation that answered.
    const here = (text: string) => text.replaceAll(install, ROOT);
    expect({ ...bundled, stdout: here(bundled.stdout), stderr: here(bundled.stderr) }).toEqual(compiled);
    expect(compiled.stdout).not.toContain('compiled modules');
    expect(compiled.stderr).not.toMatch(/internal error|\n\s+at /);
  });

  it('answers --version without loading either', () => {
    const install = installation();
    fs.rmSync(path.join(install, BUNDLE_REL));
    const version = (JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
    expect(ngxlint(install, ['--version'], { cwd: install, bundle: true })).toEqual({ status: 0, stdout: `${version}\n`, stderr: '' });
  });

  it('answers --version quietly when standard output is closed, as before it wrote to the descriptor itself', () => {
    const r = spawnSync('/bin/sh', ['-c', `"${process.execPath}" "${path.join(ROOT, 'bin/ngxlint.js')}" --version >&-`], { encoding: 'utf8', timeout: 60_000 });
    expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 0, stderr: '' });
  });

  it('asks nginx for its version once per command, also when --fix lints again after each pass', () => {
    // A host name in an upstream: static-dns-upstream's advice depends on the version.
    const dir = tempTree({ 'nginx.conf': 'events {}\nhttp {\n    upstream app { server backend.example.com:8080; }\n    server {\n        listen 80;\n        location / { proxy_pass http://app; }\n    }\n}\n' });
    dirs.push(dir);
    const log = path.join(dir, 'calls.log');
    fs.mkdirSync(path.join(dir, 'bin'));
    fs.writeFileSync(path.join(dir, 'bin/nginx'), `#!/bin/sh\necho "$@" >> '${log}'\necho 'nginx version: nginx/1.24.0' >&2\n`, { mode: 0o755 });
    const r = ngxlint(ROOT, ['--diff', '--unsafe-fixes', 'nginx.conf'], { cwd: dir, bundle: true, env: { PATH: `${path.join(dir, 'bin')}:${process.env.PATH ?? ''}` } });
    expect(r.stdout).toContain('+++ ');
    expect(fs.readFileSync(log, 'utf8')).toBe('-v\n');
  });

  it('leaves the built-in modules that a plain lint does not use unloaded (scripts/bundle.mjs, LAZY_BUILTINS)', () => {
    const install = installation();
    const dir = tempTree({ 'nginx.conf': 'events {}\nhttp {\n    server {\n        listen 80;\n        location / { proxy_pass http://127.0.0.1:8080; }\n    }\n}\n' });
    dirs.push(dir);
    const report = path.join(dir, 'modules.json');
    fs.writeFileSync(path.join(dir, 'modules.cjs'), `process.on('exit', () => require('node:fs').writeFileSync(${JSON.stringify(report)}, JSON.stringify(process.moduleLoadList)));\n`);
    // Output to files: a pipe on stdout or stderr would bring node:net in by itself.
    const out = fs.openSync(path.join(dir, 'out.txt'), 'w');
    const r = spawnSync(process.execPath, ['-r', path.join(dir, 'modules.cjs'), path.join(install, 'bin/ngxlint.js'), '--nginx-version', '1.26.0', 'nginx.conf'], {
      cwd: dir,
      env: { ...process.env, NO_COLOR: '1', NGXLINT_NO_BUNDLE: '' },
      stdio: ['ignore', out, out],
      timeout: 60_000,
    });
    fs.closeSync(out);
    expect(r.status, fs.readFileSync(path.join(dir, 'out.txt'), 'utf8')).toBeLessThan(2);
    const loaded = (JSON.parse(fs.readFileSync(report, 'utf8')) as string[]).filter((m) => m.startsWith('NativeModule ')).map((m) => m.slice('NativeModule '.length));
    expect(loaded.filter((m) => ['net', 'tty', 'dns', 'child_process', 'crypto'].includes(m))).toEqual([]);
  });
});

describe('bin/ngxlint.js picks', () => {
  it('the bundle when it is at least as new as dist/src/cli/main.js', () => {
    const install = installation();
    expect(ngxlint(install, ['rules'], { cwd: install, bundle: true }).stdout).toContain('syntax-error');
  });

  it('the compiled modules under NGXLINT_NO_BUNDLE', () => {
    const install = installation();
    expect(ngxlint(install, ['rules'], { cwd: install, bundle: false })).toEqual({ status: 0, stdout: 'compiled modules\n', stderr: '' });
  });

  it('the compiled modules when tsc rewrote dist/ after the bundle was built', () => {
    const install = installation();
    const future = new Date(Date.now() + 60_000);
    fs.utimesSync(path.join(install, 'dist/src/cli/main.js'), future, future);
    expect(ngxlint(install, ['rules'], { cwd: install, bundle: true }).stdout).toBe('compiled modules\n');
  });

  it('the compiled modules when there is no bundle', () => {
    const install = installation();
    fs.rmSync(path.join(install, BUNDLE_REL));
    expect(ngxlint(install, ['rules'], { cwd: install, bundle: true }).stdout).toBe('compiled modules\n');
  });
});

describe('the code cache', () => {
  const lint = (install: string) => ngxlint(install, ['-f', 'compact', 'examples/reverse-proxy'], { cwd: ROOT, bundle: true });

  it('is written beside the bundle on the first run, named after its hash, and then reused', () => {
    const install = installation();
    expect(caches(install)).toEqual([]);
    const first = lint(install);
    const hash = /^\/\/ ngxlint bundle ([0-9a-f]+)\n/.exec(fs.readFileSync(path.join(install, BUNDLE_REL), 'utf8'))?.[1];
    expect(hash).toMatch(/^[0-9a-f]{16}$/);
    const [cache] = caches(install);
    expect(caches(install)).toHaveLength(1);
    expect(path.basename(cache as string)).toContain(`main.bundle.cjs.${hash}.`);
    const before = fs.statSync(cache as string);
    const second = lint(install);
    expect(second).toEqual(first);
    const after = fs.statSync(cache as string);
    expect([after.ino, after.mtimeMs]).toEqual([before.ino, before.mtimeMs]);
    expect(fs.readdirSync(path.join(install, 'dist/src/cli')).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it.each([
    ['garbage', (valid: Buffer) => Buffer.alloc(valid.length, 0x5a)],
    ['a truncated cache', (valid: Buffer) => valid.subarray(0, valid.length >> 1)],
    ['an empty file', () => Buffer.alloc(0)],
  ])('is ignored and replaced when it holds %s', (_name, corrupt) => {
    const install = installation();
    const reference = lint(install);
    const [cache] = caches(install);
    const valid = fs.readFileSync(cache as string);
    const bad = corrupt(valid);
    fs.writeFileSync(cache as string, bad);
    expect(lint(install)).toEqual(reference);
    const replaced = fs.readFileSync(cache as string);
    expect(replaced.equals(bad)).toBe(false);
    expect(replaced.length).toBeGreaterThan(1000);
    expect(lint(install)).toEqual(reference);
  });

  it('is not used with another bundle: a rebuilt bundle gets its own cache', () => {
    const install = installation();
    lint(install);
    const bundleFile = path.join(install, BUNDLE_REL);
    const source = fs.readFileSync(bundleFile, 'utf8');
    // A different bundle: another hash on its first line, and one more statement.
    fs.writeFileSync(bundleFile, source.replace(/^\/\/ ngxlint bundle [0-9a-f]+\n/, '// ngxlint bundle 0123456789abcdef\n') + ';\n');
    const run = lint(install);
    expect(run.status).toBe(1);
    expect(caches(install).map((f) => path.basename(f).split('.')[3])).toEqual(expect.arrayContaining(['0123456789abcdef']));
    expect(caches(install)).toHaveLength(2);
  });
});
