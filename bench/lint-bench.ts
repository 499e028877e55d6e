/**
 * Whole-process lint benchmark: `node bin/ngxlint.js FILE --no-config -f json -o /dev/null` on generated
 * configurations of about 0.7, 7 and 70 MB, next to `nginx -t` on the same files, plus `--version` and a
 * 1 KB lint (the fixed cost of a process), and configurations written one server per line, in three styles
 * at two sizes (fixes next to directives that do not start a line take other paths; passes to host names and
 * variables are compared with every upstream, `set` and `map`): each must scale linearly. Reports wall time
 * (median), CPU time (user + system, median) and peak RSS of each, the scaling ratios, and checks the targets.
 *
 * nginx -t is not timed on the 70 MB file by default: nginx registers upstreams in a list it scans for
 * every `upstream` block and every `proxy_pass`, which is quadratic and takes minutes at 50,000 upstreams.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { FASTCGI_PARAMS, ONE_LINE_STYLES, generateConfig, generateOneLineConfig, type OneLineStyle } from './generate.js';
import { benchEnvironment, kbToMB, nginxTestArgs, nginxVersion, round, timeProcess, type ProcessTiming } from './process.js';

export const TARGET_LINT_SECONDS = 0.5;
export const TARGET_NGINX_RATIO = 0.25;
export const TARGET_SCALING = 11;
/** `ngxlint --version` and the lint of a 1 KB file, whole process (DESIGN.md budgets). */
export const TARGET_SMALL_SECONDS = 0.15;

export interface LintBenchOptions {
  readonly root: string;
  readonly tmp: string;
  readonly seed: number;
  /** nginx binary, or undefined to skip the comparison. */
  readonly nginx: string | undefined;
  /** Skip the 70 MB configuration. */
  readonly quick: boolean;
  /** Also time nginx -t on the 70 MB configuration (minutes). */
  readonly nginxLarge: boolean;
  readonly log: (s: string) => void;
}

interface Size {
  readonly label: string;
  readonly apps: number;
  readonly warmup: number;
  readonly runs: number;
}

const SIZES: readonly Size[] = [
  { label: '0.7 MB', apps: 500, warmup: 1, runs: 5 },
  { label: '7 MB', apps: 5000, warmup: 1, runs: 5 },
  { label: '70 MB', apps: 50000, warmup: 0, runs: 3 },
];
const SMALL_RUNS = 10;
/** The one-line style at two sizes, 4x apart (about 0.1 and 0.4 MB). */
const ONE_LINE_SERVERS = [1000, 4000] as const;
export const TARGET_ONE_LINE_SCALING = 5;

/** About 1 KB: what a pre-commit hook lints on a typical commit. */
const SMALL_CONFIG = `events {
    worker_connections 1024;
}

http {
    upstream app {
        server 127.0.0.1:8080 max_fails=3 fail_timeout=30s;
        keepalive 16;
    }

    server {
        listen 80;
        server_name example.com www.example.com;
        root /srv/www/example/public;
        client_max_body_size 16m;

        location / {
            proxy_pass http://app;
            proxy_http_version 1.1;
            proxy_set_header Host $host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header Connection "";
            proxy_read_timeout 30s;
        }

        location ~ \\.php$ {
            try_files $uri =404;
            fastcgi_pass unix:/run/php/php8.2-fpm.sock;
            include fastcgi_params;
            fastcgi_param SCRIPT_FILENAME $document_root$fastcgi_script_name;
            fastcgi_read_timeout 30s;
        }

        location = /healthz {
            access_log off;
            return 200 "ok\\n";
        }
    }
}
`;

export interface SizeResult {
  readonly label: string;
  readonly apps: number;
  readonly bytes: number;
  readonly lint: ProcessTiming;
  readonly nginx: ProcessTiming | undefined;
  /** Why nginx -t was not run. */
  readonly nginxSkipped: string | undefined;
}

export interface OneLineResult {
  readonly style: OneLineStyle;
  readonly servers: number;
  readonly bytes: number;
  readonly lint: ProcessTiming;
}

export interface LintBenchResult {
  readonly sizes: readonly SizeResult[];
  /** One server per line, in each style at two sizes: checks that fixes and passes cost the same at any size. */
  readonly oneLine: readonly OneLineResult[];
  readonly version: ProcessTiming;
  readonly small: ProcessTiming;
  /** `node -e 0`: the part of every figure that is Node's own start. */
  readonly node: ProcessTiming;
  /** NODE_START_VARIABLES that were set here and left out of the children's environment. */
  readonly removedVariables: readonly string[];
  readonly nginxVersion: string | undefined;
}

