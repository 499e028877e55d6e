import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { allRules } from '../../rules/index.js';
import { explainCommand } from '../../src/cli/rules-command.js';
import { renderMarkdown } from '../../src/cli/terminal-markdown.js';
import type { CliIo } from '../../src/cli/io.js';
import { createMemoryHost } from '../../src/include/index.js';
import { runCli } from '../harness/cli.js';

const ROOT = path.resolve(__dirname, '../..');
const RULE = 'upstream-timeout-missing';
const README = fs.readFileSync(path.join(ROOT, 'rules', RULE, 'README.md'), 'utf8');
const ESC = '\u001b[';
const stripAnsi = (text: string): string => text.replace(/\u001b\[[0-9;]*m/g, '');

/** Runs explainCommand with a terminal (or not) on stdout; returns the exit code and the output. */
function explainTo(name: string, terminal: { tty: boolean; env?: Record<string, string>; color?: boolean }) {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    stdout: (t) => void (stdout += t),
    stderr: (t) => void (stderr += t),
    cwd: ROOT,
    host: createMemoryHost({}),
    writeFile: () => {
      throw new Error('explain writes no files');
    },
    replaceFile: () => {
      throw new Error('explain writes no files');
    },
    env: terminal.env ?? {},
    stdoutIsTTY: terminal.tty,
  };
  const code = explainCommand(allRules, name, io, terminal.color);
  return { code, stdout, stderr };
}

describe('ngxlint explain', () => {
  it("prints the rule's README as plain markdown when stdout is not a terminal", async () => {
    const result = await runCli(['explain', RULE], { cwd: ROOT });
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(README);
    expect(result.stderr).toBe('');
  });

  it('has documentation for every rule', async () => {
    for (const rule of allRules) {
      const result = explainTo(rule.name, { tty: false });
      expect(result.code, rule.name).toBe(0);
      expect(result.stdout.startsWith(`# ${rule.name}\n`), rule.name).toBe(true);
    }
  });

  it('renders the markdown on a terminal: bold headings, indented code, no fences or markers', () => {
    const result = explainTo(RULE, { tty: true });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(ESC);
    const plain = stripAnsi(result.stdout);
    expect(plain).not.toMatch(/^#/m);
    expect(plain).not.toContain('```');
    expect(result.stdout).toMatch(new RegExp(`^\\u001b\\[1m.*${RULE}`));
    expect(result.stdout).toContain(`${ESC}1mWhy this causes 502s${ESC}22m`);
    // The README's first example, indented by four spaces.
    expect(plain).toContain('\n    http {\n        server {\n            listen 80;\n');
    expect(plain).toContain('`upstream-timeout-vs-backend-limit`'.replace(/`/g, ''));
  });

  it('prints plain markdown on a terminal when NO_COLOR is set, and colour when asked to', () => {
    expect(explainTo(RULE, { tty: true, env: { NO_COLOR: '1' } }).stdout).toBe(README);
    expect(explainTo(RULE, { tty: true, color: false }).stdout).toBe(README);
    expect(explainTo(RULE, { tty: false, color: true }).stdout).toContain(ESC);
  });

  it('suggests the closest rule name for a typo and exits 2', async () => {
    const result = await runCli(['explain', 'upstream-timeout-mising'], { cwd: ROOT });
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe('ngxlint: unknown rule "upstream-timeout-mising" (did you mean "upstream-timeout-missing"?); "ngxlint rules" lists them\n');
  });

  it('names no rule when nothing is close, and still exits 2', async () => {
    const result = await runCli(['explain', 'completely-unrelated-words'], { cwd: ROOT });
    expect(result.code).toBe(2);
    expect(result.stderr).toBe('ngxlint: unknown rule "completely-unrelated-words"; "ngxlint rules" lists them\n');
  });

  it('exits 2 without a rule name', async () => {
    const result = await runCli(['explain'], { cwd: ROOT });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('ngxlint');
  });

  it('rejects a name with path characters as an unknown rule', async () => {
    const result = await runCli(['explain', '../../package'], { cwd: ROOT });
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
  });
});

describe('renderMarkdown', () => {
  const md = [
    '# title',
    '',
    '<!-- examples need backend files -->',
    '',
    'Text with `code`, **bold**, a [link](https://nginx.org/) and <https://example.com/a>.',
    'A span `running over',
    'two lines` ends.',
    '',
    '```nginx',
    'proxy_pass http://[::1]:8000;',
    '',
    '# not a heading',
    '```',
    '',
    '- [`name`](https://x.test/) in a list',
  ].join('\n');
  const out = renderMarkdown(md);
  const plain = stripAnsi(out);

  it('turns links into text (url) and drops comments and fences', () => {
    expect(plain).toBe(
      [
        'title',
        '',
        'Text with code, bold, a link (https://nginx.org/) and https://example.com/a.',
        'A span running over',
        'two lines ends.',
        '',
        '    proxy_pass http://[::1]:8000;',
        '',
        '    # not a heading',
        '',
        '- name (https://x.test/) in a list',
      ].join('\n'),
    );
  });

  it('colours headings, bold text and code spans, not code blocks', () => {
    expect(out).toContain(`${ESC}1m${ESC}4mtitle`);
    expect(out).toContain(`${ESC}1mbold${ESC}22m`);
    expect(out).toContain(`${ESC}36mcode${ESC}39m`);
    // Each line of a span that runs over a line end is coloured on its own.
    expect(out).toContain(`${ESC}36mrunning over${ESC}39m\n${ESC}36mtwo lines${ESC}39m`);
    expect(out).toContain('\n    proxy_pass http://[::1]:8000;\n');
  });
});
