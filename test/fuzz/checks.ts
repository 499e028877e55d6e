/**
 * What must hold after a lint or a fix, whatever the input. Each check throws an Error naming the first
 * violation, so fast-check can shrink the input that caused it.
 */
import { parse } from '../../src/parser/index.js';
import { decode, type SourceText } from '../../src/source/index.js';
import { formatFindings, REPORT_FORMATS } from '../../src/report/index.js';
import { EntryError, loadConfig, overlayHost, type ConfigTree } from '../../src/include/index.js';
import { toCrossplane } from '../../src/crossplane/payload.js';
import { applyEdits, fixFiles, type FixOutcome } from '../../src/fix/index.js';
import { lint } from '../../src/engine/lint.js';
import { allRules } from '../../rules/index.js';
import type { LintRequest, LintResult } from '../../src/engine/lint.js';
import type { Finding } from '../../src/engine/types.js';

function fail(message: string): never {
  throw new Error(message);
}

const where = (f: Finding): string => `${f.file}:${f.start.line}:${f.start.column} [${f.ruleId}] ${f.message}`;

/** Placeholders and values that only show up in a message when a rule formatted something it did not have. */
const SUSPICIOUS = /\bNaN\b|\bundefined\b|\[object Object\]|\{\{\s*\w+\s*\}\}|\bInfinity\b/;

function checkPoint(f: Finding, what: 'start' | 'end', source: SourceText): void {
  const offset = what === 'start' ? f.span.start : f.span.end;
  const p = f[what];
  const expected = source.positionAt(offset);
  if (p.offset !== offset || p.line !== expected.line || p.column !== expected.column) {
    fail(`${where(f)}: ${what} ${p.line}:${p.column}@${p.offset} but its span gives ${expected.line}:${expected.column}@${offset}`);
  }
}

/** Findings are well-formed: known file, span inside the text, positions that match, edits that apply. */
export function checkFindings(result: LintResult): void {
  const texts = [...result.sources.values()].map((s) => s.text);
  // loadBackends turns a reader's exception into a note: a backend reader crashed.
  for (const n of result.notes) if (/could not be read as/.test(n.message)) fail(`${n.file}: ${n.message}`);
  for (const f of result.findings) {
    if (f.ruleId === 'internal-error') fail(`a rule crashed: ${f.message}`);
    if (f.message.trim() === '') fail(`${where(f)}: empty message`);
    const odd = SUSPICIOUS.exec(f.message);
    if (odd !== null && !texts.some((t) => t.includes(odd[0]))) fail(`${where(f)}: message contains "${odd[0]}"`);
    if (!['error', 'warning', 'info'].includes(f.severity)) fail(`${where(f)}: severity ${String(f.severity)}`);
    const source = result.sources.get(f.file);
    if (source === undefined) fail(`${where(f)}: finding in a file that was not read`);
    if (!(Number.isInteger(f.span.start) && Number.isInteger(f.span.end) && f.span.start >= 0 && f.span.start <= f.span.end && f.span.end <= source.text.length)) {
      fail(`${where(f)}: span ${f.span.start}-${f.span.end} outside 0-${source.text.length}`);
    }
    checkPoint(f, 'start', source);
    checkPoint(f, 'end', source);
    for (const r of f.related) {
      if (r.file === '' || !(r.start.line >= 1 && r.start.column >= 1) || r.message.trim() === '') fail(`${where(f)}: bad related location ${JSON.stringify(r)}`);
    }
    if (f.fix === undefined) continue;
    if (f.fix.title.trim() === '') fail(`${where(f)}: fix without a title`);
    const edits = [...f.fix.edits].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.start - b.start || a.end - b.end));
    edits.forEach((e, k) => {
      const text = result.sources.get(e.file)?.text;
      if (text === undefined) fail(`${where(f)}: fix edits ${e.file}, which was not read`);
      if (!(e.start >= 0 && e.start <= e.end && e.end <= text.length)) fail(`${where(f)}: edit ${e.start}-${e.end} outside 0-${text.length} of ${e.file}`);
      const prev = edits[k - 1];
      if (prev !== undefined && prev.file === e.file && (prev.end > e.start || (prev.start === prev.end && e.start === e.end && prev.start === e.start))) {
        fail(`${where(f)}: overlapping edits ${prev.start}-${prev.end} and ${e.start}-${e.end}`);
      }
    });
  }
}

