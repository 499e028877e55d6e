import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { allRules } from '../../rules/index.js';
import { readRuleReadme } from '../../src/cli/rule-docs.js';
import { FINGERPRINT_KEY, toSarif, type SarifLog, type SarifResult } from '../../src/report/index.js';
import { SourceText } from '../../src/source/index.js';
import { runCli, tempTree } from '../harness/cli.js';
import { finding, related, reportContext } from './support/findings.js';

const CWD = '/proj';
const main = new SourceText(['http {', '    upstream app {', '    }', '    server {', '        proxy_pass http://app;', '    }', '}', ''].join('\n'), '/proj/conf/nginx.conf');
// Non-ASCII before the flagged text: 🚀 is two UTF-16 code units, é one.
const site = new SourceText(['server {', '    location /café/ { set $x "🚀"; proxy_pass http://localhost:8080; }', '}', ''].join('\n'), '/proj/conf/my site.conf');
const outside = new SourceText('types {}\n', '/etc/nginx/mime.types');

const upstream = finding(main, 'upstream app', { rule: 'upstream-definition-errors', severity: 'error', message: 'upstream "app" has no server' });
const pass = finding(main, 'http://app', {
  rule: 'upstream-all-unavailable',
  severity: 'warning',
  message: 'every server of "app" is down',
  related: [related(main, 'upstream app', 'upstream "app" defined here'), related(site, 'localhost', 'also used here')],
  fix: { title: 'add a server', applicability: 'unsafe', edits: [{ file: main.file, start: 19, end: 19, text: '\n        server 127.0.0.1:8080;' }] },
});
const local = finding(site, 'http://localhost:8080', {
  rule: 'localhost-dual-stack',
  severity: 'info',
  message: 'localhost is two addresses',
  fix: { title: 'connect to 127.0.0.1', applicability: 'safe', edits: [{ file: site.file, start: site.text.indexOf('localhost'), end: site.text.indexOf('localhost') + 9, text: '127.0.0.1' }] },
});
const suggestion = finding(outside, 'types', { rule: 'not-a-registered-rule', severity: 'info', message: 'x', fix: { title: 'think about it', applicability: 'suggestion', edits: [] } });

const ctx = reportContext(CWD, [main, site, outside], { rules: allRules, ruleHelp: readRuleReadme, toolVersion: '1.2.3', files: [main.file, site.file] });
const log = toSarif([local, suggestion, pass, upstream], ctx);
const run = log.runs[0] as SarifLog['runs'][number];
const byRule = (id: string) => run.results.find((r) => r.ruleId === id) as SarifResult;

