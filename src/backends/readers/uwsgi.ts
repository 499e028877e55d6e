/**
 * uwsgi.ini: the `[uwsgi]` section of a uWSGI ini file.
 *
 * - `socket` / `uwsgi-socket` speak the uwsgi protocol (or what `protocol =` says), `http-socket` and `http`
 *   (the HTTP router) speak HTTP, `https` / `https-socket` HTTP over TLS, `fastcgi-socket` FastCGI,
 *   `scgi-socket` SCGI. A value with `:` is TCP (`:3031` is every interface), anything else a unix socket
 *   (`@name` is the abstract namespace). Options repeat: each value is a listener.
 * - `chmod-socket` (octal; bare means 666), `chown-socket` (`user[:group]`) apply to the unix sockets.
 * - `harakiri` (seconds, 0 = off) is the request limit; `buffer-size` (bytes, default 4096) the largest
 *   request header block uWSGI accepts.
 * - Placeholders: `%(name)` is replaced by an option (or `set-placeholder`) written earlier in the file, as
 *   uWSGI does; `%n` `%s` `%e` `%%` come from the file name. Everything else (`$(ENV)`, `%d`, `@(file)`, an
 *   unknown `%(name)`) stays as written and makes the value symbolic.
 */
import * as path from 'node:path';
import type { BackendProtocol, BackendSource, Listener, ReaderResult, Sourced } from '../types.js';

/** uWSGI's default `buffer-size` (bytes). */
export const UWSGI_DEFAULT_BUFFER_SIZE = 4096;

interface IniValue {
  readonly key: string;
  readonly value: string;
  /** The value as written (before placeholders were expanded). */
  readonly raw: string;
  readonly symbolic: boolean;
  readonly source: BackendSource;
}

interface Section {
  readonly name: string;
  readonly values: IniValue[];
}

/** Where a default (an option the file does not write) is reported: line 1, column 1, an empty span. */
function defaultSource(file: string): BackendSource {
  return { file, line: 1, column: 1, endColumn: 1 };
}

/** Split an ini file into sections of `key = value`, with each value's place. */
function parseIni(file: string, text: string): Section[] {
  const sections: Section[] = [];
  let current: Section | undefined;
  const lines = text.split(/\r\n|\r|\n/);
  lines.forEach((raw, index) => {
    const lineNo = index + 1;
    // A BOM on line 1 counts as a column (like SourceText) but is not part of the text.
    const line = index === 0 && raw.startsWith('\ufeff') ? ` ${raw.slice(1)}` : raw;
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith(';') || trimmed.startsWith('#')) return;
    const header = /^\s*\[([^\]]*)\]/.exec(line);
    if (header) {
      current = { name: (header[1] as string).trim(), values: [] };
      sections.push(current);
      return;
    }
    if (!current) return;
    const eq = line.indexOf('=');
    const keyPart = eq === -1 ? line : line.slice(0, eq);
    const key = keyPart.trim().toLowerCase().replace(/_/g, '-');
    if (key === '') return;
    let start: number;
    let end: number;
    if (eq === -1) {
      // A bare option is a flag: its value is "true" (uWSGI), placed at the key.
      start = line.length - line.trimStart().length;
      end = start + trimmed.length;
    } else {
      start = eq + 1;
      while (start < line.length && /\s/.test(line[start] as string)) start++;
      end = line.length;
      while (end > start && /\s/.test(line[end - 1] as string)) end--;
    }
    const value = eq === -1 ? 'true' : line.slice(start, end);
    current.values.push({ key, value, raw: value, symbolic: false, source: { file, line: lineNo, column: start + 1, endColumn: end + 1 } });
  });
  return sections;
}

/** Expand placeholders uWSGI would expand from the file itself; the rest stay and make the value symbolic. */
function expand(value: string, known: ReadonlyMap<string, string>, file: string): { value: string; symbolic: boolean } {
  let symbolic = false;
  const base = path.posix.basename(file.replace(/\\/g, '/'));
  const ext = path.posix.extname(base);
  const out = value.replace(/%\(([^)]*)\)|%([a-zA-Z%])|\$\(([^)]*)\)|@\(([^)]*)\)/g, (m: string, name?: string, magic?: string) => {
    if (name !== undefined) {
      const v = known.get(name.toLowerCase().replace(/_/g, '-'));
      if (v !== undefined) return v;
      symbolic = true;
      return m;
    }
    if (magic === '%') return '%';
    if (magic === 'n') return ext ? base.slice(0, -ext.length) : base;
    if (magic === 's') return base;
    if (magic === 'e') return ext.replace(/^\./, '');
    symbolic = true;
    return m;
  });
  return { value: out, symbolic };
}

