/**
 * Finding and reading backend files: the ones named with --backend or the config's `backends` (files or
 * globs, type detected from the name and the content), the standard locations under --root, and the
 * usual files next to the linted configuration (compose files, gunicorn.conf.py, uwsgi.ini, .env,
 * Procfile). Readers are pure; this module does the I/O through the Host.
 */
import * as path from 'node:path';
import { decode } from '../source/index.js';
import { GlobLimitError, hasGlobMagic, type Host } from '../include/index.js';
import type { BackendInventory, ComposeService, Listener, ReaderResult, ServiceUnit } from './types.js';
import { readPhpFpm } from './readers/php-fpm.js';
import { readApache } from './readers/apache.js';
import { readSystemdUnit } from './readers/systemd.js';
import { readEtcGroup } from './readers/etc-group.js';
import { readGunicornConf } from './readers/gunicorn.js';
import { readUwsgiIni } from './readers/uwsgi.js';
import { readDotenv } from './readers/dotenv.js';
import { readProcfile } from './readers/procfile.js';
import { readCompose } from './readers/compose.js';

export type BackendFileKind = 'php-fpm' | 'apache' | 'systemd' | 'group' | 'gunicorn' | 'uwsgi' | 'dotenv' | 'procfile' | 'compose';

const READERS: Readonly<Record<BackendFileKind, (file: string, text: string) => ReaderResult>> = {
  'php-fpm': readPhpFpm,
  apache: readApache,
  systemd: readSystemdUnit,
  group: readEtcGroup,
  gunicorn: readGunicornConf,
  uwsgi: readUwsgiIni,
  dotenv: readDotenv,
  procfile: readProcfile,
  compose: readCompose,
};

