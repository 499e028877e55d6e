/**
 * Helpers shared by the benchmarks: finding the repository and executables, medians, and timing whole
 * child processes (wall time, CPU time and peak RSS).
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

/** The repository root: the nearest directory above this file with ngxlint's package.json. */
export function findRoot(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  for (let dir = here; ; dir = path.dirname(dir)) {
    try {
      const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as { name?: unknown };
      if (pkg.name === 'ngxlint') return dir;
    } catch {
      // no package.json here
    }
    if (path.dirname(dir) === dir) break;
  }
  return path.resolve(here, '../..'); // dist/bench/x.js -> repository root
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

export function round(n: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

export function findExecutable(explicit: string | undefined, candidates: readonly string[], name: string): string | undefined {
  if (explicit !== undefined) return explicit;
  for (const c of candidates) if (isExecutable(c)) return c;
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (dir === '') continue;
    const p = path.join(dir, name);
    if (isExecutable(p)) return p;
  }
  return undefined;
}

export function isExecutable(p: string): boolean {
  try {
    fs.accessSync(p, fs.constants.X_OK);
    return fs.statSync(p).isFile();
  } catch {
    return false;
  }
}

const GNU_TIME = '/usr/bin/time';

/** One run of a child process. CPU time and peak RSS come from GNU time, when it is installed. */
export interface ProcessRun {
  readonly wallMs: number;
  /** User + system CPU time; undefined without /usr/bin/time. */
  readonly cpuMs: number | undefined;
  /** Peak resident set size; undefined without /usr/bin/time. */
  readonly peakRssKB: number | undefined;
  readonly status: number | null;
  readonly stderr: string;
}

export interface ProcessTiming {
  readonly runs: readonly ProcessRun[];
  readonly medianWallMs: number;
  readonly medianCpuMs: number | undefined;
  /** The largest peak RSS over the runs. */
  readonly peakRssKB: number | undefined;
  /** Exit status of the last run (or of the failed warm-up). */
  readonly status: number | null;
  readonly ok: boolean;
  readonly stderr: string;
}

export interface TimeOptions {
  readonly cwd: string;
  readonly warmup: number;
  readonly runs: number;
  /** Exit statuses that count as success (default [0]). */
  readonly okStatus?: readonly number[];
  /** Where GNU time writes its figures. */
  readonly scratchDir: string;
  /** The child's environment (default: this process's). */
  readonly env?: NodeJS.ProcessEnv;
}

/**
 * Variables that make every Node process start slower and have nothing to do with the program measured:
 * NODE_EXTRA_CA_CERTS makes Node read and parse a whole CA bundle before it runs a line (about 80 ms on the
 * 2-core machine the budgets are set on, where `node -e 0` otherwise takes 40 ms); ngxlint makes no TLS connection.
 */
export const NODE_START_VARIABLES = ['NODE_EXTRA_CA_CERTS'] as const;

/** This process's environment without NODE_START_VARIABLES, and which of them were set. */
export function benchEnvironment(): { readonly env: NodeJS.ProcessEnv; readonly removed: readonly string[] } {
  const env = { ...process.env };
  const removed = NODE_START_VARIABLES.filter((name) => env[name] !== undefined);
  for (const name of removed) delete env[name];
  return { env, removed };
}

/** Runs `command args` once with stdout to /dev/null, under GNU time when available. */
export function runOnce(command: string, args: readonly string[], cwd: string, scratchDir: string, env?: NodeJS.ProcessEnv): ProcessRun {
  const devNull = fs.openSync(os.devNull, 'w');
  try {
    const timed = isExecutable(GNU_TIME);
    const out = path.join(scratchDir, 'gnu-time.txt');
    const argv = timed ? ['-f', '%U %S %M', '-o', out, command, ...args] : [...args];
    const t0 = performance.now();
    const r = spawnSync(timed ? GNU_TIME : command, argv, { cwd, env, stdio: ['ignore', devNull, 'pipe'], encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    const wallMs = performance.now() - t0;
    if (r.error) throw r.error;
    let cpuMs: number | undefined;
    let peakRssKB: number | undefined;
    if (timed) {
      // GNU time appends "Command exited with non-zero status N" before the figures when the child fails.
      const last = fs.readFileSync(out, 'utf8').trim().split('\n').pop() ?? '';
      const [user, sys, rss] = last.split(' ').map(Number);
      if (Number.isFinite(user) && Number.isFinite(sys)) cpuMs = ((user as number) + (sys as number)) * 1000;
      if (Number.isFinite(rss) && (rss as number) > 0) peakRssKB = rss;
    }
    return { wallMs, cpuMs, peakRssKB, status: r.status, stderr: r.stderr };
  } finally {
    fs.closeSync(devNull);
  }
}

/** `warmup` untimed runs, then `runs` timed ones; stops at the first failing run. */
export function timeProcess(command: string, args: readonly string[], options: TimeOptions): ProcessTiming {
  const okStatus = options.okStatus ?? [0];
  const isOk = (r: ProcessRun): boolean => r.status !== null && okStatus.includes(r.status);
  const failed = (r: ProcessRun): ProcessTiming => ({
    runs: [r],
    medianWallMs: r.wallMs,
    medianCpuMs: r.cpuMs,
    peakRssKB: r.peakRssKB,
    status: r.status,
    ok: false,
    stderr: r.stderr,
  });
  for (let i = 0; i < options.warmup; i++) {
    const r = runOnce(command, args, options.cwd, options.scratchDir, options.env);
    if (!isOk(r)) return failed(r);
  }
  const runs: ProcessRun[] = [];
  for (let i = 0; i < options.runs; i++) {
    const r = runOnce(command, args, options.cwd, options.scratchDir, options.env);
    if (!isOk(r)) return failed(r);
    runs.push(r);
  }
  const cpus = runs.map((r) => r.cpuMs).filter((x): x is number => x !== undefined);
  const rss = runs.map((r) => r.peakRssKB).filter((x): x is number => x !== undefined);
  const last = runs[runs.length - 1];
  return {
    runs,
    medianWallMs: median(runs.map((r) => r.wallMs)),
    medianCpuMs: cpus.length === runs.length ? median(cpus) : undefined,
    peakRssKB: rss.length === runs.length ? Math.max(...rss) : undefined,
    status: last?.status ?? null,
    ok: true,
    stderr: last?.stderr ?? '',
  };
}

/**
 * Arguments for `nginx -t` on a generated configuration in `dir`: the prefix is `dir` (which must hold
 * `logs/`), the pid file and the early error log live there too, so nothing outside it is touched.
 */
export function nginxTestArgs(dir: string, configFile: string): string[] {
  return ['-t', '-q', '-p', dir + path.sep, '-c', configFile, '-e', path.join(dir, 'error.log'), '-g', `pid ${path.join(dir, 'nginx.pid')};`];
}

/** `nginx -v` without the "nginx version: " prefix. */
export function nginxVersion(nginx: string): string {
  const v = spawnSync(nginx, ['-v'], { encoding: 'utf8' });
  return `${v.stderr ?? ''}${v.stdout ?? ''}`.trim().replace(/^nginx version:\s*/, '') || 'unknown version';
}

/** Megabytes (1 MB = 1,000,000 bytes) from kilobytes as GNU time and getrusage count them (1 KB = 1024 bytes). */
export function kbToMB(kb: number): number {
  return (kb * 1024) / 1e6;
}
