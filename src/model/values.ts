/**
 * Parsers for directive argument values, mirroring nginx's own parsing rules:
 *
 * - sizes and offsets: `ngx_parse_size()` / `ngx_parse_offset()` (src/core/ngx_parse.c) on top of
 *   `ngx_atosz()` / `ngx_atoof()` (src/core/ngx_string.c);
 * - time intervals: `ngx_parse_time()` (src/core/ngx_parse.c);
 * - flags: `ngx_conf_set_flag_slot()` (src/core/ngx_conf_file.c);
 * - addresses: `ngx_parse_url()` and its helpers `ngx_parse_unix_domain_url()`, `ngx_parse_inet_url()`,
 *   `ngx_parse_inet6_url()`, `ngx_inet_addr()`, `ngx_inet6_addr()` (src/core/ngx_inet.c);
 * - `*_pass` targets: `ngx_http_proxy_pass()`, `ngx_http_grpc_pass()`, `ngx_http_uwsgi_pass()`,
 *   `ngx_http_fastcgi_pass()`, `ngx_http_scgi_pass()`, `ngx_http_memcached_pass()`, and the runtime
 *   `ngx_http_proxy_eval()` for targets with variables;
 * - variables: `ngx_http_script_variables_count()` / `ngx_http_script_compile()` (src/http/ngx_http_script.c).
 *
 * Every function is pure and returns a {@link Result} instead of throwing. Error texts use nginx's wording.
 * Numeric limits assume a 64-bit build (`ssize_t`, `off_t` and `ngx_int_t` are 64-bit), as on every
 * platform nginx is commonly deployed on.
 */

// ---------------------------------------------------------------------------------------------------------
// Results

export interface Ok<T> {
  readonly ok: true;
  readonly value: T;
}

export interface Err {
  readonly ok: false;
  /** nginx's wording where it has one, e.g. `invalid port in upstream "localhost:99999"`. */
  readonly error: string;
}

export type Result<T> = Ok<T> | Err;

function ok<T>(value: T): Ok<T> {
  return { ok: true, value };
}

function err(error: string): Err {
  return { ok: false, error };
}

/** `NGX_MAX_SIZE_T_VALUE`, `NGX_MAX_OFF_T_VALUE` and `NGX_MAX_INT_T_VALUE` on a 64-bit build. */
const MAX_INT64 = (1n << 63n) - 1n;

/** `sizeof(((struct sockaddr_un *) 0)->sun_path)` on Linux (104 on the BSDs and macOS). */
export const UNIX_SOCKET_PATH_MAX = 108;

function isDigits(text: string): boolean {
  if (text.length === 0) return false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

/** ASCII-only lower-casing, like nginx's `ngx_tolower()`. */
function asciiLower(text: string): string {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 65 && c <= 90) return text.replace(ASCII_UPPER, (u) => String.fromCharCode(u.charCodeAt(0) + 32));
  }
  return text;
}
const ASCII_UPPER = /[A-Z]/g;

/** Whether `text` starts with `prefix` (lower case) when ASCII letters are compared case-insensitively. */
function startsWithAsciiCaseless(text: string, prefix: string): boolean {
  if (text.length < prefix.length) return false;
  for (let i = 0; i < prefix.length; i++) {
    let c = text.charCodeAt(i);
    if (c >= 65 && c <= 90) c += 32;
    if (c !== prefix.charCodeAt(i)) return false;
  }
  return true;
}

/** `ngx_atoi()`: digits only, non-empty, no sign, no overflow of `ngx_int_t`. */
function ngxAtoi(text: string): number | undefined {
  if (!isDigits(text)) return undefined;
  // Up to 15 digits a double is exact and far below the limit: no BigInt needed.
  if (text.length <= 15) return Number(text);
  const value = BigInt(text);
  return value > MAX_INT64 ? undefined : Number(value);
}

function invalidValue(text: string): Err {
  return err(`invalid value "${text}"`);
}

// ---------------------------------------------------------------------------------------------------------
// Sizes and offsets

const SIZE_UNITS: Readonly<Record<string, bigint>> = { k: 1024n, K: 1024n, m: 1048576n, M: 1048576n };
const OFFSET_UNITS: Readonly<Record<string, bigint>> = { ...SIZE_UNITS, g: 1073741824n, G: 1073741824n };

function parseScaled(text: string, units: Readonly<Record<string, bigint>>): Result<number> {
  if (text.length === 0) return invalidValue(text);
  const scale = units[text.charAt(text.length - 1)];
  const digits = scale === undefined ? text : text.slice(0, -1);
  // ngx_atosz()/ngx_atoof() reject empty, signs, fractions, anything but ASCII digits, and overflow;
  // the caller then rejects a number above MAX / scale.
  if (!isDigits(digits)) return invalidValue(text);
  // Six digits times at most 1024³ stay exact as doubles and far below the limit.
  if (digits.length <= 6) return ok(Number(digits) * (scale === undefined ? 1 : Number(scale)));
  const factor = scale ?? 1n;
  const number = BigInt(digits);
  if (number > MAX_INT64 / factor) return invalidValue(text);
  return ok(Number(number * factor));
}