/** Writes a generated configuration with what nginx -t needs next to it; returns the config's path. */
function writeConfig(dir: string, text: string): string {
  fs.mkdirSync(path.join(dir, 'logs'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'fastcgi_params'), FASTCGI_PARAMS);
  const file = path.join(dir, 'nginx.conf');
  fs.writeFileSync(file, text);
  return file;
}

function lintArgs(cli: string, file: string): string[] {
  return [cli, file, '--no-config', '--format', 'json', '--output-file', os.devNull];
}

export function runLintBench(options: LintBenchOptions): LintBenchResult {
  const { root, tmp, log } = options;
  const cli = path.join(root, 'bin', 'ngxlint.js');
  // ngxlint exits 1 when it finds errors; 2 would be a usage or I/O error.
  const lintStatus = [0, 1];

  const { env, removed: removedVariables } = benchEnvironment();

  log(`node -e 0: ${SMALL_RUNS} runs ...\n`);
  const node = timeProcess(process.execPath, ['-e', '0'], { cwd: root, warmup: 1, runs: SMALL_RUNS, scratchDir: tmp, env });
  log(`ngxlint --version: ${SMALL_RUNS} runs ...\n`);
  const version = timeProcess(process.execPath, [cli, '--version'], { cwd: root, warmup: 1, runs: SMALL_RUNS, scratchDir: tmp, env });

  const smallDir = path.join(tmp, 'small');
  const smallFile = writeConfig(smallDir, SMALL_CONFIG);
  log(`ngxlint on 1 KB: ${SMALL_RUNS} runs ...\n`);
  const small = timeProcess(process.execPath, lintArgs(cli, smallFile), { cwd: root, warmup: 1, runs: SMALL_RUNS, okStatus: lintStatus, scratchDir: tmp, env });

  const sizes: SizeResult[] = [];
  for (const size of SIZES) {
    if (options.quick && size.apps > 5000) continue;
    const dir = path.join(tmp, `lint-${size.apps}`);
    const file = writeConfig(dir, generateConfig(size.apps, options.seed));
    const bytes = fs.statSync(file).size;
    log(`ngxlint on ${size.label} (${size.apps} apps): ${size.warmup} warm-up + ${size.runs} runs ...\n`);
    const lint = timeProcess(process.execPath, lintArgs(cli, file), { cwd: root, warmup: size.warmup, runs: size.runs, okStatus: lintStatus, scratchDir: tmp, env });
    let nginx: ProcessTiming | undefined;
    let nginxSkipped: string | undefined;
    if (options.nginx === undefined) nginxSkipped = 'no nginx binary';
    else if (size.apps > 5000 && !options.nginxLarge) nginxSkipped = 'skipped, it takes minutes (nginx registers upstreams in a list it scans for each one); --nginx-large runs it';
    else {
      log(`nginx -t on ${size.label}: ${size.warmup} warm-up + ${size.runs} runs ...\n`);
      nginx = timeProcess(options.nginx, nginxTestArgs(dir, file), { cwd: dir, warmup: size.warmup, runs: size.runs, scratchDir: tmp, env });
    }
    sizes.push({ label: size.label, apps: size.apps, bytes, lint, nginx, nginxSkipped });
    fs.rmSync(file, { force: true }); // 70 MB of temporary files do not need to outlive their measurement
  }
  const oneLine: OneLineResult[] = [];
  for (const style of ONE_LINE_STYLES) {
    for (const servers of ONE_LINE_SERVERS) {
      const dir = path.join(tmp, `one-line-${style}-${servers}`);
      const file = writeConfig(dir, generateOneLineConfig(servers, style));
      log(`ngxlint on ${servers} one-line servers (${style}): 3 runs ...\n`);
      const lint = timeProcess(process.execPath, lintArgs(cli, file), { cwd: root, warmup: 0, runs: 3, okStatus: lintStatus, scratchDir: tmp, env });
      oneLine.push({ style, servers, bytes: fs.statSync(file).size, lint });
    }
  }
  return { sizes, oneLine, version, small, node, removedVariables, nginxVersion: options.nginx === undefined ? undefined : nginxVersion(options.nginx) };
}

