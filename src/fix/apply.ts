/**
 * Applying fixes: lint, take the applicable fixes in order, skip one that overlaps a fix already taken
 * (it waits for the next pass), apply, re-parse and re-lint, and repeat, at most 10 passes. A pass whose
 * result brings an error that was not there before is retried fix by fix, and the fixes that bring it are
 * dropped and reported. Files with syntax errors are never touched; fixes to files included from several
 * places are shown, not applied. The final text must be stable: linting it offers no further fix.
 */
import { overlayHost, type Host } from '../include/index.js';
import { lint, type LintRequest, type LintResult } from '../engine/lint.js';
import type { Applicability, Edit, Finding } from '../engine/types.js';

export const MAX_PASSES = 10;

export interface FixOptions {
  /** Also apply unsafe fixes (`--unsafe-fixes`). */
  readonly unsafe: boolean;
}

export interface DroppedFix {
  readonly finding: Finding;
  readonly reason: string;
}

export interface FileChange {
  readonly before: string;
  readonly after: string;
  /** The bytes read from disk: a write must find them still there (the file did not change meanwhile). */
  readonly original?: Uint8Array;
}

export interface FixOutcome {
  /** Original and fixed text of every file that changed. */
  readonly changes: ReadonlyMap<string, FileChange>;
  /** The findings whose fixes were applied, in the order they were applied. */
  readonly applied: readonly Finding[];
  readonly dropped: readonly DroppedFix[];
  /** Fixes to files included from several places: shown, not applied. */
  readonly shown: readonly Finding[];
  /** The lint of the final text. */
  readonly remaining: LintResult;
  /** False when fixes were still being offered after the last pass. */
  readonly converged: boolean;
}

const allowed = (a: Applicability, options: FixOptions): boolean => a === 'safe' || (a === 'unsafe' && options.unsafe);

function fixKey(f: Finding): string {
  return `${f.ruleId}\u0000${f.file}\u0000${f.message}\u0000${f.fix?.title ?? ''}`;
}

function errorKeys(result: LintResult): Set<string> {
  return new Set(result.findings.filter((f) => f.severity === 'error').map((f) => `${f.ruleId}\u0000${f.file}\u0000${f.message}`));
}

/** Applies edits to texts; edits must not overlap. */
export function applyEdits(texts: ReadonlyMap<string, string>, edits: readonly Edit[]): Map<string, string> {
  const out = new Map(texts);
  const byFile = new Map<string, Edit[]>();
  for (const e of edits) {
    let list = byFile.get(e.file);
    if (list === undefined) byFile.set(e.file, (list = []));
    list.push(e);
  }
  for (const [file, list] of byFile) {
    let text = out.get(file);
    if (text === undefined) throw new Error(`no text for ${file}`);
    for (const e of [...list].sort((a, b) => b.start - a.start || b.end - a.end)) text = text.slice(0, e.start) + e.text + text.slice(e.end);
    out.set(file, text);
  }
  return out;
}

function overlaps(a: Edit, b: Edit): boolean {
  if (a.file !== b.file) return false;
  // Two insertions at the same point would interleave unpredictably: treat them as overlapping.
  if (a.start === a.end && b.start === b.end) return a.start === b.start;
  return a.start < b.end && b.start < a.end;
}

/**
 * Serves every file as it was first read, so that all passes fix the same texts even while another
 * process (another ngxlint --fix, an editor) changes them on disk; the bytes are kept for the write's check.
 */
function snapshotHost(base: Host): { readonly host: Host; readonly bytes: ReadonlyMap<string, Uint8Array> } {
  const bytes = new Map<string, Uint8Array>();
  const host: Host = {
    readFile: (p) => {
      const key = base.resolve(p);
      let data = bytes.get(key);
      if (data === undefined) bytes.set(key, (data = base.readFile(p)));
      return data;
    },
    stat: (p) => base.stat(p),
    glob: (pattern) => base.glob(pattern),
    resolve: (...segments) => base.resolve(...segments),
    ...(base.realpath !== undefined ? { realpath: (p: string) => base.realpath?.(p) } : {}),
  };
  return { host, bytes };
}

