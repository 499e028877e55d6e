/**
 * Small helpers shared by the backend readers: line splitting with positions, sources, placeholders,
 * numbers. Nothing here touches the filesystem.
 */

import * as path from 'node:path';
import type { BackendSource, Sourced } from '../types.js';

/** One physical line; `text` has no line ending. */
export interface PhysicalLine {
  readonly text: string;
  /** 1-based. */
  readonly number: number;
}

/** Splits on `\r\n`, `\r` and `\n`, like SourceText. A leading BOM stays in line 1 (it counts as a column). */
export function physicalLines(text: string): PhysicalLine[] {
  return text.split(/\r\n|\r|\n/).map((t, i) => ({ text: t, number: i + 1 }));
}

/** A character's place in the file. */
export interface CharPos {
  readonly line: number;
  /** 1-based column. */
  readonly column: number;
}

/** A run of a logical line copied from one physical line. */
interface Segment {
  /** Offset in the logical text where the run starts. */
  readonly at: number;
  readonly line: number;
  /** 1-based column of the run's first character. */
  readonly column: number;
}

/**
 * A logical line: physical lines joined at trailing backslashes (the backslash becomes a space, as
 * systemd does; Apache drops it, which only matters inside a word). {@link posAt} tells where a character
 * of `text` was written.
 */
export interface LogicalLine {
  readonly text: string;
  readonly segments: readonly Segment[];
  readonly firstLine: number;
  readonly lastLine: number;
}

export interface LogicalLineOptions {
  /** Join lines ending in a backslash with the next one. */
  readonly continuation: boolean;
  /** Whether a (trimmed) line is a comment; comment lines inside a continuation are skipped. */
  readonly isComment: (trimmed: string) => boolean;
}

export function logicalLines(text: string, options: LogicalLineOptions): LogicalLine[] {
  const lines = physicalLines(text);
  const out: LogicalLine[] = [];
  let i = 0;
  while (i < lines.length) {
    const first = lines[i] as PhysicalLine;
    i++;
    if (!options.continuation || options.isComment(first.text.trim()) || !endsWithContinuation(first.text)) {
      out.push({ text: first.text, segments: [{ at: 0, line: first.number, column: 1 }], firstLine: first.number, lastLine: first.number });
      continue;
    }
    let joined = '';
    const segments: Segment[] = [];
    let current: PhysicalLine = first;
    for (;;) {
      const t = current.text;
      const continued = endsWithContinuation(t);
      const body = continued ? t.slice(0, t.lastIndexOf('\\')) : t;
      segments.push({ at: joined.length, line: current.number, column: 1 });
      joined += body;
      if (!continued) break;
      joined += ' ';
      // Skip comment lines inside a continuation (systemd does; harmless elsewhere).
      while (i < lines.length && (lines[i] as PhysicalLine).text.trim() !== '' && options.isComment((lines[i] as PhysicalLine).text.trim())) i++;
      const next = lines[i];
      if (next === undefined) break;
      current = next;
      i++;
    }
    out.push({ text: joined, segments, firstLine: first.number, lastLine: current.number });
  }
  return out;
}

/** Where character `index` of a logical line was written (the end of the text maps just past it). */
export function posAt(ll: LogicalLine, index: number): CharPos {
  let seg = ll.segments[0] as Segment;
  for (const s of ll.segments) {
    if (s.at <= index) seg = s;
    else break;
  }
  return { line: seg.line, column: seg.column + index - seg.at };
}

/** The line ends in an odd number of backslashes (trailing blanks allowed). */
function endsWithContinuation(text: string): boolean {
  let end = text.length;
  while (end > 0 && (text[end - 1] === ' ' || text[end - 1] === '\t')) end--;
  let n = 0;
  while (end - n > 0 && text[end - n - 1] === '\\') n++;
  return n % 2 === 1;
}

/** The source of `text.slice(start, end)` of a logical line. A range crossing lines ends at its first line's last non-blank character. */
export function logicalSource(file: string, ll: LogicalLine, start: number, end: number): BackendSource {
  const from = posAt(ll, start);
  if (end <= start) return { file, line: from.line, column: from.column, endColumn: from.column };
  const to = posAt(ll, end - 1);
  if (to.line === from.line) return { file, line: from.line, column: from.column, endColumn: to.column + 1 };
  // The value continues on a later line: end at the last non-blank character written on the first line.
  let k = start;
  while (k + 1 < end && posAt(ll, k + 1).line === from.line) k++;
  while (k > start && /\s/.test(ll.text[k] as string)) k--;
  return { file, line: from.line, column: from.column, endColumn: posAt(ll, k).column + 1 };
}

/** A source on one line, from 0-based `start` to `end` (exclusive) of that line's text. */
export function lineSource(file: string, line: number, start: number, end: number): BackendSource {
  return { file, line, column: start + 1, endColumn: end + 1 };
}

export function sourced<T>(value: T, source: BackendSource, symbolic = false): Sourced<T> {
  return symbolic ? { value, source, symbolic: true } : { value, source };
}

