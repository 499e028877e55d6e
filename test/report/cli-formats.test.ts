import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { allRules } from '../../rules/index.js';
import type { CliIo } from '../../src/cli/io.js';
import { lintCommand, type LintCommandOptions } from '../../src/cli/lint-command.js';
import { createNodeHost } from '../../src/include/index.js';
import { REPORT_FORMATS } from '../../src/report/index.js';
import { writeFileAtomic } from '../../src/fix/write.js';
import { NO_ARGUMENTS_LINT_OPTIONS, runCli, tempTrees } from '../harness/cli.js';

const tree = tempTrees();

const BROKEN_BUFFERS = 'events {}\nhttp {\n    proxy_buffer_size 16k;\n}\n';

describe('--format and -o for every report format', () => {
  it('writes each format to the output file and nothing to stdout; exit 1 on an error finding', async () => {
    const dir = tree({ 'nginx.conf': BROKEN_BUFFERS });
    for (const format of REPORT_FORMATS) {
      const out = `report.${format}`;
      const r = await runCli(['--no-config', '-f', format, '-o', out, 'nginx.conf'], { cwd: dir });
      expect([format, r.code, r.stdout]).toEqual([format, 1, '']);
      const text = fs.readFileSync(path.join(dir, out), 'utf8');
      expect(text).toContain('buffer-size-constraints');
      if (format === 'sarif' || format === 'gitlab' || format === 'json') expect(() => JSON.parse(text)).not.toThrow();
      if (format === 'checkstyle' || format === 'junit') expect(text.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n')).toBe(true);
    }
  });

  it('prints the new formats to stdout', async () => {
    const dir = tree({ 'nginx.conf': BROKEN_BUFFERS });
    const github = await runCli(['--no-config', '-f', 'github', 'nginx.conf'], { cwd: dir });
    expect(github.stdout).toMatch(/^::error file=nginx\.conf,line=3,endLine=3,col=5,endColumn=27,title=ngxlint\(buffer-size-constraints\)::"proxy_busy_buffers_size" must be less than/);
    const sarif = JSON.parse((await runCli(['--no-config', '-f', 'sarif', 'nginx.conf'], { cwd: dir })).stdout);
    expect(sarif.runs[0].tool.driver.rules).toHaveLength(allRules.length);
    expect(sarif.runs[0].tool.driver.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(sarif.runs[0].results[0].ruleId).toBe('buffer-size-constraints');
  });

  it('rejects an unknown format as a usage error', async () => {
    const r = await runCli(['-f', 'xml', 'nginx.conf'], { cwd: tree({ 'nginx.conf': BROKEN_BUFFERS }) });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/Invalid values:[\s\S]*xml/);
  });
});

describe('under GitHub Actions', () => {
  /** lintCommand with captured output; `format` undefined means no --format was given. */
  async function lint(dir: string, options: Partial<LintCommandOptions>, env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
    let stdout = '';
    let stderr = '';
    const io: CliIo = {
      stdout: (t) => void (stdout += t),
      stderr: (t) => void (stderr += t),
      cwd: dir,
      host: createNodeHost(),
      writeFile: (p, t) => fs.writeFileSync(p, t),
      replaceFile: writeFileAtomic,
      env,
      stdoutIsTTY: false,
    };
    const full: LintCommandOptions = { ...NO_ARGUMENTS_LINT_OPTIONS, files: ['nginx.conf'], noConfig: true, ...options };
    const code = await lintCommand(full, allRules, io, () => '');
    return { code, stdout, stderr };
  }

  it('prints the stylish report, shielded from the runner, then the annotations', async () => {
    const dir = tree({ 'nginx.conf': BROKEN_BUFFERS });
    const plain = await lint(dir, {}, {});
    const r = await lint(dir, {}, { GITHUB_ACTIONS: 'true' });
    expect(r.code).toBe(1);
    const m = /^::stop-commands::([0-9a-f-]{36})\n([\s\S]*)::\1::\n(::error [^\n]*\n)$/.exec(r.stdout);
    expect(m).not.toBeNull();
    expect(m?.[2]).toBe(plain.stdout);
    expect(plain.stdout).toContain('buffer-size-constraints');
    expect(m?.[3]).toMatch(/^::error file=nginx\.conf,line=3,.*title=ngxlint\(buffer-size-constraints\)::/);
  });

  it('leaves an explicit --format alone, and the stylish report in the -o file while annotating on stdout', async () => {
    const dir = tree({ 'nginx.conf': BROKEN_BUFFERS });
    const compact = await lint(dir, { format: 'compact' }, { GITHUB_ACTIONS: 'true' });
    expect(compact.stdout).toMatch(/^nginx\.conf:3:5: error: .*\[buffer-size-constraints\]\n$/);
    const stylishExplicit = await lint(dir, { format: 'stylish' }, { GITHUB_ACTIONS: 'true' });
    expect(stylishExplicit.stdout).not.toContain('::');
    const toFile = await lint(dir, { outputFile: 'report.txt' }, { GITHUB_ACTIONS: 'true' });
    expect(toFile.stdout).toMatch(/^::error file=nginx\.conf,[^\n]*\n$/);
    expect(fs.readFileSync(path.join(dir, 'report.txt'), 'utf8')).toContain('\u2716 1 problem (1 error, 0 warnings, 0 infos)');
    const clean = tree({ 'nginx.conf': 'events {}\nhttp {}\n' });
    expect((await lint(clean, {}, { GITHUB_ACTIONS: 'true' })).stdout).toBe('');
  });
});

describe('many findings on one very long line (found by fuzzing)', () => {
  it('sarif and gitlab embed only text near each finding, not the whole line per finding', async () => {
    const findings = 4000;
    const dir = tree({ 'nginx.conf': `events {}\nhttp {\n${'a b; '.repeat(findings)}\n}\n` });
    const sarif = await runCli(['--no-config', '-f', 'sarif', 'nginx.conf'], { cwd: dir });
    const log = JSON.parse(sarif.stdout) as { runs: { results: { locations: { physicalLocation: { contextRegion?: unknown } }[] }[] }[] };
    const results = log.runs[0]?.results ?? [];
    expect(results).toHaveLength(findings);
    // The 20 KB line is not repeated as each result's context (that made 48 MB logs and then a RangeError).
    expect(results.every((r) => r.locations[0]?.physicalLocation.contextRegion === undefined)).toBe(true);
    expect(sarif.stdout.length).toBeLessThan(findings * 2000);
    const gitlab = JSON.parse((await runCli(['--no-config', '-f', 'gitlab', 'nginx.conf'], { cwd: dir })).stdout) as { fingerprint: string }[];
    expect(new Set(gitlab.map((g) => g.fingerprint)).size).toBe(findings);
  }, 60_000);
});
