/**
 * `.env` files: `PORT=3001` (and `HOST=...`) is where Node apps and most twelve-factor servers listen.
 * Syntax as the dotenv family reads it: `KEY=value`, optional `export `, `#` comments (a ` #` after an
 * unquoted value starts one), single, double or backtick quotes (double quotes may span lines). The last
 * assignment of a key wins. `${OTHER}` / `$OTHER` references are symbolic.
 */
import * as path from 'node:path';
import type { BackendSource, Listener, ReaderResult } from '../types.js';

export interface DotenvEntry {
  readonly key: string;
  readonly value: string;
  /** Contains a `$VAR` / `${VAR}` reference (unquoted or double-quoted values). */
  readonly symbolic: boolean;
  readonly source: BackendSource;
}

/** Every `KEY=value` line of a .env file, in order. Never throws. */
export function parseDotenv(file: string, text: string): DotenvEntry[] {
  const out: DotenvEntry[] = [];
  const lines = text.split(/\r\n|\r|\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    const lineNo = i + 1;
    // A BOM on line 1 counts as a column (as in SourceText): match past it, keep the offsets.
    const m = /^(\ufeff?\s*(?:export\s+)?)([A-Za-z_][A-Za-z0-9_.-]*)\s*=\s*/.exec(line);
    if (!m) continue;
    const key = m[2] as string;
    let start = (m[0] as string).length;
    const first = line[start];
    let value: string;
    let end: number;
    let symbolic = false;
    if (first === '"' || first === "'" || first === '`') {
      const close = line.indexOf(first, start + 1);
      if (close === -1 && first === '"') {
        // A double-quoted value may span lines; report its first line.
        let j = i + 1;
        let body = line.slice(start + 1);
        let found = false;
        while (j < lines.length) {
          const l = lines[j] as string;
          const c = l.indexOf('"');
          if (c !== -1) {
            body += `\n${l.slice(0, c)}`;
            found = true;
            break;
          }
          body += `\n${l}`;
          j++;
        }
        value = found ? body : line.slice(start + 1);
        if (found) i = j;
        end = line.length;
        start += 1;
      } else {
        const stop = close === -1 ? line.length : close;
        value = line.slice(start + 1, stop);
        end = stop;
        start += 1;
      }
      if (first === '"') value = value.replace(/\\n/g, '\n').replace(/\\(["\\])/g, '$1');
      symbolic = first !== "'" && /\$\{?[A-Za-z_]/.test(value);
    } else {
      const comment = /\s#/.exec(line.slice(start));
      end = comment ? start + comment.index : line.length;
      while (end > start && /\s/.test(line[end - 1] as string)) end--;
      value = line.slice(start, end);
      symbolic = /\$\{?[A-Za-z_]/.test(value);
    }
    out.push({ key, value, symbolic, source: { file, line: lineNo, column: start + 1, endColumn: end + 1 } });
  }
  return out;
}

/**
 * Read a .env file: `PORT` gives one HTTP listener on `HOST` (every interface when HOST is not set), named
 * after the file's directory. A PORT that is not a literal number makes a symbolic listener with no port.
 * No PORT, no listener. Never throws.
 */
export function readDotenv(file: string, text: string): ReaderResult {
  try {
    const entries = parseDotenv(file, text);
    const last = (key: string): DotenvEntry | undefined => entries.filter((e) => e.key === key).pop();
    const port = last('PORT');
    if (!port) return { listeners: [] };
    const host = last('HOST');
    const portNumber = !port.symbolic && /^\d+$/.test(port.value.trim()) && Number(port.value) <= 65535 ? Number(port.value) : undefined;
    const hostValue = host && !host.symbolic && host.value.trim() !== '' ? host.value.trim().replace(/^\[(.*)\]$/, '$1') : undefined;
    const symbolic = portNumber === undefined || (host !== undefined && host.symbolic);
    const dir = path.posix.basename(path.posix.dirname(file.replace(/\\/g, '/')));
    const listener: Listener = {
      kind: 'dotenv',
      name: dir === '' || dir === '.' || dir === '/' ? '.env' : dir,
      protocol: 'http',
      transport: 'tcp',
      ...(hostValue !== undefined && hostValue !== '*' ? { host: hostValue } : {}),
      ...(portNumber !== undefined ? { port: portNumber } : {}),
      source: port.source,
      ...(symbolic ? { symbolic: true } : {}),
    };
    return { listeners: [listener] };
  } catch (error) {
    return { listeners: [], problems: [`could not read the .env file (${error instanceof Error ? error.message : String(error)})`] };
  }
}
