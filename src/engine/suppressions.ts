/**
 * Inline suppression comments, ESLint-style, written as nginx `#` comments:
 *
 *   # ngxlint-disable-next-line rule-a, rule-b -- reason   findings starting on the next line
 *   proxy_pass http://a;  # ngxlint-disable-line rule-a    findings starting on the comment's own line
 *   # ngxlint-disable rule-a  ...  # ngxlint-enable rule-a  findings starting between the two (or to EOF)
 *   # ngxlint-disable-file rule-a                          the whole file
 *
 * Rule names are separated by commas and/or whitespace; none means every rule. Text after ` -- ` is the
 * reason (kept, never required). Whitespace after `#` is optional; the keyword must come first in the
 * comment and be followed by whitespace or the end of the comment (`# ngxlint-disabled` is an ordinary
 * comment). Keywords are case-sensitive.
 *
 * Decisions:
 * - Lines are textual: `disable-next-line` means the comment's line + 1 even when that line is blank or a
 *   comment; `disable-line` works on inline comments and on comments between a directive's name and its
 *   `;` alike. A finding is matched by its start (`finding.start.line`, `finding.start.offset`), so a
 *   multi-line finding is suppressed by a comment naming the line it starts on.
 * - Ranges are by position, not by block: a `disable` inside a `server { }` stays in force after the `}`
 *   until a matching `enable` or the end of the file. A finding is inside the range when its start offset
 *   is after the start of the `disable` comment and not after the start of the `enable` comment.
 *   `enable rule-a` after a nameless `disable` re-enables only rule-a; a nameless `enable` re-enables all.
 * - Comments apply only to the file they are in: `files` is keyed by path and a finding's `.file` selects
 *   the comments; findings of files not in the map are kept as they are.
 * - `syntax-error` findings are never suppressed (like ESLint's fatal parse errors), by name or without.
 * - Each suppressed finding is credited to one comment (rule name): the most specific that applies —
 *   `disable-line`/`disable-next-line`, then the latest range `disable` in force, then `disable-file`. So a
 *   comment made redundant by another one is reported as unused, as ESLint does.
 * - Problems (ruleId `suppression`) are never themselves suppressed: `unknownRule` (always, severity
 *   error) for each name not in `knownRules`, in any kind of comment including `enable`; `unused` (only with
 *   `reportUnused`) for each known rule name of a disable comment that suppressed nothing, or once for a
 *   nameless disable comment that suppressed nothing. `enable` comments are never reported as unused.
 *   Problems point at the rule name when there is one, else at the whole comment; they come ordered by
 *   file (the map's order), then by offset.
 * - Comments inside `*_by_lua_block` bodies and inside blocks nested past the parser's depth limit are
 *   opaque text, not comments, so they never suppress anything.
 */
import type { Comment, Config, Node } from '../parser/ast.js';
import type { SourceText, Span } from '../source/index.js';
import type { Finding, Severity } from './types.js';

export type SuppressionKind = 'disable-next-line' | 'disable-line' | 'disable' | 'enable' | 'disable-file';

export interface SuppressionComment {
  readonly kind: SuppressionKind;
  /** Rule names in the order written, without duplicates; empty means every rule. */
  readonly rules: readonly string[];
  /** Where each of `rules` is written (same order), for pointing problems at one name. */
  readonly ruleSpans: readonly Span[];
  /** Text after ` -- `, trimmed; undefined when absent or empty. */
  readonly reason: string | undefined;
  readonly file: string;
  /** The comment's span, `#` included. */
  readonly span: Span;
  /** 1-based line and column of the `#`. */
  readonly line: number;
  readonly column: number;
}

export interface SuppressionResult {
  /** Findings not suppressed, in input order. */
  readonly kept: Finding[];
  /** Suppressed findings, in input order. */
  readonly suppressed: Finding[];
  /** Findings about the comments themselves (ruleId `suppression`). */
  readonly problems: Finding[];
}

export interface SuppressionOptions {
  /** Report disable comments (or rule names in them) that suppressed nothing. */
  readonly reportUnused: boolean;
  /** Rule names a comment may name; any other name is reported as unknown. */
  readonly knownRules: ReadonlySet<string>;
  /** Severity of `unused` problems; default `warning`. */
  readonly unusedSeverity?: Severity;
}

export const SUPPRESSION_RULE_ID = 'suppression';
/** Findings of these rules are never suppressed. */
const UNSUPPRESSIBLE: ReadonlySet<string> = new Set(['syntax-error']);

const KEYWORD = /^[ \t]*ngxlint-(disable-next-line|disable-line|disable-file|disable|enable)(?=[\s]|$)/;

