/**
 * Helpers for the integration tests (pre-commit hooks, GitHub Action): the hook manifest, temp git repositories
 * holding a small nginx tree, and processes run the way pre-commit and the Actions runner run them.
 */
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { fromPythonVerbose } from '../../action/nginx-files.mjs';

export const ROOT = path.resolve(__dirname, '../..');

export interface HookManifestEntry {
  readonly id: string;
  readonly name: string;
  readonly entry: string;
  readonly language: string;
  readonly files?: string;
  readonly exclude?: string;
  readonly args?: readonly string[];
  readonly require_serial?: boolean;
  readonly pass_filenames?: boolean;
  readonly types?: readonly string[];
}

/** .pre-commit-hooks.yaml, parsed. */
export function readHooks(): HookManifestEntry[] {
  return parseYaml(fs.readFileSync(path.join(ROOT, '.pre-commit-hooks.yaml'), 'utf8')) as HookManifestEntry[];
}

export function hookById(id: string): HookManifestEntry {
  const hook = readHooks().find((h) => h.id === id);
  if (hook === undefined) throw new Error(`no hook "${id}" in .pre-commit-hooks.yaml`);
  return hook;
}

/**
 * The files pre-commit passes to a hook: `files` matches and `exclude` does not (Python `re.search` on the path
 * relative to the repository root), and the path is a regular file (the default `types: [file]` leaves out
 * symlinks).
 */
export function hookSelection(hook: HookManifestEntry, repo: string, paths: readonly string[]): string[] {
  const files = fromPythonVerbose(hook.files ?? '');
  const exclude = hook.exclude === undefined ? undefined : fromPythonVerbose(hook.exclude);
  return paths.filter((p) => files.test(p) && !(exclude?.test(p) ?? false) && fs.lstatSync(path.join(repo, p)).isFile());
}

export function tempDir(tag: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `ngxlint-${tag}-`));
}

/** Writes `files` under `dir`; a value `{ symlink }` makes a symbolic link to that target. */
export function writeTree(dir: string, files: Record<string, string | { symlink: string }>): void {
  for (const [name, content] of Object.entries(files)) {
    const target = path.join(dir, name);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    if (typeof content === 'string') fs.writeFileSync(target, content);
    else fs.symlinkSync(content.symlink, target);
  }
}

/** Runs a command; throws with its output when it fails. */
export function run(command: string, args: readonly string[], options: { cwd: string; env?: NodeJS.ProcessEnv; timeout?: number }): SpawnSyncReturns<string> {
  const r = spawnSync(command, args, { cwd: options.cwd, env: options.env ?? process.env, encoding: 'utf8', timeout: options.timeout ?? 120_000, maxBuffer: 64 * 1024 * 1024 });
  if (r.error !== undefined || r.status !== 0) {
    throw new Error(`${command} ${args.join(' ')} (in ${options.cwd}) failed: ${r.error?.message ?? `exit ${String(r.status)}`}\n${r.stdout}\n${r.stderr}`);
  }
  return r;
}

export function git(repo: string, ...args: string[]): string {
  return run('git', args, { cwd: repo }).stdout;
}

/** A fresh git repository (files added, nothing committed) holding `files`. */
export function gitRepo(tag: string, files: Record<string, string | { symlink: string }>): string {
  const repo = tempDir(tag);
  git(repo, 'init', '--quiet');
  writeTree(repo, files);
  git(repo, 'add', '--all');
  return repo;
}

export function trackedFiles(repo: string): string[] {
  return git(repo, 'ls-files', '-z').split('\0').filter((f) => f !== '');
}

/**
 * A small nginx tree as a repository keeps it: a main nginx.conf that includes conf.d/ and sites-enabled/, an
 * upstream in one snippet used by the others, one site without problems, and in conf.d/api.conf a unix socket
 * path that runs on into the URI (nginx answers 502; the safe fix adds the ":"). Beside it, files of other
 * programs that the hooks must not pass to ngxlint.
 */
export const NGINX_REPO: Record<string, string | { symlink: string }> = {
  'README.md': '# deploy\n',
  'nginx/nginx.conf': [
    'worker_processes auto;',
    'events {',
    '    worker_connections 1024;',
    '}',
    'http {',
    '    include conf.d/*.conf;',
    '    include sites-enabled/*;',
    '}',
    '',
  ].join('\n'),
  'nginx/conf.d/upstreams.conf': ['upstream app {', '    server 127.0.0.1:8000;', '}', ''].join('\n'),
  'nginx/conf.d/site.conf': [
    'server {',
    '    listen 8080;',
    '    location / {',
    '        proxy_pass http://app;',
    '        proxy_connect_timeout 5s;',
    '        proxy_send_timeout 60s;',
    '        proxy_read_timeout 60s;',
    '    }',
    '}',
    '',
  ].join('\n'),
  'nginx/conf.d/api.conf': [
    'server {',
    '    listen 8081;',
    '    location /api/ {',
    '        proxy_pass http://unix:/run/api.sock/api/;',
    '        proxy_connect_timeout 5s;',
    '        proxy_send_timeout 60s;',
    '        proxy_read_timeout 60s;',
    '    }',
    '}',
    '',
  ].join('\n'),
  'nginx/sites-available/shop': [
    'server {',
    '    listen 8082;',
    '    location / {',
    '        proxy_pass http://127.0.0.1:8001;',
    '        proxy_connect_timeout 5s;',
    '        proxy_send_timeout 60s;',
    '        proxy_read_timeout 60s;',
    '    }',
    '}',
    '',
  ].join('\n'),
  'nginx/sites-enabled/shop': { symlink: '../sites-available/shop' },
  'docker/supervisor/conf.d/worker.conf': '[program:worker]\ncommand=/usr/bin/php artisan queue:work\n',
  'etc/php/8.2/fpm/pool.d/www.conf': '[www]\nlisten = /run/php/php8.2-fpm.sock\n',
};

/** What the hooks should pass for NGINX_REPO: nginx files, no symlink, nothing of the other programs. */
export const NGINX_REPO_SELECTION = ['nginx/conf.d/api.conf', 'nginx/conf.d/site.conf', 'nginx/conf.d/upstreams.conf', 'nginx/nginx.conf', 'nginx/sites-available/shop'];

/** The fixed line of nginx/conf.d/api.conf. */
export const API_FIXED_LINE = 'proxy_pass http://unix:/run/api.sock:/api/;';

/**
 * PATH without the node_modules/.bin directories that `npm test` or `npx` put first: a user's shell does not
 * have this checkout's tsc or vitest, and a build that only works with them must fail here too.
 */
export function userPath(): string {
  return (process.env.PATH ?? '').split(path.delimiter).filter((d) => d !== '' && !/[\\/]node_modules[\\/]/.test(d)).join(path.delimiter);
}

/** The environment of a child process, without what npm or CI set for the test run itself. */
export function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (/^(npm_lifecycle_|npm_package_|INIT_CWD$|NODE_PATH$|GITHUB_|RUNNER_|CI$|FORCE_COLOR$)/i.test(k)) continue;
    // npm's own settings for this run (prefixes, user agent) stay out; where packages come from stays in.
    if (/^npm_config_/i.test(k) && !/^npm_config_(registry|cache|proxy|https?_proxy|noproxy|strict_ssl|cafile|ca)$/i.test(k)) continue;
    env[k] = v;
  }
  return { ...env, PATH: userPath(), NO_COLOR: '1', ...extra };
}
