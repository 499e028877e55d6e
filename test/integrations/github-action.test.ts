/**
 * The GitHub Action: action.yml's structure, and its lint step (action/run.mjs) run locally the way the runner
 * runs it (GITHUB_ACTIONS=true, GITHUB_WORKSPACE, RUNNER_TEMP, GITHUB_OUTPUT, GITHUB_STEP_SUMMARY), with the
 * compiled CLI of this checkout standing in for the install step.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { splitArgs } from '../../action/run.mjs';
import { ensureBuilt } from '../e2e/helpers.js';
import { NGINX_REPO, NGINX_REPO_SELECTION, ROOT, cleanEnv, gitRepo, tempDir, writeTree } from './helpers.js';

interface ActionStep {
  readonly name?: string;
  readonly id?: string;
  readonly if?: string;
  readonly uses?: string;
  readonly run?: string;
  readonly shell?: string;
  readonly env?: Record<string, string>;
  readonly with?: Record<string, string>;
}

interface ActionYml {
  readonly name: string;
  readonly description: string;
  readonly inputs: Record<string, { description: string; required?: boolean; default?: string }>;
  readonly outputs: Record<string, { description: string; value: string }>;
  readonly runs: { readonly using: string; readonly steps: readonly ActionStep[] };
}

const ACTION_TEXT = fs.readFileSync(path.join(ROOT, 'action.yml'), 'utf8');
const action = parseYaml(ACTION_TEXT) as ActionYml;
const RUN_SCRIPT = path.join(ROOT, 'action/run.mjs');
const EXAMPLES = ['examples/multi-site', 'examples/php-fpm-site', 'examples/reverse-proxy'];

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

beforeAll(() => {
  ensureBuilt(['src/cli/main.ts', 'src/cli/lint-command.ts', 'src/report/index.ts']);
}, 180_000);

interface ActionRun {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly outputs: Record<string, string>;
  readonly summary: string;
  readonly temp: string;
}

/** Runs the lint step as the runner would: inputs as INPUT_* variables, the runner's files in a temp dir. */
function runAction(workspace: string, inputs: Record<string, string>): ActionRun {
  const temp = tempDir('action');
  dirs.push(temp);
  const outputFile = path.join(temp, 'github_output');
  const summaryFile = path.join(temp, 'step_summary');
  fs.writeFileSync(outputFile, '');
  fs.writeFileSync(summaryFile, '');
  const env = cleanEnv({
    GITHUB_ACTIONS: 'true',
    CI: 'true',
    GITHUB_WORKSPACE: workspace,
    RUNNER_TEMP: temp,
    GITHUB_OUTPUT: outputFile,
    GITHUB_STEP_SUMMARY: summaryFile,
    NGXLINT_BIN: path.join(ROOT, 'bin/ngxlint.js'),
    ...Object.fromEntries(Object.entries(inputs).map(([k, v]) => [`INPUT_${k.toUpperCase().replace(/-/g, '_')}`, v])),
  });
  // The runner starts steps in the workspace, but the script must not depend on it.
  const r = spawnSync(process.execPath, [RUN_SCRIPT], { cwd: temp, env, encoding: 'utf8', timeout: 120_000 });
  const outputs = Object.fromEntries(
    fs.readFileSync(outputFile, 'utf8').split('\n').filter((l) => l.includes('=')).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
  );
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, outputs, summary: fs.readFileSync(summaryFile, 'utf8'), temp };
}

interface Annotation {
  readonly level: string;
  readonly file: string;
  readonly line: number;
}

/** `::error file=F,line=N,...::message` workflow commands outside `::stop-commands::` sections. */
function annotations(stdout: string): Annotation[] {
  const out: Annotation[] = [];
  let stopToken: string | undefined;
  for (const line of stdout.split('\n')) {
    if (stopToken !== undefined) {
      if (line === `::${stopToken}::`) stopToken = undefined;
      continue;
    }
    const stop = /^::stop-commands::(.+)$/.exec(line);
    if (stop) {
      stopToken = stop[1];
      continue;
    }
    const m = /^::(error|warning|notice) ([^:]*)::/.exec(line);
    if (!m) continue;
    const params = Object.fromEntries((m[2] as string).split(',').map((p) => [p.slice(0, p.indexOf('=')), p.slice(p.indexOf('=') + 1)]));
    out.push({ level: m[1] as string, file: params.file ?? '', line: Number(params.line) });
  }
  return out;
}

/** The findings `ngxlint -f json` reports for the same paths, as the annotations should show them. */
function expectedFindings(workspace: string, paths: readonly string[]): Annotation[] {
  const r = spawnSync(process.execPath, [path.join(ROOT, 'bin/ngxlint.js'), '-f', 'json', ...paths], { cwd: workspace, env: cleanEnv(), encoding: 'utf8' });
  const files = JSON.parse(r.stdout) as { filePath: string; messages: { severity: string; line: number }[] }[];
  const level: Record<string, string> = { error: 'error', warning: 'warning', info: 'notice' };
  return files.flatMap((f) => f.messages.map((m) => ({ level: level[m.severity] ?? '?', file: path.relative(workspace, f.filePath), line: m.line })));
}

