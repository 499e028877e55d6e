/**
 * systemd units: `.socket` units (socket activation: php-fpm, gunicorn, uwsgi) and `.service` units
 * (PrivateTmp=, and the listeners of the program ExecStart= runs). Drop-ins (`foo.service.d/*.conf`) are
 * read as the unit they extend.
 *
 * - Syntax: `[Section]`, `Key=Value`, `#`/`;` comment lines, a trailing backslash continues a line. Keys
 *   are case-sensitive, as in systemd.
 * - Specifiers: `%t` (/run), `%T` (/tmp), `%V` (/var/tmp), `%S`, `%C`, `%L`, `%E`, `%n`, `%N`, `%p`,
 *   `%i`/`%I` (the instance of `foo@bar.service`), `%%`. The others (`%h`, `%u`, an instance of a template
 *   unit) are unknown: what they touch is symbolic.
 * - `.socket`: every `ListenStream=` (an empty value resets the list) is a listener of kind
 *   `systemd-socket`: `/path` and `@abstract` are unix sockets, `PORT` listens on every address,
 *   `ADDR:PORT` / `[V6]:PORT` on one. `SocketUser=`, `SocketGroup=`, `SocketMode=` (octal; systemd's
 *   default is 0666) apply to unix sockets. The protocol is guessed from the unit name and `Service=`:
 *   `fpm` -> fastcgi, `uwsgi` -> uwsgi, else http.
 * - `.service`: `ExecStart=` (an empty value resets; prefixes `-@+!:|` are skipped) goes through the
 *   command-line reader with the unit's `Environment=` values and specifiers: gunicorn, uvicorn, uWSGI and
 *   Node command lines become listeners named after the unit. `PrivateTmp=` (yes/true/1/on, or
 *   `disconnected`) is attached to those listeners whose unix socket is under /tmp or /var/tmp, and every
 *   service is also returned in `units` (php-fpm and nginx services open no listener of their own).
 *   `User=` / `Group=` become the owner and group of unix sockets the program creates, unless the
 *   command line sets them (gunicorn `-u/-g`, uWSGI `--chown-socket`).
 *   `EnvironmentFile=` cannot be read by a pure reader; variables it would set stay symbolic.
 */

import type { BackendProtocol, BackendSource, Listener, ReaderResult, ServiceUnit, Sourced } from '../types.js';
import { analyzeCommandLine, type EnvValue, type ProgramRun } from './command-line.js';
import { basenameOf, dirnameOf, isUnderTmp, logicalLines, logicalSource, parseHostPort, posAt, parseOctalMode, parseSystemdBoolean, physicalLines, sourced, type LogicalLine } from './text.js';

type UnitType = 'socket' | 'service';

interface Entry {
  readonly section: string;
  readonly key: string;
  readonly value: string;
  readonly ll: LogicalLine;
  /** Offsets of the value in the logical line. */
  readonly start: number;
  readonly end: number;
}

export function readSystemdUnit(file: string, text: string): ReaderResult {
  const lines = logicalLines(text, { continuation: true, isComment: (t) => t.startsWith('#') || t.startsWith(';') });
  const entries: Entry[] = [];
  const headers = new Map<string, BackendSource>();
  let section = '';
  for (const ll of lines) {
    const t = ll.text;
    const lead = /^[\s\uFEFF]*/.exec(t)?.[0].length ?? 0;
    const first = t.charAt(lead);
    if (first === '' || first === '#' || first === ';') continue;
    if (first === '[') {
      const close = t.indexOf(']', lead);
      if (close < 0) continue;
      section = t.slice(lead + 1, close).trim();
      if (!headers.has(section)) headers.set(section, logicalSource(file, ll, lead, close + 1));
      continue;
    }
    const eq = t.indexOf('=', lead);
    if (eq < 0) continue;
    const key = t.slice(lead, eq).trim();
    let start = eq + 1;
    while (start < t.length && /\s/.test(t[start] as string)) start++;
    let end = t.length;
    while (end > start && /\s/.test(t[end - 1] as string)) end--;
    entries.push({ section, key, value: t.slice(start, end), ll, start, end });
  }

  const unit = unitIdentity(file, headers);
  if (unit === undefined) return { listeners: [] };
  const specifier = specifiers(unit.name, unit.type);

  if (unit.type === 'socket') return { listeners: socketListeners(file, unit.name, entries.filter((e) => e.section === 'Socket'), specifier) };
  return serviceUnit(file, text, unit.name, entries.filter((e) => e.section === 'Service'), headers.get('Service'), specifier);
}

