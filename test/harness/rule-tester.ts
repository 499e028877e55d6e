/**
 * RuleTester, after ESLint's: `valid` cases must produce no finding of the rule, `invalid` cases exactly the
 * listed findings (messageId and full start/end position). Fails when a messageId of the rule is never
 * exercised by an invalid case, and when an expected error lacks its end position.
 *
 * A case is either `code` (the main file, /etc/nginx/nginx.conf) or `files` (paths relative to /etc/nginx
 * unless absolute; `entry` names the main file, default nginx.conf), read through an in-memory host.
 */
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createMemoryHost, loadConfig } from '../../src/include/index.js';
import { lintTree } from '../../src/engine/runner.js';
import { fixFiles } from '../../src/fix/index.js';
import { loadBackends } from '../../src/backends/index.js';
import { NginxVersion, type ContextName } from '../../src/model/index.js';
import { resolveConfig } from '../../src/engine/config.js';
import { ruleInfos } from '../../src/cli/lint-command.js';
import type { AnyRule } from '../../src/engine/rule.js';
import type { Finding } from '../../src/engine/types.js';
import type { HostState, ProbeResult } from '../../src/probe/index.js';

const PREFIX = '/etc/nginx';

export interface ValidCase {
  readonly name?: string;
  readonly code?: string;
  readonly files?: Readonly<Record<string, string>>;
  readonly entry?: string;
  readonly options?: Readonly<Record<string, unknown>>;
  readonly nginxVersion?: string;
  readonly rootContext?: ContextName;
  readonly extraDirectives?: readonly string[];
  /** Backend files to read (paths as in `files`), like --backend. */
  readonly backends?: readonly string[];
  /** Like --root: standard backend locations are looked for under this (in-memory) directory. */
  readonly root?: string;
  /** `--probe` results the rule sees, by address (`127.0.0.1:9000`, `unix:/path`); default: no probe. */
  readonly probes?: ReadonlyMap<string, ProbeResult> | readonly ProbeResult[];
  /** Host state as --probe reads it (SELinux). */
  readonly hostState?: HostState;
}

export interface ExpectedError {
  readonly messageId: string;
  readonly line: number;
  readonly column: number;
  readonly endLine: number;
  readonly endColumn: number;
  /** Path relative to /etc/nginx (or absolute); default: the entry file. */
  readonly file?: string;
  /** The full formatted message, when the case wants to check it. */
  readonly message?: string;
}

export interface InvalidCase extends ValidCase {
  readonly errors: readonly ExpectedError[];
  /**
   * The text after applying the rule's fixes until they settle (`--fix`, with `--unsafe-fixes` unless
   * `unsafe: false`): the entry file's text, or texts by path for multi-file cases. `null`: no change.
   */
  readonly output?: string | Readonly<Record<string, string>> | null;
  readonly unsafe?: boolean;
}

export interface RuleTests {
  readonly valid: readonly (ValidCase | string)[];
  readonly invalid: readonly InvalidCase[];
}

function probesOf(c: ValidCase): ReadonlyMap<string, ProbeResult> | undefined {
  if (c.probes === undefined) return undefined;
  return Array.isArray(c.probes) ? new Map((c.probes as readonly ProbeResult[]).map((r) => [r.key, r])) : (c.probes as ReadonlyMap<string, ProbeResult>);
}

function abs(file: string): string {
  return path.posix.isAbsolute(file) ? file : path.posix.join(PREFIX, file);
}

/** Lints one case with only `rule` enabled and returns its findings, sorted by file and position. */
export function lintCase(rule: AnyRule, c: ValidCase): Finding[] {
  const files = c.files ?? { 'nginx.conf': c.code ?? '' };
  if (c.files === undefined && c.code === undefined) throw new Error('a case needs `code` or `files`');
  const host = createMemoryHost(Object.fromEntries(Object.entries(files).map(([k, v]) => [abs(k), v])));
  const tree = loadConfig(abs(c.entry ?? 'nginx.conf'), { host, prefix: PREFIX });
  // Options go through the same validation as a config file's.
  const config = resolveConfig({ extends: [], rules: { [rule.name]: ['error', c.options ?? {}] } }, { rules: ruleInfos([rule]), baseDir: '/' });
  const setting = config.rules.get(rule.name);
  if (setting === undefined) throw new Error(`rule ${rule.name} did not resolve`);
  const { findings } = lintTree(tree, {
    rules: [{ rule, severity: rule.severity, options: setting.options }],
    rootContext: c.rootContext ?? 'main',
    version: () => NginxVersion.parse(c.nginxVersion ?? '1.30.0', 'option') as NginxVersion,
    extraDirectives: new Set(c.extraDirectives ?? []),
    backends: () => loadBackends({ host, explicit: (c.backends ?? []).map(abs), root: c.root, near: [PREFIX] }),
    probes: probesOf(c),
    hostState: c.hostState ?? {},
  });
  return findings
    .filter((f) => f.ruleId === rule.name || f.ruleId === 'internal-error')
    .sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.span.start - b.span.start || a.span.end - b.span.end));
}

