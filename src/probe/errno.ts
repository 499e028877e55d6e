/**
 * errno numbers and texts as nginx logs them on Linux (`strerror()` of glibc), so that a probe result reads
 * exactly like the error.log line it predicts: `connect() to unix:/run/php/php7.4-fpm.sock failed
 * (2: No such file or directory) while connecting to upstream`.
 */

/** Node's error code -> Linux errno number and glibc's text. */
const LINUX_ERRNO: Readonly<Record<string, readonly [number, string]>> = {
  EPERM: [1, 'Operation not permitted'],
  ENOENT: [2, 'No such file or directory'],
  EAGAIN: [11, 'Resource temporarily unavailable'],
  EACCES: [13, 'Permission denied'],
  ENOTDIR: [20, 'Not a directory'],
  EINVAL: [22, 'Invalid argument'],
  EMFILE: [24, 'Too many open files'],
  ENAMETOOLONG: [36, 'File name too long'],
  ELOOP: [40, 'Too many levels of symbolic links'],
  ENOTSOCK: [88, 'Socket operation on non-socket'],
  EPROTOTYPE: [91, 'Protocol wrong type for socket'],
  EAFNOSUPPORT: [97, 'Address family not supported by protocol'],
  EADDRINUSE: [98, 'Address already in use'],
  EADDRNOTAVAIL: [99, 'Cannot assign requested address'],
  ENETDOWN: [100, 'Network is down'],
  ENETUNREACH: [101, 'Network is unreachable'],
  ECONNABORTED: [103, 'Software caused connection abort'],
  ECONNRESET: [104, 'Connection reset by peer'],
  ETIMEDOUT: [110, 'Connection timed out'],
  ECONNREFUSED: [111, 'Connection refused'],
  EHOSTDOWN: [112, 'Host is down'],
  EHOSTUNREACH: [113, 'No route to host'],
};

/** A failed system call, as nginx would print it: `errno` and `text` make `(111: Connection refused)`. */
export interface ErrnoInfo {
  /** Linux errno, e.g. 111; 0 when the code is not a known errno. */
  readonly errno: number;
  /** Node's code, e.g. `ECONNREFUSED`. */
  readonly code: string;
  /** `111: Connection refused`: what nginx writes inside the parentheses. */
  readonly text: string;
}

export function errnoInfo(code: string, fallbackMessage?: string): ErrnoInfo {
  const known = LINUX_ERRNO[code];
  if (known !== undefined) return { errno: known[0], code, text: `${known[0]}: ${known[1]}` };
  return { errno: 0, code, text: fallbackMessage ?? code };
}

/** The errno of an error thrown by net/fs/dns, or a generic one. */
export function errnoOf(error: unknown): ErrnoInfo {
  const e = error as { code?: unknown; message?: unknown } | null;
  const code = e !== null && typeof e === 'object' && typeof e.code === 'string' ? e.code : 'EUNKNOWN';
  const message = e !== null && typeof e === 'object' && typeof e.message === 'string' ? e.message : String(error);
  return errnoInfo(code, message);
}

/**
 * Errors that a non-blocking TCP connect() reports later, through the socket (nginx then logs `connect()
 * failed (...)` without the address); every other error (a unix socket, EACCES, ENETUNREACH with no route,
 * EADDRNOTAVAIL) is synchronous: `connect() to ADDR failed (...)`.
 */
export const ASYNC_TCP_ERRORS: ReadonlySet<string> = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTDOWN']);