function unitIdentity(file: string, headers: ReadonlyMap<string, BackendSource>): { name: string; type: UnitType } | undefined {
  const base = basenameOf(file);
  const m = /^(.+)\.(socket|service)$/.exec(base);
  if (m !== null) return { name: m[1] as string, type: m[2] as UnitType };
  const dropIn = /^(.+)\.(socket|service)\.d$/.exec(basenameOf(dirnameOf(file)));
  if (dropIn !== null) return { name: dropIn[1] as string, type: dropIn[2] as UnitType };
  const name = base.replace(/\.[^.]*$/, '');
  if (headers.has('Socket')) return { name, type: 'socket' };
  if (headers.has('Service')) return { name, type: 'service' };
  return undefined;
}

type Specifier = (letter: string) => string | undefined;

function specifiers(name: string, type: UnitType): Specifier {
  const at = name.indexOf('@');
  const prefix = at < 0 ? name : name.slice(0, at);
  const instance = at < 0 ? undefined : name.slice(at + 1) || undefined;
  const table: Record<string, string | undefined> = {
    n: `${name}.${type}`,
    N: name,
    p: prefix,
    P: prefix,
    i: instance,
    I: instance,
    t: '/run',
    T: '/tmp',
    V: '/var/tmp',
    S: '/var/lib',
    C: '/var/cache',
    L: '/var/log',
    E: '/etc',
  };
  return (letter) => table[letter];
}

/** Specifiers expanded in a plain value (not a command line). */
function expand(value: string, specifier: Specifier): { text: string; symbolic: boolean } {
  let symbolic = false;
  const text = value.replace(/%(.)/g, (whole, letter: string) => {
    if (letter === '%') return '%';
    const v = specifier(letter);
    if (v === undefined) {
      symbolic = true;
      return whole;
    }
    return v;
  });
  return { text, symbolic };
}

function guessProtocol(names: readonly string[]): BackendProtocol {
  const all = names.join(' ').toLowerCase();
  if (all.includes('fpm')) return 'fastcgi';
  if (all.includes('uwsgi')) return 'uwsgi';
  return 'http';
}

function socketListeners(file: string, name: string, entries: readonly Entry[], specifier: Specifier): Listener[] {
  const last = (key: string): Entry | undefined => {
    let found: Entry | undefined;
    for (const e of entries) if (e.key === key) found = e;
    return found && found.value !== '' ? found : undefined;
  };
  const src = (e: Entry): BackendSource => logicalSource(file, e.ll, e.start, e.end);

  const service = last('Service');
  const protocol = guessProtocol([name, service?.value ?? '']);

  const unixExtra: { owner?: Sourced<string>; group?: Sourced<string>; mode?: Sourced<number> } = {};
  const user = last('SocketUser');
  if (user !== undefined) {
    const v = expand(user.value, specifier);
    unixExtra.owner = sourced(v.text, src(user), v.symbolic);
  }
  const group = last('SocketGroup');
  if (group !== undefined) {
    const v = expand(group.value, specifier);
    unixExtra.group = sourced(v.text, src(group), v.symbolic);
  }
  const modeEntry = last('SocketMode');
  if (modeEntry !== undefined) {
    const mode = parseOctalMode(modeEntry.value);
    if (mode !== undefined) unixExtra.mode = sourced(mode, src(modeEntry));
  }

  let streams: Entry[] = [];
  for (const e of entries) {
    if (e.key !== 'ListenStream') continue;
    if (e.value === '') streams = [];
    else streams.push(e);
  }

  const out: Listener[] = [];
  for (const e of streams) {
    const { text, symbolic } = expand(e.value, specifier);
    const base = { kind: 'systemd-socket' as const, name, protocol, source: src(e) };
    if (text.startsWith('/') || text.startsWith('@') || (symbolic && text.includes('/'))) {
      out.push({ ...base, transport: 'unix', path: text, ...(symbolic ? { symbolic: true } : {}), ...unixExtra });
      continue;
    }
    if (/^vsock:/i.test(text)) continue;
    // `ADDR%IFACE:PORT` binds to an interface; the address is what matters here.
    const address = text.replace(/%[^:\]]+(?=:[0-9]+$)/, '');
    const hp = parseHostPort(address, { symbolic: symbolic || undefined });
    if (hp === undefined) {
      if (symbolic) out.push({ ...base, transport: 'tcp', symbolic: true });
      continue;
    }
    out.push({
      ...base,
      transport: 'tcp',
      ...(hp.host !== undefined ? { host: hp.host } : {}),
      ...(hp.port !== undefined ? { port: hp.port } : {}),
      ...(hp.symbolic || symbolic ? { symbolic: true } : {}),
    });
  }
  return out;
}

