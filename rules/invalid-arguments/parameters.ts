/**
 * The parameters after the address of `listen` (http, stream, mail) and of an upstream `server`, read the way
 * nginx 1.22.1 reads them (ngx_http_core_listen, ngx_stream_core_listen, ngx_mail_core_listen,
 * ngx_http_upstream_server, ngx_stream_upstream_server), with nginx's wording, checked against `nginx -t`.
 *
 * Parameters that a newer nginx, a platform other than Linux or NGINX Plus accepts are left alone unless the
 * version that introduced them is certain (`quic` 1.25.0, `resolve` and `service=` 1.27.3).
 */
import { parseSize, parseTime } from '../../src/rule-api.js';

export type ListenFamily = 'http' | 'stream' | 'mail';

/** What nginx says about one parameter, and which one (its index in the list given). */
export type ParameterProblem =
  /** http: `invalid parameter "x"`; stream and mail: `the invalid "x" parameter`. */
  | { readonly kind: 'unknown'; readonly index: number }
  /** Accepted only since `since`. */
  | { readonly kind: 'tooNew'; readonly index: number; readonly since: string }
  /** `invalid backlog "backlog=0"` (also rcvbuf, sndbuf, fastopen). */
  | { readonly kind: 'value'; readonly index: number; readonly what: string }
  /** `invalid ipv6only flags "ox"`: the text after `ipv6only=`. */
  | { readonly kind: 'ipv6only'; readonly index: number; readonly flags: string }
  /** `invalid so_keepalive value: "x"`: the text after `so_keepalive=`. */
  | { readonly kind: 'soKeepalive'; readonly index: number; readonly value: string }
  /** stream: `"listen" directive "backlog" parameter is incompatible with "udp"`. */
  | { readonly kind: 'udp'; readonly index: number; readonly param: string }
  /** upstream: `balancing method does not support parameter "backup"` (after hash, ip_hash or random). */
  | { readonly kind: 'balancing'; readonly index: number };

/** The target version, asked only when a parameter depends on it (asking may run `nginx -v`). */
export type AtLeast = (version: string) => boolean;

/** Whether a parameter is evaluated later: a variable or a template placeholder. */
export type IsDeferred = (param: string) => boolean;

const isNumber = (text: string): boolean => /^[0-9]+$/.test(text);
const isPositive = (text: string): boolean => isNumber(text) && !/^0+$/.test(text);

/** Flags each family's listen takes in nginx 1.22.1 (on Linux). */
const LISTEN_FLAGS: Readonly<Record<ListenFamily, ReadonlySet<string>>> = {
  http: new Set(['default_server', 'default', 'bind', 'deferred', 'reuseport', 'ssl', 'http2', 'proxy_protocol']),
  stream: new Set(['bind', 'reuseport', 'ssl', 'udp', 'proxy_protocol']),
  mail: new Set(['bind', 'ssl', 'proxy_protocol']),
};

/**
 * Left alone: newer than nginx 1.22.1 with an uncertain version (`multipath`; the stream virtual servers'
 * `default_server`, `deferred`, `accept_filter=`), or platform-dependent (`setfib=` on FreeBSD,
 * `accept_filter=` is only warned about on Linux).
 */
const LISTEN_LEFT_ALONE: Readonly<Record<ListenFamily, ReadonlySet<string>>> = {
  http: new Set(['multipath', 'setfib', 'accept_filter']),
  stream: new Set(['multipath', 'setfib', 'accept_filter', 'default_server', 'default', 'deferred']),
  mail: new Set(['multipath']),
};

/** `name=value` parameters whose value nginx parses, by family. */
const LISTEN_VALUES: Readonly<Record<ListenFamily, ReadonlySet<string>>> = {
  http: new Set(['backlog', 'rcvbuf', 'sndbuf', 'fastopen', 'ipv6only', 'so_keepalive']),
  stream: new Set(['backlog', 'rcvbuf', 'sndbuf', 'fastopen', 'ipv6only', 'so_keepalive']),
  mail: new Set(['backlog', 'rcvbuf', 'sndbuf', 'ipv6only', 'so_keepalive']),
};

/** Parameters nginx accepts only since a known version (flags; none takes a value). */
const LISTEN_SINCE: Readonly<Record<ListenFamily, ReadonlyMap<string, string>>> = {
  http: new Map([['quic', '1.25.0']]),
  stream: new Map(),
  mail: new Map(),
};

/** The stream parameters nginx refuses next to `udp`, in the order it checks them. */
const UDP_INCOMPATIBLE = ['backlog', 'ssl', 'so_keepalive', 'proxy_protocol', 'fastopen'] as const;

/** The name of a parameter: `backlog` of `backlog=511`, `ssl` of `ssl`. */
const nameOf = (param: string): string => {
  const eq = param.indexOf('=');
  return eq === -1 ? param : param.slice(0, eq);
};

