/**
 * The pre-commit hooks as pre-commit runs them, without pre-commit itself. For `language: node`, pre-commit
 * (4.4 and later) clones the hook repository and runs, with the environment's directory as npm prefix,
 *   npm install --allow-git=root --install-links -g git+file://<clone>
 * so npm prepares the clone like any git dependency (installs its dependencies and devDependencies, runs
 * "prepare", packs it by package.json "files") and installs the result globally; the bin directory goes first
 * on PATH. Then each hook's `entry` runs with the matching file names appended, in the root of the repository
 * being checked.
 *
 * Here the working tree (tracked and new files, what a clone of the next commit holds) is committed to a temp
 * git repository and installed that way under a temp prefix, once for the whole file: slow (npm installs the
 * devDependencies and builds), so it is done in beforeAll.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import { isBuiltin } from 'node:module';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { splitArgs } from '../../action/run.mjs';
import {
  API_FIXED_LINE,
  NGINX_REPO,
  NGINX_REPO_SELECTION,
  ROOT,
  cleanEnv,
  git,
  gitRepo,
  hookById,
  hookSelection,
  readHooks,
  run,
  tempDir,
  trackedFiles,
  userPath,
} from './helpers.js';

interface PackageJson {
  readonly name: string;
  readonly version: string;
  readonly bin?: string | Record<string, string>;
  readonly main?: string;
  readonly dependencies?: Record<string, string>;
}

let work = '';
/** The installed package: what npm packed from the prepared clone. */
let installed = '';
/** Its files, relative, with forward slashes. */
let packedFiles: string[] = [];
let envBin = '';
const repos: string[] = [];

/** Copies what `git` sees in the working tree (tracked and new files, not ignored ones) to a new repository. */
function commitWorkingTree(dest: string): void {
  const files = git(ROOT, 'ls-files', '--cached', '--others', '--exclude-standard', '-z').split('\0').filter((f) => f !== '');
  for (const f of files) {
    const from = path.join(ROOT, f);
    if (!fs.existsSync(from)) continue; // deleted in the working tree
    fs.mkdirSync(path.dirname(path.join(dest, f)), { recursive: true });
    fs.copyFileSync(from, path.join(dest, f));
  }
  git(dest, 'init', '--quiet');
  git(dest, 'add', '--all');
  git(dest, '-c', 'user.name=ngxlint test', '-c', 'user.email=test@ngxlint.invalid', 'commit', '--quiet', '--no-verify', '-m', 'hook repository');
}

function listFiles(dir: string, prefix = ''): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const rel = prefix + e.name;
    if (e.isDirectory()) return rel === 'node_modules' ? [] : listFiles(path.join(dir, e.name), `${rel}/`);
    return [rel];
  });
}

beforeAll(() => {
  work = tempDir('pre-commit');
  const clone = path.join(work, 'clone');
  commitWorkingTree(clone);
  const prefix = path.join(work, 'env');
  run('npm', ['install', '--allow-git=root', '--install-links', '--global', '--prefix', prefix, '--no-audit', '--no-fund', '--prefer-offline', `git+file://${clone}`], {
    cwd: work,
    env: cleanEnv({ npm_config_prefix: prefix }),
    timeout: 840_000,
  });
  installed = path.join(prefix, 'lib/node_modules/ngxlint');
  packedFiles = listFiles(installed);
  envBin = path.join(prefix, 'bin');
}, 900_000);

afterAll(() => {
  for (const dir of [work, ...repos]) if (dir !== '') fs.rmSync(dir, { recursive: true, force: true });
});

function nginxRepo(): string {
  const repo = gitRepo('pre-commit-repo', NGINX_REPO);
  repos.push(repo);
  return repo;
}

