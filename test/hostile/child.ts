/**
 * Running the compiled CLI in a child process, for hostile inputs that could hang or exhaust memory: a
 * regression then fails the test at its timeout (the child is killed) instead of hanging the test worker,
 * and the child's peak RSS can be asserted on.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ROOT, ensureBuilt } from '../e2e/helpers.js';

/** The sources whose compiled form these tests run; dist is rebuilt when one is newer. */
const SOURCES = [
  'src/cli/main.ts',
  'src/cli/inputs.ts',
  'src/cli/io.ts',
  'src/include/host.ts',
  'src/include/glob.ts',
  'src/include/resolve.ts',
  'src/source/source-text.ts',
  'src/engine/context-inference.ts',
  'rules/syntax-error/index.ts',
  'rules/upstream-header-buffer-too-small/index.ts',
  'rules/upstream-header-buffer-too-small/location-regex.ts',
];

let built = false;

export interface ChildRun {
  /** Exit code; null when the child was killed (timeout). */
  readonly status: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  /** Peak resident set size in kilobytes (undefined when the child did not exit normally). */
  readonly peakRssKb: number | undefined;
}

export interface ChildOptions {
  readonly cwd: string;
  /** Killed (SIGKILL) after this long: the test then fails on `status === null` instead of hanging. */
  readonly timeoutMs: number;
  readonly input?: string | Uint8Array;
  readonly env?: Readonly<Record<string, string>>;
  /** Scripts loaded with `node -r` before the CLI (after the one that records the peak RSS). */
  readonly preload?: readonly string[];
}

/** Runs `node bin/ngxlint.js ...args` (the compiled dist/, never a possibly stale bundle). */
export function runNgxlint(args: readonly string[], options: ChildOptions): ChildRun {
  if (!built) {
    ensureBuilt(SOURCES);
    built = true;
  }
  const preloads = [path.join(__dirname, 'peak-rss.cjs'), ...(options.preload ?? [])].flatMap((p) => ['-r', p]);
  const rssFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'ngxlint-rss-')), 'peak');
  try {
    const run = spawnSync(process.execPath, [...preloads, path.join(ROOT, 'bin/ngxlint.js'), ...args], {
      cwd: options.cwd,
      input: options.input ?? '',
      encoding: 'utf8',
      timeout: options.timeoutMs,
      killSignal: 'SIGKILL',
      maxBuffer: 256 * 1024 * 1024,
      env: { ...process.env, NO_COLOR: '1', NGXLINT_NO_BUNDLE: '1', NGXLINT_PEAK_RSS_FILE: rssFile, ...options.env },
    });
    const rss = fs.existsSync(rssFile) ? Number(fs.readFileSync(rssFile, 'utf8')) : undefined;
    return { status: run.status, signal: run.signal, stdout: run.stdout ?? '', stderr: run.stderr ?? '', peakRssKb: rss };
  } finally {
    fs.rmSync(path.dirname(rssFile), { recursive: true, force: true });
  }
}

/** Finding lines of `-f compact` output. */
export function compactLines(stdout: string): string[] {
  return stdout.split('\n').filter((l) => l !== '');
}