describe('sarif', () => {
  it('describes the tool and every registered rule, with its README as help', () => {
    expect(log.version).toBe('2.1.0');
    const driver = run.tool.driver;
    expect([driver.name, driver.version, driver.semanticVersion]).toEqual(['ngxlint', '1.2.3', '1.2.3']);
    expect(driver.informationUri).toMatch(/^https:\/\//);
    const ids = driver.rules.map((r) => r.id);
    expect(ids.slice(0, allRules.length).sort()).toEqual(allRules.map((r) => r.name).sort());
    // A rule id only a finding names is described after the registered ones.
    expect(ids.slice(allRules.length)).toEqual(['not-a-registered-rule']);
    for (const rule of allRules) {
      const d = driver.rules.find((r) => r.id === rule.name);
      expect(d?.shortDescription.text).toBe(rule.description);
      expect(d?.help.markdown).toBe(readRuleReadme(rule.name));
      expect(d?.help.text.length).toBeGreaterThan(0);
      expect(d?.fullDescription.text).not.toMatch(/^#|\n/);
      expect(d?.helpUri).toBe(`https://ngxlint.dev/rules/${rule.name}`);
      expect(d?.defaultConfiguration.level).toBe({ error: 'error', warning: 'warning', info: 'note' }[rule.severity]);
      expect(d?.properties.tags).toEqual([rule.category]);
    }
    expect(driver.rules.find((r) => r.id === 'upstream-tls-sni-missing')?.name).toBe('UpstreamTlsSniMissing');
  });

  it('points each result at its rule and level, in report order', () => {
    expect(run.results.map((r) => [r.ruleId, r.level])).toEqual([
      ['not-a-registered-rule', 'note'],
      ['localhost-dual-stack', 'note'],
      ['upstream-definition-errors', 'error'],
      ['upstream-all-unavailable', 'warning'],
    ]);
    for (const r of run.results) expect(run.tool.driver.rules[r.ruleIndex]?.id).toBe(r.ruleId);
  });

  it('locates results relative to %SRCROOT% (the cwd), files outside it by file: URI, in UTF-16 columns', () => {
    expect(run.originalUriBaseIds).toEqual({ '%SRCROOT%': { uri: 'file:///proj/' } });
    expect(run.columnKind).toBe('utf16CodeUnits');
    const loc = byRule('localhost-dual-stack').locations[0]?.physicalLocation;
    expect(loc?.artifactLocation).toEqual({ uri: 'conf/my%20site.conf', uriBaseId: '%SRCROOT%' });
    const line = site.lineText(2);
    expect(loc?.region).toEqual({ startLine: 2, startColumn: line.indexOf('http://') + 1, endLine: 2, endColumn: line.indexOf('http://') + 22, snippet: { text: 'http://localhost:8080' } });
    // UTF-16: the rocket counts twice, so the column is one more than the code-point count.
    expect([...line.slice(0, line.indexOf('http://'))].length + 1).toBe((loc?.region.startColumn ?? 0) - 1);
    expect(loc?.contextRegion).toEqual({ startLine: 2, endLine: 2, snippet: { text: line } });
    expect(byRule('not-a-registered-rule').locations[0]?.physicalLocation.artifactLocation).toEqual({ uri: 'file:///etc/nginx/mime.types' });
  });

  it('carries related locations with ids and messages, fixes as replacements, and a fingerprint', () => {
    const r = byRule('upstream-all-unavailable');
    expect(r.relatedLocations?.map((l) => [l.id, l.message?.text, l.physicalLocation.artifactLocation.uri, l.physicalLocation.region.startLine])).toEqual([
      [0, 'upstream "app" defined here', 'conf/nginx.conf', 2],
      [1, 'also used here', 'conf/my%20site.conf', 2],
    ]);
    expect(r.fixes).toEqual([
      {
        description: { text: 'add a server' },
        artifactChanges: [
          {
            artifactLocation: { uri: 'conf/nginx.conf', uriBaseId: '%SRCROOT%' },
            replacements: [{ deletedRegion: { startLine: 2, startColumn: 13, endLine: 2, endColumn: 13 }, insertedContent: { text: '\n        server 127.0.0.1:8080;' } }],
          },
        ],
        properties: { applicability: 'unsafe' },
      },
    ]);
    expect(byRule('localhost-dual-stack').fixes?.[0]?.artifactChanges[0]?.replacements[0]?.deletedRegion).toMatchObject({ startLine: 2, endLine: 2 });
    // A suggestion without edits is not a SARIF fix (which needs at least one change).
    expect(byRule('not-a-registered-rule').fixes).toBeUndefined();
    const prints = run.results.map((x) => x.partialFingerprints[FINGERPRINT_KEY]);
    expect(new Set(prints).size).toBe(4);
    for (const p of prints) expect(p).toMatch(/^[0-9a-f]{32}$/);
  });

  it('lists the checked files as artifacts and marks a run with I/O errors unsuccessful', () => {
    expect(run.artifacts.map((a) => [a.location.uri, a.roles, a.encoding])).toEqual([
      ['file:///etc/nginx/mime.types', ['resultFile'], 'UTF-8'],
      ['conf/my%20site.conf', ['analysisTarget', 'resultFile'], 'UTF-8'],
      ['conf/nginx.conf', ['analysisTarget', 'resultFile'], 'UTF-8'],
    ]);
    expect(run.invocations).toEqual([{ executionSuccessful: true }]);
    const failed = toSarif([], { ...ctx, runErrors: ['conf/gone.conf: ENOENT'] }).runs[0];
    expect(failed?.invocations).toEqual([{ executionSuccessful: false, toolExecutionNotifications: [{ level: 'error', message: { text: 'conf/gone.conf: ENOENT' } }] }]);
    expect(failed?.results).toEqual([]);
    expect(failed?.tool.driver.rules).toHaveLength(allRules.length);
  });
});

describe('sarif validated by Microsoft SARIF multitool', () => {
  const dirs: string[] = [];
  afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

  /** The multitool's binary (the npm package's index resolves it); npm may not have marked it executable. */
  function multitool(): string {
    const binary = createRequire(import.meta.url)('@microsoft/sarif-multitool') as string;
    if ((fs.statSync(binary).mode & 0o100) === 0) fs.chmodSync(binary, fs.statSync(binary).mode | 0o100);
    return binary;
  }

  interface Diagnostic {
    readonly level: string;
    readonly rule: string;
    readonly text: string;
  }

  /** Runs `validate` and reads its console report: `file(line,col): level RULE: text`. */
  function validate(file: string, dir: string): { diagnostics: Diagnostic[]; output: string } {
    let output: string;
    try {
      output = execFileSync(multitool(), ['validate', file, '--output', path.join(dir, 'validation.sarif'), '--log', 'ForceOverwrite', '--level', 'Error;Warning;Note'], {
        encoding: 'utf8',
        env: { ...process.env, DOTNET_CLI_TELEMETRY_OPTOUT: '1', DOTNET_SYSTEM_GLOBALIZATION_INVARIANT: '1' },
        timeout: 120_000,
      });
    } catch (e) {
      // A non-zero exit still prints the diagnostics.
      output = String((e as { stdout?: string }).stdout ?? '') + String((e as { stderr?: string }).stderr ?? '');
    }
    const diagnostics = [...output.matchAll(/^.*?\(\d+,\d+\): (error|warning|note) ([A-Z]+\d+): (.*)$/gm)].map((m) => ({ level: m[1] as string, rule: m[2] as string, text: m[3] as string }));
    return { diagnostics, output };
  }

  it('finds no error and no warning in a rich log from the CLI (related locations, fixes, several files, one outside cwd, non-ASCII)', async () => {
    const root = tempTree({
      'outside/shared.conf': 'proxy_buffer_size 16k;\n',
      'repo/etc/php/8.2/fpm/pool.d/www.conf': '[www]\nuser = www-data\ngroup = www-data\nlisten = /run/php/php8.2-fpm.sock\nlisten.owner = www-data\nlisten.group = www-data\n',
      'repo/conf.d/app.conf': [
        '# Café ☕ — the blog 🚀',
        'server {',
        '    listen 80;',
        '    server_name café.example.com; # naïve',
        '    location ~ \\.php$ {',
        '        fastcgi_param SCRIPT_FILENAME $document_root$fastcgi_script_name;',
        '        fastcgi_pass unix:/run/php/php7.4-fpm.sock;',
        '    }',
        '    location /api/ { set $x "🚀"; proxy_pass http://localhost:8080; }',
        '}',
        '',
      ].join('\n'),
    });
    dirs.push(root);
    const repo = path.join(root, 'repo');
    fs.writeFileSync(path.join(repo, 'nginx.conf'), `events {}\nhttp {\n    include ${path.join(root, 'outside/shared.conf')};\n    include conf.d/*.conf;\n}\n`);
    const r = await runCli(['--no-config', '-f', 'sarif', '-o', 'ngxlint.sarif', 'nginx.conf'], { cwd: repo });
    expect(r.code).toBe(1);
    const file = path.join(repo, 'ngxlint.sarif');
    const sarif = JSON.parse(fs.readFileSync(file, 'utf8')) as SarifLog;
    const results = sarif.runs[0]?.results ?? [];

    // The log has what the validation is meant to cover.
    expect(results.some((x) => (x.relatedLocations?.length ?? 0) > 0)).toBe(true);
    expect(results.some((x) => (x.fixes?.length ?? 0) > 0)).toBe(true);
    expect(results.some((x) => x.locations[0]?.physicalLocation.artifactLocation.uri.startsWith('file:///'))).toBe(true);
    expect(new Set(results.map((x) => x.locations[0]?.physicalLocation.artifactLocation.uri)).size).toBeGreaterThanOrEqual(2);
    const rocket = results.find((x) => x.locations[0]?.physicalLocation.region.snippet?.text === 'http://localhost:8080');
    const appLine = '    location /api/ { set $x "🚀"; proxy_pass http://localhost:8080; }';
    expect(rocket?.locations[0]?.physicalLocation.region.startColumn).toBe(appLine.indexOf('http://') + 1);

    const { diagnostics, output } = validate(file, root);
    expect(output).toContain('Analysis completed successfully');
    const shown = (level: string) => diagnostics.filter((d) => d.level === level).map((d) => `${d.rule}: ${d.text}`);
    if (shown('warning').length > 0) console.log(`SARIF multitool warnings:\n${shown('warning').join('\n')}`);
    expect(shown('error')).toEqual([]);
    expect(shown('warning')).toEqual([]);
    // The notes left are advice this log declines on purpose: kebab-case rule ids (SARIF2009), rendered
    // messages rather than message ids (SARIF2002), no embedded file contents (SARIF2013) or version control
    // data (SARIF2003), an absolute URI for the file outside the checkout (SARIF2016), and the $schema URI
    // being unreachable offline (SARIF2006).
    expect([...new Set(diagnostics.map((d) => d.rule))].sort()).toEqual(expect.arrayContaining(['SARIF2009']));
    for (const d of diagnostics) expect(['SARIF2002', 'SARIF2003', 'SARIF2006', 'SARIF2009', 'SARIF2013', 'SARIF2016']).toContain(d.rule);
  });
});
