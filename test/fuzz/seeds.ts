/**
 * The files the fuzzers start from, by the role they play in an installation: real-world files from
 * ../shared/corpus (read from there, never copied into the project; SOURCES.tsv gives each one's role),
 * the project's examples/, and the code blocks of the rules' READMEs, whose "Incorrect" configurations
 * trigger every rule and so every fix. Each generated file is one or more seeds of its role, mutated.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
export const CORPUS_DIR = path.resolve(here, '../../../shared/corpus');
const REPO = path.resolve(here, '../..');

export type Role = 'main' | 'http' | 'server' | 'location' | 'php-fpm' | 'apache' | 'compose' | 'gunicorn' | 'uwsgi' | 'dotenv' | 'systemd';
export const ROLES: readonly Role[] = ['main', 'http', 'server', 'location', 'php-fpm', 'apache', 'compose', 'gunicorn', 'uwsgi', 'dotenv', 'systemd'];
export const NGINX_ROLES: readonly Role[] = ['main', 'http', 'server', 'location'];

export interface Seed {
  /** Where it came from: `corpus:<path>`, `examples:<path>` or `readme:<rule>#<n>`. */
  readonly origin: string;
  readonly bytes: Uint8Array;
}

export type Seeds = Readonly<Record<Role, readonly Seed[]>>;

/** SOURCES.tsv's notes column; the first match wins (a "www.conf" that is really nginx is checked before PHP-FPM). */
function corpusRole(notes: string): Role | undefined {
  if (/^"?notes/.test(notes)) return undefined;
  if (/docker-compose file/.test(notes)) return 'compose';
  if (/^"?PHP-FPM config/.test(notes)) return 'php-fpm';
  if (/Apache httpd config/.test(notes)) return 'apache';
  if (/full main nginx\.conf/.test(notes)) return 'main';
  if (/server-level snippet/.test(notes)) return 'server';
  if (/directive-level snippet/.test(notes)) return 'location';
  if (/http-level snippet/.test(notes)) return 'http';
  return undefined;
}

/** The context an nginx snippet is written for, from its first directive. */
function nginxRole(text: string): Role {
  const first = /^\s*([\w$]+)/.exec(text.replace(/^\s*#.*$/gm, ''))?.[1] ?? '';
  if (['http', 'events', 'user', 'worker_processes', 'worker_rlimit_nofile', 'stream', 'pid', 'load_module'].includes(first)) return 'main';
  if (['server', 'upstream', 'map', 'geo', 'split_clients', 'types'].includes(first)) return 'http';
  if (first === 'location') return 'server';
  return 'location';
}

function fenceRole(lang: string, text: string): Role | undefined {
  switch (lang) {
    case 'nginx':
      return nginxRole(text);
    case 'ini':
      return /^\s*\[uwsgi\]/m.test(text) ? 'uwsgi' : /^\s*\[(Service|Socket|Unit)\]/m.test(text) ? 'systemd' : 'php-fpm';
    case 'python':
      return 'gunicorn';
    case 'yaml':
      return 'compose';
    case 'apache':
      return 'apache';
    default:
      return undefined;
  }
}

/** The role of a file under examples/, from its name. */
function exampleRole(rel: string, text: string): Role | undefined {
  const base = path.basename(rel);
  if (base === 'nginx.conf') return 'main';
  if (/\/pool\.d\//.test(rel)) return 'php-fpm';
  if (base === 'gunicorn.conf.py') return 'gunicorn';
  if (base === '.env') return 'dotenv';
  if (base === 'uwsgi.ini') return 'uwsgi';
  if (/\.conf$|_params$|^mime\.types$/.test(base)) return nginxRole(text);
  return undefined;
}

function walk(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) out.push(...walk(full));
    else out.push(full);
  }
  return out;
}

let cached: Seeds | undefined;

/** Every seed by role; throws with the expected location when the corpus is missing. */
export function loadSeeds(): Seeds {
  if (cached !== undefined) return cached;
  const byRole = Object.fromEntries(ROLES.map((r) => [r, [] as Seed[]])) as Record<Role, Seed[]>;
  const add = (role: Role | undefined, origin: string, bytes: Uint8Array): void => {
    if (role !== undefined) byRole[role].push({ origin, bytes });
  };

  const sources = path.join(CORPUS_DIR, 'SOURCES.tsv');
  if (!existsSync(sources)) throw new Error(`corpus not found at ${CORPUS_DIR}; it should sit next to the repository as ../shared/corpus`);
  for (const row of readFileSync(sources, 'utf8').split(/\r?\n/).slice(1)) {
    if (row.trim() === '') continue;
    const cols = row.split('\t');
    const rel = `${(cols[0] ?? '').replace('/', '__')}/${cols[2] ?? ''}`;
    const full = path.join(CORPUS_DIR, rel);
    if (existsSync(full)) add(corpusRole(cols[5] ?? ''), `corpus:${rel}`, new Uint8Array(readFileSync(full)));
  }

  const examples = path.join(REPO, 'examples');
  if (existsSync(examples)) {
    for (const full of walk(examples).sort()) {
      const bytes = new Uint8Array(readFileSync(full));
      const rel = path.relative(REPO, full);
      add(exampleRole(rel, Buffer.from(bytes).toString('utf8')), `examples:${rel}`, bytes);
    }
  }

  const rules = path.join(REPO, 'rules');
  for (const rule of readdirSync(rules).sort()) {
    const readme = path.join(rules, rule, 'README.md');
    if (!existsSync(readme)) continue;
    let n = 0;
    for (const m of readFileSync(readme, 'utf8').matchAll(/^```(\w+)\n([\s\S]*?)^```/gm)) {
      const [, lang = '', text = ''] = m;
      add(fenceRole(lang, text), `readme:${rule}#${n++}`, new TextEncoder().encode(text));
    }
  }

  for (const role of ROLES) if (byRole[role].length === 0) throw new Error(`no seed file of role ${role} (corpus at ${CORPUS_DIR}, examples/, rules/*/README.md)`);
  cached = byRole;
  return byRole;
}