/** Every reporter renders the findings without throwing; the JSON report is valid JSON. */
export function checkReports(result: LintResult): void {
  const ctx = { cwd: '/etc/nginx', color: true, sources: result.sources, ruleUrl: (id: string) => `https://example.invalid/${id}`, files: result.files };
  for (const format of REPORT_FORMATS) {
    const out = formatFindings(format, result.findings, ctx);
    if (format === 'json') JSON.parse(out);
    else if (result.findings.length > 0 && out === '') fail(`${format} report is empty for ${result.findings.length} findings`);
  }
}

/** `ngxlint parse` of the request's first file: crossplane's payload, plain and with every option, is JSON. */
export function checkPayload(request: LintRequest): void {
  let tree: ConfigTree;
  try {
    tree = loadConfig(request.files[0] as string, { host: request.host, ...(request.prefix !== undefined ? { prefix: request.prefix } : {}) });
  } catch (e) {
    if (e instanceof EntryError) return; // a missing input: the CLI's exit 2
    throw e;
  }
  for (const options of [{}, { comments: true, combine: true, positions: true }]) {
    const payload = toCrossplane(tree, options);
    if (payload.config.length === 0 && !options.combine) fail('crossplane payload lists no file');
    JSON.parse(JSON.stringify(payload));
  }
}

/** Syntax error messages of a text, as a multiset. */
function syntaxErrors(text: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const e of parse(text).errors) counts.set(e.message, (counts.get(e.message) ?? 0) + 1);
  return counts;
}

const errorKey = (f: Finding): string => `${f.ruleId} ${f.file}: ${f.message}`;

/**
 * The fixer's promises: it settles; a changed file had no syntax error and gains none; the text encodes
 * back losslessly in the file's encoding; no error appears that was not there before; a fix it does not
 * apply is dropped with a reason or shown; and a second run over its output changes nothing.
 */
export function checkFix(request: LintRequest, first: LintResult, outcome: FixOutcome, unsafe: boolean): void {
  if (!outcome.converged) {
    const offered = outcome.remaining.findings.filter((f) => f.fix?.applicability === 'safe' || (f.fix?.applicability === 'unsafe' && unsafe));
    fail(`fixes did not settle after the last pass (applied ${outcome.applied.length}); still offered: ${offered.map(where).join('; ')}`);
  }
  checkFindings(outcome.remaining);
  for (const f of outcome.applied) {
    const a = f.fix?.applicability;
    if (!(a === 'safe' || (a === 'unsafe' && unsafe))) fail(`${where(f)}: applied a fix of applicability ${String(a)}`);
  }
  for (const d of outcome.dropped) if (d.reason.trim() === '') fail(`${where(d.finding)}: dropped without a reason`);

  const broken = new Set(first.findings.filter((f) => f.ruleId === 'syntax-error').map((f) => f.file));
  for (const [file, { before, after }] of outcome.changes) {
    const source = first.sources.get(file);
    if (source === undefined) fail(`changed ${file}, which the first lint did not read`);
    if (before !== source.text) fail(`${file}: "before" is not the text that was read`);
    if (broken.has(file)) fail(`${file}: changed a file that has syntax errors`);
    const was = syntaxErrors(before);
    for (const [message, count] of syntaxErrors(after)) {
      if (count > (was.get(message) ?? 0)) fail(`${file}: the fixed text has a new syntax error: ${message}\n--- fixed text ---\n${after}`);
    }
    for (const [eol, other] of [['\r\n', /\r(?!\n)|(?<!\r)\n/], ['\r', /\n/]] as const) {
      if (before.includes(eol) && !other.test(before) && other.test(after)) fail(`${file}: a fix brought other line endings into a file that uses only ${JSON.stringify(eol)}\n--- fixed text ---\n${after}`);
    }
    const back = decode(source.encode(after), file).source.text;
    if (back !== after) fail(`${file}: the fixed text does not survive encoding as ${source.encoding}`);
  }

  const initialErrors = new Set(first.findings.filter((f) => f.severity === 'error').map(errorKey));
  for (const f of outcome.remaining.findings) {
    if (f.severity === 'error' && !initialErrors.has(errorKey(f))) fail(`the fixes brought a new error: ${where(f)}`);
  }

  if (outcome.changes.size === 0) return;
  const fixedBytes = new Map([...outcome.changes].map(([file, { after }]) => [file, (first.sources.get(file) as SourceText).encode(after)]));
  const again = fixFiles({ ...request, host: overlayHost(request.host, fixedBytes) }, { unsafe });
  if (again.changes.size > 0) {
    const [file, change] = [...again.changes][0] as [string, { before: string; after: string }];
    fail(`fixing the fixed text changes it again (${again.applied.map(where).join('; ')}): ${file}\n--- after the first run ---\n${change.before}\n--- after the second ---\n${change.after}`);
  }
}