export interface LintTarget {
  readonly name: string;
  readonly value: string;
  readonly target: string;
  readonly pass: boolean;
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(3)} s`;
}

function mb(kb: number | undefined): string {
  return kb === undefined ? 'n/a' : `${kbToMB(kb).toFixed(0)} MB`;
}

/** The 70 MB / 7 MB ratios of wall time, CPU time and peak RSS, when both sizes were measured. */
export function scaling(result: LintBenchResult): { wall: number; cpu: number | undefined; rss: number | undefined } | undefined {
  const m = result.sizes.find((s) => s.apps === 5000);
  const l = result.sizes.find((s) => s.apps === 50000);
  if (m === undefined || l === undefined || !m.lint.ok || !l.lint.ok) return undefined;
  const ratio = (a: number | undefined, b: number | undefined): number | undefined => (a === undefined || b === undefined ? undefined : a / b);
  return { wall: l.lint.medianWallMs / m.lint.medianWallMs, cpu: ratio(l.lint.medianCpuMs, m.lint.medianCpuMs), rss: ratio(l.lint.peakRssKB, m.lint.peakRssKB) };
}

/** Per style, the lint time of the larger one-line configuration over the smaller (4x the servers). */
export function oneLineScaling(result: LintBenchResult): { style: OneLineStyle; small: OneLineResult; large: OneLineResult; ratio: number }[] {
  const out: { style: OneLineStyle; small: OneLineResult; large: OneLineResult; ratio: number }[] = [];
  for (const style of ONE_LINE_STYLES) {
    const [small, large] = result.oneLine.filter((o) => o.style === style);
    if (small === undefined || large === undefined || !small.lint.ok || !large.lint.ok) continue;
    out.push({ style, small, large, ratio: large.lint.medianWallMs / small.lint.medianWallMs });
  }
  return out;
}

export function lintTargets(result: LintBenchResult): LintTarget[] {
  const targets: LintTarget[] = [];
  for (const [name, t] of [['`ngxlint --version`', result.version], ['whole `ngxlint FILE` process on 1 KB', result.small]] as const) {
    targets.push({ name: `${name} (median wall)`, value: seconds(t.medianWallMs), target: `< ${TARGET_SMALL_SECONDS} s`, pass: t.ok && t.medianWallMs / 1000 < TARGET_SMALL_SECONDS });
  }
  const m = result.sizes.find((s) => s.apps === 5000);
  if (m !== undefined) {
    targets.push({
      name: `whole \`ngxlint FILE\` process on ${m.label} (median wall)`,
      value: seconds(m.lint.medianWallMs),
      target: `< ${TARGET_LINT_SECONDS} s`,
      pass: m.lint.ok && m.lint.medianWallMs / 1000 < TARGET_LINT_SECONDS,
    });
    if (m.nginx?.ok) {
      const r = m.lint.medianWallMs / m.nginx.medianWallMs;
      targets.push({ name: `ngxlint / nginx -t on ${m.label} (median wall)`, value: `${r.toFixed(2)}x`, target: `< ${TARGET_NGINX_RATIO}x`, pass: m.lint.ok && r < TARGET_NGINX_RATIO });
    }
  }
  const s = scaling(result);
  if (s !== undefined) {
    targets.push({ name: 'lint time 70 MB / 7 MB (median wall)', value: `${s.wall.toFixed(1)}x`, target: `< ${TARGET_SCALING}x`, pass: s.wall < TARGET_SCALING });
    if (s.rss !== undefined) targets.push({ name: 'lint peak RSS 70 MB / 7 MB', value: `${s.rss.toFixed(1)}x`, target: `< ${TARGET_SCALING}x`, pass: s.rss < TARGET_SCALING });
  }
  for (const o of oneLineScaling(result)) {
    const name = `lint time, one-line servers (${o.style}) ${o.large.servers} / ${o.small.servers} (median wall)`;
    targets.push({ name, value: `${o.ratio.toFixed(1)}x`, target: `< ${TARGET_ONE_LINE_SCALING}x`, pass: o.ratio < TARGET_ONE_LINE_SCALING });
  }
  return targets;
}