/** `so_keepalive=on|off|[keepidle]:[keepintvl]:[keepcnt]` (the text after `=`), as Linux nginx reads it. */
function isValidSoKeepalive(value: string): boolean {
  if (value === 'on' || value === 'off') return true;
  const [idle = '', interval = '', ...rest] = value.split(':');
  const count = rest.join(':');
  let some = false;
  for (const time of [idle, interval]) {
    if (time === '') continue;
    const parsed = parseTime(time, 's');
    if (!parsed.ok) return false;
    if (parsed.value.seconds > 0) some = true;
  }
  if (count !== '') {
    if (!isNumber(count)) return false;
    if (!/^0+$/.test(count)) some = true;
  }
  return some;
}

/** What nginx says about one listen parameter with a value it parses, or undefined when it is good. */
function listenValueProblem(name: string, param: string, index: number): ParameterProblem | undefined {
  const value = param.slice(name.length + 1);
  switch (name) {
    case 'backlog':
      return isPositive(value) ? undefined : { kind: 'value', index, what: name };
    case 'fastopen':
      return isNumber(value) ? undefined : { kind: 'value', index, what: name };
    case 'rcvbuf':
    case 'sndbuf':
      return parseSize(value).ok ? undefined : { kind: 'value', index, what: name };
    case 'ipv6only':
      // nginx matches the prefix `ipv6only=o`: `ipv6only=yes` is an unknown parameter
      if (!value.startsWith('o')) return { kind: 'unknown', index };
      return value === 'on' || value === 'off' ? undefined : { kind: 'ipv6only', index, flags: value };
    case 'so_keepalive':
      return isValidSoKeepalive(value) ? undefined : { kind: 'soKeepalive', index, value };
    default:
      return undefined;
  }
}

/** The first problem nginx stops at among a listen's parameters (those after the address). */
export function listenParameterProblem(family: ListenFamily, params: readonly string[], deferred: IsDeferred, atLeast: AtLeast): ParameterProblem | undefined {
  const given = new Map<string, number>();
  for (let index = 0; index < params.length; index++) {
    const param = params[index] as string;
    if (deferred(param)) continue;
    const name = nameOf(param);
    const hasValue = name !== param;
    if (!given.has(name)) given.set(name, index);
    if (LISTEN_LEFT_ALONE[family].has(name)) continue;
    if (hasValue && LISTEN_VALUES[family].has(name)) {
      const problem = listenValueProblem(name, param, index);
      if (problem !== undefined) return problem;
      continue;
    }
    if (hasValue) return { kind: 'unknown', index };
    if (LISTEN_FLAGS[family].has(param)) continue;
    const since = LISTEN_SINCE[family].get(param);
    if (since !== undefined) {
      if (atLeast(since)) continue;
      return { kind: 'tooNew', index, since };
    }
    // `spdy` was accepted with a warning by older releases
    if (param === 'spdy' && !atLeast('1.22.1')) continue;
    return { kind: 'unknown', index };
  }
  if (family === 'stream' && given.has('udp')) {
    for (const param of UDP_INCOMPATIBLE) {
      const index = given.get(param);
      if (index !== undefined) return { kind: 'udp', index, param };
    }
  }
  return undefined;
}

/** Upstream server parameters NGINX Plus takes (and open-source nginx refuses): left alone. */
const PLUS_ONLY = new Set(['slow_start', 'route', 'drain']);

/** Upstream server parameters open-source nginx takes since a version. */
const UPSTREAM_SINCE: ReadonlyMap<string, string> = new Map([
  ['resolve', '1.27.3'],
  ['service', '1.27.3'],
]);

/** What nginx 1.22.1 (or the target version) makes of one upstream server parameter, taken alone. */
export type UpstreamVerdict =
  | { readonly kind: 'ok' }
  /** `backup`: refused only after `hash`, `ip_hash` or `random` in the block. */
  | { readonly kind: 'backup' }
  | { readonly kind: 'unknown' }
  | { readonly kind: 'tooNew'; readonly since: string };

const OK: UpstreamVerdict = { kind: 'ok' };
const BACKUP: UpstreamVerdict = { kind: 'backup' };
const UNKNOWN: UpstreamVerdict = { kind: 'unknown' };

/** One upstream server parameter as ngx_http_upstream_server() reads it (the stream one reads them alike). */
export function judgeUpstreamParameter(param: string, deferred: IsDeferred, atLeast: AtLeast): UpstreamVerdict {
  if (deferred(param)) return OK;
  const name = nameOf(param);
  const value = param.slice(name.length + 1);
  const hasValue = name !== param;
  if (PLUS_ONLY.has(name)) return OK;
  const since = UPSTREAM_SINCE.get(name);
  // `resolve` is a flag, `service=` takes a name
  if (since !== undefined && (name === 'service') === hasValue) return atLeast(since) ? OK : { kind: 'tooNew', since };
  if (hasValue) {
    if (name === 'weight') return isPositive(value) ? OK : UNKNOWN;
    if (name === 'max_fails' || name === 'max_conns') return isNumber(value) ? OK : UNKNOWN;
    return name === 'fail_timeout' && parseTime(value, 's').ok ? OK : UNKNOWN;
  }
  if (param === 'backup') return BACKUP;
  return param === 'down' ? OK : UNKNOWN;
}