interface Address {
  readonly transport: 'tcp' | 'unix';
  readonly host?: string;
  readonly port?: number;
  readonly path?: string;
  readonly symbolic: boolean;
}

const PLACEHOLDER = /%\(|%[a-zA-Z]|\$\(|@\(/;

/** A uWSGI socket address: `host:port`, `:port`, `[v6]:port`, or a unix path (`@` abstract). */
export function parseUwsgiAddress(raw: string, symbolicIn = false): Address | undefined {
  // Options after a comma (`http = :8080,foo`, `https = :443,cert,key`) are not part of the address.
  const value = raw.split(',')[0]?.trim() ?? '';
  if (value === '' || value.startsWith('=')) return undefined; // `=N`: an inherited file descriptor
  const symbolic = symbolicIn || PLACEHOLDER.test(value);
  if (value.includes(':')) {
    const v6 = /^\[([^\]]*)\]:(.*)$/.exec(value);
    const host = v6 ? (v6[1] as string) : value.slice(0, value.lastIndexOf(':'));
    const portText = v6 ? (v6[2] as string) : value.slice(value.lastIndexOf(':') + 1);
    const port = /^\d+$/.test(portText) ? Number(portText) : undefined;
    const hostKnown = !PLACEHOLDER.test(host);
    const h = hostKnown && host !== '' && host !== '*' ? host : undefined;
    return { transport: 'tcp', ...(h !== undefined ? { host: h } : {}), ...(port !== undefined && port <= 65535 ? { port } : {}), symbolic: symbolic || port === undefined || !hostKnown };
  }
  // A relative path depends on uWSGI's working directory (`chdir`): symbolic.
  return { transport: 'unix', path: value, symbolic: symbolic || !(value.startsWith('/') || value.startsWith('@')) };
}

const SOCKET_OPTIONS: Readonly<Record<string, { protocol: BackendProtocol | 'default'; tls?: boolean }>> = {
  socket: { protocol: 'default' },
  'uwsgi-socket': { protocol: 'uwsgi' },
  'http-socket': { protocol: 'http' },
  http: { protocol: 'http' },
  'https-socket': { protocol: 'http', tls: true },
  https: { protocol: 'http', tls: true },
  'fastcgi-socket': { protocol: 'fastcgi' },
  'scgi-socket': { protocol: 'scgi' },
};

const PROTOCOLS: Readonly<Record<string, BackendProtocol>> = { uwsgi: 'uwsgi', http: 'http', fastcgi: 'fastcgi', scgi: 'scgi' };

/** `chmod-socket`: octal digits; a bare flag (or empty) is 666. */
function socketMode(v: IniValue): Sourced<number> | undefined {
  const t = v.value.trim();
  if (t === '' || t === 'true') return { value: 0o666, source: v.source, ...(v.symbolic ? { symbolic: true } : {}) };
  if (/^0?[0-7]{3}$/.test(t)) return { value: parseInt(t, 8), source: v.source, ...(v.symbolic ? { symbolic: true } : {}) };
  return undefined;
}

function decimal(v: IniValue): number | undefined {
  return /^\d+$/.test(v.value.trim()) ? Number(v.value.trim()) : undefined;
}

/**
 * Read a uWSGI ini file: one listener per socket option of the `[uwsgi]` section(s). Never throws; a file
 * without a `[uwsgi]` section has no listeners.
 */
export function readUwsgiIni(file: string, text: string): ReaderResult {
  try {
    return readUwsgiIniUnsafe(file, text);
  } catch (error) {
    return { listeners: [], problems: [`could not read the uWSGI settings (${error instanceof Error ? error.message : String(error)})`] };
  }
}

function readUwsgiIniUnsafe(file: string, text: string): ReaderResult {
  const sections = parseIni(file, text).filter((s) => s.name.toLowerCase() === 'uwsgi');
  if (sections.length === 0) return { listeners: [] };

  // Expand placeholders in order, remembering options for later `%(name)` references.
  const known = new Map<string, string>();
  const values: IniValue[] = [];
  for (const section of sections) {
    for (const v of section.values) {
      const e = expand(v.value, known, file);
      const expanded: IniValue = { ...v, value: e.value, symbolic: e.symbolic };
      values.push(expanded);
      if (v.key === 'set-placeholder' || v.key === 'set-ph') {
        const eq = e.value.indexOf('=');
        if (eq > 0 && !e.symbolic) known.set(e.value.slice(0, eq).trim().toLowerCase(), e.value.slice(eq + 1).trim());
      } else if (!e.symbolic) known.set(v.key, e.value);
    }
  }
  const last = (key: string): IniValue | undefined => values.filter((v) => v.key === key).pop();

  const base = path.posix.basename(file.replace(/\\/g, '/'));
  const procname = last('procname') ?? last('procname-master');
  const name = procname && !procname.symbolic ? procname.value : base.replace(/\.ini$/i, '') || 'uwsgi';

  const protocolOption = last('protocol') ?? last('socket-protocol');
  const defaultProtocol: BackendProtocol = (protocolOption && PROTOCOLS[protocolOption.value.toLowerCase()]) || 'uwsgi';

  const chmod = last('chmod-socket');
  const mode = chmod ? socketMode(chmod) : undefined;
  const chown = last('chown-socket');
  let owner: Sourced<string> | undefined;
  let group: Sourced<string> | undefined;
  if (chown && chown.value !== '') {
    const [user, grp] = chown.value.split(':');
    const sym = chown.symbolic ? { symbolic: true } : {};
    // Exact columns when the value is written as is; the whole value when placeholders were expanded.
    const exact = chown.value === chown.raw;
    if (user) owner = { value: user, source: exact ? { ...chown.source, endColumn: chown.source.column + user.length } : chown.source, ...sym };
    if (grp) {
      const column = chown.source.column + (user?.length ?? 0) + 1;
      group = { value: grp, source: exact ? { ...chown.source, column, endColumn: column + grp.length } : chown.source, ...sym };
    }
  }

  const harakiri = last('harakiri');
  const harakiriSeconds = harakiri ? decimal(harakiri) : undefined;
  const requestTimeout: Sourced<number> | undefined =
    harakiri && harakiriSeconds !== undefined ? { value: harakiriSeconds * 1000, source: harakiri.source, ...(harakiri.symbolic ? { symbolic: true } : {}) } : undefined;

  const buffer = last('buffer-size');
  const bufferBytes = buffer ? decimal(buffer) : undefined;
  const bufferSize: Sourced<number> | undefined =
    buffer === undefined
      ? { value: UWSGI_DEFAULT_BUFFER_SIZE, source: defaultSource(file) }
      : bufferBytes !== undefined
        ? { value: bufferBytes, source: buffer.source, ...(buffer.symbolic ? { symbolic: true } : {}) }
        : undefined;

  const listeners: Listener[] = [];
  for (const v of values) {
    const option = SOCKET_OPTIONS[v.key];
    if (!option) continue;
    const addr = parseUwsgiAddress(v.value, v.symbolic);
    if (!addr) continue;
    // Point at the address itself, not at options after a comma.
    const firstPart = v.raw.split(',')[0] ?? v.raw;
    const source: BackendSource = { ...v.source, endColumn: Math.min(v.source.endColumn, v.source.column + firstPart.trimEnd().length) };
    listeners.push({
      kind: 'uwsgi',
      name,
      protocol: option.protocol === 'default' ? defaultProtocol : option.protocol,
      transport: addr.transport,
      ...(addr.host !== undefined ? { host: addr.host } : {}),
      ...(addr.port !== undefined ? { port: addr.port } : {}),
      ...(addr.path !== undefined ? { path: addr.path } : {}),
      source,
      ...(addr.transport === 'unix' && owner ? { owner } : {}),
      ...(addr.transport === 'unix' && group ? { group } : {}),
      ...(addr.transport === 'unix' && mode ? { mode } : {}),
      ...(requestTimeout ? { requestTimeout } : {}),
      ...(bufferSize ? { bufferSize } : {}),
      ...(addr.symbolic ? { symbolic: true } : {}),
      ...(option.tls ? { tls: true } : {}),
    });
  }
  const includes = values
    .filter((v) => (v.key === 'ini' || v.key === 'include') && !v.symbolic && v.value.startsWith('/') && !v.value.includes(':'))
    .map((v) => path.posix.normalize(v.value));
  return { listeners, ...(includes.length ? { includes } : {}) };
}
