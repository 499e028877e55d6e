/**
 * Helpers shared by the reporters: path display, grouping and ordering of findings, and making text safe
 * to print on a terminal.
 */
import path from 'node:path';
import type { Finding, Point } from '../engine/types.js';
import type { SourceText } from '../source/index.js';
import type { ReportContext } from './index.js';

/** Names such as `<stdin>` or `<input>` that stand for text with no file; printed as they are. */
export function isPseudoPath(file: string): boolean {
  return file.startsWith('<') && file.endsWith('>');
}

/** The absolute form of a finding's file (relative names are taken relative to ctx.cwd). */
export function absolutePath(file: string, cwd: string): string {
  // Reporters ask for the same file many times in a row (each finding, its edits, its related places).
  if (file === lastAbsolute.file && cwd === lastAbsolute.cwd) return lastAbsolute.abs;
  const abs = isPseudoPath(file) ? file : path.resolve(cwd, file);
  // A relative cwd resolves against the process's working directory, which may change: not remembered.
  if (path.isAbsolute(cwd)) lastAbsolute = { file, cwd, abs };
  return abs;
}
let lastAbsolute = { file: '', cwd: '', abs: '' };

/**
 * The path CI services expect: relative to cwd with `/` separators when the file is inside cwd (the checkout),
 * else absolute (a file no repository view can show, such as /etc/nginx/mime.types).
 */
export function repoPath(file: string, cwd: string): string {
  if (isPseudoPath(file)) return file;
  const rel = path.relative(cwd, path.resolve(cwd, file));
  if (rel === '' || rel === '..' || rel.startsWith(`..${path.sep}`) || path.isAbsolute(rel)) return path.resolve(cwd, file);
  return rel.split(path.sep).join('/');
}

/** The path as printed: relative to cwd (with `../` when outside it). */
export function displayPath(file: string, cwd: string): string {
  if (isPseudoPath(file)) return file;
  const abs = path.resolve(cwd, file);
  return path.relative(cwd, abs) || abs;
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Source order within a file; ties broken by rule id and message so that output never depends on input order. */
export function compareFindings(a: Finding, b: Finding): number {
  return (
    a.start.line - b.start.line ||
    a.start.column - b.start.column ||
    a.end.line - b.end.line ||
    a.end.column - b.end.column ||
    compareStrings(a.ruleId, b.ruleId) ||
    compareStrings(a.message, b.message)
  );
}

export interface FileGroup {
  /** Absolute path (or a pseudo-path such as `<stdin>`). */
  readonly file: string;
  /** Key to look the file's source up by: the name as the findings spelled it. */
  readonly key: string;
  readonly findings: readonly Finding[];
}

/** Findings grouped by file, files ordered by absolute path, findings by position. */
export function groupFindings(findings: readonly Finding[], cwd: string): FileGroup[] {
  const groups = new Map<string, { key: string; findings: Finding[] }>();
  for (const finding of findings) {
    const abs = absolutePath(finding.file, cwd);
    let group = groups.get(abs);
    if (group === undefined) {
      group = { key: finding.file, findings: [] };
      groups.set(abs, group);
    }
    group.findings.push(finding);
  }
  return [...groups.entries()]
    .sort(([a], [b]) => compareStrings(a, b))
    .map(([file, group]) => ({ file, key: group.key, findings: group.findings.sort(compareFindings) }));
}

/** Findings in report order: files by absolute path, findings by position (groupFindings, flattened). */
export function sortedFindings(findings: readonly Finding[], cwd: string): Finding[] {
  return groupFindings(findings, cwd).flatMap((group) => group.findings);
}

/** The last line a span covers: a span that ends at the start of a line (after a line break) ends on the line before. */
export function lastLine(start: Point, end: Point): number {
  return end.line > start.line && end.column === 1 ? end.line - 1 : Math.max(start.line, end.line);
}

export function sortPaths(paths: Iterable<string>): string[] {
  return [...paths].sort(compareStrings);
}

/** A file's source, looked up by the name the finding used, then by its absolute path. */
export function findSource(ctx: ReportContext, key: string, abs: string): SourceText | undefined {
  return ctx.sources.get(key) ?? ctx.sources.get(abs);
}

/**
 * Control characters (other than tab and newline) replaced by their visible Control Pictures (`␛` for ESC),
 * so that a config or message cannot send escape sequences to the terminal. One code unit each, so carets
 * still line up.
 */
export function visible(text: string): string {
  return text.replace(/[\u0000-\u0008\u000b-\u001f\u007f\u009b]/g, controlPicture);
}

/** A path on one line: every control character, tab and line breaks included, as its visible symbol. */
export function visiblePath(file: string): string {
  return file.replace(/[\u0000-\u001f\u007f\u009b]/g, controlPicture);
}

function controlPicture(ch: string): string {
  const code = ch.charCodeAt(0);
  if (code === 0x7f) return '\u2421';
  if (code === 0x9b) return '\ufffd';
  return String.fromCharCode(0x2400 + code);
}

/** Text on one line: runs of whitespace containing line breaks or tabs collapse to one space, then {@link visible}. */
export function oneLine(text: string): string {
  return visible(text.replace(/[ \t]*(?:\r\n|\r|\n|\t)[ \t\r\n]*/g, ' '));
}

export function plural(count: number, singular: string, pluralForm = `${singular}s`): string {
  return `${count} ${count === 1 ? singular : pluralForm}`;
}
