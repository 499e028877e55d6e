#!/usr/bin/env node
// Bundles the compiled CLI (dist/src/cli/main.js and everything it imports, dependencies included) into one
// script, dist/src/cli/main.bundle.cjs, which bin/ngxlint.js runs instead of ~180 separate ES modules:
// compiling and linking those cost more than the lint of a small file (startup time is a budget, issue 8).
//
//   npm run build        (tsc, then this script)
//   node scripts/bundle.mjs   (after tsc: it reads dist/, not src/)
//
// The bundle is a CommonJS function body, run by bin/ngxlint.js through vm.Script so that V8's code cache
// can be kept next to it (Node 20 has no module compile cache). Its first line is `// ngxlint bundle <hash>`:
// the loader names the cache file after that hash, so a cache can only ever be used with the bundle it was
// made from. This script ends by running the bundle once on a small configuration, which checks that it
// works and leaves a cache for the Node version that built it (another version writes its own on first run).
//
// The bundle lives in dist/src/cli/ so that `import.meta.url`-relative paths in the sources (package.json,
// rules/*/README.md, src/model/directives.generated.json) resolve as they do from dist/src/<dir>/: every
// module that uses `import.meta` must sit one directory below dist/src/, which the build checks.
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
const entry = path.join(root, 'dist/src/cli/main.js');
const outDir = path.join(root, 'dist/src/cli');
const outFile = path.join(outDir, 'main.bundle.cjs');
/** Passed in by the loader's wrapper function (bin/ngxlint.js), in place of `import.meta.url`. */
const META_URL = '__ngxlint_bundle_url';

if (!existsSync(entry)) {
  console.error(`bundle: ${path.relative(root, entry)} not found; run tsc first (npm run build)`);
  process.exit(1);
}

/**
 * Built-in modules that only some commands use, but that the bundle's modules import at the top: loading them is
 * milliseconds of every start (node:crypto about 3 ms: it serves --fix, SARIF fingerprints and GitHub output;
 * node:tty, node:child_process, node:net and node:dns about 4 ms each, largely for the streams and sockets they
 * bring: they serve a check of standard input, `nginx -v` and --probe). Importers get a stand-in exporting the
 * functions they use, which loads the real module on the first call; `[object, functions]` stands in for an
 * object of functions (`dns.promises.lookup`). A named import missing from the list fails the build (esbuild:
 * "No matching export").
 */
const LAZY_BUILTINS = {
  crypto: ['createHash', 'randomBytes', 'randomUUID'],
  tty: ['isatty'],
  child_process: ['spawn', 'spawnSync'],
  net: ['connect', 'isIP'],
  dns: ['lookup', ['promises', ['lookup']]],
  // createRequire loads YAML configurations; node:module itself brings in the ES module loader.
  module: ['createRequire'],
};
const lazyBuiltinExport = (entry) =>
  typeof entry === 'string'
    ? `export function ${entry}(...args) { return load().${entry}(...args); }`
    : `export const ${entry[0]} = { ${entry[1].map((name) => `${name}: (...args) => load().${entry[0]}.${name}(...args)`).join(', ')} };`;
const LAZY_FILTER = new RegExp(`^(node:)?(${Object.keys(LAZY_BUILTINS).join('|')})$`);
const lazyBuiltins = {
  name: 'lazy-builtins',
  setup(build) {
    build.onResolve({ filter: LAZY_FILTER }, (args) =>
      // The stand-in's own require() is the real module.
      args.namespace === 'lazy-builtin' ? { path: args.path, external: true } : { path: args.path.replace(/^node:/, ''), namespace: 'lazy-builtin' },
    );
    build.onLoad({ filter: /.*/, namespace: 'lazy-builtin' }, (args) => ({
      contents: [
        'let real;',
        `const load = () => (real ??= require(${JSON.stringify(`node:${args.path}`)}));`,
        ...LAZY_BUILTINS[args.path].map(lazyBuiltinExport),
        '',
      ].join('\n'),
      loader: 'js',
    }));
  },
};

const result = await esbuild.build({
  absWorkingDir: root,
  entryPoints: [entry],
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  write: false,
  metafile: true,
  logLevel: 'warning',
  define: { 'import.meta.url': META_URL },
  plugins: [lazyBuiltins],
  legalComments: 'none',
});