/** The table rows of the lint benchmark, for the report. */
export function formatLintBench(result: LintBenchResult): string[] {
  const out: string[] = [];
  const cpu = (t: ProcessTiming): string => (t.medianCpuMs === undefined ? 'n/a' : seconds(t.medianCpuMs));
  const status = (t: ProcessTiming): string => (t.ok ? '' : ` FAILED (exit ${t.status}): ${t.stderr.trim().split('\n')[0] ?? ''}`);
  const rows: string[][] = [['', 'size', 'wall (median)', 'CPU (median)', 'peak RSS', 'ngxlint / nginx -t']];
  rows.push(['node -e 0 (Node alone)', '', seconds(result.node.medianWallMs) + status(result.node), cpu(result.node), mb(result.node.peakRssKB), '']);
  rows.push(['ngxlint --version', '', seconds(result.version.medianWallMs) + status(result.version), cpu(result.version), mb(result.version.peakRssKB), '']);
  rows.push(['ngxlint (lint)', '1 KB', seconds(result.small.medianWallMs) + status(result.small), cpu(result.small), mb(result.small.peakRssKB), '']);
  for (const s of result.sizes) {
    const size = `${(s.bytes / 1e6).toFixed(1)} MB`;
    const ratio = s.nginx?.ok && s.lint.ok ? `${(s.lint.medianWallMs / s.nginx.medianWallMs).toFixed(2)}x` : '';
    rows.push(['ngxlint (lint)', size, seconds(s.lint.medianWallMs) + status(s.lint), cpu(s.lint), mb(s.lint.peakRssKB), ratio]);
    if (s.nginx !== undefined) rows.push(['nginx -t', size, seconds(s.nginx.medianWallMs) + status(s.nginx), cpu(s.nginx), mb(s.nginx.peakRssKB), '']);
    else rows.push(['nginx -t', size, 'skipped', '', '', '']);
  }
  for (const o of result.oneLine) {
    rows.push([`ngxlint, ${o.servers} one-line servers (${o.style})`, `${(o.bytes / 1e6).toFixed(1)} MB`, seconds(o.lint.medianWallMs) + status(o.lint), cpu(o.lint), mb(o.lint.peakRssKB), '']);
  }
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length)));
  rows.forEach((r, i) => {
    out.push(`  ${r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  ')}`.trimEnd());
    if (i === 0) out.push(`  ${'-'.repeat(widths.reduce((a, b) => a + b + 2, -2))}`);
  });
  if (result.removedVariables.length > 0) {
    out.push(`  measured without ${result.removedVariables.join(', ')} (set here; it slows every Node start, see bench/process.ts)`);
  }
  for (const size of result.sizes) if (size.nginxSkipped !== undefined) out.push(`  nginx -t on ${size.label}: ${size.nginxSkipped}`);
  const s = scaling(result);
  if (s !== undefined) {
    const f = (x: number | undefined): string => (x === undefined ? 'n/a' : `${x.toFixed(1)}x`);
    out.push(`  70 MB / 7 MB: wall ${f(s.wall)}, CPU ${f(s.cpu)}, peak RSS ${f(s.rss)} (linear is 10x)`);
  }
  for (const size of result.sizes) {
    const runs = (t: ProcessTiming): string => t.runs.map((r) => (r.wallMs / 1000).toFixed(2)).join(' ');
    out.push(`  runs (s) ${size.label}: ngxlint ${runs(size.lint)}${size.nginx ? `; nginx -t ${runs(size.nginx)}` : ''}`);
  }
  return out;
}

/** JSON form of the lint benchmark. */
export function lintBenchJson(result: LintBenchResult): unknown {
  const timing = (t: ProcessTiming): unknown => ({
    ok: t.ok,
    exitStatus: t.status,
    medianWallMs: round(t.medianWallMs),
    medianCpuMs: t.medianCpuMs === undefined ? null : round(t.medianCpuMs),
    peakRssMB: t.peakRssKB === undefined ? null : round(kbToMB(t.peakRssKB)),
    runsWallMs: t.runs.map((r) => round(r.wallMs)),
    stderr: t.ok ? undefined : t.stderr,
  });
  const s = scaling(result);
  return {
    node: timing(result.node),
    version: timing(result.version),
    small: timing(result.small),
    removedVariables: result.removedVariables,
    nginxVersion: result.nginxVersion ?? null,
    sizes: result.sizes.map((x) => ({
      label: x.label,
      apps: x.apps,
      bytes: x.bytes,
      lint: timing(x.lint),
      nginx: x.nginx === undefined ? null : timing(x.nginx),
      nginxSkipped: x.nginxSkipped ?? null,
      lintToNginx: x.nginx?.ok && x.lint.ok ? round(x.lint.medianWallMs / x.nginx.medianWallMs, 3) : null,
    })),
    scaling: s === undefined ? null : { wall: round(s.wall, 2), cpu: s.cpu === undefined ? null : round(s.cpu, 2), rss: s.rss === undefined ? null : round(s.rss, 2) },
    oneLine: result.oneLine.map((o) => ({ style: o.style, servers: o.servers, bytes: o.bytes, lint: timing(o.lint) })),
    oneLineScaling: Object.fromEntries(oneLineScaling(result).map((o) => [o.style, round(o.ratio, 2)])),
  };
}
