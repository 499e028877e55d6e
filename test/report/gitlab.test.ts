import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatGitlab, toCodeQualityIssues, type CodeQualityIssue } from '../../src/report/index.js';
import { SourceText } from '../../src/source/index.js';
import { finding, related, reportContext } from './support/findings.js';
import { validateJson, type JsonSchema } from './support/json-schema.js';

const SCHEMA = JSON.parse(fs.readFileSync(path.resolve(__dirname, '../fixtures/schemas/gitlab-code-quality.schema.json'), 'utf8')) as JsonSchema;

const CWD = '/proj';
const main = new SourceText(['http {', '    upstream app {', '    }', '    server {', '        proxy_pass http://app;', '        proxy_pass http://app;', '    }', '}', ''].join('\n'), '/proj/conf/nginx.conf');
const outside = new SourceText('y;\n', '/etc/nginx/mime.types');
const findings = [
  finding(main, 'upstream app {\n    }\n', { rule: 'upstream-definition-errors', severity: 'error', message: 'upstream "app" has no server' }),
  finding(main, 'http://app', { rule: 'upstream-all-unavailable', severity: 'warning', message: 'down', related: [related(main, 'upstream app', 'here')] }),
  finding(main, 'http://app', { rule: 'upstream-all-unavailable', severity: 'warning', message: 'down', nth: 1 }),
  finding(outside, 'y;', { rule: 'r', severity: 'info', message: 'outside' }),
];
const ctx = reportContext(CWD, [main, outside]);

describe('gitlab', () => {
  const out = formatGitlab(findings, ctx);
  const issues = JSON.parse(out) as CodeQualityIssue[];

  it('matches the documented Code Quality format, with unique fingerprints and no byte order mark', () => {
    expect(validateJson(issues, SCHEMA)).toEqual([]);
    expect(new Set(issues.map((i) => i.fingerprint)).size).toBe(issues.length);
    expect(out.charCodeAt(0)).toBe(0x5b);
  });

  it('maps each finding: description, check, severity, relative path and lines', () => {
    expect(issues.map(({ fingerprint, ...rest }) => ({ ...rest, fingerprint: /^[0-9a-f]{32}$/.test(fingerprint) }))).toEqual([
      { description: 'outside', check_name: 'r', fingerprint: true, severity: 'info', location: { path: '../etc/nginx/mime.types', lines: { begin: 1, end: 1 } } },
      // A span that runs to the start of line 4 (the block's line break) ends on line 3.
      { description: 'upstream "app" has no server', check_name: 'upstream-definition-errors', fingerprint: true, severity: 'major', location: { path: 'conf/nginx.conf', lines: { begin: 2, end: 3 } } },
      { description: 'down', check_name: 'upstream-all-unavailable', fingerprint: true, severity: 'minor', location: { path: 'conf/nginx.conf', lines: { begin: 5, end: 5 } } },
      { description: 'down', check_name: 'upstream-all-unavailable', fingerprint: true, severity: 'minor', location: { path: 'conf/nginx.conf', lines: { begin: 6, end: 6 } } },
    ]);
    expect(formatGitlab([], ctx)).toBe('[]\n');
  });

  it('the schema check can fail: absolute paths, unknown severities and missing lines are caught', () => {
    const bad = [{ description: 'd', check_name: 'c', fingerprint: 'f', severity: 'fatal', location: { path: '/abs/x.conf' } }];
    expect(validateJson(bad, SCHEMA)).toEqual([
      '$[0].severity: "fatal" is not one of ["info","minor","major","critical","blocker"]',
      '$[0].location.path: "/abs/x.conf" does not match ^(?![A-Za-z]:|/)[^\\\\]*$',
      expect.stringMatching(/^\$\[0\]\.location: matches none of anyOf/),
    ]);
  });

  it('does not depend on the order the findings arrive in', () => {
    expect(toCodeQualityIssues([...findings].reverse(), ctx)).toEqual(issues);
  });
});
