#!/usr/bin/env node
/**
 * The GitHub Action's lint step (action.yml runs it; it also runs locally with the same environment).
 *
 * Two passes over the same files:
 * 1. the visible run: ngxlint with the user's arguments under GITHUB_ACTIONS=true, which prints the stylish
 *    report for the log plus `::error file=...` workflow commands that GitHub turns into annotations;
 * 2. the SARIF run: the same arguments with `--format sarif --output-file FILE`, silent unless it fails. Its file
 *    is uploaded to code scanning when asked, and gives the counts for the outputs and the job summary.
 * ngxlint has one report format per run, and linting is cheap next to the rest of a CI job; the price is that
 * `--probe` in `args` probes twice.
 *
 * Environment: NGXLINT_BIN (the CLI; default: this checkout's bin), INPUT_FILES, INPUT_ARGS, INPUT_FAIL_ON,
 * INPUT_SARIF, INPUT_SUMMARY, and the runner's GITHUB_WORKSPACE, RUNNER_TEMP, GITHUB_OUTPUT, GITHUB_STEP_SUMMARY.
 * Exit code: ngxlint's (0 clean, 1 findings, 2 usage or I/O error), after `fail-on`.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { isNginxConfigPath } from './nginx-files.mjs';

const EXIT_OK = 0;
const EXIT_FINDINGS = 1;
const EXIT_USAGE = 2;
const FAIL_ON = ['error', 'warning', 'never'];
/** Rows in the job summary; the SARIF file and the annotations carry the rest. */
const SUMMARY_ROWS = 50;

const actionDir = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const env = process.env;

function input(name) {
  return (env[`INPUT_${name}`] ?? '').trim();
}

class UsageError extends Error {}

/** Splits a command line the way a POSIX shell splits words: whitespace, '…', "…" and backslash escapes. */
export function splitArgs(text) {
  const words = [];
  let word = '';
  let inWord = false;
  let quote = null;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote === "'") {
      if (c === "'") quote = null;
      else word += c;
    } else if (quote === '"') {
      if (c === '"') quote = null;
      else if (c === '\\' && i + 1 < text.length && '"\\$`'.includes(text[i + 1])) word += text[++i];
      else word += c;
    } else if (c === "'" || c === '"') {
      quote = c;
      inWord = true;
    } else if (c === '\\' && i + 1 < text.length) {
      word += text[++i];
      inWord = true;
    } else if (/\s/.test(c)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
    } else {
      word += c;
      inWord = true;
    }
  }
  if (quote !== null) throw new UsageError(`unterminated ${quote} quote in "${text}"`);
  if (inWord) words.push(word);
  return words;
}

/** The files input, or else every tracked file the pre-commit hook would check (symlinks skipped, as there). */
function selectFiles(workspace) {
  const given = splitArgs(input('FILES'));
  if (given.length > 0) return given;
  const git = spawnSync('git', ['ls-files', '-z'], { cwd: workspace, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  if (git.error !== undefined || git.status !== 0) {
    throw new UsageError(`cannot list the repository's files with git in ${workspace} (${(git.stderr || git.error?.message || '').trim()}); set the "files" input`);
  }
  return git.stdout
    .split('\0')
    .filter((f) => f !== '' && isNginxConfigPath(f))
    .filter((f) => fs.lstatSync(path.join(workspace, f), { throwIfNoEntry: false })?.isFile() === true);
}

/** The command that runs ngxlint: NGXLINT_BIN, or the bin of the package this script belongs to. */
function ngxlintCommand() {
  let bin = env.NGXLINT_BIN ?? '';
  if (bin === '') {
    const pkg = JSON.parse(fs.readFileSync(path.join(actionDir, 'package.json'), 'utf8'));
    bin = path.join(actionDir, typeof pkg.bin === 'string' ? pkg.bin : pkg.bin.ngxlint);
  }
  return /\.[cm]?js$/.test(bin) ? [process.execPath, bin] : [bin];
}

/** The user's arguments without report options, which the SARIF run sets itself. */
function withoutReportOptions(args) {
  const out = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '-f' || a === '--format' || a === '-o' || a === '--output-file') i++;
    else if (!/^(--format|--output-file|-f|-o)=/.test(a)) out.push(a);
  }
  return out;
}

function runNgxlint(command, args, cwd, capture) {
  const [exe, ...pre] = command;
  const r = spawnSync(exe, [...pre, ...args], {
    cwd,
    env,
    stdio: capture ? ['ignore', 'ignore', 'pipe'] : 'inherit',
    encoding: 'utf8',
  });
  if (r.error !== undefined) return { status: EXIT_USAGE, stderr: `ngxlint: cannot run ${command.join(' ')}: ${r.error.message}\n` };
  // Killed by a signal: no verdict, so not a clean run.
  return { status: r.status ?? EXIT_USAGE, stderr: r.stderr ?? '' };
}

