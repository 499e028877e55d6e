/**
 * The README documents the CLI as it is: every long option that `--help` shows (for each command) and every
 * report format appear in README.md.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../harness/cli.js';

const ROOT = path.resolve(__dirname, '../..');
const README = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
const COMMANDS: readonly string[][] = [[], ['parse'], ['rules'], ['explain']];

async function help(command: readonly string[]): Promise<string> {
  const result = await runCli([...command, '--help'], { cwd: ROOT });
  expect(result.code).toBe(0);
  return result.stdout;
}

/** Whether the README names the option on its own (`--fix` is not found inside `--fix-dry-run`). */
function documented(option: string): boolean {
  return new RegExp(`(?<![\\w-])${option}(?![\\w-])`).test(README);
}

describe('README.md documents the CLI', () => {
  for (const command of COMMANDS) {
    const name = command.length === 0 ? 'ngxlint --help' : `ngxlint ${command.join(' ')} --help`;
    it(`names every long option of ${name}`, async () => {
      const options = [...new Set([...(await help(command)).matchAll(/(?<![\w-])--[a-z][a-z0-9-]*/g)].map((m) => m[0]))];
      expect(options.length).toBeGreaterThan(command.length === 0 ? 20 : 1);
      expect(options.filter((o) => !documented(o))).toEqual([]);
    });
  }

  it('names every report format', async () => {
    const choices = /--format[\s\S]*?\[choices: ([^\]]+)\]/.exec(await help([]))?.[1];
    const formats = (choices ?? '').split(',').map((c) => c.trim().replace(/^"|"$/g, ''));
    expect(formats).toContain('stylish');
    expect(formats.filter((f) => !README.includes(`\`${f}\``))).toEqual([]);
  });
});