export function fixFiles(given: LintRequest, options: FixOptions): FixOutcome {
  const snapshot = snapshotHost(given.host);
  const request: LintRequest = { ...given, host: snapshot.host };
  const first = lint(request);
  const originals = new Map<string, string>();
  for (const [file, source] of first.sources) originals.set(file, source.text);
  const encode = (file: string, text: string): Uint8Array => {
    const source = first.sources.get(file);
    return source ? source.encode(text) : Buffer.from(text, 'utf8');
  };
  /** Files that had a syntax error to begin with: never written. */
  const broken = new Set(first.findings.filter((f) => f.ruleId === 'syntax-error').map((f) => f.file));

  let texts = new Map<string, string>();
  let current = first;
  const applied: Finding[] = [];
  const dropped: DroppedFix[] = [];
  const droppedKeys = new Set<string>();
  const shown = new Map<string, Finding>();
  let converged = false;

  const relint = (t: ReadonlyMap<string, string>): LintResult => lint({ ...request, host: overlayHost(request.host, new Map([...t].map(([file, text]) => [file, encode(file, text)]))) });
  const textOf = (t: ReadonlyMap<string, string>, file: string): string => t.get(file) ?? (originals.get(file) as string);

  // One pass more than MAX_PASSES only checks that nothing is left to fix.
  for (let pass = 1; pass <= MAX_PASSES + 1; pass++) {
    const candidates = current.findings
      .filter((f) => f.fix !== undefined && allowed(f.fix.applicability, options) && f.fix.edits.length > 0 && !droppedKeys.has(fixKey(f)))
      .filter((f) => {
        const files = (f.fix as NonNullable<Finding['fix']>).edits.map((e) => e.file);
        if (files.some((file) => broken.has(file) || !originals.has(file))) return false;
        if (files.some((file) => current.multiIncluded.has(file))) {
          shown.set(fixKey(f), f);
          return false;
        }
        return true;
      })
      .sort((a, b) => ((a.fix as NonNullable<Finding['fix']>).edits[0] as Edit).start - ((b.fix as NonNullable<Finding['fix']>).edits[0] as Edit).start);
    if (candidates.length === 0) {
      converged = true;
      break;
    }
    if (pass > MAX_PASSES) break;
    const taken: Finding[] = [];
    const takenEdits: Edit[] = [];
    for (const f of candidates) {
      const edits = (f.fix as NonNullable<Finding['fix']>).edits;
      if (edits.some((e) => takenEdits.some((t) => overlaps(e, t)))) continue;
      taken.push(f);
      takenEdits.push(...edits);
    }
    const baseline = errorKeys(current);
    const withTexts = (fixes: readonly Finding[], onto: ReadonlyMap<string, string>): Map<string, string> => {
      const edits = fixes.flatMap((f) => (f.fix as NonNullable<Finding['fix']>).edits);
      const files = new Map<string, string>();
      for (const e of edits) files.set(e.file, textOf(onto, e.file));
      const next = new Map(onto);
      for (const [file, text] of applyEdits(files, edits)) next.set(file, text);
      return next;
    };
    const regressions = (result: LintResult): string[] => [...errorKeys(result)].filter((k) => !baseline.has(k));

    let next = withTexts(taken, texts);
    let result = relint(next);
    if (regressions(result).length === 0) {
      applied.push(...taken);
    } else {
      // Find the fixes that bring new errors: add them one by one. Every fix's offsets are into this pass's
      // texts, so each attempt applies the fixes kept so far together with the next one onto those texts.
      next = texts;
      result = current;
      const kept: Finding[] = [];
      for (const f of taken) {
        const attempt = withTexts([...kept, f], texts);
        const attemptResult = relint(attempt);
        const bad = regressions(attemptResult);
        if (bad.length === 0) {
          next = attempt;
          result = attemptResult;
          kept.push(f);
          applied.push(f);
        } else {
          droppedKeys.add(fixKey(f));
          dropped.push({ finding: f, reason: `the fix would bring a new error: ${(bad[0] as string).split('\u0000').slice(-1)[0]}` });
        }
      }
    }
    texts = next;
    current = result;
  }

  const changes = new Map<string, FileChange>();
  for (const [file, after] of texts) {
    const before = originals.get(file) as string;
    const original = snapshot.bytes.get(given.host.resolve(file));
    if (after !== before) changes.set(file, { before, after, ...(original !== undefined ? { original } : {}) });
  }
  return { changes, applied, dropped, shown: [...shown.values()], remaining: current, converged };
}