function serviceUnit(file: string, text: string, name: string, entries: readonly Entry[], header: BackendSource | undefined, specifier: Specifier): ReaderResult {
  const physical = physicalLines(text);
  const src = (e: Entry): BackendSource => logicalSource(file, e.ll, e.start, e.end);

  let privateTmp: Sourced<boolean> | undefined;
  let user: Sourced<string> | undefined;
  let group: Sourced<string> | undefined;
  const env = new Map<string, EnvValue>();
  let execs: Entry[] = [];
  for (const e of entries) {
    if (e.key === 'PrivateTmp') {
      const b = e.value.toLowerCase() === 'disconnected' ? true : parseSystemdBoolean(e.value);
      if (b !== undefined) privateTmp = sourced(b, src(e));
      else if (e.value === '') privateTmp = undefined;
    } else if (e.key === 'User' || e.key === 'Group') {
      const v = e.value === '' ? undefined : expand(e.value, specifier);
      const value = v === undefined ? undefined : sourced(v.text, src(e), v.symbolic);
      if (e.key === 'User') user = value;
      else group = value;
    } else if (e.key === 'Environment') {
      if (e.value === '') env.clear();
      else for (const [k, v] of environmentAssignments(file, e, specifier)) env.set(k, v);
    } else if (e.key === 'ExecStart') {
      if (e.value === '') execs = [];
      else execs.push(e);
    }
  }

  const runs: ProgramRun[] = [];
  let firstExec: BackendSource | undefined;
  for (const e of execs) {
    // Skip the special prefixes (`-`, `@`, `+`, `!`, `!!`, `:`, `|`).
    let start = e.start;
    while (start < e.end && '-@+!:|'.includes(e.ll.text[start] as string)) start++;
    while (start < e.end && /\s/.test(e.ll.text[start] as string)) start++;
    if (start >= e.end) continue;
    const pos = posAt(e.ll, start);
    firstExec ??= logicalSource(file, e.ll, start, e.end);
    // The command as written, continuation lines included, so that positions map back into the file.
    const parts: string[] = [];
    for (let n = pos.line; n <= e.ll.lastLine; n++) {
      const t = physical[n - 1]?.text ?? '';
      parts.push(n === pos.line ? t.slice(pos.column - 1) : t);
    }
    runs.push(...analyzeCommandLine(file, pos.line, pos.column, parts.join('\n'), { env, name, specifier }));
  }

  const listeners: Listener[] = [];
  for (const run of runs) {
    for (const l of run.listeners) {
      if (l.transport !== 'unix') {
        listeners.push(l);
        continue;
      }
      // The program creates its socket as the unit's User=/Group= unless it chowns it itself.
      const withOwner: Listener = { ...l, ...(l.owner === undefined && user !== undefined ? { owner: user } : {}), ...(l.group === undefined && group !== undefined ? { group } : {}) };
      if (privateTmp !== undefined && l.path !== undefined && isUnderTmp(l.path)) listeners.push({ ...withOwner, privateTmp });
      else listeners.push(withOwner);
    }
  }

  const main = runs.find((r) => r.kind !== undefined || r.program === 'nginx' || r.program === 'openresty') ?? runs[0];
  const unit: ServiceUnit = {
    name,
    file,
    ...(main !== undefined ? { program: main.program } : {}),
    ...(main?.kind !== undefined ? { kind: main.kind } : {}),
    ...(privateTmp !== undefined ? { privateTmp } : {}),
    source: firstExec ?? header ?? { file, line: 1, column: 1, endColumn: 1 },
  };
  return { listeners, units: [unit] };
}

/** `Environment=A=1 "B=two words"`: systemd's quoted-word split, with the source of each value. */
function environmentAssignments(file: string, e: Entry, specifier: Specifier): [string, Sourced<string>][] {
  const out: [string, Sourced<string>][] = [];
  const t = e.ll.text;
  let i = e.start;
  while (i < e.end) {
    while (i < e.end && /\s/.test(t[i] as string)) i++;
    if (i >= e.end) break;
    let word = '';
    const offsets: number[] = [];
    while (i < e.end && !/\s/.test(t[i] as string)) {
      const q = t[i];
      if (q === '"' || q === "'") {
        i++;
        while (i < e.end && t[i] !== q) {
          if (t[i] === '\\' && i + 1 < e.end) i++;
          word += t[i];
          offsets.push(i);
          i++;
        }
        i++;
        continue;
      }
      if (q === '\\' && i + 1 < e.end) i++;
      word += t[i];
      offsets.push(i);
      i++;
    }
    const m = /^([A-Za-z_][A-Za-z0-9_]*)=/.exec(word);
    if (m === null) continue;
    const name = m[1] as string;
    const from = m[0].length;
    const value = expand(word.slice(from), specifier);
    const a = offsets[from] ?? (offsets[offsets.length - 1] ?? e.start) + 1;
    const b = (offsets[offsets.length - 1] ?? a - 1) + 1;
    out.push([name, sourced(value.text, logicalSource(file, e.ll, a, Math.max(a, b)), value.symbolic)]);
  }
  return out;
}
