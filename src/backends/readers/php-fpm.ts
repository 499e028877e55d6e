/**
 * PHP-FPM configuration (php-fpm.conf, pool.d/*.conf, php-fpm.d/*.conf): INI syntax as php-fpm reads it
 * (`sapi/fpm/fpm/fpm_conf.c`, one `zend_parse_ini_string()` per line in normal scanner mode).
 *
 * - `[name]` starts a pool; `[global]` (any case) is the global section, as are lines before any header.
 *   The same pool may appear twice in a file: its settings merge, the last value wins.
 * - `key = value`; keys are matched case-insensitively (php-fpm uses strcasecmp). Values may be quoted
 *   (`"..."`, `'...'`); `;` starts a comment outside quotes; lines starting with `;` or `#` are comments.
 * - `${ENV}` in an unquoted or double-quoted value is expanded by php-fpm from its environment: such values
 *   are returned as written with `symbolic: true` (also for `@{VAR}` and `{{ var }}` template placeholders).
 *   Numeric settings that are symbolic carry `NaN` as value: test `symbolic` first.
 * - `$pool` in a pool's values is replaced with the pool name (php-fpm's `fpm_conf_expand_pool_name()`).
 * - `include = pattern` may appear anywhere. php-fpm resolves a relative pattern against its prefix
 *   (`-p`, default the install's sysconfdir); a pure reader cannot know it, so a relative include is
 *   resolved against the directory of the file that contains it (right for the stock
 *   `include=pool.d/*.conf`-style layouts where php-fpm.conf sits in the prefix). Symbolic includes
 *   (`include=${DIR}/*.conf`) cannot be expanded and are left out.
 * - `listen` is classified as php-fpm does (`fpm_sockets_domain_from_address()`): with a `:` it is
 *   `host:port` / `[v6]:port` (split at the last `:`), all digits is a port on every address, anything else
 *   is a unix socket path.
 *
 * A pool split across files (Docker's `zz-docker.conf` adds `[www] listen = 9000` after `www.conf`) can be
 * merged by the caller with {@link parsePhpFpm} and {@link mergePhpFpmPools}, then {@link poolListener}.
 */

import type { BackendSource, Listener, ReaderResult, Sourced } from '../types.js';
import { dirnameOf, hasPlaceholder, lineSource, normalizeHost, parseDecimal, parseInteger, parseOctalMode, parsePort, physicalLines, resolveAgainst, sourced, withoutPlaceholders } from './text.js';

/** One `key = value` as written. */
export interface IniValue {
  /** The value with quotes removed; placeholders kept as written. */
  readonly value: string;
  /** Contains `${ENV}` (outside single quotes) or a template placeholder. */
  readonly symbolic: boolean;
  /** Where the value is written (inside the quotes when the whole value is quoted). */
  readonly source: BackendSource;
}

export interface PhpFpmPool {
  readonly name: string;
  /** The `[name]` header (the first one, when the pool appears twice). */
  readonly header: BackendSource;
  /** Settings by lower-cased key; later lines override earlier ones. */
  readonly settings: ReadonlyMap<string, IniValue>;
}

export interface PhpFpmFile {
  readonly global: ReadonlyMap<string, IniValue>;
  readonly pools: readonly PhpFpmPool[];
  /** `include=` patterns, resolved against the file's directory (see the module comment). */
  readonly includes: readonly string[];
}

/** Reads a php-fpm configuration file into its listeners (one per pool with a `listen`) and includes. */
export function readPhpFpm(file: string, text: string): ReaderResult {
  const parsed = parsePhpFpm(file, text);
  const listeners: Listener[] = [];
  for (const pool of parsed.pools) {
    const listener = poolListener(pool);
    if (listener !== undefined) listeners.push(listener);
  }
  return { listeners, includes: parsed.includes };
}

