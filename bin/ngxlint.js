#!/usr/bin/env node
// CommonJS (bin/package.json), so that starting the bundle never loads Node's ES module loader.
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const BUNDLE = path.join(__dirname, '../dist/src/cli/main.bundle.cjs');
const COMPILED = path.join(__dirname, '../dist/src/cli/main.js');

// `--version` answers without loading the CLI, so that it stays fast.
const args = process.argv.slice(2);
if (args.length === 1 && (args[0] === '--version' || args[0] === '-v')) {
  writeVersion(JSON.parse(fs.readFileSync(path.join(__dirname, '../package.json'), 'utf8')).version + '\n');
} else {
  watchStdout();
  (bundleIsCurrent() ? Promise.resolve(loadBundle()) : import(require('node:url').pathToFileURL(COMPILED).href))
    .then(({ run }) => run(args))
    .then((code) => {
      process.exitCode = code;
    });
}

/** A reader that stops early (`ngxlint parse x | head`) is not an error. */
function watchStdout() {
  process.stdout.on('error', (e) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw e;
  });
}

/**
 * Writes straight to descriptor 1: process.stdout would load Node's stream modules (milliseconds) for one
 * line. Whatever writeSync cannot do (a closed or non-blocking descriptor) is left to process.stdout, as before.
 */
function writeVersion(text) {
  let written = 0;
  try {
    written = fs.writeSync(1, text);
  } catch (e) {
    if (e.code === 'EPIPE') return;
  }
  if (written < Buffer.byteLength(text)) {
    watchStdout();
    process.stdout.write(Buffer.from(text).subarray(written));
  }
}

/**
 * The one-file bundle of dist/ (scripts/bundle.mjs) starts several times faster than the ~180 modules it is
 * made of. It is skipped when NGXLINT_NO_BUNDLE is set, when it is missing, and when tsc has rewritten dist/
 * since it was built (a bare `tsc` leaves it stale).
 */
function bundleIsCurrent() {
  if (process.env.NGXLINT_NO_BUNDLE) return false;
  let bundle;
  try {
    bundle = fs.statSync(BUNDLE).mtimeMs;
  } catch {
    return false;
  }
  try {
    return bundle >= fs.statSync(COMPILED).mtimeMs;
  } catch {
    return true;
  }
}

/**
 * Runs the bundle, a CommonJS function body, through vm.Script with V8's code cache: the bytecode of the
 * functions an earlier run compiled, saved beside the bundle. V8 rejects a cache made by another V8 version,
 * with other flags or for a source of another length, and the file name carries the bundle's hash (its first
 * line), so a cache is never used with another bundle. A missing or rejected cache is (re)written when the
 * command is done, if the directory is writable; otherwise the bundle simply compiles from source.
 */
function loadBundle() {
  const { Script } = require('node:vm');
  const source = fs.readFileSync(BUNDLE, 'utf8');
  const hash = /^\/\/ ngxlint bundle ([0-9a-f]+)\n/.exec(source)?.[1];
  const cacheFile = hash && `${BUNDLE}.${hash}.${process.versions.v8}-${process.arch}.v8cache`;
  let cachedData;
  try {
    if (cacheFile) cachedData = fs.readFileSync(cacheFile);
  } catch {
    // no cache yet
  }
  // One line, so that line numbers in stack traces are the bundle's own.
  const wrapped = `(function (exports, require, module, __filename, __dirname, __ngxlint_bundle_url) {${source}\n})`;
  const script = new Script(wrapped, { filename: BUNDLE, cachedData });
  if (cacheFile && (cachedData === undefined || script.cachedDataRejected)) process.once('exit', () => saveCache(script, cacheFile));
  const bundle = { exports: {} };
  const url = require('node:url').pathToFileURL(BUNDLE).href;
  // The bundle requires built-in modules only (scripts/bundle.mjs checks), which this file's require() loads
  // as well as one made for the bundle's path would, without loading node:module.
  script.runInThisContext()(bundle.exports, require, bundle, BUNDLE, path.dirname(BUNDLE), url);
  return bundle.exports;
}

function saveCache(script, cacheFile) {
  const temp = `${cacheFile}.${process.pid}.tmp`;
  try {
    // Serialising costs milliseconds: not for a read-only installation, where it would be every run.
    fs.accessSync(path.dirname(cacheFile), fs.constants.W_OK);
    fs.writeFileSync(temp, script.createCachedData());
    fs.renameSync(temp, cacheFile);
  } catch {
    try {
      fs.rmSync(temp, { force: true });
    } catch {
      // nothing was written
    }
  }
}