/** Applies the rule's fixes to a case; returns every file's final text (by path relative to /etc/nginx). */
export function fixCase(rule: AnyRule, c: ValidCase, unsafe = true): { texts: Record<string, string>; converged: boolean } {
  const files = c.files ?? { 'nginx.conf': c.code ?? '' };
  const host = createMemoryHost(Object.fromEntries(Object.entries(files).map(([k, v]) => [abs(k), v])));
  const config = resolveConfig({ extends: [], rules: { [rule.name]: ['error', c.options ?? {}] } }, { rules: ruleInfos([rule]), baseDir: '/' });
  const outcome = fixFiles(
    {
      files: [abs(c.entry ?? 'nginx.conf')],
      host,
      config,
      rules: [rule],
      prefix: PREFIX,
      nginxVersion: c.nginxVersion ?? '1.30.0',
      backends: { explicit: (c.backends ?? []).map(abs), root: c.root },
      probes: probesOf(c),
    },
    { unsafe },
  );
  const texts: Record<string, string> = {};
  for (const [name, text] of Object.entries(files)) texts[name] = outcome.changes.get(abs(name))?.after ?? text;
  return { texts, converged: outcome.converged };
}

function caseName(c: ValidCase | string, index: number): string {
  if (typeof c === 'string') return `#${index}: ${c.slice(0, 60).replace(/\s+/g, ' ')}`;
  return c.name ?? `#${index}: ${(c.code ?? Object.keys(c.files ?? {}).join(', ')).slice(0, 60).replace(/\s+/g, ' ')}`;
}

export function runRuleTests(rule: AnyRule, tests: RuleTests): void {
  describe(rule.name, () => {
    describe('valid', () => {
      tests.valid.forEach((c, i) => {
        it(caseName(c, i), () => {
          const found = lintCase(rule, typeof c === 'string' ? { code: c } : c);
          expect(found.map((f) => `${f.start.line}:${f.start.column} ${f.messageId}: ${f.message}`)).toEqual([]);
        });
      });
    });
    describe('invalid', () => {
      tests.invalid.forEach((c, i) => {
        it(caseName(c, i), () => {
          expect(c.errors.length, 'an invalid case must expect at least one error').toBeGreaterThan(0);
          for (const e of c.errors) {
            expect(e.endLine !== undefined && e.endColumn !== undefined, `expected error ${e.messageId} needs endLine and endColumn`).toBe(true);
          }
          const entry = abs(c.entry ?? 'nginx.conf');
          const found = lintCase(rule, c).map((f) => ({
            messageId: f.messageId,
            line: f.start.line,
            column: f.start.column,
            endLine: f.end.line,
            endColumn: f.end.column,
            file: f.file,
            message: f.message,
          }));
          const expected = c.errors.map((e) => ({
            messageId: e.messageId,
            line: e.line,
            column: e.column,
            endLine: e.endLine,
            endColumn: e.endColumn,
            file: e.file === undefined ? entry : abs(e.file),
            message: e.message ?? found.find((f) => f.messageId === e.messageId && f.line === e.line && f.column === e.column)?.message,
          }));
          expect(found).toEqual(expected);
          if (c.output !== undefined) {
            const { texts, converged } = fixCase(rule, c, c.unsafe ?? true);
            expect(converged, 'fixes must settle').toBe(true);
            const entryName = c.entry ?? 'nginx.conf';
            const original = c.files ?? { [entryName]: c.code ?? '' };
            if (c.output === null) expect(texts).toEqual(original);
            else if (typeof c.output === 'string') expect(texts[entryName]).toBe(c.output);
            else expect(texts).toEqual({ ...original, ...c.output });
          }
        });
      });
    });
    it('exercises every messageId in an invalid case', () => {
      const used = new Set(tests.invalid.flatMap((c) => c.errors.map((e) => e.messageId)));
      const unused = Object.keys(rule.messages).filter((id) => !used.has(id));
      expect(unused, 'messageIds never exercised by an invalid case').toEqual([]);
    });
  });
}