/** The INI structure of one php-fpm file. Never throws; lines that cannot be read are skipped. */
export function parsePhpFpm(file: string, text: string): PhpFpmFile {
  const global = new Map<string, IniValue>();
  const pools = new Map<string, { name: string; header: BackendSource; settings: Map<string, IniValue> }>();
  const includes: string[] = [];
  let current: Map<string, IniValue> = global;

  for (const line of physicalLines(text)) {
    const t = line.text;
    const lead = /^[\s\uFEFF]*/.exec(t)?.[0].length ?? 0;
    const first = t.charAt(lead);
    if (first === '' || first === ';' || first === '#') continue;

    if (first === '[') {
      const close = t.indexOf(']', lead + 1);
      if (close < 0) continue;
      const name = t.slice(lead + 1, close).trim();
      if (name === '') continue;
      if (name.toLowerCase() === 'global') {
        current = global;
        continue;
      }
      let pool = pools.get(name);
      if (pool === undefined) {
        pool = { name, header: lineSource(file, line.number, lead, close + 1), settings: new Map() };
        pools.set(name, pool);
      }
      current = pool.settings;
      continue;
    }

    const eq = t.indexOf('=', lead);
    if (eq < 0) continue;
    const key = t.slice(lead, eq).trim().toLowerCase();
    if (key === '') continue;
    const value = readIniValue(file, line.number, t, eq + 1);
    if (value === undefined) continue;

    if (key === 'include') {
      if (!value.symbolic && value.value !== '') includes.push(resolveAgainst(dirnameOf(file), value.value));
      continue;
    }
    current.set(key, value);
  }

  return {
    global,
    pools: [...pools.values()].map((p) => ({ name: p.name, header: p.header, settings: p.settings })),
    includes,
  };
}

/**
 * Pools from several files (in the order php-fpm reads them) merged by name: later settings win, as when
 * php-fpm reads the same `[pool]` section again.
 */
export function mergePhpFpmPools(files: readonly PhpFpmFile[]): PhpFpmPool[] {
  const merged = new Map<string, { name: string; header: BackendSource; settings: Map<string, IniValue> }>();
  for (const f of files) {
    for (const pool of f.pools) {
      const into = merged.get(pool.name);
      if (into === undefined) merged.set(pool.name, { name: pool.name, header: pool.header, settings: new Map(pool.settings) });
      else for (const [k, v] of pool.settings) into.settings.set(k, v);
    }
  }
  return [...merged.values()];
}

/** The listener of one pool, or undefined when it has no (readable) `listen`. */
export function poolListener(pool: PhpFpmPool): Listener | undefined {
  const get = (key: string): IniValue | undefined => {
    const v = pool.settings.get(key);
    if (v === undefined) return undefined;
    const value = v.value.replace(/\$pool/g, pool.name).trim();
    // php-fpm treats an empty value as unset.
    return value === '' ? undefined : { ...v, value };
  };

  const listen = get('listen');
  if (listen === undefined) return undefined;
  const address = parseFpmListen(listen.value, listen.symbolic);
  if (address === undefined) return undefined;

  const base = {
    kind: 'php-fpm' as const,
    name: pool.name,
    protocol: 'fastcgi' as const,
    source: listen.source,
    ...address,
  };

  const extra: {
    owner?: Sourced<string>;
    group?: Sourced<string>;
    mode?: Sourced<number>;
    aclUsers?: Sourced<readonly string[]>;
    aclGroups?: Sourced<readonly string[]>;
    allowedClients?: Sourced<readonly string[]>;
    backlog?: Sourced<number>;
    maxChildren?: Sourced<number>;
    requestTimeout?: Sourced<number>;
  } = {};

  const owner = get('listen.owner');
  if (owner !== undefined) extra.owner = sourced(owner.value, owner.source, owner.symbolic);
  const group = get('listen.group');
  if (group !== undefined) extra.group = sourced(group.value, group.source, group.symbolic);
  const mode = numeric(get('listen.mode'), parseOctalMode);
  if (mode !== undefined) extra.mode = mode;
  const aclUsers = list(get('listen.acl_users'));
  if (aclUsers !== undefined) extra.aclUsers = aclUsers;
  const aclGroups = list(get('listen.acl_groups'));
  if (aclGroups !== undefined) extra.aclGroups = aclGroups;
  const allowed = list(get('listen.allowed_clients'));
  if (allowed !== undefined) extra.allowedClients = allowed;
  const backlog = numeric(get('listen.backlog'), parseInteger);
  if (backlog !== undefined) extra.backlog = backlog;
  const maxChildren = numeric(get('pm.max_children'), parseDecimal);
  if (maxChildren !== undefined) extra.maxChildren = maxChildren;
  const terminate = numeric(get('request_terminate_timeout'), parseFpmTimeMs);
  if (terminate !== undefined) extra.requestTimeout = terminate;

  return { ...base, ...extra };
}

type Address = Pick<Listener, 'transport' | 'host' | 'port' | 'path' | 'symbolic'>;

/**
 * A `listen` value as php-fpm reads it. Returns undefined for what php-fpm itself rejects (a port that is
 * not 1..65535).
 */