/**
 * A size in bytes as `ngx_parse_size()` reads it (`client_body_buffer_size`, `proxy_buffer_size`, ...):
 * decimal digits with an optional `k`/`K` (1024) or `m`/`M` (1024²) suffix. There is no `g` suffix, no
 * sign, no fraction and no whitespace. Values above 2⁵³ are returned rounded to the nearest double.
 */
export function parseSize(text: string): Result<number> {
  return parseScaled(text, SIZE_UNITS);
}

/**
 * A size in bytes as `ngx_parse_offset()` reads it (`client_max_body_size`, `proxy_max_temp_file_size`, ...):
 * like {@link parseSize}, plus the `g`/`G` (1024³) suffix.
 */
export function parseOffset(text: string): Result<number> {
  return parseScaled(text, OFFSET_UNITS);
}

// ---------------------------------------------------------------------------------------------------------
// Time intervals

/** The unit of the directive's slot: `ngx_conf_set_msec_slot` (`'ms'`) or `ngx_conf_set_sec_slot` (`'s'`). */
export type TimeUnit = 'ms' | 's';

export interface Duration {
  /** The interval in milliseconds. */
  readonly ms: number;
  /** The interval in seconds (fractional for sub-second `'ms'` values). */
  readonly seconds: number;
}

const ST_START = 0;
const ST_YEAR = 1;
const ST_MONTH = 2;
const ST_WEEK = 3;
const ST_DAY = 4;
const ST_HOUR = 5;
const ST_MIN = 6;
const ST_SEC = 7;
const ST_MSEC = 8;
const ST_LAST = 9;

/**
 * A time interval as `ngx_parse_time()` reads it.
 *
 * Units: `ms`, `s`, `m` (minutes), `h`, `d`, `w`, `M` (30 days), `y` (365 days). Parts must come in
 * strictly descending order with no unit repeated (`1d12h` is valid, `12h1d` and `1h1h` are not), may be
 * separated by spaces (`"1h 30m"`), and a trailing number without a unit counts as seconds in both modes
 * (`"1m30"` is 90 s). Fractions (`1.5s`), signs, tabs and leading spaces are rejected.
 *
 * With `unit = 'ms'` (`proxy_read_timeout` and the other `ngx_conf_set_msec_slot` directives) nginx starts
 * the unit ladder below months, so `y` and `M` are rejected; with `unit = 's'` (`ngx_conf_set_sec_slot`,
 * e.g. `ssl_session_timeout`) the `ms` unit is rejected. Overflow of a 64-bit `ngx_int_t` is rejected.
 *
 * Two nginx quirks are reproduced as-is: a space directly after a bare number ends a seconds part, so
 * `"1 2"` is 3 s, while `"30 s"` is invalid.
 */
export function parseTime(text: string, unit: TimeUnit = 's'): Result<Duration> {
  const isSec = unit === 's';
  const cutoff = MAX_INT64 / 10n;
  const cutlim = MAX_INT64 % 10n;
  let valid = false;
  let value = 0n;
  let total = 0n;
  let step = isSec ? ST_START : ST_MONTH;
  let p = 0;

  while (p < text.length) {
    const c = text.charAt(p);

    if (c >= '0' && c <= '9') {
      const digit = BigInt(c.charCodeAt(0) - 48);
      if (value >= cutoff && (value > cutoff || digit > cutlim)) return invalidValue(text);
      value = value * 10n + digit;
      valid = true;
      p++;
      continue;
    }

    p++;
    let scale: bigint;
    let max: bigint;

    switch (c) {
      case 'y':
        if (step > ST_START) return invalidValue(text);
        step = ST_YEAR;
        scale = 60n * 60n * 24n * 365n;
        max = MAX_INT64 / scale;
        break;
      case 'M':
        if (step >= ST_MONTH) return invalidValue(text);
        step = ST_MONTH;
        scale = 60n * 60n * 24n * 30n;
        max = MAX_INT64 / scale;
        break;
      case 'w':
        if (step >= ST_WEEK) return invalidValue(text);
        step = ST_WEEK;
        scale = 60n * 60n * 24n * 7n;
        max = MAX_INT64 / scale;
        break;
      case 'd':
        if (step >= ST_DAY) return invalidValue(text);
        step = ST_DAY;
        scale = 60n * 60n * 24n;
        max = MAX_INT64 / scale;
        break;
      case 'h':
        if (step >= ST_HOUR) return invalidValue(text);
        step = ST_HOUR;
        scale = 60n * 60n;
        max = MAX_INT64 / scale;
        break;
      case 'm':
        if (p < text.length && text.charAt(p) === 's') {
          if (isSec || step >= ST_MSEC) return invalidValue(text);
          p++;
          step = ST_MSEC;
          scale = 1n;
          max = MAX_INT64;
          break;
        }
        if (step >= ST_MIN) return invalidValue(text);
        step = ST_MIN;
        scale = 60n;
        max = MAX_INT64 / scale;
        break;
      case 's':
        if (step >= ST_SEC) return invalidValue(text);
        step = ST_SEC;
        scale = 1n;
        max = MAX_INT64;
        break;
      case ' ':
        if (step >= ST_SEC) return invalidValue(text);
        step = ST_LAST;
        scale = 1n;
        max = MAX_INT64;
        break;
      default:
        return invalidValue(text);
    }

    if (step !== ST_MSEC && !isSec) {
      scale *= 1000n;
      max /= 1000n;
    }
    if (value > max) return invalidValue(text);
    value *= scale;
    if (total > MAX_INT64 - value) return invalidValue(text);
    total += value;
    value = 0n;

    while (p < text.length && text.charAt(p) === ' ') p++;
  }

  if (!valid) return invalidValue(text);
  if (!isSec) {
    if (value > MAX_INT64 / 1000n) return invalidValue(text);
    value *= 1000n;
  }
  if (total > MAX_INT64 - value) return invalidValue(text);
  total += value;

  const n = Number(total);
  return ok(isSec ? { ms: n * 1000, seconds: n } : { ms: n, seconds: n / 1000 });
}

