/**
 * The backend limits rules compare with nginx's settings, with the backend's documented defaults where a
 * limit is not written.
 */
import type { BackendSource, Listener } from './types.js';

/** A limit read from a backend, or the backend's documented default when none is written. */
export interface BackendValue {
  readonly value: number;
  readonly listener: Listener;
  /** The backend setting's name as its users write it (`request_terminate_timeout`, `timeout`, `harakiri`). */
  readonly setting: string;
  /** Where it is written; for a default, where the listener is. */
  readonly source: BackendSource;
  readonly isDefault: boolean;
}

/**
 * Whether a value is the backend's default rather than written: readers report a default with an empty span
 * (a file's line 1), or, for command lines, at the command itself (the listener's own source).
 */
export function isDefaultSource(source: BackendSource, listener: Listener): boolean {
  if (source.endColumn <= source.column) return true;
  const l = listener.source;
  return source.file === l.file && source.line === l.line && source.column === l.column && source.endColumn === l.endColumn;
}

const REQUEST_SETTING: Partial<Record<Listener['kind'], string>> = {
  'php-fpm': 'request_terminate_timeout',
  gunicorn: 'timeout',
  uwsgi: 'harakiri',
};

/**
 * The wall-clock limit the backend puts on one request, in ms: FPM `request_terminate_timeout`, gunicorn
 * `timeout`, uWSGI `harakiri`. The readers fill in the backend's default where the file writes none (gunicorn:
 * 30s) and leave the value out when it cannot be known. Undefined when off (0), unknown or symbolic (`${ENV}`).
 */
export function requestLimit(listener: Listener): BackendValue | undefined {
  const setting = REQUEST_SETTING[listener.kind] ?? 'request timeout';
  const written = listener.requestTimeout;
  if (written === undefined || written.symbolic === true || !Number.isFinite(written.value) || written.value <= 0) return undefined;
  return { value: written.value, listener, setting, source: written.source, isDefault: isDefaultSource(written.source, listener) };
}

/** The largest finite request limit among the matched backends. */
export function largestRequestLimit(matches: readonly { readonly listener: Listener }[]): BackendValue | undefined {
  let best: BackendValue | undefined;
  for (const m of matches) {
    const limit = requestLimit(m.listener);
    if (limit !== undefined && (best === undefined || limit.value > best.value)) best = limit;
  }
  return best;
}

const IDLE_SETTING: Partial<Record<Listener['kind'], string>> = {
  gunicorn: 'keepalive',
  uvicorn: '--timeout-keep-alive',
  node: 'keepAliveTimeout',
  apache: 'KeepAliveTimeout',
};

/** Idle keep-alive timeouts the readers do not report: Apache's KeepAliveTimeout (its reader reads only Listen). */
const IDLE_DEFAULT: Partial<Record<Listener['kind'], number>> = {
  apache: 5_000,
};

/**
 * How long the backend keeps an idle keep-alive connection open, in ms. The readers fill in the server's
 * default (Node and uvicorn: 5s; gunicorn: 2s, only for worker classes that keep connections) and leave the
 * value out when it cannot be known; Apache's 5s default is added here. Undefined when unknown, symbolic, or 0
 * (keep-alive off, or no timeout).
 */
export function idleTimeout(listener: Listener): BackendValue | undefined {
  const setting = IDLE_SETTING[listener.kind] ?? 'keep-alive timeout';
  const written = listener.idleTimeout;
  if (written !== undefined) {
    if (written.symbolic === true || !Number.isFinite(written.value) || written.value <= 0) return undefined;
    return { value: written.value, listener, setting, source: written.source, isDefault: isDefaultSource(written.source, listener) };
  }
  const fallback = IDLE_DEFAULT[listener.kind];
  if (fallback === undefined) return undefined;
  return { value: fallback, listener, setting, source: listener.source, isDefault: true };
}
