/**
 * A stand-in for src/backends/readers/command-line.ts in the compose and Procfile tests, so that they test
 * this side of the contract (which text is passed, and how sources come back into the file) and not the
 * command-line parser: `-b|--bind HOST:PORT` (or `--bind=HOST:PORT`) is one gunicorn listener whose source
 * is the address, computed the usual way (the text starts at `line`:`column`; after a line break the
 * column restarts at 1).
 */
import type { CommandLineOptions } from '../../src/backends/readers/command-line.js';
import type { Listener } from '../../src/backends/types.js';

export const calls: { file: string; line: number; column: number; command: string; options: CommandLineOptions }[] = [];

export function readCommandLine(file: string, line: number, column: number, command: string, options: CommandLineOptions = {}): Listener[] {
  calls.push({ file, line, column, command, options });
  const out: Listener[] = [];
  const re = /(?:^|\s)(?:-b\s+|--bind[=\s]+)(\S+)/g;
  for (const m of command.matchAll(re)) {
    const value = m[1] as string;
    const at = (m.index ?? 0) + m[0].length - value.length;
    const before = command.slice(0, at);
    const nl = before.lastIndexOf('\n');
    const l = line + (before.match(/\n/g)?.length ?? 0);
    const c = nl === -1 ? column + at : at - nl;
    const colon = value.lastIndexOf(':');
    const portText = value.slice(colon + 1);
    const port = /^\d+$/.test(portText) ? Number(portText) : undefined;
    out.push({
      kind: 'gunicorn',
      name: options.name ?? 'gunicorn',
      protocol: 'http',
      transport: 'tcp',
      host: value.slice(0, colon),
      ...(port !== undefined ? { port } : { symbolic: true }),
      source: { file, line: l, column: c, endColumn: c + value.length },
      requestTimeout: { value: 30000, source: { file, line: l, column: c, endColumn: c + value.length } },
    });
  }
  return out;
}