/** Runs a hook as pre-commit does: `entry` split like a shell, `args`, then the file names; PATH from the hook env. */
function runHook(id: string, repo: string, files: readonly string[]): { status: number | null; stdout: string; stderr: string } {
  const hook = hookById(id);
  const [command, ...entryArgs] = splitArgs(hook.entry);
  const env = cleanEnv({ PATH: `${envBin}${path.delimiter}${userPath()}` });
  const result = spawnSync(command as string, [...entryArgs, ...(hook.args ?? []), ...files], { cwd: repo, env, encoding: 'utf8', timeout: 60_000 });
  if (result.error !== undefined) throw result.error;
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Module specifiers written as string literals: static imports and re-exports, import() and require(). */
function specifiers(code: string): string[] {
  const out: string[] = [];
  const pattern = /(?:^|[;\s])(?:import|export)\s[^'"`;]*?\bfrom\s*(['"])([^'"]+)\1|(?:^|[;\s])import\s*(['"])([^'"]+)\3|\b(?:import|require)\(\s*(['"])([^'"]+)\5\s*\)/g;
  for (const m of code.matchAll(pattern)) out.push((m[2] ?? m[4] ?? m[6]) as string);
  return out;
}

describe('.pre-commit-hooks.yaml', () => {
  it('declares ngxlint and ngxlint-fix as serial node hooks that take file names', () => {
    const hooks = readHooks();
    expect(hooks.map((h) => h.id)).toEqual(['ngxlint', 'ngxlint-fix']);
    for (const h of hooks) {
      expect(h).toMatchObject({ language: 'node', require_serial: true, pass_filenames: true });
      expect(splitArgs(h.entry)[0]).toBe('ngxlint');
    }
    expect(splitArgs(hookById('ngxlint').entry)).toEqual(['ngxlint']);
    expect(splitArgs(hookById('ngxlint-fix').entry)).toEqual(['ngxlint', '--fix']);
    expect(hookById('ngxlint-fix').files).toBe(hookById('ngxlint').files);
    expect(hookById('ngxlint-fix').exclude).toBe(hookById('ngxlint').exclude);
  });
});

describe('the packed package', () => {
  it('holds the CLI and every module its modules import, and no tests, corpus, bench or examples', () => {
    const files = new Set(packedFiles);
    const pkg = JSON.parse(fs.readFileSync(path.join(installed, 'package.json'), 'utf8')) as PackageJson;
    expect(typeof pkg.bin === 'string' ? pkg.name : Object.keys(pkg.bin ?? {})).toContain('ngxlint');
    const bins = typeof pkg.bin === 'string' ? [pkg.bin] : Object.values(pkg.bin ?? {});
    const entries = [...bins, ...(pkg.main !== undefined ? [pkg.main] : [])].map((p) => path.posix.normalize(p));
    expect(entries.filter((e) => !files.has(e))).toEqual([]);

    // Each shipped module's relative imports are shipped too, and the packages it imports are runtime
    // dependencies (a module only reached through a computed path is covered by running the CLI below).
    const missing: string[] = [];
    const undeclared = new Set<string>();
    const modules = [...files].filter((f) => /\.[cm]?js$/.test(f));
    for (const file of modules) {
      for (const spec of specifiers(fs.readFileSync(path.join(installed, file), 'utf8'))) {
        if (spec.startsWith('.')) {
          const target = path.posix.normalize(path.posix.join(path.posix.dirname(file), spec));
          if (!files.has(target)) missing.push(`${target} (imported by ${file})`);
        } else if (!isBuiltin(spec)) {
          const name = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : (spec.split('/')[0] as string);
          if (pkg.dependencies?.[name] === undefined) undeclared.add(`${name} (imported by ${file})`);
        }
      }
    }
    expect(modules.length).toBeGreaterThan(1);
    expect(missing).toEqual([]);
    expect([...undeclared]).toEqual([]);

    const unwanted = [...files].filter((f) =>
      /^(test|bench|examples|scripts|\.ci|node_modules)\/|(^|\/)test\.[cm]?[jt]s$|\.test\.[cm]?[jt]s$|corpus|\.tgz$|^tsconfig\.test\.json$|^vitest\.config\./.test(f),
    );
    expect(unwanted).toEqual([]);
  });

  it('installs a working ngxlint on PATH', () => {
    const version = runHook('ngxlint', work, ['--version']);
    expect(version.stderr).toBe('');
    expect(version.stdout.trim()).toBe(JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).version);
  });
});

describe('the hooks on a repository', () => {
  it('select the nginx files, not the symlink or the other programs\' conf.d and pools', () => {
    const repo = nginxRepo();
    expect(hookSelection(hookById('ngxlint'), repo, trackedFiles(repo)).sort()).toEqual(NGINX_REPO_SELECTION);
  });

  it('pass clean snippets (exit 0, nothing printed) and fail on the 502 problem (exit 1, file:line and rule)', () => {
    const repo = nginxRepo();
    const selection = hookSelection(hookById('ngxlint'), repo, trackedFiles(repo));

    // The snippets without problems (nginx.conf stays out: it brings its whole tree, api.conf included).
    const clean = runHook('ngxlint', repo, selection.filter((f) => f !== 'nginx/conf.d/api.conf' && f !== 'nginx/nginx.conf'));
    expect(clean.stdout).toBe('');
    expect(clean.status).toBe(0);

    const main = runHook('ngxlint', repo, ['nginx/nginx.conf']);
    expect(main.status).toBe(1);
    expect(main.stdout).toContain('nginx/conf.d/api.conf');

    // `pre-commit run --all-files`: the main file and all its snippets at once.
    const all = runHook('ngxlint', repo, selection);
    expect(all.status).toBe(1);
    expect(all.stdout).toContain('nginx/conf.d/api.conf');
    expect(all.stdout).toMatch(/^\s+4:\d+\s+error\s.*unix-socket-uri-missing-colon$/m);
    for (const other of selection.filter((f) => f !== 'nginx/conf.d/api.conf')) expect(all.stdout).not.toContain(other);
  });

  it('check a snippet committed alone inside the main nginx.conf above it', () => {
    const repo = nginxRepo();
    // site.conf uses upstream "app" from upstreams.conf: checked alone, out of context, it would be reported as
    // a host name nginx resolves once (static-dns-upstream).
    const site = runHook('ngxlint', repo, ['nginx/conf.d/site.conf']);
    expect(site.stderr).toBe('');
    expect(site.stdout).toBe('');
    expect(site.status).toBe(0);

    const api = runHook('ngxlint', repo, ['nginx/conf.d/api.conf']);
    expect(api.status).toBe(1);
    expect(api.stdout).toContain('unix-socket-uri-missing-colon');
    expect(api.stderr).not.toContain('no main nginx.conf');
  });

  it('ngxlint-fix rewrites the file with the safe fix, and the next run is clean', () => {
    const repo = nginxRepo();
    const selection = hookSelection(hookById('ngxlint-fix'), repo, trackedFiles(repo));
    const before = new Map(selection.map((f) => [f, fs.readFileSync(path.join(repo, f), 'utf8')]));

    const fixed = runHook('ngxlint-fix', repo, selection);
    expect(fixed.status).toBe(0);
    const api = fs.readFileSync(path.join(repo, 'nginx/conf.d/api.conf'), 'utf8');
    expect(api).toBe((before.get('nginx/conf.d/api.conf') as string).replace('proxy_pass http://unix:/run/api.sock/api/;', API_FIXED_LINE));
    // pre-commit fails the hook because a file changed: git shows exactly that one.
    expect(git(repo, 'diff', '--name-only').trim()).toBe('nginx/conf.d/api.conf');

    const again = runHook('ngxlint', repo, selection);
    expect(again.stdout).toBe('');
    expect(again.status).toBe(0);
    const fixAgain = runHook('ngxlint-fix', repo, selection);
    expect(fixAgain.status).toBe(0);
    expect(fs.readFileSync(path.join(repo, 'nginx/conf.d/api.conf'), 'utf8')).toBe(api);
  });
});
