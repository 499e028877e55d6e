import { describe, expect, it } from 'vitest';
import type { Finding, Severity } from '../../src/engine/types.js';
import { GITHUB_ANNOTATIONS_PER_KIND, escapeData, escapeProperty, formatFindings, formatGithub } from '../../src/report/index.js';
import { SourceText } from '../../src/source/index.js';
import { finding, related, reportContext } from './support/findings.js';

const CWD = '/proj';
const main = new SourceText(['http {', '    upstream app {', '    }', '    server {', '        proxy_pass http://app;', '    }', '}', ''].join('\n'), '/proj/conf/nginx.conf');
const site = new SourceText(['server {', '    location / {', '        proxy_pass http://localhost:8080;', '    }', '}', ''].join('\n'), '/proj/conf/site.conf');
const ctx = reportContext(CWD, [main, site]);

const emptyUpstream = finding(main, 'upstream app {\n    }', { rule: 'upstream-definition-errors', severity: 'error', message: 'upstream "app" has no server' });
const proxyPass = finding(main, 'http://app', {
  rule: 'upstream-all-unavailable',
  severity: 'warning',
  message: 'every server of "app" is unavailable',
  related: [related(main, 'upstream app', 'upstream "app" defined here')],
  fix: { title: 'add a server', applicability: 'unsafe', edits: [{ file: main.file, start: 0, end: 0, text: 'x' }] },
});
const localhost = finding(site, 'http://localhost:8080', { rule: 'localhost-dual-stack', severity: 'info', message: 'localhost resolves to ::1 and 127.0.0.1' });

/** Reads workflow commands back as the Actions runner does: `::name k=v,k=v::data`, unescaped. */
function parseCommand(line: string): { name: string; properties: Map<string, string>; data: string } {
  const m = /^::([a-z-]+)(?: ([^:]*))?::(.*)$/.exec(line);
  if (m === null) throw new Error(`not a workflow command: ${line}`);
  const unescape = (s: string) => s.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%3A/g, ':').replace(/%2C/g, ',').replace(/%25/g, '%');
  const properties = new Map<string, string>();
  for (const pair of (m[2] ?? '').split(',').filter((p) => p !== '')) {
    const eq = pair.indexOf('=');
    properties.set(pair.slice(0, eq), unescape(pair.slice(eq + 1)));
  }
  return { name: m[1] as string, properties, data: unescape(m[3] as string) };
}

