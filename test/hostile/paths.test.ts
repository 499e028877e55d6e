/**
 * Case 13: file names and include arguments with spaces, quotes and newlines. Includes resolve them as
 * nginx does (quoted arguments, `\n` unescaped), findings carry the real path, and every report format
 * keeps its shape: JSON escapes, compact stays one line per finding, stylish one header line per file.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli, tempTree } from '../harness/cli.js';
import { compactLines } from './child.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

const SITE = (port: number): string => `server {\n    location / {\n        proxy_pass http://localhost:${port};\n    }\n}\n`;
const QUOTED = `it's "quoted".conf`;
const NEWLINE = 'new\nline.conf';
const SPACE = 'new line.conf';

/** Three sites whose names differ only in a quote, a newline and a space. */
function sites(): string {
  const dir = tempTree({
    'nginx.conf': 'events {}\nhttp {\n    include "my conf.d/*.conf";\n    include "new\\nline.conf";\n    include \'new line.conf\';\n}\n',
    [`my conf.d/${QUOTED}`]: SITE(8080),
    [NEWLINE]: SITE(8081),
    [SPACE]: SITE(8082),
  });
  dirs.push(dir);
  return dir;
}
const ARGS = ['--no-config', '--rule', 'upstream-timeout-missing:off'];

describe('paths with spaces, quotes and newlines', () => {
  it('includes find the files; JSON reports their exact paths', async () => {
    const dir = sites();
    const r = await runCli([...ARGS, '-f', 'json', 'nginx.conf'], { cwd: dir });
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as { filePath: string; messages: { line: number; column: number }[] }[];
    const withFindings = report.filter((f) => f.messages.length > 0);
    expect(withFindings.map((f) => path.relative(dir, f.filePath)).sort()).toEqual([`my conf.d/${QUOTED}`, SPACE, NEWLINE].sort());
    for (const f of withFindings) expect(f.messages.map((m) => [m.line, m.column])).toEqual([[3, 20]]);
  });

  it('compact: one line per finding, spaces and quotes as they are', async () => {
    const dir = sites();
    const r = await runCli([...ARGS, '-f', 'compact', 'nginx.conf'], { cwd: dir });
    const lines = compactLines(r.stdout);
    expect(lines).toHaveLength(3);
    expect(lines).toContainEqual(expect.stringMatching(new RegExp(`^my conf\\.d/it's "quoted"\\.conf:3:20: warning: `)));
  });

  it('compact and stylish tell a newline in a name from a space, and keep every header on one line', async () => {
    const dir = sites();
    const compact = compactLines((await runCli([...ARGS, '-f', 'compact', 'nginx.conf'], { cwd: dir })).stdout);
    const prefixes = compact.map((l) => l.slice(0, l.indexOf(':3:20:')));
    expect(new Set(prefixes).size).toBe(3);
    const stylish = (await runCli([...ARGS, 'nginx.conf'], { cwd: dir })).stdout.split('\n');
    expect(stylish).not.toContain('line.conf');
  });

  it('a missing input whose name holds a newline is named on one line, escaped', async () => {
    const dir = sites();
    const r = await runCli([...ARGS, 'no\nsuch.conf'], { cwd: dir });
    expect([r.code, r.stderr]).toEqual([2, 'ngxlint: "no\\nsuch.conf": no such file or directory\n']);
  });

  it('an input given by a name with a newline is linted', async () => {
    const dir = sites();
    const r = await runCli([...ARGS, '-f', 'json', NEWLINE], { cwd: dir });
    const report = JSON.parse(r.stdout) as { filePath: string; messages: unknown[] }[];
    expect(report.map((f) => [f.filePath, f.messages.length])).toEqual([[path.join(dir, NEWLINE), 1]]);
  });
});
