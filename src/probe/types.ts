/**
 * What `--probe` checks and what it found. A target is an address the configuration names (a `*_pass`
 * or an upstream `server`); a result says, per address, whether connect() succeeded and, when not, the
 * line nginx would write to its error log.
 */
import type { ErrnoInfo } from './errno.js';

export type ProbeTarget =
  /** A TCP address: an IP literal (IPv6 without brackets) or a hostname, resolved by the system resolver. */
  | { readonly kind: 'tcp'; readonly host: string; readonly port: number }
  | { readonly kind: 'unix'; readonly path: string };

/** Where a connect() went: an IP and port, or a socket path. */
export type Endpoint = { readonly host: string; readonly port: number } | { readonly path: string };

/** One connect() attempt. */
export interface AddressProbe {
  /** As nginx prints it: `127.0.0.1:9000`, `[::1]:9000`, `unix:/run/php/php8.2-fpm.sock`. */
  readonly address: string;
  /**
   * `ok`: connected (and closed at once); `failed`: connect() returned an error; `timeout`: no answer
   * within the per-target timeout; `skipped`: the overall deadline passed before the attempt could finish.
   */
  readonly outcome: 'ok' | 'failed' | 'timeout' | 'skipped';
  /** For `failed`, and `110: Connection timed out` for `timeout`. */
  readonly error?: ErrnoInfo;
  /** The error.log line nginx would write for this failure (`failed` and `timeout` only). */
  readonly log?: string;
}

/** What `stat()` saw at a unix socket path. */
export interface SocketStat {
  /** `missing`: ENOENT; `unreadable`: stat() itself failed otherwise (EACCES on a parent, ENOTDIR). */
  readonly kind: 'socket' | 'file' | 'directory' | 'other' | 'missing' | 'unreadable';
  readonly mode?: number;
  readonly uid?: number;
  readonly gid?: number;
  readonly error?: ErrnoInfo;
}

export interface ProbeResult {
  /** `probeKey(target)`: `unix:/path`, `host:port` or `[v6]:port`. */
  readonly key: string;
  readonly target: ProbeTarget;
  /**
   * `ok`: every address accepted a connection; `unreachable`: none did; `partial`: some did (a name that
   * resolves to several addresses); `unresolved`: the system resolver found no address for the name;
   * `skipped`: not probed before the overall deadline.
   */
  readonly status: 'ok' | 'unreachable' | 'partial' | 'unresolved' | 'skipped';
  /** One entry per address connected to (one for an IP literal or a socket; every resolved address of a name). */
  readonly addresses: readonly AddressProbe[];
  /** For a hostname: why resolution failed (`host not found`, `temporary failure in name resolution`, `no answer within 1000ms`). */
  readonly dnsError?: string;
  /** For a hostname: it is listed in /etc/hosts (which nginx's own `resolver` never reads). */
  readonly inHostsFile?: boolean;
  /** For a unix socket: what stat() saw. */
  readonly stat?: SocketStat;
  /** Wall time spent on this target, in ms. */
  readonly ms: number;
}

export type ProbeResults = ReadonlyMap<string, ProbeResult>;
