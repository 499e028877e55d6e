/**
 * Parser benchmark: `npm run bench` (or `node dist/bench/parse-bench.js [--apps N] [--seed N] [--json] [--keep]`).
 *
 * Generates a large nginx.conf (5,000 applications, about 7 MB) in a temporary directory, then measures
 *   (a) in-process decode + parse throughput (3 warm-up runs, then 10 timed runs),
 *   (b) peak RSS of a fresh Node process that parses the file once,
 *   (c) wall time of the whole `ngxlint parse FILE > /dev/null` process,
 *   (d) wall time of `nginx -t` on the same file, when an nginx binary is available,
 * and checks them against the targets. It reports; it never fails the build on a missed target.
 * 1 MB = 1,000,000 bytes throughout.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseSource, walk, type ParseResult } from '../src/parser/index.js';
import { decode } from '../src/source/index.js';
import { FASTCGI_PARAMS, generateConfig } from './generate.js';

const TARGET_MBPS = 50;
const TARGET_CLI_SECONDS = 0.4;
const TARGET_RSS_MB = 250;
const WARMUP_RUNS = 3;
const TIMED_RUNS = 10;
const PROCESS_RUNS = 5;

interface Options {
  apps: number;
  seed: number;
  json: boolean;
  keep: boolean;
  nginx: string | undefined;
}

const USAGE = `usage: node dist/bench/parse-bench.js [--apps N] [--seed N] [--nginx PATH] [--json] [--keep]
  --apps N      applications in the generated config (default 5000, about 7 MB)
  --seed N      seed of the generator (default 1)
  --nginx PATH  nginx binary for the nginx -t comparison (default /usr/sbin/nginx, else nginx on PATH)
  --json        print the results as JSON instead of a table
  --keep        keep the temporary directory with the generated config
`;

function parseArgs(argv: readonly string[]): Options {
  const options: Options = { apps: 5000, seed: 1, json: false, keep: false, nginx: undefined };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    const eq = arg.indexOf('=');
    const name = arg.startsWith('--') && eq !== -1 ? arg.slice(0, eq) : arg;
    const value = (): string => {
      if (eq !== -1 && arg.startsWith('--')) return arg.slice(eq + 1);
      const next = argv[++i];
      if (next === undefined) usageError(`${name} needs a value`);
      return next;
    };
    const integer = (min: number): number => {
      const v = value();
      const n = Number(v);
      if (!Number.isInteger(n) || n < min) usageError(`${name} must be an integer >= ${min}, got ${JSON.stringify(v)}`);
      return n;
    };
    switch (name) {
      case '--apps':
        options.apps = integer(1);
        break;
      case '--seed':
        options.seed = integer(0);
        break;
      case '--nginx':
        options.nginx = value();
        break;
      case '--json':
        options.json = true;
        break;
      case '--keep':
        options.keep = true;
        break;
      case '--help':
      case '-h':
        process.stdout.write(USAGE);
        process.exit(0);
        break;
      default:
        usageError(`unknown option ${arg}`);
    }
  }
  return options;
}

function usageError(message: string): never {
  process.stderr.write(`parse-bench: ${message}\n${USAGE}`);
  process.exit(2);
}

/** The repository root: the nearest directory above this file with ngxlint's package.json. */
function findRoot(): string {
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
  return path.resolve(here, '../..'); // dist/bench/parse-bench.js -> repository root
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

function round(n: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

function findExecutable(explicit: string | undefined, candidates: readonly string[], name: string): string | undefined {
  if (explicit !== undefined) return explicit;
  for (const c of candidates) if (isExecutable(c)) return c;
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (dir === '') continue;
    const p = path.join(dir, name);
    if (isExecutable(p)) return p;
  }
  return undefined;
}

function isExecutable(p: string): boolean {
  try {
    fs.accessSync(p, fs.constants.X_OK);
    return fs.statSync(p).isFile();
  } catch {
    return false;
  }
}

interface ProcessTiming {
  runsMs: number[];
  medianMs: number;
  status: number | null;
  stderr: string;
}

/** Wall time of `command args`, stdout to /dev/null: one untimed warm-up run, then `runs` timed runs. */
function timeProcess(command: string, args: readonly string[], cwd: string, runs: number): ProcessTiming {
  const devNull = fs.openSync(os.devNull, 'w');
  try {
    const once = (): { ms: number; status: number | null; stderr: string } => {
      const t0 = performance.now();
      const r = spawnSync(command, args, { cwd, stdio: ['ignore', devNull, 'pipe'], encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
      const ms = performance.now() - t0;
      if (r.error) throw r.error;
      return { ms, status: r.status, stderr: r.stderr };
    };
    const first = once();
    if (first.status !== 0) return { runsMs: [first.ms], medianMs: first.ms, status: first.status, stderr: first.stderr };
    const runsMs: number[] = [];
    let last = first;
    for (let i = 0; i < runs; i++) {
      last = once();
      runsMs.push(last.ms);
    }
    return { runsMs, medianMs: median(runsMs), status: last.status, stderr: last.stderr };
  } finally {
    fs.closeSync(devNull);
  }
}

/** Peak RSS in KB of one run of `command args`, measured by GNU time; undefined without /usr/bin/time. */
function peakRssOf(command: string, args: readonly string[], cwd: string, tmp: string): number | undefined {
  const time = '/usr/bin/time';
  if (!isExecutable(time)) return undefined;
  const out = path.join(tmp, 'time.txt');
  const r = spawnSync(time, ['-f', '%M', '-o', out, command, ...args], { cwd, stdio: ['ignore', 'ignore', 'ignore'] });
  if (r.error || r.status !== 0) return undefined;
  const kb = Number(fs.readFileSync(out, 'utf8').trim().split('\n').pop());
  return Number.isFinite(kb) && kb > 0 ? kb : undefined;
}

interface Target {
  readonly name: string;
  readonly value: string;
  readonly target: string;
  readonly pass: boolean;
}

function main(): void {
  const options = parseArgs(process.argv.slice(2));
  const root = findRoot();
  const cli = path.join(root, 'bin', 'ngxlint.js');
  const child = fileURLToPath(new URL('./parse-child.js', import.meta.url));
  const log = (s: string): void => {
    if (!options.json) process.stderr.write(s);
  };

  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ngxlint-bench-'));
  try {
    // --- The input -------------------------------------------------------------------------------
    log(`generating ${options.apps} applications (seed ${options.seed}) ...\n`);
    const configFile = path.join(tmp, 'nginx.conf');
    const text = generateConfig(options.apps, options.seed);
    fs.writeFileSync(configFile, text);
    fs.writeFileSync(path.join(tmp, 'fastcgi_params'), FASTCGI_PARAMS);
    fs.mkdirSync(path.join(tmp, 'logs')); // error_log and access_log in the config are relative to the prefix
    const bytes = fs.readFileSync(configFile);
    const sizeMB = bytes.length / 1e6;
    let lines = 1;
    for (let i = 0; i < bytes.length; i++) if (bytes[i] === 10) lines++;

    // --- (a) in-process decode + parse -----------------------------------------------------------
    log(`in-process parse: ${WARMUP_RUNS} warm-up + ${TIMED_RUNS} timed runs ...\n`);
    let result: ParseResult | undefined;
    const parseOnce = (): number => {
      // Drop the previous AST first, so that each run parses with an empty heap, as a real single parse does.
      result = undefined;
      const t0 = performance.now();
      const { source } = decode(bytes, configFile);
      result = parseSource(source);
      return performance.now() - t0;
    };
    const firstRunMs = parseOnce();
    for (let i = 1; i < WARMUP_RUNS; i++) parseOnce();
    const runsMs: number[] = [];
    for (let i = 0; i < TIMED_RUNS; i++) runsMs.push(parseOnce());
    const parsed = result as ParseResult;
    const syntaxErrors = parsed.errors.length;
    let directives = 0;
    walk(parsed.ast.children, () => directives++);
    const medianMs = median(runsMs);
    const bestMs = Math.min(...runsMs);
    const medianMBps = sizeMB / (medianMs / 1000);
    const bestMBps = sizeMB / (bestMs / 1000);

    // --- (b) peak memory of one parse in a fresh process -----------------------------------------
    log('peak memory: one parse in a fresh node process ...\n');
    const mem = spawnSync(process.execPath, ['--expose-gc', child, configFile], { encoding: 'utf8' });
    let memory: { maxRssKB: number; baselineRssKB: number; retainedHeapKB: number; externalKB: number; errors: number } | undefined;
    if (mem.status === 0) memory = JSON.parse(mem.stdout) as typeof memory;
    else log(`  child failed (status ${mem.status}): ${mem.stderr}\n`);
    const peakMB = memory ? (memory.maxRssKB * 1024) / 1e6 : undefined;

    // --- (c) the whole CLI process ---------------------------------------------------------------
    log(`ngxlint parse: 1 warm-up + ${PROCESS_RUNS} timed runs ...\n`);
    const cliArgs = [cli, 'parse', configFile];
    const cliTiming = timeProcess(process.execPath, cliArgs, root, PROCESS_RUNS);
    const cliPeakKB = peakRssOf(process.execPath, cliArgs, root, tmp);

    // --- (d) nginx -t ----------------------------------------------------------------------------
    const nginx = findExecutable(options.nginx, ['/usr/sbin/nginx'], 'nginx');
    let nginxResult: { binary: string; version: string; timing: ProcessTiming; peakKB: number | undefined } | undefined;
    if (nginx !== undefined) {
      log(`nginx -t: 1 warm-up + ${PROCESS_RUNS} timed runs ...\n`);
      const prefix = tmp + path.sep;
      const args = ['-t', '-q', '-p', prefix, '-c', configFile, '-e', path.join(tmp, 'error.log'), '-g', `pid ${path.join(tmp, 'nginx.pid')};`];
      const v = spawnSync(nginx, ['-v'], { encoding: 'utf8' });
      const version = `${v.stderr ?? ''}${v.stdout ?? ''}`.trim().replace(/^nginx version:\s*/, '') || 'unknown version';
      const timing = timeProcess(nginx, args, tmp, PROCESS_RUNS);
      nginxResult = { binary: nginx, version, timing, peakKB: timing.status === 0 ? peakRssOf(nginx, args, tmp, tmp) : undefined };
    }

    // --- Report ----------------------------------------------------------------------------------
    const cliOk = cliTiming.status === 0;
    const nginxOk = nginxResult?.timing.status === 0;
    const targets: Target[] = [
      {
        name: `in-process decode+parse throughput (median of ${TIMED_RUNS}, after ${WARMUP_RUNS} warm-up)`,
        value: `${medianMBps.toFixed(1)} MB/s`,
        target: `>= ${TARGET_MBPS} MB/s`,
        pass: medianMBps >= TARGET_MBPS,
      },
      {
        name: `whole \`ngxlint parse FILE > /dev/null\` process (median of ${PROCESS_RUNS})`,
        value: `${(cliTiming.medianMs / 1000).toFixed(3)} s`,
        target: `< ${TARGET_CLI_SECONDS} s`,
        pass: cliOk && cliTiming.medianMs / 1000 < TARGET_CLI_SECONDS,
      },
      {
        name: 'peak RSS of one parse in a fresh node process',
        value: peakMB === undefined ? 'n/a' : `${peakMB.toFixed(1)} MB`,
        target: `< ${TARGET_RSS_MB} MB`,
        pass: peakMB !== undefined && peakMB < TARGET_RSS_MB,
      },
    ];

    const json = {
      node: process.version,
      cpu: `${os.cpus()[0]?.model ?? 'unknown'} x${os.cpus().length}`,
      config: {
        file: options.keep ? configFile : null,
        apps: options.apps,
        seed: options.seed,
        bytes: bytes.length,
        megabytes: round(sizeMB, 2),
        lines,
        directives,
        syntaxErrors,
      },
      inProcess: {
        warmupRuns: WARMUP_RUNS,
        firstRunMs: round(firstRunMs),
        runsMs: runsMs.map((x) => round(x)),
        medianMs: round(medianMs),
        bestMs: round(bestMs),
        medianMBps: round(medianMBps),
        bestMBps: round(bestMBps),
      },
      memory: memory
        ? {
            peakRssMB: round(peakMB as number),
            baselineRssMB: round((memory.baselineRssKB * 1024) / 1e6),
            retainedHeapMB: round((memory.retainedHeapKB * 1024) / 1e6),
            syntaxErrors: memory.errors,
          }
        : null,
      cli: {
        command: `node bin/ngxlint.js parse ${configFile} > /dev/null`,
        exitStatus: cliTiming.status,
        runsMs: cliTiming.runsMs.map((x) => round(x)),
        medianMs: round(cliTiming.medianMs),
        peakRssMB: cliPeakKB === undefined ? null : round((cliPeakKB * 1024) / 1e6),
        stderr: cliOk ? undefined : cliTiming.stderr,
      },
      nginx: nginxResult
        ? {
            binary: nginxResult.binary,
            version: nginxResult.version,
            exitStatus: nginxResult.timing.status,
            syntaxOk: nginxOk,
            runsMs: nginxResult.timing.runsMs.map((x) => round(x)),
            medianMs: round(nginxResult.timing.medianMs),
            peakRssMB: nginxResult.peakKB === undefined ? null : round((nginxResult.peakKB * 1024) / 1e6),
            cliToNginxRatio: nginxOk ? round(cliTiming.medianMs / nginxResult.timing.medianMs, 2) : null,
            stderr: nginxOk ? undefined : nginxResult.timing.stderr,
          }
        : null,
      targets,
      allPass: targets.every((t) => t.pass),
    };

    if (options.json) {
      process.stdout.write(JSON.stringify(json, null, 2) + '\n');
      return;
    }

    const out: string[] = [];
    const w = (s = ''): void => {
      out.push(s);
    };
    const fmtMs = (ms: number): string => `${ms.toFixed(1)} ms`;
    w();
    w(`ngxlint parser benchmark   node ${process.version}, ${json.cpu}`);
    w();
    w(`config    ${options.apps} apps (seed ${options.seed}): ${bytes.length.toLocaleString('en-US')} bytes = ${sizeMB.toFixed(2)} MB, ${lines.toLocaleString('en-US')} lines, ${directives.toLocaleString('en-US')} directives`);
    if (options.keep) w(`          ${configFile}`);
    w(`ngxlint   ${syntaxErrors === 0 ? 'parses with 0 syntax errors' : `${syntaxErrors} SYNTAX ERRORS, first: ${parsed.errors[0]?.message} at line ${parsed.errors[0]?.line}`}`);
    if (nginxResult) w(`nginx -t  ${nginxOk ? 'syntax is ok' : `FAILED (exit ${nginxResult.timing.status}): ${nginxResult.timing.stderr.trim()}`}   (${nginxResult.binary}, ${nginxResult.version})`);
    else w('nginx -t  skipped: no nginx binary (/usr/sbin/nginx or nginx on PATH; or pass --nginx PATH)');
    w();

    const rows: [string, string, string][] = [
      ['measurement', 'time', 'throughput / memory'],
      [`(a) decode+parse in-process, first (cold) run`, fmtMs(firstRunMs), `${(sizeMB / (firstRunMs / 1000)).toFixed(1)} MB/s`],
      [`(a) decode+parse in-process, median of ${TIMED_RUNS}`, fmtMs(medianMs), `${medianMBps.toFixed(1)} MB/s`],
      [`(a) decode+parse in-process, best of ${TIMED_RUNS}`, fmtMs(bestMs), `${bestMBps.toFixed(1)} MB/s`],
      [
        '(b) one parse in a fresh node process',
        '',
        memory
          ? `peak RSS ${peakMB?.toFixed(1)} MB (node baseline ${((memory.baselineRssKB * 1024) / 1e6).toFixed(1)} MB, heap in use after parse ${((memory.retainedHeapKB * 1024) / 1e6).toFixed(1)} MB)`
          : 'failed',
      ],
      [
        `(c) ngxlint parse FILE > /dev/null, median of ${PROCESS_RUNS}`,
        `${fmtMs(cliTiming.medianMs)}${cliOk ? '' : ` (exit ${cliTiming.status})`}`,
        cliPeakKB === undefined ? '' : `peak RSS ${((cliPeakKB * 1024) / 1e6).toFixed(1)} MB`,
      ],
    ];
    if (nginxResult) {
      rows.push([
        `(d) nginx -t, median of ${PROCESS_RUNS}`,
        `${fmtMs(nginxResult.timing.medianMs)}${nginxOk ? '' : ` (exit ${nginxResult.timing.status})`}`,
        nginxResult.peakKB === undefined ? '' : `peak RSS ${((nginxResult.peakKB * 1024) / 1e6).toFixed(1)} MB`,
      ]);
      if (nginxOk) rows.push(['    ngxlint parse / nginx -t', `${(cliTiming.medianMs / nginxResult.timing.medianMs).toFixed(2)}x`, '']);
    } else {
      rows.push(['(d) nginx -t', 'skipped', '']);
    }
    const widths = [0, 1].map((c) => Math.max(...rows.map((r) => r[c]?.length ?? 0)));
    rows.forEach((r, i) => {
      w(`  ${r[0].padEnd(widths[0] as number)}  ${r[1].padStart(widths[1] as number)}  ${r[2]}`.trimEnd());
      if (i === 0) w(`  ${'-'.repeat((widths[0] as number) + (widths[1] as number) + 2 + 'throughput / memory'.length + 2)}`);
    });
    w(`  runs (ms): in-process ${runsMs.map((x) => x.toFixed(0)).join(' ')}; ngxlint ${cliTiming.runsMs.map((x) => x.toFixed(0)).join(' ')}${nginxResult ? `; nginx -t ${nginxResult.timing.runsMs.map((x) => x.toFixed(0)).join(' ')}` : ''}`);
    w();
    w('targets');
    const tw = [Math.max(...targets.map((t) => t.name.length)), Math.max(...targets.map((t) => t.value.length)), Math.max(...targets.map((t) => t.target.length))];
    for (const t of targets) {
      w(`  ${t.pass ? 'PASS' : 'FAIL'}  ${t.name.padEnd(tw[0] as number)}  ${t.value.padStart(tw[1] as number)}  (target ${t.target})`);
    }
    w();
    w(`${targets.filter((t) => t.pass).length} of ${targets.length} targets met. 1 MB = 1,000,000 bytes.`);
    process.stdout.write(out.join('\n') + '\n');
  } finally {
    if (options.keep) log(`kept ${tmp}\n`);
    else fs.rmSync(tmp, { recursive: true, force: true });
  }
}

main();
