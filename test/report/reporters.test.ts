import { describe, expect, it } from 'vitest';
import type { Finding, Fix, RelatedLocation, Severity } from '../../src/engine/types.js';
import { SourceText } from '../../src/source/index.js';
import { REPORT_FORMATS, formatFindings, toJsonResults } from '../../src/report/index.js';
import type { JsonFileResult, ReportContext } from '../../src/report/index.js';

const CWD = '/proj';
const MAIN = '/proj/conf/nginx.conf';
const SITE = '/proj/conf/sites/app.conf';
const OUTSIDE = '/etc/nginx/mime.types';

const mainText = ['http {', '    upstream app {', '    }', '    server {', '        proxy_pass http://app;', '    }', '}', ''].join('\n');
const siteText = ['server {', '\tlocation / {', '\t\tproxy_pass\thttp://app:8080;', '\t}', '}', ''].join('\n');
const main = new SourceText(mainText, MAIN);
const site = new SourceText(siteText, SITE);
const sources = new Map([
  [MAIN, main],
  [SITE, site],
]);

/** The span of the `nth` occurrence of `needle` in a source. */
function spanOf(source: SourceText, needle: string, nth = 0): { start: number; end: number } {
  let start = -1;
  for (let i = 0; i <= nth; i++) {
    start = source.text.indexOf(needle, start + 1);
    if (start === -1) throw new Error(`${needle} not in ${source.file}`);
  }
  return { start, end: start + needle.length };
}

interface Spec {
  readonly rule: string;
  readonly severity: Severity;
  readonly message: string;
  readonly related?: readonly RelatedLocation[];
  readonly fix?: Fix;
  /** File name as the finding spells it (defaults to the source's). */
  readonly file?: string;
}

function finding(source: SourceText, needle: string, spec: Spec): Finding {
  const span = spanOf(source, needle);
  return {
    ruleId: spec.rule,
    severity: spec.severity,
    messageId: 'm',
    message: spec.message,
    file: spec.file ?? source.file,
    span,
    start: source.positionAt(span.start),
    end: source.positionAt(span.end),
    related: spec.related ?? [],
    fix: spec.fix,
  };
}

function related(source: SourceText, needle: string, message: string): RelatedLocation {
  const span = spanOf(source, needle);
  return { file: source.file, start: source.positionAt(span.start), end: source.positionAt(span.end), message };
}

function ctx(overrides: Partial<ReportContext> = {}): ReportContext {
  return {
    cwd: CWD,
    color: false,
    sources,
    ruleUrl: (id) => `https://ngxlint.dev/rules/${id}`,
    ...overrides,
  };
}

const emptyUpstream = finding(main, 'upstream app', {
  rule: 'upstream-no-servers',
  severity: 'error',
  message: 'upstream "app" has no server; every request to it fails with 502',
  fix: { title: 'add `server 127.0.0.1:8080;`', applicability: 'unsafe', edits: [{ file: MAIN, start: 23, end: 23, text: 'server 127.0.0.1:8080;' }] },
});
const proxyPass = finding(main, 'http://app', {
  rule: 'proxy-pass-empty-upstream',
  severity: 'warning',
  message: 'proxy_pass to an upstream with no server',
  related: [related(main, 'upstream app', 'upstream "app" defined here')],
  fix: { title: 'remove the trailing slash', applicability: 'suggestion', edits: [] },
});
const siteTimeout = finding(site, 'http://app:8080', {
  rule: 'proxy-read-timeout-short',
  severity: 'info',
  message: 'no proxy_read_timeout; the default 60s may cut slow responses',
  fix: { title: 'add proxy_read_timeout 120s', applicability: 'safe', edits: [{ file: SITE, start: 40, end: 40, text: 'x' }] },
});
const outsideFinding: Finding = {
  ...finding(main, 'http', { rule: 'mime-types-missing', severity: 'warning', message: 'no types block' }),
  file: OUTSIDE,
  span: { start: 0, end: 4 },
  start: { line: 1, column: 1, offset: 0 },
  end: { line: 1, column: 5, offset: 4 },
};

const all = [siteTimeout, outsideFinding, proxyPass, emptyUpstream];