/**
 * Whether `ngxlint-` occurs in the text. Searched as `lint-` and then checked backwards: V8 finds a string
 * of fewer than 7 characters by a plain scan that is several times faster on configuration text.
 */
function mentionsKeyword(text: string): boolean {
  for (let at = text.indexOf('lint-', 3); at !== -1; at = text.indexOf('lint-', at + 1)) {
    if (text.startsWith('ngx', at - 3)) return true;
  }
  return false;
}
const REASON_SEPARATOR = /(?:^|\s)--(?:\s|$)/;
const RULE_NAME = /[^\s,]+/g;

/**
 * Parses one comment's text (after the `#`). Returns undefined for an ordinary comment. `textStart` is the
 * offset of the text in the file, used for the rule names' spans.
 */
function parseCommentText(text: string, textStart: number): Pick<SuppressionComment, 'kind' | 'rules' | 'ruleSpans' | 'reason'> | undefined {
  const match = KEYWORD.exec(text);
  if (match === null) return undefined;
  const kind = match[1] as SuppressionKind;
  const restStart = match[0].length;
  let rest = text.slice(restStart);
  let reason: string | undefined;
  const separator = REASON_SEPARATOR.exec(rest);
  if (separator !== null) {
    const trimmed = rest.slice(separator.index + separator[0].length).trim();
    reason = trimmed === '' ? undefined : trimmed;
    rest = rest.slice(0, separator.index);
  }
  const rules: string[] = [];
  const ruleSpans: Span[] = [];
  const seen = new Set<string>();
  for (const name of rest.matchAll(RULE_NAME)) {
    if (seen.has(name[0])) continue;
    seen.add(name[0]);
    rules.push(name[0]);
    const start = textStart + restStart + name.index;
    ruleSpans.push({ start, end: start + name[0].length });
  }
  return { kind, rules, ruleSpans, reason };
}

/** Every suppression comment of a parsed file (top level, in blocks, between a name and its `;`), by offset. */
export function collectSuppressions(ast: Config): SuppressionComment[] {
  const out: SuppressionComment[] = [];
  // Every keyword has this prefix, and comments are text of the file: most files need no walk at all.
  if (!mentionsKeyword(ast.source.text)) return out;
  const add = (comment: Comment): void => {
    // The comment's text starts after the `#`.
    const parsed = parseCommentText(comment.text, comment.span.start + 1);
    if (parsed === undefined) return;
    const pos = ast.source.positionAt(comment.span.start);
    out.push({ ...parsed, file: ast.file, span: comment.span, line: pos.line, column: pos.column });
  };
  const stack: (readonly Node[])[] = [ast.children];
  while (stack.length > 0) {
    const nodes = stack.pop() as readonly Node[];
    for (const node of nodes) {
      if (node.type === 'comment') add(node);
      else if (node.type === 'directive') {
        for (const comment of node.innerComments) add(comment);
        if (node.block !== null) stack.push(node.block);
      }
    }
  }
  return out.sort((a, b) => a.span.start - b.span.start);
}

/** A comment's credit key: the comment and one of its rule names ('' for a nameless comment). */
interface Credit {
  readonly comment: SuppressionComment;
  readonly rule: string;
}

/** The suppression comments of one file, indexed for lookup. */
class FileSuppressions {
  /** disable-line comments by their line; disable-next-line comments by the line they target. */
  private readonly byLine = new Map<number, SuppressionComment[]>();
  /** disable and enable comments by offset. */
  private readonly ranges: SuppressionComment[] = [];
  private readonly fileWide: SuppressionComment[] = [];

  constructor(readonly comments: readonly SuppressionComment[]) {
    for (const c of comments) {
      switch (c.kind) {
        case 'disable-line':
        case 'disable-next-line': {
          const line = c.kind === 'disable-line' ? c.line : c.line + 1;
          const list = this.byLine.get(line);
          if (list) list.push(c);
          else this.byLine.set(line, [c]);
          break;
        }
        case 'disable':
        case 'enable':
          this.ranges.push(c);
          break;
        case 'disable-file':
          this.fileWide.push(c);
          break;
      }
    }
  }

  /** The comment credited with suppressing a finding, or undefined when none applies. */
  find(finding: Finding): Credit | undefined {
    const rule = finding.ruleId;
    const lineComments = this.byLine.get(finding.start.line);
    if (lineComments) {
      // The latest comment on the line wins (there are at most a few).
      for (let i = lineComments.length - 1; i >= 0; i--) {
        const credit = creditFor(lineComments[i] as SuppressionComment, rule);
        if (credit) return credit;
      }
    }
    const ranged = this.rangeCredit(finding.start.offset, rule);
    if (ranged) return ranged;
    for (let i = this.fileWide.length - 1; i >= 0; i--) {
      const credit = creditFor(this.fileWide[i] as SuppressionComment, rule);
      if (credit) return credit;
    }
    return undefined;
  }