/** The kind of a backend file, from its name first and its content second; undefined when unknown. */
export function detectBackendKind(file: string, text: string): BackendFileKind | undefined {
  const base = path.basename(file);
  if (/^(docker-)?compose[\w.-]*\.ya?ml$/i.test(base)) return 'compose';
  if (/^\.env(\..+)?$/.test(base)) return 'dotenv';
  if (base === 'Procfile') return 'procfile';
  if (/gunicorn[\w.-]*\.py$/i.test(base)) return 'gunicorn';
  if (/\.(socket|service)$/.test(base) || /\.(socket|service)\.d\/[^/]+\.conf$/.test(file)) return 'systemd';
  if (base === 'group' && /^[\w.-]+:[^:]*:\d+:/m.test(text)) return 'group';
  if (/^(ports|httpd|apache2)\.conf$/.test(base)) return 'apache';
  if (/(^|[-_.])fpm[\w.-]*\.conf$/.test(base) || /(^|\/)(pool\.d|php-fpm\.d)\//.test(file)) return 'php-fpm';
  if (/^\s*\[uwsgi\]/m.test(text)) return 'uwsgi';
  if (/^\s*\[[\w.-]+\]\s*$/m.test(text) && /^\s*listen\s*=/m.test(text)) return 'php-fpm';
  // Case-sensitive on purpose: nginx's own `listen` must not make an nginx file look like Apache.
  if (/^\s*(Listen|<VirtualHost)\b/m.test(text)) return 'apache';
  if (/^\s*bind\s*=/m.test(text) && /\.py$/.test(base)) return 'gunicorn';
  if (/^\s*(services|version)\s*:/m.test(text) && /\.ya?ml$/.test(base)) return 'compose';
  return undefined;
}

/** Standard backend locations under a root (`/` on a live host). */
const ROOT_PATTERNS = [
  'etc/php/*/fpm/php-fpm.conf',
  'etc/php/*/fpm/pool.d/*.conf',
  'etc/php-fpm.conf',
  'etc/php-fpm.d/*.conf',
  'usr/local/etc/php-fpm.conf',
  'usr/local/etc/php-fpm.d/*.conf',
  'etc/apache2/ports.conf',
  'etc/httpd/conf/httpd.conf',
  'etc/systemd/system/*.socket',
  'etc/systemd/system/*.service',
  'lib/systemd/system/php*-fpm.service',
  'lib/systemd/system/php*-fpm.socket',
  'etc/group',
];

/** Files looked for next to a linted configuration (and one and two levels up). */
const NEARBY = ['docker-compose.yml', 'docker-compose.yaml', 'compose.yml', 'compose.yaml', 'gunicorn.conf.py', 'uwsgi.ini', '.env', 'Procfile'];

export interface DiscoverOptions {
  readonly host: Host;
  /** --backend and config `backends`: absolute files or globs. */
  readonly explicit: readonly string[];
  /** --root: where the standard locations are looked for; undefined: not scanned. */
  readonly root?: string | undefined;
  /** Directories of the linted configurations, for nearby files. */
  readonly near?: readonly string[];
}

/** An explicit backend file that does not exist or whose type cannot be told: a usage error. */
export class BackendFileError extends Error {
  override readonly name = 'BackendFileError';
}

export function loadBackends(options: DiscoverOptions): BackendInventory {
  const { host } = options;
  const listeners: Listener[] = [];
  const services: ComposeService[] = [];
  const units: ServiceUnit[] = [];
  const groups = new Map<string, string[]>();
  const filesRead: string[] = [];
  const problems: { file: string; message: string }[] = [];
  const seen = new Set<string>();

  const read = (file: string, explicit: boolean, forced?: BackendFileKind): void => {
    if (seen.has(file)) return;
    seen.add(file);
    let text: string;
    try {
      text = decode(host.readFile(file), file).source.text;
    } catch (e) {
      const reason = `cannot read (${e instanceof Error ? e.message : String(e)})`;
      if (explicit) throw new BackendFileError(`${file}: ${reason}`);
      problems.push({ file, message: reason });
      return;
    }
    const kind = forced ?? detectBackendKind(file, text);
    if (kind === undefined) {
      if (explicit) {
        throw new BackendFileError(
          `${file}: not a backend file ngxlint can read (PHP-FPM pool, Apache ports.conf/httpd.conf, gunicorn.conf.py, uwsgi.ini, .env, Procfile, docker-compose, systemd .socket/.service, /etc/group)`,
        );
      }
      return;
    }
    let result: ReaderResult;
    try {
      result = READERS[kind](file, text);
    } catch (e) {
      problems.push({ file, message: `could not be read as ${kind} (${e instanceof Error ? e.message : String(e)})` });
      return;
    }
    filesRead.push(file);
    for (const message of result.problems ?? []) problems.push({ file, message });
    listeners.push(...(result.listeners ?? []));
    services.push(...(result.services ?? []));
    units.push(...(result.units ?? []));
    for (const [name, members] of result.groups ?? []) groups.set(name, [...members]);
    for (const include of result.includes ?? []) {
      const targets = hasGlobMagic(include) ? globOrProblem(include, file) : host.stat(include)?.kind === 'file' ? [include] : [];
      for (const target of targets) read(target, false, kind === 'group' ? undefined : kind);
    }
  };

  /** A runaway glob (directory symlinks that loop) is a problem of the file that asked for it, not a crash. */
  const globOrProblem = (pattern: string, file: string): string[] => {
    try {
      return host.glob(pattern);
    } catch (e) {
      if (!(e instanceof GlobLimitError)) throw e;
      problems.push({ file, message: e.message });
      return [];
    }
  };

  for (const pattern of options.explicit) {
    if (hasGlobMagic(pattern)) {
      const matches = globOrProblem(pattern, pattern).filter((p) => host.stat(p)?.kind === 'file');
      if (matches.length === 0) throw new BackendFileError(`${pattern}: no backend file matches`);
      for (const m of matches) read(m, true);
    } else {
      if (host.stat(pattern)?.kind !== 'file') throw new BackendFileError(`${pattern}: no such backend file`);
      read(pattern, true);
    }
  }
  const scanRoot = (root: string): void => {
    for (const pattern of ROOT_PATTERNS) {
      const abs = path.join(root, pattern);
      const matches = !hasGlobMagic(abs) ? (host.stat(abs)?.kind === 'file' ? [abs] : []) : cannotMatch(host, abs) ? [] : globOrProblem(abs, abs);
      for (const m of matches) if (host.stat(m)?.kind === 'file') read(m, false);
    }
  };
  if (options.root !== undefined) scanRoot(options.root);
  for (const dir of new Set(options.near ?? [])) {
    // A project that keeps the backend's /etc tree beside its nginx.conf (etc/php/8.2/fpm/pool.d/...).
    if (dir !== options.root) scanRoot(dir);
    for (let d = dir, level = 0; level <= 2; level++) {
      for (const name of NEARBY) {
        const candidate = path.join(d, name);
        if (host.stat(candidate)?.kind === 'file') read(candidate, false);
      }
      const parent = path.dirname(d);
      if (parent === d) break;
      d = parent;
    }
  }
  return { listeners, services, units, groups, filesRead, problems };
}

/**
 * True when the directory that holds a glob's first wildcard is missing, so that nothing can match. The glob
 * reads every directory from `/` down, and the directories around a project's nginx.conf (/tmp, a home) can
 * hold hundreds of entries, while the standard locations are usually absent there: one stat says so.
 */
function cannotMatch(host: Host, pattern: string): boolean {
  const literal = pattern.slice(0, pattern.lastIndexOf('/', pattern.search(/[*?[]/)));
  // A backslash escapes the next character for the glob, not for stat.
  return literal !== '' && !literal.includes('\\') && host.stat(literal)?.kind !== 'directory';
}

export const EMPTY_INVENTORY: BackendInventory = { listeners: [], services: [], groups: new Map(), filesRead: [], problems: [] };