// ---------------------------------------------------------------------------------------------------------
// Flags

/**
 * An `on`/`off` flag as `ngx_conf_set_flag_slot()` reads it: case-insensitive (`ngx_strcasecmp`), nothing
 * else allowed (no surrounding spaces, no `yes`/`true`). With `directive`, the error is nginx's full
 * message: `invalid value "yes" in "proxy_buffering" directive, it must be "on" or "off"`.
 */
export function parseFlag(text: string, directive?: string): Result<boolean> {
  const lower = asciiLower(text);
  if (lower === 'on') return ok(true);
  if (lower === 'off') return ok(false);
  const where = directive === undefined ? '' : ` in "${directive}" directive`;
  return err(`invalid value "${text}"${where}, it must be "on" or "off"`);
}

// ---------------------------------------------------------------------------------------------------------
// Variables

export interface VariableRef {
  /** `'capture'` for `$1`..`$9` (one digit only: `$10` is `$1` followed by `0`); `'named'` otherwise. */
  readonly kind: 'named' | 'capture';
  /** The variable name without `$` and braces (`'host'`, `'1'`). */
  readonly name: string;
  /** Offset of the `$`. */
  readonly start: number;
  /** Offset just past the reference (past the `}` for `${name}`). */
  readonly end: number;
}

export interface VariableScan {
  readonly refs: readonly VariableRef[];
  /**
   * What `ngx_http_script_compile()` reports for a malformed reference (`$` at the end, `$-`, `${}`):
   * `invalid variable name`, or `the closing bracket in "name" variable is missing`.
   */
  readonly error: string | undefined;
}

function isNameChar(c: string): boolean {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c === '_';
}

/**
 * Finds the variable references in a value the way `ngx_http_script_compile()` does: `$name` (letters,
 * digits, `_`), `${name}`, and the regex captures `$1`..`$9`. nginx has no escape for a literal `$`, so
 * every `$` starts a reference; one that does not form a valid reference is an error, and the scan stops
 * there (as nginx does).
 */
export function scanVariables(text: string): VariableScan {
  const refs: VariableRef[] = [];
  let i = 0;
  while (i < text.length) {
    if (text.charAt(i) !== '$') {
      i++;
      continue;
    }
    const start = i;
    if (++i === text.length) return { refs, error: 'invalid variable name' };

    const first = text.charAt(i);
    if (first >= '1' && first <= '9') {
      i++;
      refs.push({ kind: 'capture', name: first, start, end: i });
      continue;
    }

    let bracket = false;
    if (first === '{') {
      bracket = true;
      if (++i === text.length) return { refs, error: 'invalid variable name' };
    }
    const nameStart = i;
    let nameEnd = i;
    for (; i < text.length; i++) {
      const c = text.charAt(i);
      if (c === '}' && bracket) {
        nameEnd = i;
        i++;
        bracket = false;
        break;
      }
      if (!isNameChar(c)) break;
      nameEnd = i + 1;
    }
    const name = text.slice(nameStart, nameEnd);
    if (bracket) return { refs, error: `the closing bracket in "${name}" variable is missing` };
    if (name.length === 0) return { refs, error: 'invalid variable name' };
    refs.push({ kind: 'named', name, start, end: i });
  }
  return { refs, error: undefined };
}

/**
 * Whether `text` references at least one variable (`$name`, `${name}`, `$1`). Note that directives which
 * accept variables switch to variable mode on any `$` at all (`ngx_http_script_variables_count()` counts raw
 * `$` characters); use {@link scanVariables} to find malformed references.
 */
export function containsVariables(text: string): boolean {
  return scanVariables(text).refs.length > 0;
}

// ---------------------------------------------------------------------------------------------------------
// IP literals

/**
 * `ngx_inet_addr()`: exactly four dot-separated decimal octets below 256. Like nginx, an empty octet counts
 * as 0 and leading zeros are decimal (`1..2.3` and `010.0.0.1` are accepted).
 */
export function isIPv4Literal(text: string): boolean {
  let octet = 0;
  let dots = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      octet = Math.min(octet * 10 + (c - 48), 1000);
      continue;
    }
    if (c === 46 && octet < 256) {
      octet = 0;
      dots++;
      continue;
    }
    return false;
  }
  return dots === 3 && octet < 256;
}