const byPlace = (a: Annotation, b: Annotation) => a.file.localeCompare(b.file) || a.line - b.line || a.level.localeCompare(b.level);

describe('action.yml', () => {
  const steps = action.runs.steps;

  it('is a composite action whose steps run the scripts in action/', () => {
    expect(action.runs.using).toBe('composite');
    const scripts = steps.flatMap((s) => [...(s.run ?? '').matchAll(/\$GITHUB_ACTION_PATH\/([\w./-]+)/g)].map((m) => m[1] as string));
    expect(scripts).toEqual(['action/install.sh', 'action/run.mjs']);
    for (const s of scripts) expect(fs.existsSync(path.join(ROOT, s)), s).toBe(true);
    for (const s of steps.filter((x) => x.run !== undefined)) expect(s.shell, s.name).toBe('bash');
    expect(spawnSync('bash', ['-n', path.join(ROOT, 'action/install.sh')]).status).toBe(0);
  });

  it('uses every input it declares, and declares every input it uses', () => {
    const used = new Set([...ACTION_TEXT.matchAll(/\binputs\.([\w-]+)/g)].map((m) => m[1] as string));
    expect([...used].sort()).toEqual(Object.keys(action.inputs).sort());
    for (const [name, spec] of Object.entries(action.inputs)) {
      expect(spec.description, name).not.toBe('');
      expect(typeof spec.default, name).toBe('string');
    }
  });

  it('reads step outputs only from earlier steps that have an id', () => {
    steps.forEach((step, index) => {
      for (const m of JSON.stringify(step).matchAll(/steps\.([\w-]+)\.outputs/g)) {
        const producer = steps.findIndex((s) => s.id === m[1]);
        expect(producer, `${step.name ?? index} reads steps.${m[1] as string}`).toBeGreaterThanOrEqual(0);
        expect(producer).toBeLessThan(index);
      }
    });
    for (const output of Object.values(action.outputs)) expect(output.value).toMatch(/^\$\{\{ steps\.lint\.outputs\.[\w-]+ \}\}$/);
  });

  it('passes run.mjs exactly the INPUT_ variables it reads', () => {
    const lint = steps.find((s) => s.id === 'lint') as ActionStep;
    const passed = Object.keys(lint.env ?? {}).filter((k) => k.startsWith('INPUT_')).sort();
    const read = [...fs.readFileSync(RUN_SCRIPT, 'utf8').matchAll(/\binput\('([A-Z_]+)'\)/g)].map((m) => `INPUT_${m[1] as string}`);
    expect([...new Set(read)].sort()).toEqual(passed);
    expect(lint.env?.NGXLINT_BIN).toBe('${{ steps.install.outputs.bin }}');
  });

  it('uploads SARIF only when asked, with the pinned major versions of the actions it uses', () => {
    const uses = steps.flatMap((s) => (s.uses !== undefined ? [s.uses] : []));
    expect(uses).toEqual(['actions/setup-node@v4', 'github/codeql-action/upload-sarif@v3']);
    const upload = steps.find((s) => s.uses?.startsWith('github/codeql-action/upload-sarif')) as ActionStep;
    expect(upload.if).toContain("inputs.sarif-upload == 'true'");
    expect(upload.with?.sarif_file).toBe('${{ steps.lint.outputs.sarif-file }}');
    // The upload runs after a lint with findings: the lint step records its status, the last step fails with it.
    expect(steps.indexOf(upload)).toBeLessThan(steps.length - 1);
    expect(steps.at(-1)?.env?.STATUS).toBe('${{ steps.lint.outputs.status }}');
  });
});

