import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatCheckstyle, formatJunit } from '../../src/report/index.js';
import { xmlAttr, xmlSafe, xmlText } from '../../src/report/xml.js';
import { SourceText } from '../../src/source/index.js';
import { finding, related, reportContext } from './support/findings.js';
import { XmlError, parseXml, type XmlElement } from './support/xml-parser.js';
import { checkXmlStructure, type XmlStructure } from './support/xml-structure.js';

const SCHEMAS = path.resolve(__dirname, '../fixtures/schemas');
const structure = (name: string) => JSON.parse(fs.readFileSync(path.join(SCHEMAS, name), 'utf8')) as XmlStructure;
const CHECKSTYLE = structure('checkstyle.structure.json');
const JUNIT = structure('junit.structure.json');

const CWD = '/proj';
/** What a config can smuggle into a message or a file name: markup, quotes, controls, a lone surrogate. */
const HOSTILE = 'a <b> & "c" \'d\'\ttab\nnewline\r\nCRLF \u001b[31m \u0000 \u0007 \ud800 lone \ufffe 🚀 ]]> end';
const SANITIZED = 'a <b> & "c" \'d\'\ttab\nnewline\r\nCRLF \u241b[31m \u2400 \u2407 \ufffd lone \ufffd 🚀 ]]> end';

const main = new SourceText(['http {', '    upstream app {', '    }', '    server {', '        proxy_pass http://app;', '        proxy_pass http://app;', '    }', '}', ''].join('\n'), '/proj/conf/nginx.conf');
const weird = new SourceText('x;\n', '/proj/conf/we"ird <&> \u0001.conf');
const outside = new SourceText('y;\n', '/etc/nginx/mime.types');
const findings = [
  finding(main, 'upstream app', { rule: 'upstream-definition-errors', severity: 'error', message: 'upstream "app" has no server' }),
  finding(main, 'http://app', {
    rule: 'upstream-all-unavailable',
    severity: 'warning',
    message: 'every server is down',
    related: [related(main, 'upstream app', 'defined here')],
    fix: { title: 'add a server', applicability: 'safe', edits: [] },
  }),
  finding(main, 'http://app', { rule: 'upstream-all-unavailable', severity: 'warning', message: 'every server is down', nth: 1 }),
  finding(weird, 'x;', { rule: 'r', severity: 'info', message: HOSTILE }),
  finding(outside, 'y;', { rule: 'r', severity: 'error', message: 'outside' }),
];
const ctx = reportContext(CWD, [main, weird, outside], { files: [main.file, '/proj/conf/clean.conf', weird.file] });

function elements(root: XmlElement, name: string): XmlElement[] {
  return [...(root.name === name ? [root] : []), ...root.children.flatMap((c) => elements(c, name))];
}

describe('XML escaping', () => {
  it('replaces what XML 1.0 cannot carry and escapes markup', () => {
    expect(xmlSafe(HOSTILE)).toBe(SANITIZED);
    expect(xmlText('<a> & b')).toBe('&lt;a&gt; &amp; b');
    expect(xmlAttr('"x"\t\n\r')).toBe('&quot;x&quot;&#9;&#10;&#13;');
    // A surrogate pair is one character, not two lone halves.
    expect(xmlSafe('\ud83d\ude80')).toBe('🚀');
    expect(xmlSafe('\ude80\ud83d')).toBe('\ufffd\ufffd');
  });

  it('the test parser and structure check reject what a consumer would (so that passing them means something)', () => {
    expect(() => parseXml('<a b="1" b="2"/>')).toThrow(XmlError);
    expect(() => parseXml('<a>&</a>')).toThrow(/reference/);
    expect(() => parseXml('<a>\u0001</a>')).toThrow(/not allowed in XML 1\.0/);
    expect(() => parseXml('<a>\ud800</a>')).toThrow(/not allowed/);
    expect(() => parseXml('<a><b></a></b>')).toThrow(/closes/);
    expect(() => parseXml('<a/><b/>')).toThrow(/after the root/);
    expect(() => parseXml('<a x="&#1;"/>')).toThrow(/does not allow/);
    expect(parseXml('<a x="1\n2" y="1&#10;2">t&amp;<![CDATA[<u>]]></a>')).toMatchObject({ attributes: new Map([['x', '1 2'], ['y', '1\n2']]), text: 't&<u>' });
    expect(checkXmlStructure(parseXml('<checkstyle><file><error line="0" severity="fatal" what="x"/></file></checkstyle>'), CHECKSTYLE)).toEqual([
      '/checkstyle: missing attribute version',
      '/checkstyle/file[0]: missing attribute name',
      '/checkstyle/file[0]/error[0]/@line: "0" does not match ^[1-9][0-9]*$',
      '/checkstyle/file[0]/error[0]/@severity: "fatal" is not one of ignore, info, warning, error',
      '/checkstyle/file[0]/error[0]: missing attribute message',
      '/checkstyle/file[0]/error[0]: unexpected attribute what',
    ]);
  });
});