/** Counts and rows from a SARIF log: SARIF levels error, warning and note are ngxlint's error, warning, info. */
function readSarif(file, workspace) {
  const log = JSON.parse(fs.readFileSync(file, 'utf8'));
  const counts = { error: 0, warning: 0, note: 0 };
  const rows = [];
  for (const run of log.runs ?? []) {
    for (const result of run.results ?? []) {
      const level = result.level ?? 'warning';
      if (level in counts) counts[level]++;
      const physical = result.locations?.[0]?.physicalLocation;
      const uri = physical?.artifactLocation?.uri ?? '';
      const filePath = uri.startsWith('file:') ? path.relative(workspace, fileURLToPath(uri)) : decodeURIComponent(uri);
      const region = physical?.region ?? {};
      const where = region.startLine === undefined ? filePath : `${filePath}:${region.startLine}:${region.startColumn ?? 1}`;
      rows.push({ level, where, rule: result.ruleId ?? '', message: result.message?.text ?? '' });
    }
  }
  return { errors: counts.error, warnings: counts.warning, infos: counts.note, rows };
}

function plural(n, word) {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function summaryMarkdown(sarif, fileCount, status) {
  const cell = (s) => s.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
  const lines = [
    '### ngxlint',
    '',
    `**${plural(sarif.errors, 'error')}, ${plural(sarif.warnings, 'warning')}, ${plural(sarif.infos, 'info')}** in ${plural(fileCount, 'path')} checked (exit code ${status})`,
    '',
  ];
  if (sarif.rows.length > 0) {
    lines.push('| severity | location | rule | message |', '|---|---|---|---|');
    const order = { error: 0, warning: 1, note: 2 };
    const rows = [...sarif.rows].sort((a, b) => (order[a.level] ?? 3) - (order[b.level] ?? 3));
    for (const r of rows.slice(0, SUMMARY_ROWS)) {
      lines.push(`| ${r.level === 'note' ? 'info' : r.level} | \`${cell(r.where)}\` | ${cell(r.rule)} | ${cell(r.message)} |`);
    }
    if (rows.length > SUMMARY_ROWS) lines.push('', `… and ${rows.length - SUMMARY_ROWS} more: see the annotations or the SARIF file.`);
  }
  return lines.join('\n') + '\n\n';
}

function writeOutputs(values) {
  const file = env.GITHUB_OUTPUT;
  if (!file) return;
  fs.appendFileSync(file, Object.entries(values).map(([k, v]) => `${k}=${v}\n`).join(''));
}

function main() {
  const workspace = path.resolve(env.GITHUB_WORKSPACE || process.cwd());
  const failOn = input('FAIL_ON') || 'error';
  if (!FAIL_ON.includes(failOn)) throw new UsageError(`fail-on must be one of ${FAIL_ON.join(', ')}, got "${failOn}"`);
  const args = splitArgs(input('ARGS'));
  if (failOn === 'warning') args.push('--max-warnings', '0');
  const files = selectFiles(workspace).map((f) => (f.startsWith('-') ? `./${f}` : f));
  if (files.length === 0) throw new UsageError('no nginx configuration files found in the repository; set the "files" input');

  const command = ngxlintCommand();
  console.log(`ngxlint: checking ${plural(files.length, 'path')}`);
  const visible = runNgxlint(command, [...args, ...files], workspace, false);

  const sarifFile = path.resolve(workspace, input('SARIF') || path.join(env.RUNNER_TEMP || os.tmpdir(), 'ngxlint.sarif'));
  fs.mkdirSync(path.dirname(sarifFile), { recursive: true });
  fs.rmSync(sarifFile, { force: true });
  const sarifRun = runNgxlint(command, [...withoutReportOptions(args), '--format', 'sarif', '--output-file', sarifFile, ...files], workspace, true);

  let status = visible.status;
  const outputs = { 'exit-code': String(visible.status) };
  if (fs.existsSync(sarifFile) && sarifRun.status !== EXIT_USAGE) {
    const sarif = readSarif(sarifFile, workspace);
    Object.assign(outputs, { errors: sarif.errors, warnings: sarif.warnings, infos: sarif.infos, 'sarif-file': sarifFile });
    if (env.GITHUB_STEP_SUMMARY && input('SUMMARY') !== 'false') fs.appendFileSync(env.GITHUB_STEP_SUMMARY, summaryMarkdown(sarif, files.length, visible.status));
  } else if (visible.status !== EXIT_USAGE) {
    // The visible run already printed any usage error; only a failure of the SARIF run alone needs saying.
    process.stderr.write(sarifRun.stderr);
    console.log(`::error::ngxlint: the SARIF report could not be written to ${sarifFile}`);
    status = EXIT_USAGE;
  }
  writeOutputs(outputs);
  if (failOn === 'never' && status === EXIT_FINDINGS) return EXIT_OK;
  return status;
}

function fail(message) {
  console.log(`::error::ngxlint: ${message.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A')}`);
  writeOutputs({ 'exit-code': String(EXIT_USAGE) });
  return EXIT_USAGE;
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === fs.realpathSync(process.argv[1])) {
  try {
    process.exitCode = main();
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    process.exitCode = fail(e.message);
  }
}
