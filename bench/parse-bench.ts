/**
 * The benchmark behind `npm run bench` (`node dist/bench/parse-bench.js [options]`, see USAGE).
 *
 * Part 1, the parser: generates a large nginx.conf (5,000 applications, about 7 MB) and measures
 *   (a) in-process decode + parse throughput (3 warm-up runs, then 10 timed runs),
 *   (b) peak RSS of a fresh Node process that parses the file once,
 *   (c) wall time, CPU time and peak RSS of the whole `ngxlint parse FILE > /dev/null` process.
 * Part 2, linting (bench/lint-bench.ts): the whole `ngxlint FILE` process on about 0.7, 7 and 70 MB next
 * to `nginx -t` on the same files, `--version` and a 1 KB lint, and the 70 MB / 7 MB scaling.
 * Then it checks the targets. It reports; it never fails the build on a missed target.
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
import { benchEnvironment, findExecutable, findRoot, kbToMB, median, round, timeProcess } from './process.js';
import { formatLintBench, lintBenchJson, lintTargets, runLintBench, type LintBenchResult } from './lint-bench.js';

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
  lint: boolean;
  quick: boolean;
  nginxLarge: boolean;
}

const USAGE = `usage: node dist/bench/parse-bench.js [--apps N] [--seed N] [--nginx PATH] [--json] [--keep] [--no-lint | --quick] [--nginx-large]
  --apps N       applications in the parser benchmark's config (default 5000, about 7 MB)
  --seed N       seed of the generator (default 1)
  --nginx PATH   nginx binary for the nginx -t comparison (default /usr/sbin/nginx, else nginx on PATH)
  --json         print the results as JSON instead of a table
  --keep         keep the temporary directory with the parser benchmark's config
  --no-lint      run the parser benchmark only
  --quick        lint benchmark without the 70 MB configuration
  --nginx-large  also time nginx -t on the 70 MB configuration (takes minutes)
`;

function parseArgs(argv: readonly string[]): Options {
  const options: Options = { apps: 5000, seed: 1, json: false, keep: false, nginx: undefined, lint: true, quick: false, nginxLarge: false };
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
      case '--no-lint':
        options.lint = false;
        break;
      case '--quick':
        options.quick = true;
        break;
      case '--nginx-large':
        options.nginxLarge = true;
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
    result = undefined;
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
    const peakMB = memory ? kbToMB(memory.maxRssKB) : undefined;

    // --- (c) the whole `ngxlint parse` process ---------------------------------------------------
    log(`ngxlint parse: 1 warm-up + ${PROCESS_RUNS} timed runs ...\n`);
    const cliTiming = timeProcess(process.execPath, [cli, 'parse', configFile], { cwd: root, warmup: 1, runs: PROCESS_RUNS, scratchDir: tmp, env: benchEnvironment().env });

    // --- Part 2: linting, next to nginx -t -------------------------------------------------------
    const nginx = findExecutable(options.nginx, ['/usr/sbin/nginx'], 'nginx');
    let lintResult: LintBenchResult | undefined;
    if (options.lint) {
      lintResult = runLintBench({ root, tmp, seed: options.seed, nginx, quick: options.quick, nginxLarge: options.nginxLarge, log });
    }
    // nginx -t on the parser benchmark's file, when the lint benchmark timed the same one.
    const sameNginx = options.apps === 5000 ? lintResult?.sizes.find((s) => s.apps === 5000)?.nginx : undefined;

    // --- Report ----------------------------------------------------------------------------------
    const targets: Target[] = [
      {
        name: `in-process decode+parse throughput (median of ${TIMED_RUNS}, after ${WARMUP_RUNS} warm-up)`,
        value: `${medianMBps.toFixed(1)} MB/s`,
        target: `>= ${TARGET_MBPS} MB/s`,
        pass: medianMBps >= TARGET_MBPS,
      },
      {
        name: `whole \`ngxlint parse FILE > /dev/null\` process (median of ${PROCESS_RUNS})`,
        value: `${(cliTiming.medianWallMs / 1000).toFixed(3)} s`,
        target: `< ${TARGET_CLI_SECONDS} s`,
        pass: cliTiming.ok && cliTiming.medianWallMs / 1000 < TARGET_CLI_SECONDS,
      },
      {
        name: 'peak RSS of one parse in a fresh node process',
        value: peakMB === undefined ? 'n/a' : `${peakMB.toFixed(1)} MB`,
        target: `< ${TARGET_RSS_MB} MB`,
        pass: peakMB !== undefined && peakMB < TARGET_RSS_MB,
      },
      ...(lintResult ? lintTargets(lintResult) : []),
    ];

    const json = {
      node: process.version,
      cpu: `${os.cpus()[0]?.model ?? 'unknown'} x${os.cpus().length}`,
      loadAverage: os.loadavg().map((x) => round(x, 2)),
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
            baselineRssMB: round(kbToMB(memory.baselineRssKB)),
            retainedHeapMB: round(kbToMB(memory.retainedHeapKB)),
            syntaxErrors: memory.errors,
          }
        : null,
      cli: {
        command: `node bin/ngxlint.js parse ${configFile} > /dev/null`,
        exitStatus: cliTiming.status,
        runsMs: cliTiming.runs.map((r) => round(r.wallMs)),
        medianMs: round(cliTiming.medianWallMs),
        medianCpuMs: cliTiming.medianCpuMs === undefined ? null : round(cliTiming.medianCpuMs),
        peakRssMB: cliTiming.peakRssKB === undefined ? null : round(kbToMB(cliTiming.peakRssKB)),
        cliToNginxRatio: sameNginx?.ok && cliTiming.ok ? round(cliTiming.medianWallMs / sameNginx.medianWallMs, 2) : null,
        stderr: cliTiming.ok ? undefined : cliTiming.stderr,
      },
      lint: lintResult ? lintBenchJson(lintResult) : null,
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
    w(`ngxlint benchmark   node ${process.version}, ${json.cpu}, load average ${json.loadAverage.join(' ')}`);
    w();
    w('parser');
    w(`config    ${options.apps} apps (seed ${options.seed}): ${bytes.length.toLocaleString('en-US')} bytes = ${sizeMB.toFixed(2)} MB, ${lines.toLocaleString('en-US')} lines, ${directives.toLocaleString('en-US')} directives`);
    if (options.keep) w(`          ${configFile}`);
    w(`ngxlint   ${syntaxErrors === 0 ? 'parses with 0 syntax errors' : `${syntaxErrors} SYNTAX ERRORS, first: ${parsed.errors[0]?.message} at line ${parsed.errors[0]?.line}`}`);
    if (lintResult?.nginxVersion !== undefined) {
      const failed = lintResult.sizes.find((s) => s.nginx !== undefined && !s.nginx.ok);
      w(`nginx -t  ${failed ? `FAILED on ${failed.label} (exit ${failed.nginx?.status}): ${failed.nginx?.stderr.trim()}` : 'syntax is ok'}   (${nginx}, ${lintResult.nginxVersion})`);
    } else if (nginx === undefined) w('nginx -t  skipped: no nginx binary (/usr/sbin/nginx or nginx on PATH; or pass --nginx PATH)');
    w();

    const cliCpu = cliTiming.medianCpuMs === undefined ? '' : `, CPU ${fmtMs(cliTiming.medianCpuMs)}`;
    const rows: [string, string, string][] = [
      ['measurement', 'time', 'throughput / memory'],
      [`(a) decode+parse in-process, first (cold) run`, fmtMs(firstRunMs), `${(sizeMB / (firstRunMs / 1000)).toFixed(1)} MB/s`],
      [`(a) decode+parse in-process, median of ${TIMED_RUNS}`, fmtMs(medianMs), `${medianMBps.toFixed(1)} MB/s`],
      [`(a) decode+parse in-process, best of ${TIMED_RUNS}`, fmtMs(bestMs), `${bestMBps.toFixed(1)} MB/s`],
      [
        '(b) one parse in a fresh node process',
        '',
        memory
          ? `peak RSS ${peakMB?.toFixed(1)} MB (node baseline ${kbToMB(memory.baselineRssKB).toFixed(1)} MB, heap in use after parse ${kbToMB(memory.retainedHeapKB).toFixed(1)} MB)`
          : 'failed',
      ],
      [
        `(c) ngxlint parse FILE > /dev/null, median of ${PROCESS_RUNS}`,
        `${fmtMs(cliTiming.medianWallMs)}${cliTiming.ok ? '' : ` (exit ${cliTiming.status})`}`,
        `${cliTiming.peakRssKB === undefined ? '' : `peak RSS ${kbToMB(cliTiming.peakRssKB).toFixed(1)} MB`}${cliCpu}`,
      ],
    ];
    if (sameNginx?.ok && cliTiming.ok) rows.push(['    ngxlint parse / nginx -t', `${(cliTiming.medianWallMs / sameNginx.medianWallMs).toFixed(2)}x`, '']);
    const widths = [0, 1].map((c) => Math.max(...rows.map((r) => r[c]?.length ?? 0)));
    rows.forEach((r, i) => {
      w(`  ${r[0].padEnd(widths[0] as number)}  ${r[1].padStart(widths[1] as number)}  ${r[2]}`.trimEnd());
      if (i === 0) w(`  ${'-'.repeat((widths[0] as number) + (widths[1] as number) + 2 + 'throughput / memory'.length + 2)}`);
    });
    w(`  runs (ms): in-process ${runsMs.map((x) => x.toFixed(0)).join(' ')}; ngxlint parse ${cliTiming.runs.map((r) => r.wallMs.toFixed(0)).join(' ')}`);
    if (lintResult) {
      w();
      w('linting (node bin/ngxlint.js FILE --no-config -f json -o /dev/null, default rules)');
      for (const line of formatLintBench(lintResult)) w(line);
    }
    w();
    w('targets');
    const tw = [Math.max(...targets.map((t) => t.name.length)), Math.max(...targets.map((t) => t.value.length)), Math.max(...targets.map((t) => t.target.length))];
    for (const t of targets) {
      w(`  ${t.pass ? 'PASS' : 'FAIL'}  ${t.name.padEnd(tw[0] as number)}  ${t.value.padStart(tw[1] as number)}  (target ${t.target})`);
    }
    w();
    w(`${targets.filter((t) => t.pass).length} of ${targets.length} targets met. 1 MB = 1,000,000 bytes. Wall times depend on the machine's load; CPU times less so.`);
    process.stdout.write(out.join('\n') + '\n');
  } finally {
    if (options.keep) log(`kept ${tmp}\n`);
    else fs.rmSync(tmp, { recursive: true, force: true });
  }
}

main();
