/** How messages name backends, their addresses and protocols. */
import { isWildcardHost, normalizeHost } from './match.js';
import type { BackendProtocol, Listener } from './types.js';

export const PROTOCOL_LABEL: Readonly<Record<BackendProtocol, string>> = {
  http: 'HTTP',
  fastcgi: 'FastCGI',
  uwsgi: 'uwsgi',
  scgi: 'SCGI',
  grpc: 'gRPC',
};

/** A time in nginx syntax: whole seconds when possible, else milliseconds. */
export function formatMs(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}

/** `127.0.0.1:9000`, `[::1]:9000` (an already bracketed host is kept as written). */
export function formatHostPort(host: string, port: number): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]:${port}` : `${host}:${port}`;
}

/** Short form, for the backend limit rules: `gunicorn "app"`, `PHP-FPM pool "www"`, `gunicorn (gunicorn.conf.py)`. */
export function backendLabel(listener: Listener): string {
  const kinds: Readonly<Record<Listener['kind'], string>> = {
    'php-fpm': 'PHP-FPM pool',
    apache: 'Apache',
    gunicorn: 'gunicorn',
    uwsgi: 'uWSGI',
    uvicorn: 'uvicorn',
    node: 'Node',
    compose: 'service',
    'systemd-socket': 'socket unit',
    'systemd-service': 'service unit',
    dotenv: 'the app of',
  };
  const kind = kinds[listener.kind];
  const name = listener.name;
  // A name that only repeats the program (gunicorn.conf.py is "gunicorn") says less than the file.
  if (name === '' || name.toLowerCase() === listener.kind || name.toLowerCase() === kind.toLowerCase()) {
    return `${kind} (${listener.source.file.slice(listener.source.file.lastIndexOf('/') + 1)})`;
  }
  return `${kind} "${name}"`;
}

/** Long form, for the address mismatch rules: `PHP-FPM pool "www"`, `Apache (ports.conf)`, `gunicorn "app"`, `gunicorn (gunicorn.conf.py)`. */
export function describeListener(l: Listener): string {
  const base = l.source.file.slice(l.source.file.lastIndexOf('/') + 1);
  // A name that only repeats the program or the file says nothing: show the file instead.
  const named = (label: string): string => {
    const n = l.name.toLowerCase();
    const generic = n === '' || n === l.kind || n === label.toLowerCase() || n === base.toLowerCase() || n === base.replace(/\.[^.]*$/, '').toLowerCase() || base.toLowerCase().startsWith(`${n}.`);
    return generic ? `${label} (${base})` : `${label} "${l.name}"`;
  };
  switch (l.kind) {
    case 'php-fpm':
      return `PHP-FPM pool "${l.name}"`;
    case 'apache':
      return `Apache (${base})`;
    case 'dotenv':
      return `the app whose ${base} sets PORT`;
    case 'gunicorn':
      return named('gunicorn');
    case 'uwsgi':
      return named('uWSGI');
    case 'uvicorn':
      return named('uvicorn');
    case 'node':
      return named('Node');
    case 'compose':
      return `compose service "${l.service ?? l.name}"`;
    case 'systemd-socket':
      return named('systemd socket');
    case 'systemd-service':
      return named('systemd service');
  }
}

/** Where a listener listens, as a person reads it: `port 9000`, `127.0.0.1:9000`, `/run/php/php8.2-fpm.sock`. */
export function listenerAddress(l: Listener): string {
  if (l.transport === 'unix') return l.path ?? '?';
  if (l.host === undefined || isWildcardHost(l.host)) return `port ${l.port ?? '?'}`;
  return formatHostPort(normalizeHost(l.host), l.port ?? 0);
}

/** `PHP-FPM pool "www" on /run/php/php8.2-fpm.sock, Apache (ports.conf) on port 8081` */
export function describeCandidates(list: readonly Listener[]): string {
  return list.map((l) => `${describeListener(l)} on ${listenerAddress(l)}`).join(', ');
}
