/**
 * `--fix` must never leave a configuration half-written: whatever happens (a SIGKILL at any instant, a file
 * or directory it may not write, a full disk, another writer), every file is afterwards byte for byte its
 * original or its complete fixed version, and a temp file left behind is one nginx can never include.
 *
 * The SIGKILL test runs the compiled CLI on 200 files many times, killing it after delays drawn from a
 * seeded PRNG (NGXLINT_CRASH_SEED, NGXLINT_CRASH_TRIALS to replay or widen it): some spread over the whole
 * run, most over its writing phase, timed from the first rename seen by fs.watch (so that a loaded machine
 * still kills it mid-write).
 */
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMemoryHost, createNodeHost, type Host } from '../../src/include/index.js';
import { fixFiles } from '../../src/fix/index.js';
import { resolveConfig } from '../../src/engine/config.js';
import { ruleInfos } from '../../src/cli/lint-command.js';
import { allRules } from '../../rules/index.js';
import { FileChangedError, TEMP_FILE_PATTERN, nodeAtomicWriteFs, tempFileName, writeFileAtomic, type AtomicWriteFs } from '../../src/fix/write.js';
import { runCli, tempTree } from '../harness/cli.js';
import { nginxSkipReason, nginxTestAt } from '../harness/nginx.js';
import { prng } from '../../bench/generate.js';
import { ROOT, ensureBuilt } from '../e2e/helpers.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));
const tree = (files: Record<string, string>): string => {
  const d = tempTree(files);
  dirs.push(d);
  return d;
};

/** A server whose `proxy_connect_timeout 300s` has a safe fix (connect-timeout-over-75s); nginx -t accepts both versions. */
const site = (i: number): string =>
  [`# site ${i}`, 'server {', `    listen 127.0.0.1:${20000 + i};`, `    server_name site${i}.test;`, '    location / {', '        proxy_connect_timeout 300s;', `        proxy_pass http://127.0.0.1:${9000 + i};`, '    }', '}', ''].join('\n');

/** nginx.conf including `conf.d/*.conf` and `sites-enabled/*` (names without .conf), `n` sites split between them. */
function siteTree(n: number): Record<string, string> {
  const files: Record<string, string> = { 'nginx.conf': 'events {}\nhttp {\n    include conf.d/*.conf;\n    include sites-enabled/*;\n}\n' };
  for (let i = 0; i < n; i++) files[i % 2 === 0 ? `conf.d/site${String(i).padStart(3, '0')}.conf` : `sites-enabled/site${String(i).padStart(3, '0')}`] = site(i);
  return files;
}

/** Every file under `dir`, by relative path. */
function readTree(dir: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  const walk = (rel: string): void => {
    for (const entry of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      const child = rel === '' ? entry.name : `${rel}/${entry.name}`;
      if (entry.isDirectory()) walk(child);
      else out.set(child, fs.readFileSync(path.join(dir, child)));
    }
  };
  walk('');
  return out;
}

/** What the includes of siteTree pick up, through ngxlint's glob(3) (a leading dot is matched only explicitly). */
function included(dir: string, host: Host = createNodeHost()): string[] {
  return ['nginx.conf', ...host.glob(path.join(dir, 'conf.d/*.conf')), ...host.glob(path.join(dir, 'sites-enabled/*'))].map((f) => (f === 'nginx.conf' ? f : path.relative(dir, f))).sort();
}

interface FixRun {
  readonly pid: number;
  /** Resolves with the exit code (null when killed) and the signal. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>;
  /** Resolves when fs.watch sees the first fixed file renamed into place (ms after spawn); never when none is. */
  readonly firstWrite: Promise<number>;
  /** ms after spawn of each rename of a site file seen so far. */
  readonly writes: number[];
  readonly started: number;
  /** Kills it with SIGKILL, unless it has exited (and its PID may belong to another process). */
  kill(): void;
}