describe('github', () => {
  it('prints one annotation per finding: errors, then warnings, then notices, with the span, a title, notes and the fix', () => {
    expect(formatGithub([localhost, proxyPass, emptyUpstream], ctx)).toBe(
      [
        '::error file=conf/nginx.conf,line=2,endLine=3,title=ngxlint(upstream-definition-errors)::upstream "app" has no server',
        '::warning file=conf/nginx.conf,line=5,endLine=5,col=20,endColumn=30,title=ngxlint(upstream-all-unavailable)::every server of "app" is unavailable%0Anote: conf/nginx.conf:2:5: upstream "app" defined here%0Afix (unsafe): add a server',
        '::notice file=conf/site.conf,line=3,endLine=3,col=20,endColumn=41,title=ngxlint(localhost-dual-stack)::localhost resolves to ::1 and 127.0.0.1',
        '',
      ].join('\n'),
    );
    expect(formatFindings('github', [], ctx)).toBe('');
  });

  it('escapes data (%, CR, LF) and properties (also : and ,) as the runner expects', () => {
    expect(escapeData('50% a:b,c\r\nd')).toBe('50%25 a:b,c%0D%0Ad');
    expect(escapeProperty('50% a:b,c\r\nd')).toBe('50%25 a%3Ab%2Cc%0D%0Ad');
    const hostile = new SourceText('a;\n', '/proj/we,ird:na%me.conf');
    const f = finding(hostile, 'a;', { rule: 'r', severity: 'error', message: '100% broken, see: a\r\nline two\n::error::injected %0A' });
    const out = formatGithub([f], reportContext(CWD, [hostile]));
    const lines = out.split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toBe('::error file=we%2Cird%3Ana%25me.conf,line=1,endLine=1,col=1,endColumn=3,title=ngxlint(r)::100%25 broken, see: a\u240d%0Aline two%0A::error::injected %250A');
    const parsed = parseCommand(lines[0] as string);
    expect(parsed.properties.get('file')).toBe('we,ird:na%me.conf');
    // CR is made visible (as in every terminal format); LF survives the round trip.
    expect(parsed.data).toBe('100% broken, see: a\u240d\nline two\n::error::injected %0A');
  });

  it('names files outside the working directory by their absolute path', () => {
    const outside = new SourceText('b;\n', '/etc/nginx/mime.types');
    const out = formatGithub([finding(outside, 'b;', { rule: 'r', severity: 'warning', message: 'm' })], reportContext(CWD, [outside]));
    expect(parseCommand(out.trimEnd()).properties.get('file')).toBe('/etc/nginx/mime.types');
  });

  describe('annotation limits', () => {
    const many = (severity: Severity, count: number): Finding[] => {
      const text = Array.from({ length: count }, (_, i) => `d${i};`).join('\n') + '\n';
      const src = new SourceText(text, `/proj/${severity}.conf`);
      return Array.from({ length: count }, (_, i) => finding(src, `d${i};`, { rule: `r-${severity}`, severity, message: `${severity} ${i}` }));
    };

    it('annotates at most 10 of each kind, lists the rest and ends with a notice that GitHub still shows', () => {
      const findings = [...many('info', 11), ...many('warning', 3), ...many('error', 12)];
      const lines = formatGithub(findings, ctx).trimEnd().split('\n');
      const kinds = lines.map((l) => /^::(error|warning|notice) /.exec(l)?.[1] ?? 'plain');
      expect(kinds.filter((k) => k === 'error')).toHaveLength(GITHUB_ANNOTATIONS_PER_KIND);
      expect(kinds.filter((k) => k === 'warning')).toHaveLength(3);
      // Nine info findings plus the closing notice: exactly what GitHub shows.
      expect(kinds.filter((k) => k === 'notice')).toHaveLength(GITHUB_ANNOTATIONS_PER_KIND);
      expect(kinds.indexOf('warning')).toBeGreaterThan(kinds.lastIndexOf('error'));
      expect(kinds.indexOf('notice')).toBeGreaterThan(kinds.lastIndexOf('warning'));
      expect(lines.filter((l) => l.startsWith('ngxlint: '))).toEqual([
        'ngxlint: error.conf:11:1: error: error 10 [r-error]',
        'ngxlint: error.conf:12:1: error: error 11 [r-error]',
        'ngxlint: info.conf:10:1: info: info 9 [r-info]',
        'ngxlint: info.conf:11:1: info: info 10 [r-info]',
      ]);
      const last = parseCommand(lines[lines.length - 1] as string);
      expect(last.name).toBe('notice');
      expect(last.data).toMatch(/^4 more findings than GitHub shows as annotations \(10 errors, 10 warnings and 10 notices per step\): they are listed above in the job log; upload --format sarif/);
    });

    it('needs no closing notice when every finding fits, and leaves the listing out when asked', () => {
      const fits = [...many('info', 10), ...many('error', 10)];
      const out = formatGithub(fits, ctx);
      expect(out.trimEnd().split('\n')).toHaveLength(20);
      expect(out).not.toContain('more finding');
      const over = formatGithub(many('warning', 11), ctx, { listOverflow: false }).trimEnd().split('\n');
      expect(over).toHaveLength(11);
      expect(over.filter((l) => l.startsWith('ngxlint: '))).toEqual([]);
      expect(parseCommand(over[10] as string).data).toMatch(/^1 more finding than GitHub shows .*: the report above lists them in the job log/);
    });

    it('never starts a listed line with "::", whatever the file is called', () => {
      const src = new SourceText(Array.from({ length: 11 }, (_, i) => `d${i};`).join('\n'), '/proj/::error::pwned');
      const findings = Array.from({ length: 11 }, (_, i) => finding(src, `d${i};`, { rule: 'r', severity: 'error', message: `e${i}` }));
      const plain = formatGithub(findings, reportContext(CWD, [src])).split('\n').filter((l) => !/^::(error|warning|notice) /.test(l) && l !== '');
      expect(plain).toEqual(['ngxlint: ::error::pwned:11:1: error: e10 [r]']);
    });
  });
});
