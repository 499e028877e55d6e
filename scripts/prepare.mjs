#!/usr/bin/env node
// "prepare" runs on `npm install` in a checkout, and when npm installs the package from git, as pre-commit 4.4+
// does for `language: node` hooks (npm install --allow-git=root --install-links -g git+file://<clone>). In that
// global git install npm 11 runs it without the devDependencies (npm/cli#8440: "tsc: not found"), so they are
// installed here first, into the clone; then the build.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const require = createRequire(new URL('../package.json', import.meta.url));

function resolves(id) {
  try {
    require.resolve(id);
    return true;
  } catch {
    return false;
  }
}

function run(command, args) {
  const r = spawnSync(command, args, { cwd: root, stdio: 'inherit', shell: process.platform === 'win32' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

if (!resolves('typescript/package.json') || !resolves('esbuild')) {
  // --global=false: npm passes the outer install's global setting down through the environment.
  run('npm', ['install', '--global=false', '--include=dev', '--ignore-scripts', '--no-save', '--no-package-lock', '--no-audit', '--no-fund']);
}
run(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.json']);
run(process.execPath, ['scripts/bundle.mjs']);