  /** Replays disable/enable comments that start before `offset` and says which disable is in force for `rule`. */
  private rangeCredit(offset: number, rule: string): Credit | undefined {
    // Which comment disabled the rule by name, and which disabled everything (unless re-enabled by name).
    let byName: SuppressionComment | undefined;
    let all: SuppressionComment | undefined;
    let allExceptRule = false;
    for (const c of this.ranges) {
      if (c.span.start >= offset) break;
      const names = c.rules.length === 0 || c.rules.includes(rule);
      if (c.kind === 'disable') {
        if (c.rules.length === 0) {
          all = c;
          allExceptRule = false;
        } else if (names) {
          byName = c;
          allExceptRule = false;
        }
      } else if (c.rules.length === 0) {
        all = undefined;
        byName = undefined;
        allExceptRule = false;
      } else if (names) {
        byName = undefined;
        allExceptRule = true;
      }
    }
    const allInForce = all !== undefined && !allExceptRule ? all : undefined;
    const winner = byName !== undefined && (allInForce === undefined || byName.span.start > allInForce.span.start) ? byName : allInForce;
    return winner === undefined ? undefined : { comment: winner, rule: winner.rules.length === 0 ? '' : rule };
  }
}

function creditFor(comment: SuppressionComment, rule: string): Credit | undefined {
  if (comment.rules.length === 0) return { comment, rule: '' };
  return comment.rules.includes(rule) ? { comment, rule } : undefined;
}

function problem(source: SourceText, file: string, span: Span, severity: Severity, messageId: string, message: string): Finding {
  return {
    ruleId: SUPPRESSION_RULE_ID,
    severity,
    messageId,
    message,
    file,
    span,
    start: source.positionAt(span.start),
    end: source.positionAt(span.end),
    related: [],
    fix: undefined,
  };
}

/**
 * Splits findings into kept and suppressed by the suppression comments of the files they are in, and
 * reports problems with the comments themselves. `files` is keyed by path, the same paths as `Finding.file`.
 */
export function applySuppressions(findings: readonly Finding[], files: ReadonlyMap<string, Config>, options: SuppressionOptions): SuppressionResult {
  const perFile = new Map<string, FileSuppressions>();
  for (const [file, ast] of files) {
    const comments = collectSuppressions(ast);
    if (comments.length > 0) perFile.set(file, new FileSuppressions(comments));
  }

  const kept: Finding[] = [];
  const suppressed: Finding[] = [];
  /** Credited rule names ('' for nameless) per comment. */
  const used = new Map<SuppressionComment, Set<string>>();
  for (const finding of findings) {
    const suppressions = UNSUPPRESSIBLE.has(finding.ruleId) ? undefined : perFile.get(finding.file);
    const credit = suppressions?.find(finding);
    if (credit === undefined) {
      kept.push(finding);
      continue;
    }
    suppressed.push(finding);
    const names = used.get(credit.comment);
    if (names) names.add(credit.rule);
    else used.set(credit.comment, new Set([credit.rule]));
  }

  const problems: Finding[] = [];
  const unusedSeverity = options.unusedSeverity ?? 'warning';
  for (const [file, ast] of files) {
    const suppressions = perFile.get(file);
    if (suppressions === undefined) continue;
    const here: Finding[] = [];
    for (const c of suppressions.comments) {
      const names = used.get(c);
      if (c.rules.length === 0) {
        if (options.reportUnused && c.kind !== 'enable' && names === undefined) {
          here.push(problem(ast.source, c.file, c.span, unusedSeverity, 'unused', `unused ngxlint-${c.kind} directive (no problems were reported)`));
        }
        continue;
      }
      c.rules.forEach((rule, i) => {
        const span = c.ruleSpans[i] ?? c.span;
        if (!options.knownRules.has(rule)) {
          here.push(problem(ast.source, c.file, span, 'error', 'unknownRule', `unknown rule "${rule}" in ngxlint-${c.kind} comment`));
        } else if (options.reportUnused && c.kind !== 'enable' && !names?.has(rule)) {
          here.push(problem(ast.source, c.file, span, unusedSeverity, 'unused', `unused ngxlint-${c.kind} directive (no problems were reported for "${rule}")`));
        }
      });
    }
    problems.push(...here.sort((a, b) => a.span.start - b.span.start));
  }
  return { kept, suppressed, problems };
}