function isHexDigit(c: string): boolean {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/**
 * `ngx_inet6_addr()`: an IPv6 address without brackets, with `::` compression and an optional trailing
 * dotted IPv4 part. nginx's quirks are kept: `1:2:3:4:5:6:7::` is rejected and `::1:` accepted.
 */
export function isIPv6Literal(text: string): boolean {
  let len = text.length;
  if (len === 0) return false;
  let p = 0;
  if (text.charAt(0) === ':') {
    p++;
    len--;
  }
  let zero = false;
  let digit = -1;
  let len4 = 0;
  let nibbles = 0;
  let n = 8;

  for (; len > 0; len--) {
    const c = text.charAt(p++);
    if (c === ':') {
      if (nibbles > 0) {
        digit = p;
        len4 = len;
        if (--n > 0) {
          nibbles = 0;
          continue;
        }
      } else if (!zero) {
        digit = p;
        len4 = len;
        zero = true;
        continue;
      }
      return false;
    }
    if (c === '.' && nibbles > 0) {
      if (n < 2 || digit < 0) return false;
      if (!isIPv4Literal(text.slice(digit, digit + len4 - 1))) return false;
      n--;
      break;
    }
    if (++nibbles > 4) return false;
    if (!isHexDigit(c)) return false;
  }

  if (nibbles === 0 && !zero) return false;
  return --n > 0 ? zero : !zero;
}

/** An address of only zeros (`0.0.0.0`, `::`, `0::0`...), i.e. INADDR_ANY / in6addr_any. */
function isUnspecified(literal: string): boolean {
  return /^[0:.]*$/.test(literal);
}

// ---------------------------------------------------------------------------------------------------------
// ngx_parse_url()

export type AddressKind = 'unix' | 'ipv4' | 'ipv6' | 'hostname';

interface UrlOptions {
  /** `u->listen`: bare port, `*`, and port ranges allowed; no URI. */
  readonly listen: boolean;
  /** `u->uri_part`: a URI may follow the address (proxy_pass only). */
  readonly uriPart: boolean;
  /** `u->default_port`; 0 = none. */
  readonly defaultPort: number;
  /** Treat host/port text containing `$` as not statically known instead of validating it. */
  readonly variables: boolean;
}

interface UrlParts {
  /** Undefined when the host contains variables. */
  readonly kind: AddressKind | undefined;
  /** Host as written (IPv6 without brackets); the socket path for unix. */
  readonly host: string;
  /** `u->host` as nginx keeps it (IPv6 with brackets): what upstream{} names are matched against. */
  readonly hostField: string;
  readonly port: number | undefined;
  readonly portText: string | undefined;
  readonly lastPort: number | undefined;
  /** `u->no_port`: no port was written. */
  readonly noPort: boolean;
  /** Non-empty URI (`u->uri`), or undefined. */
  readonly uri: string | undefined;
  readonly wildcard: boolean;
}

const hasDollar = (text: string): boolean => text.includes('$');

/** Port text after `:`. Port ranges (`8000-8010`) exist only for `listen`. */
function parsePortText(
  text: string,
  opts: UrlOptions,
): { port: number | undefined; lastPort: number | undefined } | { err: string } {
  if (opts.variables && hasDollar(text)) return { port: undefined, lastPort: undefined };
  let portText = text;
  let lastPort: number | undefined;
  if (opts.listen) {
    const dash = text.indexOf('-');
    if (dash >= 0) {
      const last = ngxAtoi(text.slice(dash + 1));
      if (last === undefined || last < 1 || last > 65535) return { err: 'invalid port' };
      lastPort = last;
      portText = text.slice(0, dash);
    }
  }
  const port = ngxAtoi(portText);
  if (port === undefined || port < 1 || port > 65535) return { err: 'invalid port' };
  if (lastPort !== undefined && port > lastPort) return { err: 'invalid port range' };
  return { port, lastPort };
}

function parseUnixUrl(url: string, opts: UrlOptions): UrlParts | { err: string } {
  let path = url.slice(5);
  let uri: string | undefined;
  if (opts.uriPart) {
    const colon = path.indexOf(':');
    if (colon >= 0) {
      uri = path.slice(colon + 1);
      path = path.slice(0, colon);
    }
  }
  if (path.length === 0) return { err: 'no path in the unix domain socket' };
  if (path.length + 1 > UNIX_SOCKET_PATH_MAX) return { err: 'too long path in the unix domain socket' };
  return {
    kind: 'unix',
    host: path,
    hostField: path,
    port: undefined,
    portText: undefined,
    lastPort: undefined,
    noPort: true,
    uri: uri === '' ? undefined : uri,
    wildcard: false,
  };
}

function parseInet6Url(url: string, opts: UrlOptions): UrlParts | { err: string } {
  const close = url.indexOf(']', 1);
  if (close < 0) return { err: 'invalid host' };

  let last = url.length;
  let uri: string | undefined;
  const slash = url.indexOf('/', close + 1);
  if (slash >= 0) {
    if (opts.listen || !opts.uriPart) return { err: 'invalid host' };
    uri = url.slice(slash);
    last = slash;
  }

  let port: number | undefined;
  let portText: string | undefined;
  let lastPort: number | undefined;
  const portStart = close + 1;
  if (portStart < last) {
    if (url.charAt(portStart) !== ':') return { err: 'invalid host' };
    portText = url.slice(portStart + 1, last);
    const parsed = parsePortText(portText, opts);
    if ('err' in parsed) return parsed;
    ({ port, lastPort } = parsed);
  }

  const host = url.slice(1, close);
  if (host.length === 0) return { err: 'no host' };
  const variable = opts.variables && hasDollar(host);
  if (!variable && !isIPv6Literal(host)) return { err: 'invalid IPv6 address' };

  return {
    kind: variable ? undefined : 'ipv6',
    host,
    hostField: `[${host}]`,
    port,
    portText,
    lastPort,
    noPort: portText === undefined,
    uri,
    wildcard: !variable && isUnspecified(host),
  };
}

function parseInetUrl(url: string, opts: UrlOptions): UrlParts | { err: string } {
  let last = url.length;
  let colon = url.indexOf(':');
  const slash = url.indexOf('/');
  const question = url.indexOf('?');
  let uriStart = slash;
  if (question >= 0 && (slash < 0 || question < slash)) uriStart = question;

  let uri: string | undefined;
  if (uriStart >= 0) {
    if (opts.listen || !opts.uriPart) return { err: 'invalid host' };
    uri = url.slice(uriStart);
    last = uriStart;
    if (uriStart < colon) colon = -1;
  }

  let port: number | undefined;
  let portText: string | undefined;
  let lastPort: number | undefined;

  if (colon >= 0) {
    portText = url.slice(colon + 1, last);
    const parsed = parsePortText(portText, opts);
    if ('err' in parsed) return parsed;
    ({ port, lastPort } = parsed);
    last = colon;
  } else if (uri === undefined && opts.listen) {
    // "test value as port only": `listen 8080;` and `listen 8000-8010;`
    let text = url;
    let rangeEnd: number | undefined;
    let deferred: string | undefined;
    let isPort = true;
    const dash = url.indexOf('-');
    if (dash >= 0) {
      const n = ngxAtoi(url.slice(dash + 1));
      if (n === undefined) isPort = false;
      else if (n < 1 || n > 65535) deferred = 'invalid port';
      else rangeEnd = n;
      text = url.slice(0, dash);
    }
    const n = isPort ? ngxAtoi(text) : undefined;
    if (n !== undefined) {
      if (deferred !== undefined) return { err: deferred };
      if (n < 1 || n > 65535) return { err: 'invalid port' };
      if (rangeEnd !== undefined && n > rangeEnd) return { err: 'invalid port range' };
      return {
        kind: 'ipv4',
        host: '*',
        hostField: '',
        port: n,
        portText: url,
        lastPort: rangeEnd,
        noPort: false,
        uri: undefined,
        wildcard: true,
      };
    }
  }

  const host = url.slice(0, last);
  if (host.length === 0) return { err: 'no host' };

  // Object literals, not spreads of a common part: spreading is many times slower here, per address.
  let kind: AddressKind | undefined;
  let wildcard = false;
  if (opts.variables && hasDollar(host)) kind = undefined;
  else if (opts.listen && host === '*') {
    kind = 'ipv4';
    wildcard = true;
  } else if (isIPv4Literal(host)) {
    kind = 'ipv4';
    wildcard = isUnspecified(host);
  } else kind = 'hostname';
  return { kind, host, hostField: host, port, portText, lastPort, noPort: portText === undefined, uri, wildcard };
}

function ngxParseUrl(url: string, opts: UrlOptions): UrlParts | { err: string } {
  if (startsWithAsciiCaseless(url, 'unix:')) return parseUnixUrl(url, opts);
  if (url.startsWith('[')) return parseInet6Url(url, opts);
  return parseInetUrl(url, opts);
}

// ---------------------------------------------------------------------------------------------------------
// Addresses: listen, upstream server

export interface UnixAddress {
  readonly kind: 'unix';
  /** The socket path, e.g. `/run/php/php8.2-fpm.sock`. */
  readonly path: string;
}

export interface InetAddress {
  readonly kind: 'ipv4' | 'ipv6' | 'hostname';
  /** Hostname or IP literal as written; IPv6 without brackets; `'*'` for `*:port` and a bare port. */
  readonly host: string;
  /** The port written, else the default port. */
  readonly port: number;
  /** Whether a port was written. */
  readonly portExplicit: boolean;
  /** Last port of a `listen` port range (`listen 8000-8010`), else undefined. */
  readonly lastPort: number | undefined;
  /** `*`, a bare port, `0.0.0.0`, `[::]`: listens on all addresses. */
  readonly wildcard: boolean;
}

export type ParsedAddress = UnixAddress | InetAddress;

export interface ParseAddressOptions {
  /** Port used when none is written (`u->default_port`). Default 80, as for `listen` and `server`. */
  readonly defaultPort?: number;
  /**
   * `'listen'` (default): `ngx_http_core_listen()` rules: a bare port (`8080`), `*:port`, `*`, and port
   * ranges are allowed. `'upstream'`: the `server` directive in `upstream{}`: a bare number is a hostname
   * and `*` is not special.
   */
  readonly mode?: 'listen' | 'upstream';
}

/**
 * An address as `listen` and `upstream { server ...; }` take it: `unix:/path`, `host`, `host:port`,
 * `[::1]:port`, `[::1]`, an IPv4 literal, and for `listen` also `*:port` and a bare port. The port must be
 * 1..65535. No URI part is allowed. Hostnames are not resolved (nginx resolves them at startup).
 *
 * Errors use nginx's wording for the mode: `invalid port in "x" of the "listen" directive`, or
 * `invalid port in upstream "x"`.
 */
export function parseAddress(text: string, options: number | ParseAddressOptions = {}): Result<ParsedAddress> {
  const opts: ParseAddressOptions = typeof options === 'number' ? { defaultPort: options } : options;
  const listen = (opts.mode ?? 'listen') === 'listen';
  const defaultPort = opts.defaultPort ?? 80;
  const parsed = ngxParseUrl(text, { listen, uriPart: false, defaultPort, variables: false });
  if ('err' in parsed) {
    return err(listen ? `${parsed.err} in "${text}" of the "listen" directive` : `${parsed.err} in upstream "${text}"`);
  }
  if (parsed.kind === 'unix') return ok({ kind: 'unix', path: parsed.host });
  return ok({
    kind: parsed.kind ?? 'hostname',
    host: parsed.host,
    port: parsed.port ?? defaultPort,
    portExplicit: !parsed.noPort,
    lastPort: parsed.lastPort,
    wildcard: parsed.wildcard,
  });
}

// ---------------------------------------------------------------------------------------------------------
// *_pass targets

export type PassKind = 'proxy' | 'fastcgi' | 'uwsgi' | 'scgi' | 'grpc' | 'memcached';

/** The directive for each pass kind. */
export const PASS_DIRECTIVES: Readonly<Record<PassKind, string>> = {
  proxy: 'proxy_pass',
  fastcgi: 'fastcgi_pass',
  uwsgi: 'uwsgi_pass',
  scgi: 'scgi_pass',
  grpc: 'grpc_pass',
  memcached: 'memcached_pass',
};

/** The read timeout of each pass kind (`proxy` -> `proxy_read_timeout`), looked up rather than concatenated on hot paths. */
export const READ_TIMEOUT_DIRECTIVES: Readonly<Record<PassKind, string>> = {
  proxy: 'proxy_read_timeout',
  fastcgi: 'fastcgi_read_timeout',
  uwsgi: 'uwsgi_read_timeout',
  scgi: 'scgi_read_timeout',
  grpc: 'grpc_read_timeout',
  memcached: 'memcached_read_timeout',
};

/** The pass kind of an http-module directive name (`proxy_pass` -> `'proxy'`), if it is one. */
export function passKindOf(directive: string): PassKind | undefined {
  return PASS_KIND_BY_DIRECTIVE.get(directive);
}

const PASS_KIND_BY_DIRECTIVE: ReadonlyMap<string, PassKind> = new Map(
  (Object.entries(PASS_DIRECTIVES) as [PassKind, string][]).map(([kind, name]) => [name, kind]),
);

interface SchemeSpec {
  readonly name: string;
  /** `name://` */
  readonly prefix: string;
  readonly defaultPort: number | undefined;
  readonly ssl: boolean;
}

interface PassSpec {
  readonly schemes: readonly SchemeSpec[];
  readonly schemeRequired: boolean;
  readonly uriPart: boolean;
  /** Whether `$` switches the directive to run-time evaluation (memcached_pass has no variable support). */
  readonly variables: boolean;
}

const PASS_SPECS: Readonly<Record<PassKind, PassSpec>> = {
  proxy: {
    schemes: [
      { name: 'http', prefix: 'http://', defaultPort: 80, ssl: false },
      { name: 'https', prefix: 'https://', defaultPort: 443, ssl: true },
    ],
    schemeRequired: true,
    uriPart: true,
    variables: true,
  },
  grpc: {
    schemes: [
      { name: 'grpc', prefix: 'grpc://', defaultPort: undefined, ssl: false },
      { name: 'grpcs', prefix: 'grpcs://', defaultPort: undefined, ssl: true },
    ],
    schemeRequired: false,
    uriPart: false,
    variables: true,
  },
  uwsgi: {
    schemes: [
      { name: 'uwsgi', prefix: 'uwsgi://', defaultPort: undefined, ssl: false },
      { name: 'suwsgi', prefix: 'suwsgi://', defaultPort: undefined, ssl: true },
    ],
    schemeRequired: false,
    uriPart: false,
    variables: true,
  },
  fastcgi: { schemes: [], schemeRequired: false, uriPart: false, variables: true },
  scgi: { schemes: [], schemeRequired: false, uriPart: false, variables: true },
  memcached: { schemes: [], schemeRequired: false, uriPart: false, variables: false },
};

export interface UpstreamUrl {
  readonly passKind: PassKind;
  /**
   * Lower-cased scheme without `://` (`'http'`, `'https'`, `'grpc'`, `'grpcs'`, `'uwsgi'`, `'suwsgi'`);
   * undefined when none is written, or when a variable stands where the scheme is (`$scheme://app`).
   */
  readonly scheme: string | undefined;
  /** TLS to the upstream (`https`, `grpcs`, `suwsgi`); undefined when the scheme is not known. */
  readonly ssl: boolean | undefined;
  /**
   * The directive is evaluated per request: the value has a `$` and the directive supports variables.
   * nginx then needs a `resolver` for any hostname that does not name an upstream{} block.
   */
  readonly hasVariables: boolean;
  /** Undefined when the host is not statically known (variables). */
  readonly kind: AddressKind | undefined;
  /**
   * The statically known host: hostname or IP literal (IPv6 without brackets). Undefined for unix sockets
   * and when the host contains variables.
   */
  readonly host: string | undefined;
  /** The host text as written, variables included (`'$backend'`); undefined for unix sockets or unknown. */
  readonly hostText: string | undefined;
  /**
   * The name nginx matches against upstream{} blocks (case-insensitively): `u->host`, which keeps IPv6
   * brackets. Undefined for unix sockets and variable hosts.
   */
  readonly upstreamName: string | undefined;
  /** The port written, when it is a literal. */
  readonly port: number | undefined;
  /** The port text written (may contain variables). */
  readonly portText: string | undefined;
  /** The scheme's default port: 80/443 for proxy_pass; undefined for the others (nginx has none). */
  readonly defaultPort: number | undefined;
  /** `port`, else `defaultPort` when no port was written; undefined when unknown or there is none. */
  readonly effectivePort: number | undefined;
  /** No port was written (`u->no_port`). */
  readonly noPort: boolean;
  /**
   * Static target without a port and without a default port (every pass but proxy_pass): valid only when
   * `upstreamName` names an upstream{} block; otherwise nginx fails with `no port in upstream "host"`.
   */
  readonly requiresUpstreamBlock: boolean;
  /** The socket path of `unix:` targets (with proxy_pass, the path ends at the next `:`). */
  readonly unixPath: string | undefined;
  /**
   * The URI part (proxy_pass only): from the first `/` or `?` after the host, or after the socket path's
   * terminating `:`. `proxy_pass http://x/` has uri `'/'`; undefined when there is none or it is unknown.
   */
  readonly uri: string | undefined;
  /** The host is an IPv4 or IPv6 literal (no DNS needed). */
  readonly isIpLiteral: boolean;
}

interface SchemeSplit {
  /** undefined: no scheme written; null: not statically known. */
  readonly scheme: SchemeSpec | undefined | null;
  /** Text after the scheme; undefined when it cannot be located. */
  readonly rest: string | undefined;
}

function splitScheme(text: string, spec: PassSpec, variables: boolean): SchemeSplit | undefined {
  for (const scheme of spec.schemes) {
    const prefix = scheme.prefix;
    if (startsWithAsciiCaseless(text, prefix)) return { scheme, rest: text.slice(prefix.length) };
  }
  if (variables) {
    const literal = asciiLower(text.slice(0, text.indexOf('$')));
    const ambiguous = spec.schemes.some((s) => s.prefix.startsWith(literal));
    if (ambiguous) {
      // A variable may supply (part of) the scheme, e.g. `$scheme://app` or `$upstream_url`.
      const sep = text.indexOf('://');
      if (sep >= 0) return { scheme: null, rest: text.slice(sep + 3) };
      return { scheme: null, rest: spec.schemeRequired ? undefined : text };
    }
  }
  if (spec.schemeRequired) return undefined;
  return { scheme: undefined, rest: text };
}

/**
 * The target of `proxy_pass`, `fastcgi_pass`, `uwsgi_pass`, `scgi_pass`, `grpc_pass` or `memcached_pass`,
 * parsed as nginx does:
 *
 * - proxy_pass requires `http://` or `https://` (case-insensitive), defaults the port to 80/443, and takes
 *   a URI part (`http://unix:/run/app.sock:/api/`: the `:` after the socket path ends it);
 * - grpc_pass strips an optional `grpc://` / `grpcs://`, uwsgi_pass an optional `uwsgi://` / `suwsgi://`;
 *   fastcgi_pass, scgi_pass and memcached_pass take no scheme (`fastcgi_pass http://...` is
 *   `invalid host`). None of these has a default port or a URI part.
 *
 * With variables (any `$`; not for memcached_pass, which has no variable support), nginx only compiles the
 * value at startup and parses it per request; this function reports what is statically known and returns
 * an error only for what must fail: a malformed variable reference, or a literal part that can never parse
 * (e.g. `proxy_pass ftp://$host`, `http://127.0.0.1:99999/$uri`).
 *
 * Errors: `invalid URL prefix in "..."` (nginx's run-time wording; at startup it says just
 * `invalid URL prefix`), and `<reason> in upstream "<text after the scheme>"` with reason `invalid host`,
 * `invalid port`, `no host`, `invalid IPv6 address`, `no path in the unix domain socket` or
 * `too long path in the unix domain socket`.
 */
export function parseUpstreamUrl(text: string, passKind: PassKind): Result<UpstreamUrl> {
  const spec = PASS_SPECS[passKind];
  const hasVariables = spec.variables && hasDollar(text);

  if (hasVariables) {
    const scan = scanVariables(text);
    if (scan.error !== undefined) return err(scan.error);
  }

  const split = splitScheme(text, spec, hasVariables);
  if (split === undefined) return err(`invalid URL prefix in "${text}"`);

  const scheme = split.scheme;
  const schemeName = scheme === null ? undefined : scheme?.name;
  const ssl = scheme === null ? undefined : (scheme?.ssl ?? false);
  const defaultPort = scheme === null ? undefined : scheme?.defaultPort;

  if (split.rest === undefined) {
    return ok({
      passKind,
      scheme: schemeName,
      ssl,
      hasVariables,
      kind: undefined,
      host: undefined,
      hostText: undefined,
      upstreamName: undefined,
      port: undefined,
      portText: undefined,
      defaultPort,
      effectivePort: undefined,
      noPort: true,
      requiresUpstreamBlock: false,
      unixPath: undefined,
      uri: undefined,
      isIpLiteral: false,
    });
  }

  const parsed = ngxParseUrl(split.rest, {
    listen: false,
    uriPart: spec.uriPart,
    defaultPort: defaultPort ?? 0,
    variables: hasVariables,
  });
  if ('err' in parsed) return err(`${parsed.err} in upstream "${split.rest}"`);

  if (parsed.kind === 'unix') {
    return ok({
      passKind,
      scheme: schemeName,
      ssl,
      hasVariables,
      kind: 'unix',
      host: undefined,
      hostText: undefined,
      upstreamName: undefined,
      port: undefined,
      portText: undefined,
      defaultPort,
      effectivePort: undefined,
      noPort: true,
      requiresUpstreamBlock: false,
      unixPath: parsed.host,
      uri: parsed.uri,
      isIpLiteral: false,
    });
  }

  const hostKnown = parsed.kind !== undefined;
  // A variable in the host may carry a port and a URI of its own.
  const effectivePort = parsed.port ?? (parsed.noPort && hostKnown ? defaultPort : undefined);
  const isIpLiteral = parsed.kind === 'ipv4' || parsed.kind === 'ipv6';

  return ok({
    passKind,
    scheme: schemeName,
    ssl,
    hasVariables,
    kind: parsed.kind,
    host: hostKnown ? parsed.host : undefined,
    hostText: parsed.host,
    upstreamName: hostKnown ? parsed.hostField : undefined,
    port: parsed.port,
    portText: parsed.portText,
    defaultPort,
    effectivePort,
    noPort: parsed.noPort,
    requiresUpstreamBlock: !hasVariables && parsed.noPort && defaultPort === undefined,
    unixPath: undefined,
    uri: parsed.uri,
    isIpLiteral,
  });
}

// ---------------------------------------------------------------------------------------------------------
// Edit distance

/**
 * Optimal-string-alignment (restricted Damerau-Levenshtein) distance: insertions, deletions,
 * substitutions, and transpositions of adjacent characters each cost 1. Compares UTF-16 code units.
 *
 * With `max`, computation stops early and `max + 1` is returned once the distance is known to exceed it.
 */
export function editDistance(a: string, b: string, max?: number): number {
  if (a === b) return 0;
  const limit = max ?? Number.POSITIVE_INFINITY;
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  if (a.length === 0) return b.length;
  if (b.length === 0) return a.length;

  const width = b.length + 1;
  let prev2 = new Array<number>(width).fill(0);
  let prev = Array.from({ length: width }, (_, j) => j);
  let curr = new Array<number>(width).fill(0);

  for (let i = 1; i <= a.length; i++) {
    curr[0] = i;
    let rowMin = i;
    const ca = a.charCodeAt(i - 1);
    for (let j = 1; j <= b.length; j++) {
      const cb = b.charCodeAt(j - 1);
      const cost = ca === cb ? 0 : 1;
      let d = Math.min((prev[j] ?? 0) + 1, (curr[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + cost);
      if (i > 1 && j > 1 && ca === b.charCodeAt(j - 2) && a.charCodeAt(i - 2) === cb) {
        d = Math.min(d, (prev2[j - 2] ?? 0) + 1);
      }
      curr[j] = d;
      if (d < rowMin) rowMin = d;
    }
    if (rowMin > limit) return limit + 1;
    [prev2, prev, curr] = [prev, curr, prev2];
  }

  const distance = prev[b.length] ?? 0;
  return distance > limit ? limit + 1 : distance;
}

/**
 * Candidates within `maxDistance` of `input` (case-sensitive), closest first, ties in input order: the
 * "did you mean" list. `maxDistance` defaults to 1 for inputs up to 4 characters, 2 up to 8, else 3.
 */
export function closestMatches(input: string, candidates: Iterable<string>, maxDistance?: number): string[] {
  const max = maxDistance ?? (input.length <= 4 ? 1 : input.length <= 8 ? 2 : 3);
  const found: { name: string; distance: number; index: number }[] = [];
  let index = 0;
  for (const name of candidates) {
    const distance = editDistance(input, name, max);
    if (distance <= max && name !== input) found.push({ name, distance, index });
    index++;
  }
  found.sort((x, y) => x.distance - y.distance || x.index - y.index);
  return found.map((f) => f.name);
}
