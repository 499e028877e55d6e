import { describe, expect, it } from 'vitest';
import { applySuppressions, collectSuppressions, type SuppressionResult } from '../../src/engine/suppressions.js';
import type { Finding, Severity } from '../../src/engine/types.js';
import { parse } from '../../src/parser/index.js';
import type { Config } from '../../src/parser/index.js';

const KNOWN = new Set(['rule-a', 'rule-b', 'rule-c', 'syntax-error']);

function config(text: string, file = 'nginx.conf'): Config {
  return parse(text, { file }).ast;
}

/** A finding of `ruleId` starting at the first occurrence of `needle` (after `from`) in the file's text. */
function finding(ast: Config, ruleId: string, needle: string, from = 0, end?: number): Finding {
  const start = ast.source.text.indexOf(needle, from);
  if (start < 0) throw new Error(`"${needle}" not in ${ast.file}`);
  const stop = end ?? start + needle.length;
  return {
    ruleId,
    severity: 'warning',
    messageId: 'x',
    message: `${ruleId} at ${needle}`,
    file: ast.file,
    span: { start, end: stop },
    start: ast.source.positionAt(start),
    end: ast.source.positionAt(stop),
    related: [],
    fix: undefined,
  };
}

function run(findings: readonly Finding[], asts: readonly Config[], reportUnused = false, unusedSeverity?: Severity): SuppressionResult {
  const files = new Map(asts.map((a) => [a.file, a] as const));
  return applySuppressions(findings, files, { reportUnused, knownRules: KNOWN, ...(unusedSeverity ? { unusedSeverity } : {}) });
}

const messages = (list: readonly Finding[]): string[] => list.map((f) => f.message);
const problemText = (list: readonly Finding[]): string[] => list.map((f) => `${f.start.line}:${f.start.column} ${f.severity} ${f.messageId} ${f.message}`);

describe('collectSuppressions', () => {
  it('parses every form, rule lists, reasons, and optional whitespace after #', () => {
    const ast = config(
      [
        '# ngxlint-disable-next-line rule-a, rule-b -- because reasons',
        'worker_processes 1; # ngxlint-disable-line rule-a',
        '#ngxlint-disable rule-a rule-b,rule-c',
        '#   ngxlint-enable',
        '# ngxlint-disable-file -- generated file',
        '# ngxlint-disable',
        '# ngxlint-disable-line rule-a,, rule-a --',
        '',
      ].join('\n'),
    );
    const found = collectSuppressions(ast);
    expect(found.map((s) => [s.kind, s.rules, s.reason, s.line, s.column])).toEqual([
      ['disable-next-line', ['rule-a', 'rule-b'], 'because reasons', 1, 1],
      ['disable-line', ['rule-a'], undefined, 2, 21],
      ['disable', ['rule-a', 'rule-b', 'rule-c'], undefined, 3, 1],
      ['enable', [], undefined, 4, 1],
      ['disable-file', [], 'generated file', 5, 1],
      ['disable', [], undefined, 6, 1],
      ['disable-line', ['rule-a'], undefined, 7, 1],
    ]);
    const first = found[0];
    expect(first?.file).toBe('nginx.conf');
    expect(first && ast.source.text.slice(first.ruleSpans[1]?.start, first.ruleSpans[1]?.end)).toBe('rule-b');
  });

  it('ignores ordinary comments and lookalikes', () => {
    const ast = config(['# just a comment', '# ngxlint-disabled rule-a', '# see ngxlint-disable rule-a', '## ngxlint-disable', '# NGXLINT-DISABLE', ''].join('\n'));
    expect(collectSuppressions(ast)).toEqual([]);
  });

  it('finds comments in nested blocks and between a directive name and its terminator', () => {
    const ast = config(
      [
        'http {', //
        '  server { # ngxlint-disable rule-a',
        '    location / {',
        '      proxy_pass # ngxlint-disable-line rule-b',
        '        http://a;',
        '    }',
        '  }',
        '}',
        '# ngxlint-enable rule-a',
        '',
      ].join('\n'),
    );
    expect(collectSuppressions(ast).map((s) => `${s.line} ${s.kind} ${s.rules.join(',')}`)).toEqual(['2 disable rule-a', '4 disable-line rule-b', '9 enable rule-a']);
  });

  it('walks deeply nested blocks without recursion trouble', () => {
    const depth = 190;
    const text = `${'a {\n'.repeat(depth)}# ngxlint-disable-next-line rule-a\nb;\n${'}\n'.repeat(depth)}`;
    const ast = config(text);
    expect(collectSuppressions(ast)).toHaveLength(1);
    const r = run([finding(ast, 'rule-a', 'b;')], [ast]);
    expect(r.suppressed).toHaveLength(1);
  });
});

