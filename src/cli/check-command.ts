import * as path from 'node:path';
import { EntryError, loadConfig, type ConfigTree, type Host } from '../include/index.js';
import { codeFrame } from '../report/code-frame.js';
import { EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, type CliIo } from './io.js';

export interface CheckCommandOptions {
  readonly files: readonly string[];
  readonly prefix: string | undefined;
}

/** Expands command-line paths: a directory means its nginx.conf, else every *.conf directly in it. */
export function expandInputs(inputs: readonly string[], cwd: string, host: Host): { files: string[]; errors: string[] } {
  const files: string[] = [];
  const errors: string[] = [];
  for (const input of inputs) {
    const abs = path.resolve(cwd, input);
    const st = host.stat(abs);
    if (st === undefined) errors.push(`${input}: no such file or directory`);
    else if (st.kind === 'file') files.push(abs);
    else if (st.kind === 'directory') {
      const main = path.join(abs, 'nginx.conf');
      if (host.stat(main)?.kind === 'file') files.push(main);
      else {
        const confs = host.glob(path.join(abs, '*.conf')).filter((p) => host.stat(p)?.kind === 'file');
        if (confs.length === 0) errors.push(`${input}: directory has no nginx.conf and no *.conf files`);
        files.push(...confs);
      }
    } else errors.push(`${input}: not a regular file`);
  }
  return { files, errors };
}

/** Loads each input with its includes and reports syntax and include errors. */
export function checkCommand(options: CheckCommandOptions, io: CliIo): number {
  if (options.files.length === 0) {
    io.stderr('ngxlint: no input files; pass nginx.conf, snippets or directories (see --help)\n');
    return EXIT_USAGE;
  }
  const { files, errors } = expandInputs(options.files, io.cwd, io.host);
  for (const e of errors) io.stderr(`ngxlint: ${e}\n`);
  if (errors.length > 0) return EXIT_USAGE;

  const seen = new Set<string>();
  let findings = 0;
  let ioFailure = false;
  const rel = (p: string): string => path.relative(io.cwd, p) || p;
  for (const file of files) {
    if (seen.has(file)) continue;
    let tree: ConfigTree;
    try {
      tree = loadConfig(file, { host: io.host, ...(options.prefix !== undefined ? { prefix: path.resolve(io.cwd, options.prefix) } : {}) });
    } catch (e) {
      if (!(e instanceof EntryError)) throw e;
      io.stderr(`ngxlint: ${e.message}\n`);
      ioFailure = true;
      continue;
    }
    for (const loaded of tree.files.values()) {
      if (seen.has(loaded.path)) continue;
      seen.add(loaded.path);
      if (loaded.source.encodingNote) io.stderr(`ngxlint: ${rel(loaded.path)}: ${loaded.source.encodingNote}\n`);
      for (const e of loaded.errors) {
        findings++;
        io.stdout(`${rel(loaded.path)}:${e.line}:${e.column}: ${e.message} [syntax-error]\n${codeFrame(loaded.source, e.span)}`);
      }
    }
    for (const p of tree.problems) {
      findings++;
      const holder = tree.files.get(p.file);
      const rule = p.kind === 'cycle' ? 'include-cycle' : 'include-not-found';
      io.stdout(`${rel(p.file)}:${p.line}:${p.column}: ${p.message} [${rule}]\n${holder ? codeFrame(holder.source, p.span) : ''}`);
    }
  }
  if (ioFailure) return EXIT_USAGE;
  if (findings > 0) {
    io.stdout(`\n${findings} problem${findings === 1 ? '' : 's'}\n`);
    return EXIT_FINDINGS;
  }
  return EXIT_OK;
}
