import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Finding } from '../../src/engine/types.js';
import { FINGERPRINT_KEY, fingerprints } from '../../src/report/index.js';
import { sortedFindings } from '../../src/report/shared.js';
import { SourceText } from '../../src/source/index.js';
import { runCli, tempTree } from '../harness/cli.js';
import { finding, reportContext } from './support/findings.js';

const CWD = '/proj';
const BODY = ['server {', '    location /a/ { proxy_pass http://localhost:8080; }', '    location /b/ { proxy_pass http://localhost:8080; }', '}', ''].join('\n');

/** The two localhost findings of BODY, in a file whose text is `prefix + BODY`, and their fingerprints. */
function printsFor(prefix: string, body = BODY, file = '/proj/site.conf'): { findings: Finding[]; prints: string[] } {
  const src = new SourceText(prefix + body, file);
  const findings = [0, 1].map((nth) => finding(src, 'http://localhost:8080', { rule: 'localhost-dual-stack', severity: 'warning', message: 'localhost', nth }));
  const ctx = reportContext(CWD, [src]);
  const sorted = sortedFindings(findings, CWD);
  return { findings: sorted, prints: fingerprints(sorted, ctx) };
}

describe('fingerprints', () => {
  const base = printsFor('');

  it('stay the same when blank lines and comments are inserted above, or the line is re-indented', () => {
    const shifted = printsFor('# a comment\n\n\n# another\n');
    expect(shifted.findings.map((f) => f.start.line)).toEqual([6, 7]);
    expect(shifted.prints).toEqual(base.prints);
    expect(printsFor('', BODY.replace(/^ {4}location/gm, '\t\tlocation')).prints).toEqual(base.prints);
  });

  it('differ for identical findings in one file, and for the same finding in another file, rule or text', () => {
    expect(base.prints[0]).not.toBe(base.prints[1]);
    const twins = printsFor('', BODY.replace('/b/', '/a/'));
    expect(twins.prints[0]).not.toBe(twins.prints[1]);
    expect(printsFor('# moved\n', BODY.replace('/b/', '/a/')).prints).toEqual(twins.prints);
    expect(printsFor('', BODY, '/proj/other.conf').prints[0]).not.toBe(base.prints[0]);
    expect(printsFor('', BODY.replace('localhost:8080; }\n    location /b/', 'localhost:8080;  }\n    location /c/')).prints[1]).not.toBe(base.prints[1]);
    const src = new SourceText(BODY, '/proj/site.conf');
    const other = finding(src, 'http://localhost:8080', { rule: 'upstream-timeout-missing', severity: 'info', message: 'x' });
    expect(fingerprints([other], reportContext(CWD, [src]))[0]).not.toBe(base.prints[0]);
  });

  it('fall back to the message when the source is not at hand', () => {
    const [f] = base.findings as [Finding];
    const a = fingerprints([f], reportContext(CWD, []))[0];
    const b = fingerprints([{ ...f, message: 'another message' }], reportContext(CWD, []))[0];
    expect(a).toMatch(/^[0-9a-f]{32}$/);
    expect(a).not.toBe(b);
    expect(fingerprints([{ ...f, start: { ...f.start, line: 99 } }], reportContext(CWD, []))[0]).toBe(a);
  });
});

describe('fingerprints from the CLI (gitlab and sarif agree)', () => {
  const dirs: string[] = [];
  afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

  // Two servers with the same location line: identical findings on identical lines.
  const LOCATION = '        location / { proxy_pass http://localhost:8080; proxy_read_timeout 30s; }';
  const CONF = ['events {}', 'http {', '    server {', '        listen 80;', LOCATION, '    }', '    server {', '        listen 81;', LOCATION, '    }', '}', ''].join('\n');

  async function lintPrints(text: string): Promise<{ gitlab: { fingerprint: string; location: { lines: { begin: number } } }[]; sarif: string[] }> {
    const dir = tempTree({ 'nginx.conf': text });
    dirs.push(dir);
    const gitlab = await runCli(['--no-config', '-f', 'gitlab', 'nginx.conf'], { cwd: dir });
    const sarif = await runCli(['--no-config', '-f', 'sarif', '-o', 'out.sarif', 'nginx.conf'], { cwd: dir });
    expect(sarif.stdout).toBe('');
    const log = JSON.parse(fs.readFileSync(path.join(dir, 'out.sarif'), 'utf8')) as { runs: { results: { ruleId: string; partialFingerprints: Record<string, string> }[] }[] };
    return { gitlab: JSON.parse(gitlab.stdout), sarif: log.runs[0]?.results.map((r) => r.partialFingerprints[FINGERPRINT_KEY] as string) ?? [] };
  }

  it('keeps every fingerprint when comments and blank lines are added above, and never repeats one', async () => {
    const before = await lintPrints(CONF);
    const after = await lintPrints(CONF.replace('    server {', '    # the app\n\n    # more\n    server {'));
    expect(before.gitlab.map((i) => i.location.lines.begin)).toEqual([5, 9]);
    expect(after.gitlab.map((i) => i.location.lines.begin)).toEqual(before.gitlab.map((i) => i.location.lines.begin + 3));
    expect(after.gitlab.map((i) => i.fingerprint)).toEqual(before.gitlab.map((i) => i.fingerprint));
    expect(new Set(before.gitlab.map((i) => i.fingerprint)).size).toBe(before.gitlab.length);
    expect(before.sarif).toEqual(before.gitlab.map((i) => i.fingerprint));
  });
});