describe('applySuppressions', () => {
  it('disable-next-line suppresses only the named rules on the next line', () => {
    const ast = config(['# ngxlint-disable-next-line rule-a, rule-b -- known issue', 'proxy_pass http://a;', 'proxy_pass http://b;', ''].join('\n'));
    const fs = [finding(ast, 'rule-a', 'proxy_pass http://a'), finding(ast, 'rule-b', 'http://a'), finding(ast, 'rule-c', 'proxy_pass http://a'), finding(ast, 'rule-a', 'proxy_pass http://b')];
    const r = run(fs, [ast], true);
    expect(messages(r.suppressed)).toEqual(['rule-a at proxy_pass http://a', 'rule-b at http://a']);
    expect(messages(r.kept)).toEqual(['rule-c at proxy_pass http://a', 'rule-a at proxy_pass http://b']);
    expect(r.problems).toEqual([]);
  });

  it('nameless disable-next-line suppresses every rule on the next line only', () => {
    const ast = config(['# ngxlint-disable-next-line', 'a 1;', 'b 2;', ''].join('\n'));
    const r = run([finding(ast, 'rule-a', 'a 1'), finding(ast, 'rule-c', 'a 1'), finding(ast, 'rule-a', 'b 2')], [ast]);
    expect(messages(r.suppressed)).toEqual(['rule-a at a 1', 'rule-c at a 1']);
    expect(messages(r.kept)).toEqual(['rule-a at b 2']);
  });

  it('disable-next-line works from an inline comment and targets the textual next line', () => {
    const ast = config(['a 1; # ngxlint-disable-next-line rule-a', '', 'b 2;', ''].join('\n'));
    const r = run([finding(ast, 'rule-a', 'a 1'), finding(ast, 'rule-a', 'b 2')], [ast], true);
    expect(r.suppressed).toEqual([]);
    // The next line is blank: the comment applies to nothing.
    expect(problemText(r.problems)).toEqual(['1:34 warning unused unused ngxlint-disable-next-line directive (no problems were reported for "rule-a")']);
  });

  it('disable-line suppresses findings on the comment line', () => {
    const ast = config(['a 1; # ngxlint-disable-line rule-a', 'b 2; # ngxlint-disable-line', 'c 3;', ''].join('\n'));
    const fs = [finding(ast, 'rule-a', 'a 1'), finding(ast, 'rule-b', 'a 1'), finding(ast, 'rule-b', 'b 2'), finding(ast, 'rule-c', 'b 2'), finding(ast, 'rule-a', 'c 3')];
    const r = run(fs, [ast]);
    expect(messages(r.suppressed)).toEqual(['rule-a at a 1', 'rule-b at b 2', 'rule-c at b 2']);
    expect(messages(r.kept)).toEqual(['rule-b at a 1', 'rule-a at c 3']);
  });

  it('disable-line inside a directive (before its terminator) applies to the line of the comment', () => {
    const ast = config(['proxy_pass # ngxlint-disable-line rule-a', '  http://a;', ''].join('\n'));
    const r = run([finding(ast, 'rule-a', 'proxy_pass'), finding(ast, 'rule-a', 'http://a')], [ast]);
    expect(messages(r.suppressed)).toEqual(['rule-a at proxy_pass']);
    expect(messages(r.kept)).toEqual(['rule-a at http://a']);
  });

  it('a multi-line finding is matched by its start line', () => {
    const text = ['# ngxlint-disable-next-line rule-a', 'upstream u {', '  server a;', '}', 'upstream v {', '  # ngxlint-disable-line rule-a', '}', ''].join('\n');
    const ast = config(text);
    const u = finding(ast, 'rule-a', 'upstream u', 0, text.indexOf('}') + 1);
    const v = finding(ast, 'rule-a', 'upstream v', 0, text.lastIndexOf('}') + 1);
    expect(u.end.line).toBe(4);
    const r = run([u, v], [ast]);
    expect(r.suppressed).toEqual([u]);
    expect(r.kept).toEqual([v]);
  });

  it('disable/enable ranges are by position, across nested blocks', () => {
    const ast = config(
      [
        'a 1;', //
        'http {',
        '  server {',
        '    # ngxlint-disable rule-a',
        '    b 2;',
        '  }',
        '  server { c 3; }',
        '}',
        '# ngxlint-enable rule-a',
        'd 4;',
        '',
      ].join('\n'),
    );
    const fs = [finding(ast, 'rule-a', 'a 1'), finding(ast, 'rule-a', 'b 2'), finding(ast, 'rule-b', 'b 2'), finding(ast, 'rule-a', 'c 3'), finding(ast, 'rule-a', 'd 4')];
    const r = run(fs, [ast], true);
    expect(messages(r.suppressed)).toEqual(['rule-a at b 2', 'rule-a at c 3']);
    expect(messages(r.kept)).toEqual(['rule-a at a 1', 'rule-b at b 2', 'rule-a at d 4']);
    expect(r.problems).toEqual([]);
  });

  it('a disable without enable runs to the end of the file', () => {
    const ast = config(['a 1;', 'http {', '  # ngxlint-disable', '}', 'b 2;', ''].join('\n'));
    const r = run([finding(ast, 'rule-a', 'a 1'), finding(ast, 'rule-b', 'b 2'), finding(ast, 'rule-c', 'b 2')], [ast]);
    expect(messages(r.suppressed)).toEqual(['rule-b at b 2', 'rule-c at b 2']);
    expect(messages(r.kept)).toEqual(['rule-a at a 1']);
  });

  it('nameless enable re-enables everything; named enable after nameless disable re-enables that rule only', () => {
    const ast = config(
      [
        '# ngxlint-disable rule-a, rule-b',
        'a 1;',
        '# ngxlint-enable',
        'b 2;',
        '# ngxlint-disable',
        '# ngxlint-enable rule-a',
        'c 3;',
        '# ngxlint-disable rule-a',
        'd 4;',
        '',
      ].join('\n'),
    );
    const fs = ['a 1', 'b 2', 'c 3', 'd 4'].flatMap((n) => [finding(ast, 'rule-a', n), finding(ast, 'rule-b', n)]);
    const r = run(fs, [ast], true);
    expect(messages(r.suppressed)).toEqual(['rule-a at a 1', 'rule-b at a 1', 'rule-b at c 3', 'rule-a at d 4', 'rule-b at d 4']);
    expect(messages(r.kept)).toEqual(['rule-a at b 2', 'rule-b at b 2', 'rule-a at c 3']);
    expect(r.problems).toEqual([]);
  });

  it('named enable ends only that rule of a multi-rule disable', () => {
    const ast = config(['# ngxlint-disable rule-a rule-b', '# ngxlint-enable rule-a', 'a 1;', ''].join('\n'));
    const r = run([finding(ast, 'rule-a', 'a 1'), finding(ast, 'rule-b', 'a 1')], [ast]);
    expect(messages(r.suppressed)).toEqual(['rule-b at a 1']);
  });

  it('disable-file suppresses everywhere in the file, before and after the comment', () => {
    const ast = config(['a 1;', 'http {', '  # ngxlint-disable-file rule-a -- vendored', '}', 'b 2;', ''].join('\n'));
    const r = run([finding(ast, 'rule-a', 'a 1'), finding(ast, 'rule-a', 'b 2'), finding(ast, 'rule-b', 'b 2')], [ast]);
    expect(messages(r.suppressed)).toEqual(['rule-a at a 1', 'rule-a at b 2']);
    expect(messages(r.kept)).toEqual(['rule-b at b 2']);

    const all = config(['a 1;', '# ngxlint-disable-file', ''].join('\n'));
    expect(run([finding(all, 'rule-c', 'a 1')], [all]).suppressed).toHaveLength(1);
  });

  it('comments in an included file only affect findings in that file', () => {
    const main = config(['include conf.d/*.conf;', 'a 1;', ''].join('\n'), '/etc/nginx/nginx.conf');
    const inc = config(['# ngxlint-disable-file rule-a', '# ngxlint-disable', 'a 1;', ''].join('\n'), '/etc/nginx/conf.d/x.conf');
    const fs = [finding(main, 'rule-a', 'a 1'), finding(inc, 'rule-a', 'a 1'), finding(main, 'rule-b', 'a 1'), finding(inc, 'rule-b', 'a 1')];
    const r = run(fs, [main, inc]);
    expect(r.suppressed.map((f) => `${f.file} ${f.ruleId}`)).toEqual(['/etc/nginx/conf.d/x.conf rule-a', '/etc/nginx/conf.d/x.conf rule-b']);
    expect(r.kept.map((f) => `${f.file} ${f.ruleId}`)).toEqual(['/etc/nginx/nginx.conf rule-a', '/etc/nginx/nginx.conf rule-b']);
  });

  it('keeps findings of files missing from the map', () => {
    const ast = config('# ngxlint-disable-file\na 1;\n');
    const other = { ...finding(ast, 'rule-a', 'a 1'), file: 'other.conf' };
    expect(run([other], [ast]).kept).toEqual([other]);
  });

  it('never suppresses syntax-error findings, by name or without', () => {
    const ast = config(['# ngxlint-disable-file', '# ngxlint-disable-next-line syntax-error', 'a 1', '}', ''].join('\n'));
    const r = run([finding(ast, 'syntax-error', 'a 1'), finding(ast, 'syntax-error', '}'), finding(ast, 'rule-a', 'a 1')], [ast], true);
    expect(messages(r.kept)).toEqual(['syntax-error at a 1', 'syntax-error at }']);
    expect(messages(r.suppressed)).toEqual(['rule-a at a 1']);
    expect(problemText(r.problems)).toEqual(['2:29 warning unused unused ngxlint-disable-next-line directive (no problems were reported for "syntax-error")']);
  });

  it('keeps input order in kept and suppressed', () => {
    const ast = config(['# ngxlint-disable-next-line rule-a', 'a 1;', 'b 2;', ''].join('\n'));
    const fs = [finding(ast, 'rule-b', 'b 2'), finding(ast, 'rule-a', 'a 1'), finding(ast, 'rule-a', 'b 2'), finding(ast, 'rule-a', 'a 1', 0, 6)];
    const r = run(fs, [ast]);
    expect(r.suppressed).toEqual([fs[1], fs[3]]);
    expect(r.kept).toEqual([fs[0], fs[2]]);
  });

  it('reports unknown rule names as errors, pointing at the name, with or without reportUnused', () => {
    const ast = config(['# ngxlint-disable-next-line rule-a, no-such-rule -- x', 'a 1;', '# ngxlint-enable typo', ''].join('\n'));
    const fs = [finding(ast, 'rule-a', 'a 1')];
    for (const reportUnused of [false, true]) {
      const r = run(fs, [ast], reportUnused);
      expect(r.suppressed).toEqual(fs);
      expect(problemText(r.problems)).toEqual([
        '1:37 error unknownRule unknown rule "no-such-rule" in ngxlint-disable-next-line comment',
        '3:18 error unknownRule unknown rule "typo" in ngxlint-enable comment',
      ]);
      const p = r.problems[0];
      expect(p && ast.source.text.slice(p.span.start, p.span.end)).toBe('no-such-rule');
      expect(p).toMatchObject({ ruleId: 'suppression', file: 'nginx.conf', related: [], fix: undefined, end: { line: 1, column: 49 } });
    }
  });

  it('reports unused disable comments (per rule name) only when asked', () => {
    const ast = config(
      [
        '# ngxlint-disable-next-line rule-a, rule-b',
        'a 1;',
        '# ngxlint-disable-line',
        '# ngxlint-disable rule-c',
        '# ngxlint-enable rule-c',
        '# ngxlint-enable',
        '# ngxlint-disable-file rule-a',
        '',
      ].join('\n'),
    );
    const fs = [finding(ast, 'rule-a', 'a 1')];
    expect(run(fs, [ast], false).problems).toEqual([]);
    const r = run(fs, [ast], true);
    expect(r.suppressed).toEqual(fs);
    expect(problemText(r.problems)).toEqual([
      '1:37 warning unused unused ngxlint-disable-next-line directive (no problems were reported for "rule-b")',
      '3:1 warning unused unused ngxlint-disable-line directive (no problems were reported)',
      '4:19 warning unused unused ngxlint-disable directive (no problems were reported for "rule-c")',
      '7:24 warning unused unused ngxlint-disable-file directive (no problems were reported for "rule-a")',
    ]);
    const whole = r.problems[1];
    expect(whole && ast.source.text.slice(whole.span.start, whole.span.end)).toBe('# ngxlint-disable-line');
    expect(run(fs, [ast], true, 'error').problems.map((p) => p.severity)).toEqual(['error', 'error', 'error', 'error']);
  });

  it('credits the most specific comment, so a shadowed one is unused', () => {
    const ast = config(['# ngxlint-disable-file rule-a', '# ngxlint-disable rule-a', '# ngxlint-disable-next-line rule-a', 'a 1;', 'b 2;', ''].join('\n'));
    const r = run([finding(ast, 'rule-a', 'a 1')], [ast], true);
    expect(r.suppressed).toHaveLength(1);
    expect(r.problems.map((p) => p.start.line)).toEqual([1, 2]);
    const r2 = run([finding(ast, 'rule-a', 'a 1'), finding(ast, 'rule-a', 'b 2')], [ast], true);
    expect(r2.suppressed).toHaveLength(2);
    expect(r2.problems.map((p) => p.start.line)).toEqual([1]);
  });

  it('problems are ordered by file, then offset', () => {
    const a = config('# ngxlint-disable-line x y\n# ngxlint-disable-line\n', 'a.conf');
    const b = config('# ngxlint-disable z\n', 'b.conf');
    const r = run([], [a, b], true);
    expect(r.problems.map((p) => `${p.file}:${p.start.line}:${p.start.column} ${p.messageId}`)).toEqual([
      'a.conf:1:24 unknownRule',
      'a.conf:1:26 unknownRule',
      'a.conf:2:1 unused',
      'b.conf:1:19 unknownRule',
    ]);
  });

  // A lone CR does not end a comment (nginx reads a comment up to LF), so only CRLF is tested.
  it('handles CRLF line endings', () => {
    const ast = config(['# ngxlint-disable-next-line rule-a -- r', 'a 1;', 'b 2; # ngxlint-disable-line rule-b', ''].join('\r\n'));
    expect(collectSuppressions(ast).map((s) => s.reason)).toEqual(['r', undefined]);
    const r = run([finding(ast, 'rule-a', 'a 1'), finding(ast, 'rule-b', 'b 2'), finding(ast, 'rule-a', 'b 2')], [ast]);
    expect(messages(r.suppressed)).toEqual(['rule-a at a 1', 'rule-b at b 2']);
  });
});