describe('compact', () => {
  it('prints one line per finding, files by path and findings by position, paths relative to cwd', () => {
    expect(formatFindings('compact', all, ctx())).toBe(
      [
        '../etc/nginx/mime.types:1:1: warning: no types block [mime-types-missing]',
        'conf/nginx.conf:2:5: error: upstream "app" has no server; every request to it fails with 502 [upstream-no-servers]',
        'conf/nginx.conf:5:20: warning: proxy_pass to an upstream with no server [proxy-pass-empty-upstream]',
        'conf/sites/app.conf:3:14: info: no proxy_read_timeout; the default 60s may cut slow responses [proxy-read-timeout-short]',
        '',
      ].join('\n'),
    );
  });

  it('never colours and keeps each finding on one line', () => {
    const multiline = { ...proxyPass, message: 'first line\n  second\tline\u001b[31m' };
    const out = formatFindings('compact', [multiline], ctx({ color: true }));
    expect(out).toBe('conf/nginx.conf:5:20: warning: first line second line\u241b[31m [proxy-pass-empty-upstream]\n');
  });

  it('prints paths outside cwd with ../ and resolves relative finding paths against cwd', () => {
    expect(formatFindings('compact', [emptyUpstream], ctx({ cwd: '/proj/conf/sites' }))).toBe(
      '../nginx.conf:2:5: error: upstream "app" has no server; every request to it fails with 502 [upstream-no-servers]\n',
    );
    const rel = { ...siteTimeout, file: 'sites/app.conf' };
    expect(formatFindings('compact', [rel], ctx({ cwd: '/proj/conf' }))).toBe(
      'sites/app.conf:3:14: info: no proxy_read_timeout; the default 60s may cut slow responses [proxy-read-timeout-short]\n',
    );
  });
});