const PLACEHOLDER = /\$\{[^}]*\}|@\{[^}]*\}|\{\{.*?\}\}/;
const PLACEHOLDER_GLOBAL = /\$\{[^}]*\}|@\{[^}]*\}|\{\{.*?\}\}/g;

/** `${ENV}`, `@{VAR}` (Cloud Foundry buildpacks) or `{{ var }}` (templates) in a value. */
export function hasPlaceholder(text: string): boolean {
  return PLACEHOLDER.test(text);
}

/** The value with every placeholder removed (to classify what is left). */
export function withoutPlaceholders(text: string): string {
  return text.replace(PLACEHOLDER_GLOBAL, '');
}

/** A non-negative decimal integer, or undefined. */
export function parseDecimal(text: string): number | undefined {
  if (!/^[0-9]+$/.test(text)) return undefined;
  const n = Number(text);
  return Number.isSafeInteger(n) ? n : undefined;
}

/** An integer with an optional minus sign, or undefined. */
export function parseInteger(text: string): number | undefined {
  if (!/^-?[0-9]+$/.test(text)) return undefined;
  const n = Number(text);
  return Number.isSafeInteger(n) ? n : undefined;
}

/** An octal file mode (`0660`, `660`, `0o660`), or undefined. */
export function parseOctalMode(text: string): number | undefined {
  const t = text.startsWith('0o') || text.startsWith('0O') ? text.slice(2) : text;
  if (!/^[0-7]{1,6}$/.test(t)) return undefined;
  return parseInt(t, 8);
}

/** A TCP port 1..65535, or undefined. */
export function parsePort(text: string): number | undefined {
  const n = parseDecimal(text);
  return n !== undefined && n >= 1 && n <= 65535 ? n : undefined;
}

/** systemd's boolean words (`parse_boolean()`), or undefined. */
export function parseSystemdBoolean(text: string): boolean | undefined {
  const t = text.toLowerCase();
  if (['1', 'yes', 'y', 'true', 't', 'on'].includes(t)) return true;
  if (['0', 'no', 'n', 'false', 'f', 'off'].includes(t)) return false;
  return undefined;
}

/** A path joined to a base directory and normalised (POSIX), unless it is already absolute. */
export function resolveAgainst(base: string, target: string): string {
  return path.posix.normalize(target.startsWith('/') ? target : path.posix.join(base, target));
}

export function dirnameOf(file: string): string {
  return path.posix.dirname(file.replace(/\\/g, '/'));
}

export function basenameOf(file: string): string {
  return path.posix.basename(file.replace(/\\/g, '/'));
}

/** Under /tmp or /var/tmp (what systemd's PrivateTmp= hides from other units). */
export function isUnderTmp(socketPath: string): boolean {
  const p = path.posix.normalize(socketPath);
  return p.startsWith('/tmp/') || p.startsWith('/var/tmp/');
}

/** A tcp address's host as a Listener takes it: `*`, `` and the bracket-less IPv6 form. */
export function normalizeHost(host: string): string | undefined {
  const h = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  return h === '' || h === '*' ? undefined : h;
}

export interface HostPort {
  readonly host?: string;
  readonly port?: number;
  readonly symbolic?: boolean;
}

/**
 * `port`, `host:port`, `*:port`, `[v6]:port` (the host is split at the last `:`). A host or port written
 * with placeholders is left undefined and the result is symbolic. `defaultPort` applies when there is no
 * `:port` part and the text is not all digits (a bare host). Returns undefined for a bad port, or for a
 * bare host without a default port.
 */
export function parseHostPort(text: string, options: { readonly defaultPort?: number; readonly symbolic?: boolean } = {}): HostPort | undefined {
  const symbolic = options.symbolic ?? hasPlaceholder(text);
  const sym = symbolic ? { symbolic: true } : {};
  const known = symbolic ? withoutPlaceholders(text) : text;
  if (/^[0-9]*$/.test(known) && !text.includes(':')) {
    if (symbolic) return { ...sym };
    const port = parsePort(text);
    return port === undefined ? undefined : { port };
  }
  let hostText: string;
  let portText: string | undefined;
  if (text.startsWith('[')) {
    const close = text.indexOf(']');
    if (close < 0) return undefined;
    hostText = text.slice(0, close + 1);
    const rest = text.slice(close + 1);
    if (rest === '') portText = undefined;
    else if (rest.startsWith(':')) portText = rest.slice(1);
    else return undefined;
  } else {
    const colon = text.lastIndexOf(':');
    hostText = colon < 0 ? text : text.slice(0, colon);
    portText = colon < 0 ? undefined : text.slice(colon + 1);
  }
  const hostSymbolic = symbolic && hasPlaceholder(hostText);
  const host = hostSymbolic ? undefined : normalizeHost(hostText);
  let port: number | undefined;
  if (portText === undefined) {
    if (options.defaultPort === undefined) return undefined;
    port = options.defaultPort;
  } else if (symbolic && hasPlaceholder(portText)) {
    port = undefined;
  } else {
    port = parsePort(portText);
    if (port === undefined) return undefined;
  }
  return { ...(host !== undefined ? { host } : {}), ...(port !== undefined ? { port } : {}), ...sym };
}