describe('the lint step (action/run.mjs)', () => {
  it('annotates the examples\' findings, writes SARIF 2.1.0, the outputs and a summary, and fails', () => {
    const r = runAction(ROOT, { files: EXAMPLES.join('\n') });
    expect(r.status).toBe(1);

    const expected = expectedFindings(ROOT, EXAMPLES);
    expect(expected.filter((f) => f.level === 'error').length).toBeGreaterThan(3);
    expect(annotations(r.stdout).sort(byPlace)).toEqual(expected.sort(byPlace));
    // The stylish report is in the log too.
    expect(r.stdout).toMatch(/✖ \d+ problems \(\d+ errors?, /);

    const sarifFile = r.outputs['sarif-file'] as string;
    expect(sarifFile).toBe(path.join(r.temp, 'ngxlint.sarif'));
    const sarif = JSON.parse(fs.readFileSync(sarifFile, 'utf8')) as { version: string; runs: { results: unknown[] }[] };
    expect(sarif.version).toBe('2.1.0');
    expect(sarif.runs.flatMap((run) => run.results)).toHaveLength(expected.length);

    const count = (level: string) => String(expected.filter((f) => f.level === level).length);
    expect(r.outputs).toEqual({ 'exit-code': '1', errors: count('error'), warnings: count('warning'), infos: count('notice'), 'sarif-file': sarifFile });
    expect(r.summary).toContain(`**${count('error')} errors, ${count('warning')} warnings, ${count('notice')} infos**`);
    expect(r.summary).toContain('| error | `examples/multi-site/conf.d/api.conf:12:9` | upstream-all-unavailable |');
  });

  it('writes the SARIF file where the sarif input says, relative to the workspace', () => {
    const workspace = gitRepo('action-ws', NGINX_REPO);
    dirs.push(workspace);
    const r = runAction(workspace, { files: 'nginx/nginx.conf', sarif: 'reports/ngxlint.sarif' });
    expect(r.status).toBe(1);
    expect(r.outputs['sarif-file']).toBe(path.join(workspace, 'reports/ngxlint.sarif'));
    expect(JSON.parse(fs.readFileSync(path.join(workspace, 'reports/ngxlint.sarif'), 'utf8'))).toMatchObject({ version: '2.1.0' });
  });

  it('without files, lints the repository\'s files that the pre-commit hook selects', () => {
    const workspace = gitRepo('action-ws', NGINX_REPO);
    dirs.push(workspace);
    const r = runAction(workspace, {});
    expect(r.stdout).toContain(`ngxlint: checking ${NGINX_REPO_SELECTION.length} paths`);
    expect(r.status).toBe(1);
    expect(annotations(r.stdout)).toEqual([{ level: 'error', file: 'nginx/conf.d/api.conf', line: 4 }]);
    expect(r.outputs.errors).toBe('1');
  });

  it('fail-on: never reports findings and succeeds; warning fails on a warning that error lets pass', () => {
    const workspace = tempDir('action-ws');
    dirs.push(workspace);
    writeTree(workspace, {
      // A static upstream name: a warning, no error.
      'nginx.conf': 'events {}\nhttp {\n    server {\n        listen 8080;\n        location / {\n            proxy_pass http://app.internal:8000;\n            proxy_send_timeout 60s;\n            proxy_read_timeout 60s;\n        }\n    }\n}\n',
    });
    const never = runAction(ROOT, { files: 'examples/multi-site', 'fail-on': 'never' });
    expect(never.status).toBe(0);
    expect(never.outputs['exit-code']).toBe('1');
    expect(annotations(never.stdout).length).toBeGreaterThan(0);

    const onError = runAction(workspace, { files: 'nginx.conf' });
    expect(onError.outputs.errors).toBe('0');
    expect(Number(onError.outputs.warnings)).toBeGreaterThan(0);
    expect(onError.status).toBe(0);
    const onWarning = runAction(workspace, { files: 'nginx.conf', 'fail-on': 'warning' });
    expect(onWarning.status).toBe(1);
    expect(onWarning.stderr).toContain('exceed --max-warnings 0');
  });

  it('passes args split like a shell', () => {
    const r = runAction(ROOT, { files: 'examples/multi-site', args: "--rule 'upstream-timeout-missing:off' --quiet" });
    expect(r.status).toBe(1);
    expect(annotations(r.stdout).every((a) => a.level === 'error')).toBe(true);
    expect(r.stdout).not.toContain('upstream-timeout-missing');
  });

  it('exits 2 on usage errors, whatever fail-on says, and when there is nothing to lint', () => {
    const bad = runAction(ROOT, { files: 'examples/multi-site', args: '--rule nonsense', 'fail-on': 'never' });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('--rule expects name:off|info|warn|error');
    expect(bad.outputs['exit-code']).toBe('2');

    const missing = runAction(ROOT, { files: 'no/such/nginx.conf' });
    expect(missing.status).toBe(2);

    const empty = tempDir('action-ws');
    dirs.push(empty);
    spawnSync('git', ['init', '--quiet'], { cwd: empty });
    const nothing = runAction(empty, {});
    expect(nothing.status).toBe(2);
    expect(nothing.stdout).toContain('::error::ngxlint: no nginx configuration files found');

    expect(runAction(ROOT, { files: 'examples/multi-site', 'fail-on': 'sometimes' }).status).toBe(2);
    expect(runAction(ROOT, { files: 'examples/multi-site', args: '--rule "unterminated' }).stdout).toContain('::error::ngxlint: unterminated " quote');
  });
});

describe('splitArgs', () => {
  it('splits words like a POSIX shell', () => {
    expect(splitArgs(` -c 'ci/ngx lint.json'  --rule "a:off" x\\ y "q\\"uote" '' `)).toEqual(['-c', 'ci/ngx lint.json', '--rule', 'a:off', 'x y', 'q"uote', '']);
    expect(splitArgs('a\nb\n\tc')).toEqual(['a', 'b', 'c']);
    expect(splitArgs('')).toEqual([]);
  });
});
