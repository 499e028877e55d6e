/**
 * Procfile (Heroku, Dokku, foreman, honcho): one `name: command` per line. Each command line goes to the
 * command-line reader (gunicorn, uvicorn, uwsgi, node); the listeners it finds are named after the process
 * type (`web`, `api`, ...). `$PORT` is the platform's, so those listeners are usually symbolic.
 */
import type { Listener, ReaderResult } from '../types.js';
import { readCommandLine } from './command-line.js';

export interface ProcfileEntry {
  /** The process type (`web`, `worker`, ...). */
  readonly name: string;
  readonly command: string;
  /** 1-based line and column of the command. */
  readonly line: number;
  readonly column: number;
}

/** The `name: command` lines of a Procfile. Never throws. */
export function parseProcfile(text: string): ProcfileEntry[] {
  const out: ProcfileEntry[] = [];
  text.split(/\r\n|\r|\n/).forEach((raw, index) => {
    // A BOM on line 1 counts as a column (as in SourceText).
    const m = /^(\ufeff?[ \t]*)([A-Za-z0-9_-]+)[ \t]*:[ \t]*/.exec(raw);
    if (!m) return;
    const start = (m[0] as string).length;
    const command = raw.slice(start).replace(/\s+$/, '');
    if (command === '') return;
    out.push({ name: m[2] as string, command, line: index + 1, column: start + 1 });
  });
  return out;
}

/** Read a Procfile: the listeners of every process line. Never throws. */
export function readProcfile(file: string, text: string): ReaderResult {
  const listeners: Listener[] = [];
  const problems: string[] = [];
  for (const entry of parseProcfile(text)) {
    try {
      for (const l of readCommandLine(file, entry.line, entry.column, entry.command, { name: entry.name })) listeners.push({ ...l, name: entry.name });
    } catch (error) {
      problems.push(`line ${entry.line}: could not read the command (${error instanceof Error ? error.message : String(error)})`);
    }
  }
  return { listeners, ...(problems.length ? { problems } : {}) };
}