/** Starts `node bin/ngxlint.js --fix --no-config nginx.conf` in `dir`, watching its site directories. */
function startFix(dir: string, names: ReadonlySet<string>, wrap: readonly string[] = []): FixRun {
  const started = performance.now();
  const writes: number[] = [];
  let seen: (ms: number) => void = () => undefined;
  const firstWrite = new Promise<number>((resolve) => (seen = resolve));
  const watchers = ['conf.d', 'sites-enabled'].map((sub) =>
    fs.watch(path.join(dir, sub), (_event, name) => {
      if (name !== null && names.has(`${sub}/${name}`)) {
        const ms = performance.now() - started;
        writes.push(ms);
        seen(ms);
      }
    }),
  );
  const argv = [...wrap, process.execPath, path.join(ROOT, 'bin/ngxlint.js'), '--fix', '--no-config', 'nginx.conf'];
  const child = spawn(argv[0] as string, argv.slice(1), { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  if (child.pid === undefined) throw new Error('could not start ngxlint');
  let stderr = '';
  let alive = true;
  child.on('exit', () => (alive = false));
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>((resolve) =>
    child.on('close', (code, signal) => {
      watchers.forEach((w) => w.close());
      resolve({ code, signal, stderr });
    }),
  );
  const pid = child.pid;
  return { pid, exited, firstWrite, writes, started, kill: () => void (alive && process.kill(pid, 'SIGKILL')) };
}

/**
 * Every site file is its original or its fixed bytes (never partial, never missing); anything else in the
 * tree is a temp file of writeFileAtomic's pattern, which the include globs do not pick up.
 */
function checkTree(dir: string, originals: ReadonlyMap<string, Buffer>, fixed: ReadonlyMap<string, Buffer>, label: string): { fixedCount: number; temps: string[] } {
  const now = readTree(dir);
  let fixedCount = 0;
  for (const [rel, before] of originals) {
    const bytes = now.get(rel);
    expect(bytes, `${label}: ${rel} is missing`).toBeDefined();
    const after = fixed.get(rel) ?? before;
    const isOriginal = bytes?.equals(before) === true;
    const isFixed = bytes?.equals(after) === true;
    expect(isOriginal || isFixed, `${label}: ${rel} is neither the original nor the fixed version:\n${bytes?.toString('utf8')}`).toBe(true);
    if (isFixed && !isOriginal) fixedCount++;
  }
  const temps = [...now.keys()].filter((rel) => !originals.has(rel));
  for (const rel of temps) expect(path.basename(rel), `${label}: unexpected file ${rel}`).toMatch(TEMP_FILE_PATTERN);
  expect(included(dir), `${label}: the includes pick up exactly the site files`).toEqual([...originals.keys()].sort());
  return { fixedCount, temps };
}

describe('--fix killed with SIGKILL at random points', () => {
  const FILES = 200;
  const seed = Number(process.env.NGXLINT_CRASH_SEED ?? 0x5eed);
  const trials = Number(process.env.NGXLINT_CRASH_TRIALS ?? 20);
  let original: string;
  let originals: Map<string, Buffer>;
  let fixed: Map<string, Buffer>;
  /** A tree left half-fixed by a kill, for the nginx check. */
  let halfFixed: string | undefined;

  beforeAll(() => {
    ensureBuilt(['src/fix/write.ts', 'src/fix/apply.ts', 'src/cli/fix-command.ts', 'src/cli/lint-command.ts', 'src/cli/main.ts']);
    original = tree(siteTree(FILES));
    originals = readTree(original);
  }, 300_000);

  it(`every file stays its original or its fixed version, never partial or missing (${FILES} files; seed ${seed})`, async () => {
    const names = new Set(originals.keys());
    // The reference run: the fixed version of every file, and how long a run and its writing phase take.
    const reference = fs.mkdtempSync(path.join(os.tmpdir(), 'ngxlint-crash-'));
    dirs.push(reference);
    fs.cpSync(original, reference, { recursive: true });
    const run = startFix(reference, names);
    const done = await run.exited;
    const total = performance.now() - run.started;
    expect(done.code, done.stderr).toBe(0);
    fixed = readTree(reference);
    const changed = [...originals].filter(([rel, bytes]) => !bytes.equals(fixed.get(rel) ?? bytes)).map(([rel]) => rel);
    // Every site has something to fix; nginx.conf has not.
    expect(changed).toHaveLength(FILES);
    expect([...fixed.keys()].sort()).toEqual([...originals.keys()].sort());
    const writeStart = run.writes[0] ?? total;
    const writeSpan = Math.max(1, (run.writes[run.writes.length - 1] ?? total) - writeStart);

    const random = prng(seed);
    let mixed = 0;
    const outcomes: string[] = [];
    for (let trial = 0; trial < trials; trial++) {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ngxlint-crash-'));
      dirs.push(dir);
      fs.cpSync(original, dir, { recursive: true });
      // A third of the kills anywhere in the run, the rest while files are being written.
      const anywhere = trial % 3 === 0;
      const delay = anywhere ? random() * total : random() * writeSpan;
      const child = startFix(dir, names);
      const timer = anywhere ? setTimeout(() => child.kill(), delay) : undefined;
      if (!anywhere) void child.firstWrite.then(() => setTimeout(() => child.kill(), delay));
      const result = await child.exited;
      clearTimeout(timer);
      const label = `trial ${trial} (seed ${seed}, ${anywhere ? `${delay.toFixed(0)}ms after start` : `${delay.toFixed(0)}ms after the first write`}, ${result.signal ?? `exit ${result.code}`})`;
      const { fixedCount, temps } = checkTree(dir, originals, fixed, label);
      outcomes.push(`${fixedCount}/${FILES}${temps.length > 0 ? `+${temps.length}tmp` : ''}`);
      if (fixedCount > 0 && fixedCount < FILES) {
        mixed++;
        if (halfFixed === undefined) {
          halfFixed = dir;
          continue;
        }
      }
      fs.rmSync(dir, { recursive: true, force: true });
    }
    // Without kills that land mid-write this test would prove nothing.
    expect(mixed, `fixed files per trial: ${outcomes.join(' ')}`).toBeGreaterThan(0);
  }, 600_000);

  it('nginx -t accepts a half-fixed tree, also with the temp files a kill can leave', (ctx) => {
    const skip = nginxSkipReason();
    if (skip) return ctx.skip(skip);
    expect(halfFixed, 'the kill test left no half-fixed tree').toBeDefined();
    const dir = halfFixed as string;
    // Whatever a kill left, plant half-written temps next to files of both include styles.
    for (const rel of ['conf.d/site000.conf', 'sites-enabled/site001']) fs.writeFileSync(tempFileName(path.join(dir, rel)), 'server {\n    this is not nginx syntax\n');
    expect(included(dir)).toEqual([...originals.keys()].sort());
    const result = nginxTestAt(dir, 'nginx.conf');
    expect(result.ok, result.output).toBe(true);
  });
});

describe('temp file names', () => {
  it('start with a dot and end in .tmp, so that no include glob (`*.conf`, `*`) matches them', () => {
    const name = path.basename(tempFileName('/etc/nginx/conf.d/app.conf'));
    expect(name).toMatch(/^\.app\.conf\.ngxlint-\d+-[0-9a-f]{8}\.tmp$/);
    expect(name).toMatch(TEMP_FILE_PATTERN);
    const dir = tree({ 'conf.d/app.conf': 'server {}\n', 'sites-enabled/app': 'server {}\n' });
    fs.writeFileSync(tempFileName(path.join(dir, 'conf.d/app.conf')), 'partial');
    fs.writeFileSync(tempFileName(path.join(dir, 'sites-enabled/app')), 'partial');
    const host = createNodeHost();
    for (const pattern of ['conf.d/*.conf', 'conf.d/*', 'conf.d/app*', 'conf.d/?*', 'sites-enabled/*', 'sites-enabled/[a-z]*']) {
      expect(host.glob(path.join(dir, pattern)).map((f) => path.basename(f)), pattern).toEqual([pattern.startsWith('conf.d') ? 'app.conf' : 'app']);
    }
  });

  it('stay within NAME_MAX for a 255-byte file name', () => {
    const long = 'a'.repeat(250) + '.conf';
    expect(Buffer.byteLength(path.basename(tempFileName(`/etc/nginx/${long}`)))).toBeLessThanOrEqual(255);
    expect(Buffer.byteLength(path.basename(tempFileName(`/etc/nginx/${'é'.repeat(127)}`)))).toBeLessThanOrEqual(255);
    const dir = tree({ [long]: 'old' });
    writeFileAtomic(path.join(dir, long), Buffer.from('new'));
    expect(fs.readFileSync(path.join(dir, long), 'utf8')).toBe('new');
  });
});

/** The real filesystem, with some calls replaced and every call recorded. */
function fakeFs(overrides: Partial<AtomicWriteFs>): AtomicWriteFs & { calls: string[] } {
  const calls: string[] = [];
  const wrapped = Object.fromEntries(
    Object.entries({ ...nodeAtomicWriteFs, ...overrides }).map(([name, fn]) => [
      name,
      (...args: unknown[]) => {
        calls.push(name);
        return (fn as (...a: unknown[]) => unknown)(...args);
      },
    ]),
  ) as unknown as AtomicWriteFs;
  return Object.assign(wrapped, { calls });
}

const errno = (code: string): Error => Object.assign(new Error(code), { code });

describe('writeFileAtomic under failures (injected)', () => {
  const setup = (): { dir: string; file: string } => {
    const dir = tree({ 'app.conf': 'original contents\n' });
    return { dir, file: path.join(dir, 'app.conf') };
  };
  const untouched = (dir: string, file: string): void => {
    expect(fs.readFileSync(file, 'utf8')).toBe('original contents\n');
    expect(fs.readdirSync(dir)).toEqual(['app.conf']);
  };

  it('writes everything even when write() takes a few bytes at a time', () => {
    const { dir, file } = setup();
    const io = fakeFs({ write: (fd, bytes, offset) => nodeAtomicWriteFs.write(fd, bytes.subarray(0, Math.min(bytes.length, offset + 3)), offset) });
    writeFileAtomic(file, Buffer.from('a longer fixed version\n'), { fs: io });
    expect(fs.readFileSync(file, 'utf8')).toBe('a longer fixed version\n');
    expect(io.calls.filter((c) => c === 'write').length).toBe(8);
    expect(fs.readdirSync(dir)).toEqual(['app.conf']);
  });

  for (const [step, code] of [
    ['write', 'ENOSPC'],
    ['fsync', 'EIO'],
    ['rename', 'EXDEV'],
    ['createExclusive', 'EACCES'],
    ['checkWritable', 'EROFS'],
  ] as const) {
    it(`${step} failing with ${code}: the error surfaces, the original stays, no temp file is left`, () => {
      const { dir, file } = setup();
      let first = true;
      const io = fakeFs({
        [step]: (...args: unknown[]) => {
          // write fails after a first partial chunk went to the temp file.
          if (step === 'write' && first) {
            first = false;
            return nodeAtomicWriteFs.write(args[0] as number, Buffer.from('half'), 0);
          }
          throw errno(code);
        },
      });
      expect(() => writeFileAtomic(file, Buffer.from('new contents\n'), { fs: io })).toThrow(expect.objectContaining({ code }));
      untouched(dir, file);
    });
  }

  it('fsyncs the file before the rename and the directory after it', () => {
    const { file } = setup();
    const io = fakeFs({});
    writeFileAtomic(file, Buffer.from('x'), { fs: io });
    expect(io.calls.filter((c) => ['fsync', 'close', 'rename', 'syncDirectory'].includes(c))).toEqual(['fsync', 'close', 'rename', 'syncDirectory']);
  });

  it('a directory that refuses fsync is not a failure: the file is replaced', () => {
    const { file } = setup();
    writeFileAtomic(file, Buffer.from('new'), { fs: fakeFs({ syncDirectory: () => { throw errno('EINVAL'); } }) });
    expect(fs.readFileSync(file, 'utf8')).toBe('new');
  });

  it('a read-only file is not replaced, though rename() over it would work', () => {
    const dir = tree({ 'app.conf': 'original contents\n' });
    const file = path.join(dir, 'app.conf');
    const io = fakeFs({ checkWritable: () => { throw errno('EACCES'); } });
    expect(() => writeFileAtomic(file, Buffer.from('new'), { fs: io })).toThrow(expect.objectContaining({ code: 'EACCES' }));
    expect(io.calls).not.toContain('createExclusive');
    untouched(dir, file);
  });
});

describe('a file that changes on disk while --fix runs is not overwritten', () => {
  it('writeFileAtomic: another writer between the read and the rename wins; FileChangedError, no temp file', () => {
    const dir = tree({ 'app.conf': 'original contents\n' });
    const file = path.join(dir, 'app.conf');
    // Someone saves the file while the temp file is being flushed.
    const io = fakeFs({ fsync: (fd) => (fs.writeFileSync(file, 'saved by an editor\n'), nodeAtomicWriteFs.fsync(fd)) });
    expect(() => writeFileAtomic(file, Buffer.from('fixed\n'), { expected: Buffer.from('original contents\n'), fs: io })).toThrow(FileChangedError);
    expect(fs.readFileSync(file, 'utf8')).toBe('saved by an editor\n');
    expect(fs.readdirSync(dir)).toEqual(['app.conf']);
  });

  it('writeFileAtomic: a file deleted meanwhile is not recreated', () => {
    const dir = tree({ 'app.conf': 'original contents\n' });
    const file = path.join(dir, 'app.conf');
    const io = fakeFs({ fsync: (fd) => (fs.rmSync(file), nodeAtomicWriteFs.fsync(fd)) });
    expect(() => writeFileAtomic(file, Buffer.from('fixed\n'), { expected: Buffer.from('original contents\n'), fs: io })).toThrow(FileChangedError);
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  it('writeFileAtomic: the same bytes (rewritten, new mtime) are not a change', () => {
    const dir = tree({ 'app.conf': 'original contents\n' });
    const file = path.join(dir, 'app.conf');
    const io = fakeFs({ fsync: (fd) => (fs.writeFileSync(file, 'original contents\n'), nodeAtomicWriteFs.fsync(fd)) });
    writeFileAtomic(file, Buffer.from('fixed\n'), { expected: Buffer.from('original contents\n'), fs: io });
    expect(fs.readFileSync(file, 'utf8')).toBe('fixed\n');
  });

  it('fixFiles: every pass sees a file as first read, though it changes on disk between passes', () => {
    const rules = allRules.filter((r) => r.name === 'connect-timeout-over-75s');
    const config = resolveConfig({ extends: [], rules: { 'connect-timeout-over-75s': 'warn' } }, { rules: ruleInfos(rules), baseDir: '/' });
    const quiet = 'server {\n    listen 127.0.0.1:8081;\n    location / {\n        proxy_pass http://127.0.0.1:9001;\n    }\n}\n';
    const memory = createMemoryHost({ '/etc/nginx/nginx.conf': 'events {}\nhttp {\n    include conf.d/*.conf;\n}\n', '/etc/nginx/conf.d/a.conf': site(0), '/etc/nginx/conf.d/b.conf': quiet });
    const edited = createMemoryHost({ '/etc/nginx/conf.d/b.conf': `# saved by an editor in the middle of the run\n${site(1)}` });
    let readsOfB = 0;
    // b.conf has nothing to fix when first read; every later read sees an editor's version that has.
    const host: Host = { ...memory, readFile: (p) => (p.endsWith('/b.conf') && readsOfB++ > 0 ? edited : memory).readFile(p) };
    const outcome = fixFiles({ files: ['/etc/nginx/nginx.conf'], host, config, rules }, { unsafe: false });
    expect([...outcome.changes.keys()]).toEqual(['/etc/nginx/conf.d/a.conf']);
    expect(outcome.changes.get('/etc/nginx/conf.d/a.conf')?.after).toBe(site(0).replace('300s', '75s'));
    expect(Buffer.from(outcome.changes.get('/etc/nginx/conf.d/a.conf')?.original ?? []).toString('utf8')).toBe(site(0));
  });

  it('--fix: an editor saves a file after ngxlint read it: that file keeps the edit, the others are fixed, exit 2', async () => {
    const dir = tree(siteTree(4));
    const edited = path.join(dir, 'conf.d/site002.conf');
    const node = createNodeHost();
    let reads = 0;
    const host: Host = {
      ...node,
      readFile: (p) => {
        const bytes = node.readFile(p);
        if (path.resolve(p) === edited && reads++ === 0) fs.writeFileSync(edited, '# saved by an editor\n' + site(2));
        return bytes;
      },
    };
    const r = await runCli(['--fix', '--no-config', 'nginx.conf'], { cwd: dir, host });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('ngxlint: conf.d/site002.conf: not fixed, it changed on disk after ngxlint read it (another editor or ngxlint run?); run ngxlint again\n');
    expect(r.stderr).toContain('ngxlint: fixed 3 problems in 3 files\n');
    expect(fs.readFileSync(edited, 'utf8')).toBe('# saved by an editor\n' + site(2));
    for (const rel of ['conf.d/site000.conf', 'sites-enabled/site001', 'sites-enabled/site003']) expect(fs.readFileSync(path.join(dir, rel), 'utf8')).toContain('proxy_connect_timeout 75s;');
    expect(readTree(dir).size).toBe(5);
  });
});

describe('--fix on files it may not write', () => {
  const isRoot = process.getuid?.() === 0;
  const setpriv = spawnSync('sh', ['-c', 'command -v setpriv'], { encoding: 'utf8' }).stdout.trim();

  it('reports each one, writes the others, exits 2, leaves no partial or temp file', async (ctx) => {
    // root writes anything: run the CLI as nobody, who owns the tree but not the read-only directory.
    if (isRoot && setpriv === '') return ctx.skip('running as root without setpriv: cannot drop to an unprivileged user');
    ensureBuilt(['src/fix/write.ts', 'src/fix/apply.ts', 'src/cli/fix-command.ts', 'src/cli/main.ts']);
    const files = { ...siteTree(4), 'nginx.conf': 'events {}\nhttp {\n    include conf.d/*.conf;\n    include sites-enabled/*;\n    include ro/*.conf;\n}\n', 'ro/site100.conf': site(100), 'conf.d/site102.conf': site(102) };
    const dir = tree(files);
    const locked = path.join(dir, 'conf.d/site102.conf');
    const nobody = 65534;
    if (isRoot) {
      for (const rel of ['', 'conf.d', 'sites-enabled', ...Object.keys(files)]) fs.chownSync(path.join(dir, rel), nobody, nobody);
      fs.chownSync(path.join(dir, 'ro'), 0, 0);
    }
    fs.chmodSync(dir, 0o755);
    fs.chmodSync(path.join(dir, 'ro'), 0o555);
    fs.chmodSync(locked, 0o444);
    const names = new Set(Object.keys(files));
    try {
      const run = startFix(dir, names, isRoot ? [setpriv, `--reuid=${nobody}`, `--regid=${nobody}`, '--clear-groups'] : []);
      const { code, stderr } = await run.exited;
      expect(stderr).not.toMatch(/internal error|\n\s+at /);
      expect(stderr).toContain('ngxlint: ro/site100.conf: not fixed, cannot write (EACCES');
      expect(stderr).toContain('ngxlint: conf.d/site102.conf: not fixed, cannot write (EACCES');
      expect(stderr).toContain('ngxlint: fixed 4 problems in 4 files\n');
      expect(code).toBe(2);
      const now = readTree(dir);
      expect([...now.keys()].sort()).toEqual([...names].sort());
      for (const [rel, text] of Object.entries(files)) {
        const expectFixed = rel !== 'nginx.conf' && rel !== 'ro/site100.conf' && rel !== 'conf.d/site102.conf';
        expect(now.get(rel)?.toString('utf8'), rel).toBe(expectFixed ? text.replace('300s', '75s') : text);
      }
      expect(fs.statSync(locked).mode & 0o777).toBe(0o444);
    } finally {
      fs.chmodSync(path.join(dir, 'ro'), 0o755);
    }
  }, 120_000);
});