export function parseFpmListen(value: string, symbolic = hasPlaceholder(value)): Address | undefined {
  const known = symbolic ? withoutPlaceholders(value) : value;
  if (value.includes(':')) {
    const colon = value.lastIndexOf(':');
    const hostText = value.slice(0, colon);
    const portText = value.slice(colon + 1);
    const hostSymbolic = symbolic && hasPlaceholder(hostText);
    const portSymbolic = symbolic && hasPlaceholder(portText);
    const port = portSymbolic ? undefined : parsePort(portText);
    if (!portSymbolic && port === undefined) return undefined;
    const host = hostSymbolic ? undefined : normalizeHost(hostText);
    return {
      transport: 'tcp',
      ...(host !== undefined ? { host } : {}),
      ...(port !== undefined ? { port } : {}),
      ...(symbolic ? { symbolic: true } : {}),
    };
  }
  if (/^[0-9]*$/.test(known)) {
    if (symbolic) return { transport: 'tcp', symbolic: true };
    const port = parsePort(value);
    return port === undefined ? undefined : { transport: 'tcp', port };
  }
  return { transport: 'unix', path: value, ...(symbolic ? { symbolic: true } : {}) };
}

/**
 * php-fpm's `fpm_conf_set_time()`: digits with one optional suffix `s`, `m`, `h` or `d` (bare = seconds),
 * in milliseconds. `0` means no limit.
 */
export function parseFpmTimeMs(text: string): number | undefined {
  const m = /^([0-9]+)([smhd]?)$/.exec(text);
  if (m === null) return undefined;
  const n = Number(m[1]);
  const scale = m[2] === 'm' ? 60 : m[2] === 'h' ? 3600 : m[2] === 'd' ? 86400 : 1;
  return n * scale * 1000;
}

function numeric(v: IniValue | undefined, parse: (text: string) => number | undefined): Sourced<number> | undefined {
  if (v === undefined) return undefined;
  if (v.symbolic) return sourced(Number.NaN, v.source, true);
  const n = parse(v.value);
  return n === undefined ? undefined : sourced(n, v.source);
}

function list(v: IniValue | undefined): Sourced<readonly string[]> | undefined {
  if (v === undefined) return undefined;
  const items = v.value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  return sourced(items, v.source, v.symbolic);
}

/**
 * The value after `=` at `from`: quoted parts unquoted, an unquoted `;` ends it, surrounding blanks
 * trimmed. The source covers the value as written, inside the quotes when the whole value is one quoted
 * string.
 */
function readIniValue(file: string, lineNumber: number, t: string, from: number): IniValue | undefined {
  let i = from;
  while (i < t.length && (t[i] === ' ' || t[i] === '\t')) i++;
  const start = i;
  let value = '';
  let symbolic = false;
  let lastEnd = start; // end of the last non-blank character written
  let valueLength = 0; // length of `value` at lastEnd
  let quotedOnly: { open: number; close: number } | undefined;
  let parts = 0;

  while (i < t.length) {
    const c = t[i] as string;
    if (c === ';') break;
    if (c === '"' || c === "'") {
      const open = i;
      i++;
      let piece = '';
      while (i < t.length && t[i] !== c) {
        if (c === '"' && t[i] === '\\' && (t[i + 1] === '"' || t[i + 1] === '\\')) {
          piece += t[i + 1];
          i += 2;
          continue;
        }
        piece += t[i];
        i++;
      }
      if (i >= t.length) return undefined; // unterminated quote: php-fpm fails to parse the line
      if (c === '"' && hasPlaceholder(piece)) symbolic = true;
      value += piece;
      i++;
      lastEnd = i;
      valueLength = value.length;
      parts++;
      quotedOnly = parts === 1 ? { open, close: i - 1 } : undefined;
      continue;
    }
    value += c;
    if (c !== ' ' && c !== '\t') {
      lastEnd = i + 1;
      valueLength = value.length;
      parts++;
      quotedOnly = undefined;
    }
    i++;
  }

  // Blanks after the last unquoted character or closing quote belong to no value.
  const trimmedValue = value.slice(0, valueLength);
  if (hasPlaceholder(withoutSingleQuoted(t.slice(start, lastEnd)))) symbolic = true;
  const source = quotedOnly !== undefined && lastEnd === quotedOnly.close + 1 ? lineSource(file, lineNumber, quotedOnly.open + 1, quotedOnly.close) : lineSource(file, lineNumber, start, lastEnd);
  return { value: trimmedValue, symbolic, source };
}

function withoutSingleQuoted(raw: string): string {
  return raw.replace(/'[^']*'/g, "''");
}
