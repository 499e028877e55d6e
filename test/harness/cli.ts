import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll } from 'vitest';
import { run } from '../../src/cli/main.js';
import { createNodeHost, type Host } from '../../src/include/index.js';
import type { CliIo } from '../../src/cli/io.js';
import type { LintCommandOptions } from '../../src/cli/lint-command.js';
import { writeFileAtomic } from '../../src/fix/write.js';

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the CLI in-process with captured output; `host` defaults to the real filesystem. */
export async function runCli(
  argv: string[],
  options: { cwd: string; host?: Host; env?: Record<string, string>; replaceFile?: (filePath: string, bytes: Uint8Array) => void },
): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const written = new Map<string, string>();
  const io: CliIo = {
    stdout: (t) => void (stdout += t),
    stderr: (t) => void (stderr += t),
    cwd: options.cwd,
    host: options.host ?? createNodeHost(),
    writeFile: (p, t) => {
      written.set(p, t);
      fs.writeFileSync(p, t);
    },
    replaceFile: options.replaceFile ?? writeFileAtomic,
    env: options.env ?? {},
    stdoutIsTTY: false,
  };
  const code = await run(argv, io);
  return { code, stdout, stderr };
}

/** `tree(files)`: a tempTree that is removed after the test file's tests. Call at a test file's top level. */
export function tempTrees(): (files: Record<string, string | Uint8Array>) => string {
  const dirs: string[] = [];
  afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));
  return (files) => {
    const dir = tempTree(files);
    dirs.push(dir);
    return dir;
  };
}

/** A temp directory filled with `files`; remove it with `fs.rmSync(dir, { recursive: true })`. */
export function tempTree(files: Record<string, string | Uint8Array>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ngxlint-test-'));
  for (const [name, content] of Object.entries(files)) {
    const target = path.join(dir, name);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, content);
  }
  return dir;
}

/** What `ngxlint` without arguments hands lintCommand: every option at its default. */
export const NO_ARGUMENTS_LINT_OPTIONS: LintCommandOptions = {
  files: [],
  prefix: undefined,
  format: undefined,
  outputFile: undefined,
  maxWarnings: undefined,
  quiet: false,
  rule: [],
  color: undefined,
  config: undefined,
  noConfig: false,
  printConfig: false,
  stdin: false,
  stdinFilename: undefined,
  nginxVersion: undefined,
  inlineConfig: true,
  reportUnusedDisableDirectives: false,
  fix: false,
  unsafeFixes: false,
  diff: false,
  outputDir: undefined,
  showFixes: false,
  backend: [],
  root: undefined,
  probe: false,
  probeTimeout: undefined,
  probeConcurrency: undefined,
  probeBudget: undefined,
  probeProgress: false,
};