/** The rules that say nginx would refuse to load a file: a fix must never bring one of their errors. */
const LOAD_RULES = new Set(['syntax-error', 'unknown-directive', 'invalid-arguments', 'directive-not-allowed-here', 'upstream-definition-errors']);
const loadRules = allRules.filter((r) => LOAD_RULES.has(r.name));

/**
 * Each fix offered by the first lint (up to `limit`) to files nginx would load, applied alone, must keep
 * them loadable: no syntax error, unknown directive, directive in the wrong place or bad arguments. The
 * fixer drops such a fix, but an offered fix that writes garbage is a rule bug, and one whose garbage
 * happens to load would be applied. (Where the configuration is already broken a fix may repeat the damage,
 * e.g. by copying an inherited line nginx rejects: that is left to the fixer's own check.)
 */
export function checkEachFix(request: LintRequest, first: LintResult, limit: number): void {
  const texts = new Map([...first.sources].map(([file, source]) => [file, source.text]));
  // By message alone: a fix that copies an inherited line repeats that line's error in another file.
  const loadErrors = (result: LintResult): Set<string> => new Set(result.findings.filter((f) => LOAD_RULES.has(f.ruleId)).map((f) => `${f.ruleId}: ${f.message}`));
  let before: Set<string> | undefined;
  const broken = new Set(first.findings.filter((f) => LOAD_RULES.has(f.ruleId)).map((f) => f.file));
  const fixable = first.findings
    .filter((f) => f.fix !== undefined && f.fix.edits.length > 0 && !f.fix.edits.some((e) => broken.has(e.file)))
    .slice(0, limit);
  for (const f of fixable) {
    const fix = f.fix as NonNullable<Finding['fix']>;
    const after = applyEdits(texts, fix.edits);
    const changed = new Map([...after].filter(([file, text]) => texts.get(file) !== text).map(([file, text]) => [file, (first.sources.get(file) as SourceText).encode(text)]));
    if (changed.size === 0) continue;
    before ??= loadErrors(lint({ ...request, rules: loadRules }));
    const result = lint({ ...request, rules: loadRules, host: overlayHost(request.host, changed) });
    const brought = [...loadErrors(result)].filter((k) => !before?.has(k));
    if (brought.length > 0) {
      const diff = fix.edits.map((e) => `${e.file}@${e.start}-${e.end}: ${JSON.stringify((texts.get(e.file) ?? '').slice(e.start, e.end))} -> ${JSON.stringify(e.text)}`).join('; ');
      fail(`${where(f)}: its ${fix.applicability} fix "${fix.title}" brings ${brought[0]} (edits: ${diff})`);
    }
  }
}
