/**
 * What ngxlint knows about the programs nginx talks to: listeners read from their own configuration
 * files (PHP-FPM pools, Apache Listen, gunicorn, uWSGI, uvicorn/Node command lines, docker-compose,
 * systemd units), each with the file and line it came from.
 */

export type BackendProtocol = 'http' | 'fastcgi' | 'uwsgi' | 'scgi' | 'grpc';

export type BackendKind = 'php-fpm' | 'apache' | 'gunicorn' | 'uwsgi' | 'uvicorn' | 'node' | 'compose' | 'systemd-socket' | 'systemd-service' | 'dotenv';

/** A place in a backend file. */
export interface BackendSource {
  readonly file: string;
  /** 1-based. */
  readonly line: number;
  readonly column: number;
  /** End of the value on that line (1-based, exclusive), for related-location highlighting. */
  readonly endColumn: number;
}

/** A value as written, with where it was written. `${ENV}`-style values stay symbolic (`symbolic: true`). */
export interface Sourced<T> {
  readonly value: T;
  readonly source: BackendSource;
  readonly symbolic?: boolean;
}

export interface Listener {
  readonly kind: BackendKind;
  /** Pool name, program or service name, or the file's base name. */
  readonly name: string;
  /** The protocol spoken on this address. */
  readonly protocol: BackendProtocol;
  readonly transport: 'tcp' | 'unix';
  /** For tcp: the bound host (`127.0.0.1`, `::1`, `0.0.0.0`, `::`, a name) or undefined for all interfaces. */
  readonly host?: string;
  readonly port?: number;
  /** For unix: the socket path. */
  readonly path?: string;
  /** Where the address is written. */
  readonly source: BackendSource;
  /** Unix socket ownership and mode (php-fpm listen.owner/group/mode, uWSGI chmod-socket, systemd SocketUser/Group/Mode). */
  readonly owner?: Sourced<string>;
  readonly group?: Sourced<string>;
  readonly mode?: Sourced<number>;
  /** php-fpm listen.acl_users / listen.acl_groups. */
  readonly aclUsers?: Sourced<readonly string[]>;
  readonly aclGroups?: Sourced<readonly string[]>;
  /** php-fpm listen.allowed_clients. */
  readonly allowedClients?: Sourced<readonly string[]>;
  /** php-fpm listen.backlog. */
  readonly backlog?: Sourced<number>;
  /** php-fpm pm.max_children. */
  readonly maxChildren?: Sourced<number>;
  /** The backend's limit on one request, in ms: request_terminate_timeout, gunicorn timeout, uWSGI harakiri. */
  readonly requestTimeout?: Sourced<number>;
  /** How long the backend keeps an idle keep-alive connection, in ms (gunicorn keepalive, uvicorn --timeout-keep-alive, Node keepAliveTimeout). */
  readonly idleTimeout?: Sourced<number>;
  /** uWSGI buffer-size, in bytes. */
  readonly bufferSize?: Sourced<number>;
  /** systemd PrivateTmp=yes on the service that owns the socket. */
  readonly privateTmp?: Sourced<boolean>;
  /** docker-compose: the service this listener belongs to, and its published ports. */
  readonly service?: string;
  /**
   * The address is not fully known statically: it contains `${ENV}` (or `@{VAR}` / `{{ var }}` template)
   * placeholders or shell variables. The parts that are known are filled in; an unknown `host` or `port`
   * is left undefined, a unix `path` keeps the placeholder text, and when the whole address is a
   * placeholder `transport` is a guess. Rules should not report a mismatch against a symbolic listener.
   */
  readonly symbolic?: boolean;
  /** The listener speaks TLS (Apache `Listen 443` / `Listen 8443 https`, gunicorn `--certfile`, uvicorn `--ssl-certfile`, uWSGI `--https`). */
  readonly tls?: boolean;
}

/** A docker-compose service, for container-aware rules. */
export interface ComposeService {
  readonly name: string;
  readonly file: string;
  readonly image?: string;
  /** HOST:CONTAINER port pairs from `ports`. */
  readonly ports: readonly { readonly host?: number; readonly container: number; readonly source: BackendSource; readonly hostIp?: string }[];
  readonly expose: readonly number[];
  readonly networkMode?: string;
  readonly command?: string;
  /** The service runs nginx (image or command mentions nginx/openresty). */
  readonly runsNginx: boolean;
  readonly source: BackendSource;
}

export interface BackendInventory {
  readonly listeners: readonly Listener[];
  readonly services: readonly ComposeService[];
  /** Group name -> member user names (from /etc/group under --root). */
  readonly groups: ReadonlyMap<string, readonly string[]>;
  /** Every backend file read. */
  readonly filesRead: readonly string[];
  /** Backend files found by discovery that could not be read or understood. */
  readonly problems: readonly { readonly file: string; readonly message: string }[];
  /** systemd `.service` units read (ReaderResult.units of every file), for PrivateTmp checks. */
  readonly units?: readonly ServiceUnit[];
}

/**
 * A systemd `.service` unit (or a drop-in for one), for checks that need facts about a unit that has no
 * listener of its own: PHP's php-fpm.service and RHEL's nginx.service ship `PrivateTmp=true` (rule
 * socket-in-private-tmp).
 */
export interface ServiceUnit {
  /** Unit name without `.service` (`php8.2-fpm`, `nginx`, `gunicorn@app`). */
  readonly name: string;
  readonly file: string;
  /** Base name of the program ExecStart runs, past wrappers (`php-fpm8.2`, `nginx`, `gunicorn`). */
  readonly program?: string;
  /** The backend that program is, when known. */
  readonly kind?: BackendKind;
  /** `PrivateTmp=` as written (yes/true/1/on and `disconnected` are true). */
  readonly privateTmp?: Sourced<boolean>;
  /** The ExecStart value, else the `[Service]` header (else line 1). */
  readonly source: BackendSource;
}

/** What a reader returns for one file. */
export interface ReaderResult {
  readonly listeners?: readonly Listener[];
  readonly services?: readonly ComposeService[];
  readonly groups?: ReadonlyMap<string, readonly string[]>;
  /** Further files this one includes (php-fpm `include=`, Apache `Include`), absolute. */
  readonly includes?: readonly string[];
  /** systemd `.service` units read (systemd reader only). */
  readonly units?: readonly ServiceUnit[];
  /**
   * Why the file could not be (fully) understood, one message each without the file name (broken YAML,
   * not a mapping, ...). Readers never throw on bad input; the caller adds these to BackendInventory.problems.
   */
  readonly problems?: readonly string[];
}
