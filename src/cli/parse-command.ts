import * as path from 'node:path';
import { EntryError, loadConfig } from '../include/index.js';
import { crossplaneJson } from '../crossplane/payload.js';
import { EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, type CliIo } from './io.js';

export interface ParseCommandOptions {
  readonly file: string;
  readonly singleFile: boolean;
  readonly includeComments: boolean;
  readonly combine: boolean;
  readonly positions: boolean;
  readonly prefix: string | undefined;
  readonly indent: number | undefined;
  readonly out: string | undefined;
}

/** `ngxlint parse FILE`: crossplane's payload on stdout (or -o). Exit 1 when the payload has errors. */
export function parseCommand(options: ParseCommandOptions, io: CliIo): number {
  const entry = path.resolve(io.cwd, options.file);
  const st = io.host.stat(entry);
  if (st === undefined) {
    io.stderr(`ngxlint: ${options.file}: no such file or directory\n`);
    return EXIT_USAGE;
  }
  if (st.kind !== 'file') {
    io.stderr(`ngxlint: ${options.file}: is a ${st.kind === 'directory' ? 'directory' : 'special file'}, expected an nginx configuration file\n`);
    return EXIT_USAGE;
  }
  let tree;
  try {
    tree = loadConfig(entry, {
      host: io.host,
      followIncludes: !options.singleFile,
      ...(options.prefix !== undefined ? { prefix: path.resolve(io.cwd, options.prefix) } : {}),
    });
  } catch (e) {
    if (e instanceof EntryError) {
      io.stderr(`ngxlint: ${e.message}\n`);
      return EXIT_USAGE;
    }
    throw e;
  }
  for (const file of tree.files.values()) {
    if (file.source.encodingNote) io.stderr(`ngxlint: ${path.relative(io.cwd, file.path) || file.path}: ${file.source.encodingNote}\n`);
  }
  if (st.size === 0) io.stderr(`ngxlint: ${options.file}: file is empty\n`);
  const payloadOptions = { comments: options.includeComments, combine: options.combine, positions: options.positions };
  const { json: payload, status } = crossplaneJson(tree, payloadOptions, options.indent);
  const json = payload + '\n';
  if (options.out !== undefined) io.writeFile(path.resolve(io.cwd, options.out), json);
  else io.stdout(json);
  return status === 'ok' ? EXIT_OK : EXIT_FINDINGS;
}