describe('checkstyle', () => {
  const out = formatCheckstyle(findings, ctx);
  const doc = parseXml(out);

  it('is well-formed and matches the checkstyle structure', () => {
    expect(out.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<checkstyle version="4.3">\n')).toBe(true);
    expect(checkXmlStructure(doc, CHECKSTYLE)).toEqual([]);
  });

  it('lists every checked file by absolute path, sorted, with its findings in source order', () => {
    expect(doc.children.map((f) => f.attributes.get('name'))).toEqual(['/etc/nginx/mime.types', '/proj/conf/clean.conf', main.file, xmlSafe(weird.file)]);
    const errors = elements(doc, 'error').map((e) => Object.fromEntries(e.attributes));
    expect(errors.slice(1, 4)).toEqual([
      { line: '2', column: '5', severity: 'error', message: 'upstream "app" has no server', source: 'ngxlint.upstream-definition-errors' },
      { line: '5', column: '20', severity: 'warning', message: 'every server is down', source: 'ngxlint.upstream-all-unavailable' },
      { line: '6', column: '20', severity: 'warning', message: 'every server is down', source: 'ngxlint.upstream-all-unavailable' },
    ]);
    expect(doc.children[1]?.children).toEqual([]);
  });

  it('carries hostile text through unchanged apart from what XML cannot hold', () => {
    expect(elements(doc, 'error')[4]?.attributes.get('message')).toBe(SANITIZED);
  });

  it('prints an empty report when nothing was checked', () => {
    expect(formatCheckstyle([], reportContext(CWD, []))).toBe('<?xml version="1.0" encoding="UTF-8"?>\n<checkstyle version="4.3">\n</checkstyle>\n');
  });
});

describe('junit', () => {
  const out = formatJunit(findings, ctx);
  const doc = parseXml(out);
  const suites = doc.children;

  it('is well-formed and matches the JUnit structure Jenkins and GitLab read', () => {
    expect(out.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="ngxlint"')).toBe(true);
    expect(checkXmlStructure(doc, JUNIT)).toEqual([]);
  });

  it('has one suite per file, a failing testcase per finding and a passing one for a clean file; the counts add up', () => {
    expect(suites.map((s) => s.attributes.get('name'))).toEqual(['/etc/nginx/mime.types', 'conf/clean.conf', 'conf/nginx.conf', xmlSafe('conf/we"ird <&> \u0001.conf')]);
    for (const suite of suites) {
      const cases = suite.children.filter((c) => c.name === 'testcase');
      expect(Number(suite.attributes.get('tests'))).toBe(cases.length);
      expect(Number(suite.attributes.get('failures'))).toBe(cases.filter((c) => c.children.some((x) => x.name === 'failure')).length);
    }
    expect(Number(doc.attributes.get('tests'))).toBe(elements(doc, 'testcase').length);
    expect(Number(doc.attributes.get('failures'))).toBe(elements(doc, 'failure').length);
    expect(elements(doc, 'failure')).toHaveLength(findings.length);
    const clean = suites[1]?.children[0];
    expect(clean && Object.fromEntries(clean.attributes)).toEqual({ classname: 'conf/clean.conf', name: 'no problems', file: 'conf/clean.conf', time: '0' });
    expect(clean?.children).toEqual([]);
  });

  it('gives every testcase a distinct classname and name, as GitLab drops repeats', () => {
    const keys = elements(doc, 'testcase').map((c) => `${c.attributes.get('classname')}\u0000${c.attributes.get('name')}`);
    expect(new Set(keys).size).toBe(keys.length);
    expect(suites[2]?.children.map((c) => c.attributes.get('name'))).toEqual(['2:5 upstream-definition-errors', '5:20 upstream-all-unavailable', '6:20 upstream-all-unavailable']);
  });

  it('describes the finding in the failure: message, severity, location, notes, fix and docs', () => {
    const failure = suites[2]?.children[1]?.children[0];
    expect(failure && Object.fromEntries(failure.attributes)).toEqual({ message: 'every server is down', type: 'warning' });
    expect(failure?.text).toBe(
      [
        'conf/nginx.conf:5:20: warning: every server is down [upstream-all-unavailable]',
        'note: conf/nginx.conf:2:5: defined here',
        'fix (safe): add a server',
        'docs: https://ngxlint.dev/rules/upstream-all-unavailable',
      ].join('\n'),
    );
    const hostile = suites[3]?.children[0]?.children[0];
    expect(hostile?.attributes.get('message')).toBe(SANITIZED);
    // Character data: CR LF reads back as LF, as any XML processor reports it.
    expect(hostile?.text).toContain(SANITIZED.replace(/\r\n/g, '\n'));
  });

  it('is an empty, valid report when nothing was checked', () => {
    const empty = parseXml(formatJunit([], reportContext(CWD, [])));
    expect(checkXmlStructure(empty, JUNIT)).toEqual([]);
    expect(empty.children).toEqual([]);
    expect(empty.attributes.get('tests')).toBe('0');
  });
});