// In the bundle, import.meta.url is the bundle's URL. That is right for module resolution (createRequire) and
// for paths relative to a module one directory below dist/src/, like the bundle; anything else fails the build.
const RELATIVE_TO_MODULE = /new URL\([^;]*import\.meta\.url|fileURLToPath\(import\.meta\.url\)|import\.meta\.(?!url\b)/;
const unvetted = Object.keys(result.metafile.inputs)
  .filter((input) => !input.startsWith('lazy-builtin:'))
  .map((input) => input.split(path.sep).join('/'))
  .filter((file) => {
    const text = readFileSync(path.join(root, file), 'utf8');
    if (!text.includes('import.meta')) return false;
    return file.startsWith('node_modules/') || (RELATIVE_TO_MODULE.test(text) && !/^dist\/src\/[^/]+\/[^/]+\.js$/.test(file));
  });
if (unvetted.length > 0) {
  console.error(`bundle: these modules use import.meta in a way the bundle (${path.relative(root, outFile)}) would change:\n  ${unvetted.join('\n  ')}`);
  process.exit(1);
}

// Strict mode throughout, as the ES modules it is made of had.
const body = `"use strict";\n${withPlainBuiltins(result.outputFiles[0].text)}`;
// esbuild turns every import() of a bundled module into a plain call; one it could not resolve would stay, and
// fail at run time: vm.Script has no module loader behind it.
if (/(^|[^\w$.])import\s*\(/m.test(body)) {
  console.error('bundle: the bundle still contains an import() call, which cannot run under vm.Script; make it a static import or a createRequire() call');
  process.exit(1);
}
/**
 * esbuild turns `import * as fs from 'node:fs'` into `__toESM(require("node:fs"), 1)`: a copy of the module with a
 * getter for each of its exports (over a hundred for node:fs), made at every start for each importing module,
 * and then called on every `fs.statSync` or `path.join`. The built-in module itself answers the same, except for
 * the copy's `default` export: a module that uses it (a default import) keeps its copy.
 */
function withPlainBuiltins(text) {
  return text.replace(/(\w+) = __toESM\((require\("node:[\w/]+"\)), 1\)/g, (copy, name, load) =>
    new RegExp(`[^\\w$.]${name}\\.default\\b`).test(text) ? copy : `${name} = ${load}`,
  );
}

// The loader hands the bundle its own require(), which answers alike only for built-in modules.
const required = [...new Set([...body.matchAll(/\brequire\("([^"]+)"\)/g)].map((m) => m[1]))].filter((id) => !isBuiltin(id));
if (required.length > 0) {
  console.error(`bundle: the bundle requires modules that are not built in: ${required.join(', ')}`);
  process.exit(1);
}
const hash = createHash('sha256').update(body).digest('hex').slice(0, 16);
// Replaced atomically: a CLI starting meanwhile (a test, an editor) reads the old bundle or the new one.
const temp = `${outFile}.${process.pid}.tmp`;
writeFileSync(temp, `// ngxlint bundle ${hash}\n${body}`);
renameSync(temp, outFile);
for (const old of readdirSync(outDir)) if (old.endsWith('.v8cache')) rmSync(path.join(outDir, old), { force: true });
console.log(`bundle: ${path.relative(root, outFile)} (${Object.keys(result.metafile.inputs).length} modules, ${Math.round(body.length / 1024)} KB)`);

// Smoke test, which also writes the code cache: the example covers the common path (config, parse, rules,
// backend files, stylish report).
const smoke = spawnSync(process.execPath, [path.join(root, 'bin/ngxlint.js'), '--no-color', 'examples/reverse-proxy'], { cwd: root, encoding: 'utf8', env: { ...process.env, NGXLINT_NO_BUNDLE: '' } });
if (smoke.status !== 0 && smoke.status !== 1) {
  console.error(`bundle: the bundled CLI failed on examples/reverse-proxy (exit ${smoke.status}):\n${smoke.stderr}`);
  process.exit(1);
}
if (!readdirSync(outDir).some((f) => f.startsWith(`main.bundle.cjs.${hash}.`) && f.endsWith('.v8cache'))) {
  console.error('bundle: the smoke run did not go through the bundle (no code cache was written)');
  process.exit(1);
}