describe('stylish', () => {
  it('prints files, findings with code frames, notes, fixes and a summary', () => {
    expect(formatFindings('stylish', all, ctx())).toBe(
      [
        '',
        '../etc/nginx/mime.types',
        '  1:1  warning  no types block  mime-types-missing',
        '',
        'conf/nginx.conf',
        '  2:5   error    upstream "app" has no server; every request to it fails with 502  upstream-no-servers',
        '      |',
        '    2 |     upstream app {',
        '      |     ^^^^^^^^^^^^',
        '    fix (unsafe, needs --unsafe-fixes): add `server 127.0.0.1:8080;`',
        '  5:20  warning  proxy_pass to an upstream with no server  proxy-pass-empty-upstream',
        '      |',
        '    5 |         proxy_pass http://app;',
        '      |                    ^^^^^^^^^^',
        '    note: conf/nginx.conf:2:5: upstream "app" defined here',
        '    suggestion: remove the trailing slash',
        '',
        'conf/sites/app.conf',
        '  3:14  info  no proxy_read_timeout; the default 60s may cut slow responses  proxy-read-timeout-short',
        '      |',
        '    3 | \t\tproxy_pass\thttp://app:8080;',
        '      | \t\t          \t^^^^^^^^^^^^^^^',
        '    fix (safe): add proxy_read_timeout 120s',
        '',
        '\u2716 4 problems (1 error, 2 warnings, 1 info)',
        '  1 fixable with --fix, 1 more with --unsafe-fixes',
        '',
      ].join('\n'),
    );
  });

  it('prints nothing at all when there are no findings', () => {
    expect(formatFindings('stylish', [], ctx())).toBe('');
    expect(formatFindings('stylish', [], ctx({ color: true, files: [MAIN] }))).toBe('');
    expect(formatFindings('compact', [], ctx({ color: true, files: [MAIN] }))).toBe('');
  });

  it('uses singular words for one of a kind and leaves out the fixable line when nothing is fixable', () => {
    const one = { ...emptyUpstream, fix: undefined };
    expect(formatFindings('stylish', [one], ctx())).toBe(
      [
        '',
        'conf/nginx.conf',
        '  2:5  error  upstream "app" has no server; every request to it fails with 502  upstream-no-servers',
        '      |',
        '    2 |     upstream app {',
        '      |     ^^^^^^^^^^^^',
        '',
        '\u2716 1 problem (1 error, 0 warnings, 0 infos)',
        '',
      ].join('\n'),
    );
  });

  it('counts unsafe fixes alone as fixable with --unsafe-fixes', () => {
    const out = formatFindings('stylish', [emptyUpstream], ctx());
    expect(out.endsWith('\u2716 1 problem (1 error, 0 warnings, 0 infos)\n  1 fixable with --unsafe-fixes\n')).toBe(true);
  });

  it('prints no code frame for a file without a source, but still its notes and fix', () => {
    const out = formatFindings('stylish', [proxyPass], ctx({ sources: new Map() }));
    expect(out).toBe(
      [
        '',
        'conf/nginx.conf',
        '  5:20  warning  proxy_pass to an upstream with no server  proxy-pass-empty-upstream',
        '    note: conf/nginx.conf:2:5: upstream "app" defined here',
        '    suggestion: remove the trailing slash',
        '',
        '\u2716 1 problem (0 errors, 1 warning, 0 infos)',
        '',
      ].join('\n'),
    );
  });

  it('finds the source by the absolute path when the finding uses a relative one', () => {
    const rel = { ...emptyUpstream, file: 'conf/nginx.conf', fix: undefined };
    expect(formatFindings('stylish', [rel], ctx())).toContain('    2 |     upstream app {\n      |     ^^^^^^^^^^^^\n');
  });

  it('aligns the colons of line:col and the severities within a file', () => {
    const lines = ['a;', ...Array.from({ length: 10 }, () => 'b;'), ''].join('\n');
    const src = new SourceText(lines, '/proj/x.conf');
    const first = finding(src, 'a;', { rule: 'r1', severity: 'info', message: 'one' });
    const last: Finding = {
      ...first,
      span: { start: src.offsetAt(11, 1), end: src.offsetAt(11, 3) },
      start: src.positionAt(src.offsetAt(11, 1)),
      end: src.positionAt(src.offsetAt(11, 3)),
      severity: 'warning',
      message: 'eleven',
      ruleId: 'r2',
    };
    const out = formatFindings('stylish', [last, first], ctx({ sources: new Map() }));
    expect(out).toBe(['', 'x.conf', '   1:1  info     one  r1', '  11:1  warning  eleven  r2', '', '\u2716 2 problems (0 errors, 1 warning, 1 info)', ''].join('\n'));
  });

  it('keeps tabs in the frame so that the caret lines up under the span', () => {
    const out = formatFindings('stylish', [siteTimeout], ctx());
    const frameLines = out.split('\n').filter((line) => line.startsWith('    3 |') || line.startsWith('      | \t'));
    expect(frameLines).toEqual(['    3 | \t\tproxy_pass\thttp://app:8080;', '      | \t\t          \t^^^^^^^^^^^^^^^']);
    // Same prefix width and same tabs before the span: the caret starts where the span starts.
    const [codeLine, caretLine] = frameLines as [string, string];
    const caretAt = caretLine.indexOf('^');
    expect(codeLine.slice(caretAt, caretAt + 'http://app:8080'.length)).toBe('http://app:8080');
  });

  it('shows control characters in the config and messages as visible symbols', () => {
    const text = 'a \u001b[2Jb;\n';
    const src = new SourceText(text, '/proj/e.conf');
    const f = finding(src, 'b', { rule: 'r', severity: 'error', message: 'bad \u0007 thing' });
    const out = formatFindings('stylish', [f], ctx({ sources: new Map([['/proj/e.conf', src]]) }));
    expect(out).not.toMatch(/[\u0000-\u0008\u000b-\u001f]/);
    expect(out).toContain('  1:7  error  bad \u2407 thing  r\n');
    expect(out).toContain('    1 | a \u241b[2Jb;\n      |       ^\n');
  });

  it('colours only when color is true', () => {
    const plain = formatFindings('stylish', all, ctx({ color: false }));
    const coloured = formatFindings('stylish', all, ctx({ color: true }));
    const ansi = /\u001b\[[0-9;]*m/g;
    expect(plain).not.toContain('\u001b');
    expect(coloured).toContain('\u001b[');
    expect(coloured).toContain('\u001b[31merror\u001b[39m');
    expect(coloured).toContain('\u001b[33mwarning\u001b[39m');
    expect(coloured).toContain('\u001b[4mconf/nginx.conf\u001b[24m');
    // Without the escape codes, the coloured text is the plain text.
    expect(coloured.replace(ansi, '')).toBe(plain);
    for (const format of ['compact', 'json'] as const) {
      expect(formatFindings(format, all, ctx({ color: true }))).not.toContain('\u001b');
    }
  });
});

describe('json', () => {
  it('lists one object per file, sorted by path, with files that have no findings', () => {
    const out = formatFindings('json', all, ctx({ files: [MAIN, 'conf/empty.conf', SITE, OUTSIDE] }));
    expect(out.endsWith(']\n')).toBe(true);
    expect(out).toBe(JSON.stringify(JSON.parse(out), null, 2) + '\n');
    const results = JSON.parse(out) as JsonFileResult[];
    expect(results.map((r) => r.filePath)).toEqual([OUTSIDE, '/proj/conf/empty.conf', MAIN, SITE]);
    expect(results.map((r) => [r.errorCount, r.warningCount, r.infoCount, r.fixableCount])).toEqual([
      [0, 1, 0, 0],
      [0, 0, 0, 0],
      [1, 1, 0, 0],
      [0, 0, 1, 1],
    ]);
    expect(results[1]?.messages).toEqual([]);
  });

  it('describes each message with positions, related locations, fix and url', () => {
    const results = JSON.parse(formatFindings('json', [proxyPass, emptyUpstream, siteTimeout], ctx())) as JsonFileResult[];
    expect(results).toEqual([
      {
        filePath: MAIN,
        messages: [
          {
            ruleId: 'upstream-no-servers',
            severity: 'error',
            message: 'upstream "app" has no server; every request to it fails with 502',
            line: 2,
            column: 5,
            endLine: 2,
            endColumn: 17,
            related: [],
            fix: {
              applicability: 'unsafe',
              title: 'add `server 127.0.0.1:8080;`',
              edits: [{ filePath: MAIN, start: 23, end: 23, text: 'server 127.0.0.1:8080;' }],
            },
            url: 'https://ngxlint.dev/rules/upstream-no-servers',
          },
          {
            ruleId: 'proxy-pass-empty-upstream',
            severity: 'warning',
            message: 'proxy_pass to an upstream with no server',
            line: 5,
            column: 20,
            endLine: 5,
            endColumn: 30,
            related: [{ filePath: MAIN, line: 2, column: 5, endLine: 2, endColumn: 17, message: 'upstream "app" defined here' }],
            fix: { applicability: 'suggestion', title: 'remove the trailing slash', edits: [] },
            url: 'https://ngxlint.dev/rules/proxy-pass-empty-upstream',
          },
        ],
        errorCount: 1,
        warningCount: 1,
        infoCount: 0,
        fixableCount: 0,
      },
      {
        filePath: SITE,
        messages: [
          {
            ruleId: 'proxy-read-timeout-short',
            severity: 'info',
            message: 'no proxy_read_timeout; the default 60s may cut slow responses',
            line: 3,
            column: 14,
            endLine: 3,
            endColumn: 29,
            related: [],
            fix: { applicability: 'safe', title: 'add proxy_read_timeout 120s', edits: [{ filePath: SITE, start: 40, end: 40, text: 'x' }] },
            url: 'https://ngxlint.dev/rules/proxy-read-timeout-short',
          },
        ],
        errorCount: 0,
        warningCount: 0,
        infoCount: 1,
        fixableCount: 1,
      },
    ]);
  });

  it('omits fix when there is none, gives url null when unknown and makes relative paths absolute', () => {
    const rel: Finding = { ...emptyUpstream, file: 'conf/nginx.conf', fix: undefined, related: [{ ...related(main, 'http', 'here'), file: 'conf/nginx.conf' }] };
    const [result] = toJsonResults([rel], ctx({ ruleUrl: () => undefined }));
    expect(result?.filePath).toBe(MAIN);
    const message = result?.messages[0];
    expect(message?.url).toBeNull();
    expect(message !== undefined && 'fix' in message).toBe(false);
    expect(message?.related[0]?.filePath).toBe(MAIN);
  });

  it('prints an empty array, or the checked files, when there are no findings', () => {
    expect(formatFindings('json', [], ctx())).toBe('[]\n');
    expect(JSON.parse(formatFindings('json', [], ctx({ files: [SITE, MAIN, MAIN] })))).toEqual([
      { filePath: MAIN, messages: [], errorCount: 0, warningCount: 0, infoCount: 0, fixableCount: 0 },
      { filePath: SITE, messages: [], errorCount: 0, warningCount: 0, infoCount: 0, fixableCount: 0 },
    ]);
  });
});

describe('formatFindings', () => {
  it('knows every format and does not depend on the input order', () => {
    expect(REPORT_FORMATS).toEqual(['stylish', 'compact', 'json', 'sarif', 'github', 'gitlab', 'checkstyle', 'junit']);
    const reversed = [...all].reverse();
    for (const format of REPORT_FORMATS) {
      expect(formatFindings(format, reversed, ctx({ files: [MAIN] }))).toBe(formatFindings(format, all, ctx({ files: [MAIN] })));
    }
  });
});
