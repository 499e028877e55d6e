/**
 * The nginx oracle: runs the real `nginx -t` on a config written to a temp directory. Tests that need it
 * call `nginxOrSkip()`: without a binary they skip with a visible reason, except under CI, where a
 * missing nginx fails the run.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export interface NginxTestResult {
  readonly ok: boolean;
  /** The `[emerg]` message without its ` in FILE:LINE` tail. */
  readonly message: string | undefined;
  readonly file: string | undefined;
  readonly line: number | undefined;
  readonly output: string;
  readonly dir: string;
}

function findNginx(): string | undefined {
  for (const candidate of [process.env.NGINX_BIN, '/usr/sbin/nginx', '/usr/local/sbin/nginx', '/usr/bin/nginx']) {
    if (candidate && fs.existsSync(candidate)) return candidate;
  }
  const which = spawnSync('sh', ['-c', 'command -v nginx'], { encoding: 'utf8' });
  const found = which.stdout.trim();
  return found === '' ? undefined : found;
}

export const nginxBinary: string | undefined = findNginx();

/** Reason to skip, or undefined when nginx is available. Throws under CI when nginx is missing. */
export function nginxSkipReason(): string | undefined {
  if (nginxBinary) return undefined;
  if (process.env.CI) throw new Error('nginx binary not found, but CI is set: .ci/run must install Debian nginx');
  return 'nginx binary not found (install Debian package "nginx" to run these tests)';
}

/**
 * Writes `files` (relative path -> content; `nginx.conf` is the main file) into a fresh temp dir and runs
 * `nginx -t` there. A main file without `events` gets none added: tests write complete configs.
 */
export function nginxTest(files: Record<string, string>): NginxTestResult {
  if (!nginxBinary) throw new Error('nginx not available');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ngxlint-nginx-'));
  for (const [name, content] of Object.entries(files)) {
    const target = path.join(dir, name);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, content);
  }
  return nginxTestAt(dir, 'nginx.conf');
}

/**
 * Runs `nginx -t` on `main` (relative to `dir`) with `dir` as the prefix. nginx's own pid directive is
 * used when the config has one; otherwise the pid file goes into `dir`.
 */
export function nginxTestAt(dir: string, main: string, options: { defaultPrefix?: boolean } = {}): NginxTestResult {
  if (!nginxBinary) throw new Error('nginx not available');
  fs.mkdirSync(path.join(dir, 'logs'), { recursive: true });
  const mainPath = path.join(dir, main);
  const hasPid = /^\s*pid\s/m.test(fs.readFileSync(mainPath, 'utf8'));
  // Relative includes resolve against the config file's directory either way; the prefix only matters for
  // logs, temp paths and `load_module`, which system configs expect at nginx's compiled-in prefix.
  const prefix = options.defaultPrefix ? [] : ['-p', path.dirname(mainPath) + '/'];
  const args = ['-t', '-q', ...prefix, '-c', mainPath, '-e', path.join(dir, 'logs', 'error.log')];
  if (!hasPid) args.push('-g', `pid ${path.join(dir, 'nginx.pid')};`);
  const run = spawnSync(nginxBinary, args, { encoding: 'utf8', timeout: 20_000 });
  const output = `${run.stdout}${run.stderr}`;
  const match = /\[emerg\] (?:\d+#\d+: )?(.*?) in (\S+?):(\d+)\s*$/m.exec(output);
  return {
    ok: run.status === 0,
    message: match?.[1],
    file: match?.[2],
    line: match ? Number(match[3]) : undefined,
    output,
    dir,
  };
}

export function removeDir(dir: string): void {
  fs.rmSync(dir, { recursive: true, force: true });
}
