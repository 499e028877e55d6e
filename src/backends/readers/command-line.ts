/**
 * Backend command lines (systemd `ExecStart=`, docker-compose `command:`, Procfile lines) into listeners.
 *
 * The line is split like a POSIX shell: blanks separate words; `'...'` is literal; `"..."` keeps blanks and
 * allows `\"`, `\\`, `\$`, `` \` `` escapes; a backslash outside quotes escapes the next character, and a
 * backslash-newline joins lines. `;`, `&&`, `||`, `|`, `&`, newlines and parentheses separate commands;
 * redirections (`> file`, `2>&1`) are dropped. `$VAR`, `${VAR}` are expanded from the known environment
 * (earlier `VAR=value` commands, `VAR=value` prefixes, `env VAR=value`, and `options.env`);
 * `${VAR:-default}` uses the default when VAR is not known (a guess: the listener is `symbolic`);
 * anything else unknown (`$PORT`, `$(cmd)`) stays as written and makes what it touches symbolic.
 *
 * Wrappers are looked through: `env`, `exec`, `nohup`, `sudo`, `gosu`/`su-exec`/`setuidgid`/`chpst`,
 * `runuser`, `nice`, `tini`/`dumb-init`, `poetry run`/`pipenv run`/`uv run`/`pdm run`/`hatch run`,
 * `npx`, `python -m MODULE`, `python SCRIPT`, and `sh -c '...'` (parsed recursively).
 *
 * Programs and what they listen on:
 * - gunicorn: `-b/--bind HOST:PORT | unix:PATH | [v6]:PORT` (repeatable; default 127.0.0.1:8000, or
 *   0.0.0.0:$PORT when PORT is set), `-t/--timeout` seconds (default 30, 0 = none) as `requestTimeout`,
 *   `--keep-alive` seconds (default 2) as `idleTimeout` only for workers that keep connections alive (not
 *   the default sync worker; `--threads N>1` switches sync to gthread), `-k` worker class, `--umask`
 *   (socket mode 0777 & ~umask, default umask 0), `-u/-g` socket owner/group, `--certfile` TLS. With
 *   `-c/--config`, defaults are not assumed (the file may set them).
 * - uvicorn: `--host` (default 127.0.0.1), `--port` (default 8000), `--uds PATH` (instead of TCP),
 *   `--timeout-keep-alive` seconds (default 5), `--ssl-certfile`; `UVICORN_HOST/PORT/UDS` env. Also
 *   `fastapi run|dev` (uvicorn inside; `run` binds 0.0.0.0).
 * - uWSGI: `-s/--socket`, `--uwsgi-socket` (uwsgi protocol, or `--protocol`), `--http-socket`, `--http`
 *   (HTTP), `--https ADDR,cert,key` (HTTP + TLS), `--fastcgi-socket`, `--scgi-socket`; `--chmod-socket[=MODE]`
 *   (bare = 666), `--chown-socket USER[:GROUP]`, `--harakiri` seconds, `-b/--buffer-size` bytes (default
 *   4096 unless a config file is loaded). An address with `:` is TCP (`:3031` = every address), else a
 *   unix socket path.
 * - Node: `node [opts] script [--port N]` or `PORT=N node script` → HTTP on every address; no port known
 *   → no listener. `npm|yarn|pnpm|bun start|run ...` likewise; `next start|dev` (default 3000, `-p`,
 *   `-H`, `--keepAliveTimeout`). `idleTimeout` is Node's keepAliveTimeout default, 5000 ms.
 * - php-fpm (`php-fpm8.2 -F`), nginx, apache2/httpd: recognised, no listeners (their own files say).
 *
 * Defaults that are assumed rather than written point at the program word.
 */

import type { BackendKind, BackendProtocol, BackendSource, Listener, Sourced } from '../types.js';
import { basenameOf, parseOctalMode, parsePort } from './text.js';

export type EnvValue = string | Sourced<string>;

export interface CommandLineOptions {
  /** Environment the command starts with (systemd `Environment=`, compose `environment:`). */
  readonly env?: ReadonlyMap<string, EnvValue>;
  /** Listener name (default: the program's base name). */
  readonly name?: string;
  /** systemd specifier expansion: `%t` -> `/run` etc.; undefined = unknown (symbolic). `%%` is always `%`. */
  readonly specifier?: (letter: string) => string | undefined;
}

/** One recognised program run by the command line. */
export interface ProgramRun {
  /** Base name of the program (`gunicorn`, `php-fpm8.2`, `nginx`, `server.js` for `python server.js`...). */
  readonly program: string;
  readonly kind?: BackendKind;
  /** The program word. */
  readonly source: BackendSource;
  readonly listeners: readonly Listener[];
}

/** The listeners a command line opens. Never throws. */
export function readCommandLine(file: string, line: number, column: number, command: string, options: CommandLineOptions = {}): Listener[] {
  return analyzeCommandLine(file, line, column, command, options).flatMap((r) => r.listeners);
}

/**
 * Every program the command line runs (wrappers looked through), with its listeners. `line`/`column`
 * (1-based) are where `command` starts in `file`; a `command` spanning several lines continues at column 1.
 */
export function analyzeCommandLine(file: string, line: number, column: number, command: string, options: CommandLineOptions = {}): ProgramRun[] {
  const runs: ProgramRun[] = [];
  try {
    const ctx: Context = { positions: new Positions(file, line, column, command), name: options.name };
    const env = new Map<string, EnvEntry>();
    for (const [k, v] of options.env ?? []) env.set(k, typeof v === 'string' ? { value: v } : { value: v.value, source: v.source, level: v.symbolic ? UNKNOWN : LITERAL });
    runCommands(new Lexer(command, undefined, options.specifier), env, ctx, runs, 0);
  } catch {
    // Never throw on odd input: return what was read.
  }
  return runs;
}

// ---------------------------------------------------------------------------------------------------------
// Positions

class Positions {
  private readonly starts: number[] = [0];
  constructor(
    readonly file: string,
    private readonly line: number,
    private readonly column: number,
    private readonly text: string,
  ) {
    for (let i = 0; i < text.length; i++) if (text[i] === '\n') this.starts.push(i + 1);
  }

  private lineIndex(offset: number): number {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if ((this.starts[mid] as number) <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  private columnAt(offset: number, k: number): number {
    const start = this.starts[k] as number;
    return k === 0 ? this.column + offset : offset - start + 1;
  }

  /** The source of offsets [start, end) of the command; a range crossing lines ends at its first line's end. */
  source(start: number, end: number): BackendSource {
    const s = Math.max(0, Math.min(start, this.text.length));
    const k = this.lineIndex(s);
    const column = this.columnAt(s, k);
    const last = Math.max(s, end - 1);
    const kl = this.lineIndex(last);
    let endColumn: number;
    if (end <= s) endColumn = column;
    else if (kl === k) endColumn = this.columnAt(Math.min(last, this.text.length), k) + 1;
    else {
      let lineEnd = (this.starts[k + 1] as number) - 1; // the '\n'
      if (lineEnd > s && this.text[lineEnd - 1] === '\r') lineEnd--;
      if (lineEnd > s && this.text[lineEnd - 1] === '\\') lineEnd--;
      endColumn = this.columnAt(lineEnd, k);
    }
    return { file: this.file, line: this.line + k, column, endColumn };
  }
}

// ---------------------------------------------------------------------------------------------------------
// Words

/** How well a character is known: written, a `${VAR:-default}` default, or an unexpanded variable. */
const LITERAL = 0;
const GUESS = 1;
const UNKNOWN = 2;

interface Word {
  value: string;
  /** Offset in the command of each character of `value`. */
  map: number[];
  /** LITERAL / GUESS / UNKNOWN per character. */
  level: number[];
  /** Offsets of the word as written (quotes included). */
  start: number;
  end: number;
  quoted: boolean;
}

type Token = { readonly type: 'word'; readonly word: Word } | { readonly type: 'redir'; readonly needsTarget: boolean };

interface EnvEntry {
  readonly value: string;
  readonly source?: BackendSource;
  readonly level?: number;
}
type Env = Map<string, EnvEntry>;

/** A part of a word: from `from` to its end. */
interface Slice {
  readonly word: Word;
  readonly from: number;
}

const text = (s: Slice): string => s.word.value.slice(s.from);
const levelOf = (word: Word, from: number, to: number): number => {
  let max = LITERAL;
  for (let i = from; i < to; i++) max = Math.max(max, word.level[i] ?? LITERAL);
  return max;
};

const REDIRECT = /<<<|<<-|<<|<>|<&|>&|>>|>\||<|>/y;
const DUP_TARGET = /[0-9]+-?|-/y;

class Lexer {
  private i = 0;
  constructor(
    private readonly s: string,
    private readonly base: readonly number[] | undefined,
    private readonly specifier: ((letter: string) => string | undefined) | undefined,
    /** How well each character of `s` is known, when `s` is itself an expanded word (`sh -c "..."`). */
    private readonly baseLevel?: readonly number[],
  ) {}

  private off(i: number): number {
    if (this.base === undefined) return i;
    const clamped = Math.max(0, Math.min(i, this.base.length - 1));
    return this.base[clamped] ?? 0;
  }

  /** The tokens of the next simple command, expanding variables from `env`; undefined at the end. */
  next(env: Env): Token[] | undefined {
    const s = this.s;
    const n = s.length;
    const tokens: Token[] = [];
    let w: Word | undefined;

    const ensure = (at: number): Word => {
      if (w === undefined) w = { value: '', map: [], level: [], start: this.off(at), end: this.off(at) + 1, quoted: false };
      return w;
    };
    const push = (ch: string, at: number, level: number): void => {
      const word = ensure(at);
      word.value += ch;
      word.map.push(this.off(at));
      word.level.push(Math.max(level, this.baseLevel?.[at] ?? LITERAL));
      word.end = Math.max(word.end, this.off(at) + 1);
    };
    /** Expanded text standing for s[from..to] (inclusive). */
    const pushText = (value: string, from: number, to: number, level: number): void => {
      for (let k = 0; k < value.length; k++) push(value[k] as string, k === value.length - 1 ? to : from, level);
      if (value.length === 0) ensure(from).end = Math.max(ensure(from).end, this.off(to) + 1);
    };
    const pushLiteral = (from: number, to: number, level: number): void => {
      for (let k = from; k <= to && k < n; k++) push(s[k] as string, k, level);
    };
    const finish = (): void => {
      if (w !== undefined) tokens.push({ type: 'word', word: w });
      w = undefined;
    };

    const dollar = (i: number): number => {
      const c = s[i + 1];
      if (c === '{') {
        const j = s.indexOf('}', i + 2);
        if (j < 0) {
          push('$', i, LITERAL);
          return i + 1;
        }
        const inner = s.slice(i + 2, j);
        const m = /^([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-=?+])([\s\S]*))?$/.exec(inner);
        if (m === null) {
          pushLiteral(i, j, UNKNOWN);
          return j + 1;
        }
        const name = m[1] as string;
        const op = m[2];
        const alt = m[3] ?? '';
        const entry = env.get(name);
        if (op === undefined || op === '?' || op === ':?') {
          if (entry !== undefined) pushText(entry.value, i, j, entry.level ?? LITERAL);
          else pushLiteral(i, j, UNKNOWN);
        } else if (op.endsWith('+')) {
          const set = entry !== undefined && (op === '+' || entry.value !== '');
          if (set) pushText(alt, i, j, LITERAL);
          else if (entry === undefined) pushText('', i, j, GUESS);
        } else {
          const set = entry !== undefined && (!op.startsWith(':') || entry.value !== '');
          if (set && entry !== undefined) pushText(entry.value, i, j, entry.level ?? LITERAL);
          else pushText(alt, i, j, entry === undefined ? GUESS : LITERAL);
        }
        return j + 1;
      }
      if (c === '(') {
        let depth = 0;
        let j = i + 1;
        for (; j < n; j++) {
          if (s[j] === '(') depth++;
          else if (s[j] === ')' && --depth === 0) break;
        }
        pushLiteral(i, Math.min(j, n - 1), UNKNOWN);
        return j + 1;
      }
      if (c !== undefined && /[A-Za-z_]/.test(c)) {
        let j = i + 1;
        while (j < n && /[A-Za-z0-9_]/.test(s[j] as string)) j++;
        const entry = env.get(s.slice(i + 1, j));
        if (entry !== undefined) pushText(entry.value, i, j - 1, entry.level ?? LITERAL);
        else pushLiteral(i, j - 1, UNKNOWN);
        return j;
      }
      if (c !== undefined && /[0-9@*#?$!-]/.test(c)) {
        pushLiteral(i, i + 1, UNKNOWN);
        return i + 2;
      }
      push('$', i, LITERAL);
      return i + 1;
    };

    const backtick = (i: number): number => {
      let j = i + 1;
      while (j < n && s[j] !== '`') j += s[j] === '\\' ? 2 : 1;
      pushLiteral(i, Math.min(j, n - 1), UNKNOWN);
      return j + 1;
    };

    const percent = (i: number): number => {
      const letter = s[i + 1];
      if (letter === undefined) {
        push('%', i, LITERAL);
        return i + 1;
      }
      if (letter === '%') {
        push('%', i, LITERAL);
        return i + 2;
      }
      const value = this.specifier?.(letter);
      if (value !== undefined) pushText(value, i, i + 1, LITERAL);
      else pushLiteral(i, i + 1, UNKNOWN);
      return i + 2;
    };

    while (this.i < n) {
      const i = this.i;
      const c = s[i] as string;
      if (c === ' ' || c === '\t' || c === '\r') {
        finish();
        this.i++;
        continue;
      }
      if (c === '\\' && (s[i + 1] === '\n' || (s[i + 1] === '\r' && s[i + 2] === '\n'))) {
        this.i += s[i + 1] === '\n' ? 2 : 3;
        continue;
      }
      if (c === '\n' || c === ';' || c === '&' || c === '|' || c === '(' || c === ')') {
        finish();
        this.i += (c === '&' || c === '|' || c === ';') && s[i + 1] === c ? 2 : 1;
        if (tokens.length > 0) return tokens;
        continue;
      }
      if (c === '<' || c === '>') {
        if (w !== undefined && !w.quoted && /^[0-9]+$/.test(w.value)) w = undefined;
        else finish();
        REDIRECT.lastIndex = i;
        const m = REDIRECT.exec(s) as RegExpExecArray;
        this.i += m[0].length;
        let needsTarget = true;
        if (m[0].endsWith('&')) {
          DUP_TARGET.lastIndex = this.i;
          const d = DUP_TARGET.exec(s);
          if (d !== null) {
            this.i += d[0].length;
            needsTarget = false;
          }
        }
        tokens.push({ type: 'redir', needsTarget });
        continue;
      }
      if (c === '#' && w === undefined) {
        while (this.i < n && s[this.i] !== '\n') this.i++;
        continue;
      }
      if (c === "'") {
        ensure(i).quoted = true;
        let j = i + 1;
        while (j < n && s[j] !== "'") {
          if (s[j] === '%' && this.specifier !== undefined) j = percent(j);
          else {
            push(s[j] as string, j, LITERAL);
            j++;
          }
        }
        this.i = j + 1;
        continue;
      }
      if (c === '"') {
        ensure(i).quoted = true;
        let j = i + 1;
        while (j < n && s[j] !== '"') {
          const d = s[j] as string;
          if (d === '\\' && j + 1 < n && '$`"\\\n'.includes(s[j + 1] as string)) {
            if (s[j + 1] !== '\n') push(s[j + 1] as string, j + 1, LITERAL);
            j += 2;
          } else if (d === '$') j = dollar(j);
          else if (d === '`') j = backtick(j);
          else if (d === '%' && this.specifier !== undefined) j = percent(j);
          else {
            push(d, j, LITERAL);
            j++;
          }
        }
        if (w !== undefined) w.end = Math.max(w.end, this.off(Math.min(j, n - 1)) + 1);
        this.i = j + 1;
        continue;
      }
      if (c === '\\') {
        if (i + 1 < n) push(s[i + 1] as string, i + 1, LITERAL);
        this.i = i + 2;
        continue;
      }
      if (c === '$') {
        this.i = dollar(i);
        continue;
      }
      if (c === '`') {
        this.i = backtick(i);
        continue;
      }
      if (c === '%' && this.specifier !== undefined) {
        this.i = percent(i);
        continue;
      }
      push(c, i, LITERAL);
      this.i++;
    }
    finish();
    return tokens.length > 0 ? tokens : undefined;
  }
}

function wordsOf(tokens: readonly Token[]): Word[] {
  const words: Word[] = [];
  let skipNext = false;
  for (const t of tokens) {
    if (t.type === 'redir') {
      skipNext = t.needsTarget;
      continue;
    }
    if (skipNext) {
      skipNext = false;
      continue;
    }
    words.push(t.word);
  }
  return words;
}

// ---------------------------------------------------------------------------------------------------------
// Commands

interface Context {
  readonly positions: Positions;
  readonly name: string | undefined;
}

const MAX_DEPTH = 4;

function runCommands(lexer: Lexer, env: Env, ctx: Context, runs: ProgramRun[], depth: number): void {
  for (let guard = 0; guard < 10_000; guard++) {
    const tokens = lexer.next(env);
    if (tokens === undefined) return;
    analyzeSimple(wordsOf(tokens), env, ctx, runs, depth);
  }
}

function sliceSource(ctx: Context, s: Slice, to?: number): BackendSource {
  const w = s.word;
  const end = to ?? w.value.length;
  if (end <= s.from || w.map.length === 0) return ctx.positions.source(w.start, w.end);
  const a = w.map[s.from] as number;
  const b = (w.map[end - 1] as number) + 1;
  return ctx.positions.source(a, Math.max(a + 1, b));
}

const wordSource = (ctx: Context, w: Word): BackendSource => sliceSource(ctx, { word: w, from: 0 });

const ASSIGNMENT = /^[A-Za-z_][A-Za-z0-9_]*=/;

function assignment(ctx: Context, w: Word): [string, EnvEntry] | undefined {
  const m = ASSIGNMENT.exec(w.value);
  if (m === null || (w.quoted && w.map[0] !== w.start)) return undefined;
  const name = m[0].slice(0, -1);
  const from = m[0].length;
  return [name, { value: w.value.slice(from), source: sliceSource(ctx, { word: w, from }), level: levelOf(w, from, w.value.length) }];
}

const isOption = (w: Word | undefined): boolean => w !== undefined && w.value.startsWith('-') && w.value.length > 1;

/** Skips options of a wrapper; `withArg` lists the options that take the next word. */
function skipOptions(words: readonly Word[], i: number, withArg: readonly string[] = []): number {
  while (i < words.length) {
    const v = (words[i] as Word).value;
    if (v === '--') return i + 1;
    if (!v.startsWith('-') || v === '-') return i;
    i += withArg.includes(v) ? 2 : 1;
  }
  return i;
}

function analyzeSimple(words: readonly Word[], shellEnv: Env, ctx: Context, runs: ProgramRun[], depth: number): void {
  const env: Env = new Map(shellEnv);
  let i = 0;
  let sawAssignmentsOnly = true;

  for (let guard = 0; guard < 64; guard++) {
    // VAR=value prefixes.
    while (i < words.length) {
      const a = assignment(ctx, words[i] as Word);
      if (a === undefined) break;
      env.set(a[0], a[1]);
      i++;
    }
    const w = words[i];
    if (w === undefined) {
      // `VAR=value` alone (or `export VAR=value`) sets a shell variable for later commands.
      if (sawAssignmentsOnly) for (const [k, v] of env) shellEnv.set(k, v);
      return;
    }
    const program = basenameOf(w.value);
    switch (program) {
      case 'export':
      case 'declare':
      case 'local':
      case 'readonly':
        i = skipOptions(words, i + 1);
        continue;
      case 'cd':
        return;
    }
    sawAssignmentsOnly = false;

    switch (program) {
      case 'env':
        i = skipOptions(words, i + 1, ['-u', '--unset', '-C', '--chdir', '-S', '--split-string']);
        continue;
      case 'exec':
        i = skipOptions(words, i + 1, ['-a']);
        continue;
      case 'nohup':
      case 'time':
      case 'command':
      case 'builtin':
      case 'setsid':
      case 'dumb-init':
      case 'catatonit':
      case 'tini':
      case 'tini-static':
      case 'unbuffer':
      case 'stdbuf':
        i = skipOptions(words, i + 1, ['-s', '-e', '-p', '-o', '-i']);
        continue;
      case 'nice':
        i = skipOptions(words, i + 1, ['-n', '--adjustment']);
        continue;
      case 'ionice':
        i = skipOptions(words, i + 1, ['-c', '-n', '-p', '-P', '-u']);
        continue;
      case 'sudo':
        i = skipOptions(words, i + 1, ['-u', '-g', '-C', '-D', '-h', '-p', '-r', '-t', '-U', '-T', '--user', '--group']);
        continue;
      case 'runuser':
        i = skipOptions(words, i + 1, ['-u', '-g', '-G', '--user', '--group']);
        continue;
      case 'chpst':
        i = skipOptions(words, i + 1, ['-u', '-U', '-b', '-e', '-/', '-n', '-l', '-L', '-m', '-d', '-o', '-p', '-f', '-c', '-r', '-t']);
        continue;
      case 'gosu':
      case 'su-exec':
      case 'setuidgid':
      case 's6-setuidgid':
        i += 2;
        continue;
      case 'poetry':
      case 'pipenv':
      case 'pdm':
      case 'uv':
      case 'rye':
      case 'hatch':
      case 'bundle':
        if (words[i + 1]?.value === 'run' || words[i + 1]?.value === 'exec') {
          i = skipOptions(words, i + 2);
          continue;
        }
        runs.push({ program, source: wordSource(ctx, w), listeners: [] });
        return;
      case 'npx':
      case 'pnpx':
      case 'bunx':
        i = skipOptions(words, i + 1, ['-p', '--package']);
        continue;
    }

    if (/^(python|pypy)[0-9.]*$/.test(program)) {
      let j = i + 1;
      for (; j < words.length; j++) {
        const v = (words[j] as Word).value;
        if (v === '-m') {
          const mod = words[j + 1];
          if (mod === undefined) return;
          dispatch(mod.value, mod, words.slice(j + 2), env, ctx, runs);
          return;
        }
        if (v.startsWith('-m') && v.length > 2) {
          dispatch(v.slice(2), words[j] as Word, words.slice(j + 1), env, ctx, runs);
          return;
        }
        if (v === '-c') return;
        if (v === '-W' || v === '-X') {
          j++;
          continue;
        }
        if (!v.startsWith('-')) break;
      }
      const script = words[j];
      if (script === undefined) return;
      dispatch(basenameOf(script.value).replace(/\.py$/, ''), script, words.slice(j + 1), env, ctx, runs);
      return;
    }

    if (/^(sh|bash|dash|ash|zsh|ksh|mksh)$/.test(program)) {
      let j = i + 1;
      let hasC = false;
      for (; j < words.length; j++) {
        const v = (words[j] as Word).value;
        if (v === '--') {
          j++;
          break;
        }
        if (v === '-o' || v === '+o') {
          j++;
          continue;
        }
        if (!/^[-+]/.test(v)) break;
        if (/^-[a-zA-Z]*c[a-zA-Z]*$/.test(v)) hasC = true;
      }
      const script = words[j];
      if (hasC && script !== undefined && depth < MAX_DEPTH) {
        runCommands(new Lexer(script.value, script.map, undefined, script.level), env, ctx, runs, depth + 1);
      }
      return;
    }

    dispatch(program, w, words.slice(i + 1), env, ctx, runs);
    return;
  }
}

function dispatch(program: string, word: Word, args: readonly Word[], env: Env, ctx: Context, runs: ProgramRun[]): void {
  const source = wordSource(ctx, word);
  const run = (kind: BackendKind | undefined, listeners: Listener[]): void => {
    runs.push({ program, ...(kind !== undefined ? { kind } : {}), source, listeners });
  };
  const p: Program = { name: ctx.name ?? program, word, source, env, ctx };

  if (/^gunicorn[0-9]*$/.test(program)) return run('gunicorn', gunicorn(p, args));
  if (program === 'uvicorn') return run('uvicorn', uvicorn(p, args));
  if (program === 'fastapi') return run('uvicorn', fastapi(p, args));
  if (/^uwsgi([_-][A-Za-z0-9_.-]*)?$/.test(program)) return run('uwsgi', uwsgi(p, args));
  if (/^node(js)?$/.test(program)) return run('node', node(p, args));
  if (/^(npm|yarn|pnpm|bun)$/.test(program)) return run('node', packageScript(p, args));
  if (program === 'next') return run('node', next(p, args));
  if (/^php-fpm[0-9.]*$/.test(program) || /^php[0-9.]*-fpm$/.test(program)) return run('php-fpm', []);
  if (/^(apache2|httpd|apachectl|apache2ctl)$/.test(program)) return run('apache', []);
  return run(undefined, []);
}

// ---------------------------------------------------------------------------------------------------------
// Options

interface OptSpec {
  readonly key: string;
  readonly names: readonly string[];
  readonly arg: 'required' | 'optional' | 'none';
}

interface OptHit {
  readonly key: string;
  /** The option word. */
  readonly word: Word;
  readonly value?: Slice;
}

interface Scanned {
  readonly hits: OptHit[];
  readonly positionals: Word[];
}

function scanOptions(args: readonly Word[], specs: readonly OptSpec[], stopAtPositional = false): Scanned & { rest: Word[] } {
  const byName = new Map<string, OptSpec>();
  for (const s of specs) for (const n of s.names) byName.set(n, s);
  const hits: OptHit[] = [];
  const positionals: Word[] = [];
  for (let i = 0; i < args.length; i++) {
    const w = args[i] as Word;
    const v = w.value;
    if (v === '--') return { hits, positionals, rest: args.slice(i + 1) };
    if (v.startsWith('--')) {
      const eq = v.indexOf('=');
      const spec = byName.get(eq < 0 ? v : v.slice(0, eq));
      if (spec === undefined) continue;
      if (spec.arg === 'none') hits.push({ key: spec.key, word: w });
      else if (eq >= 0) hits.push({ key: spec.key, word: w, value: { word: w, from: eq + 1 } });
      else if (spec.arg === 'required') {
        const next = args[i + 1];
        if (next !== undefined) {
          hits.push({ key: spec.key, word: w, value: { word: next, from: 0 } });
          i++;
        }
      } else hits.push({ key: spec.key, word: w });
      continue;
    }
    if (v.startsWith('-') && v.length > 1) {
      const spec = byName.get(v.slice(0, 2));
      if (spec === undefined) continue;
      if (spec.arg === 'none') hits.push({ key: spec.key, word: w });
      else if (v.length > 2) hits.push({ key: spec.key, word: w, value: { word: w, from: v[2] === '=' ? 3 : 2 } });
      else if (spec.arg === 'required') {
        const next = args[i + 1];
        if (next !== undefined) {
          hits.push({ key: spec.key, word: w, value: { word: next, from: 0 } });
          i++;
        }
      } else hits.push({ key: spec.key, word: w });
      continue;
    }
    if (stopAtPositional) return { hits, positionals, rest: args.slice(i) };
    positionals.push(w);
  }
  return { hits, positionals, rest: [] };
}

const opt = (key: string, names: readonly string[], arg: OptSpec['arg'] = 'required'): OptSpec => ({ key, names, arg });

/** Options that take a value, so that their value is not taken for a positional argument. */
const valued = (...names: string[]): OptSpec[] => names.map((n) => opt('_', [n]));

function last(hits: readonly OptHit[], key: string): OptHit | undefined {
  for (let i = hits.length - 1; i >= 0; i--) if ((hits[i] as OptHit).key === key) return hits[i];
  return undefined;
}

interface Program {
  readonly name: string;
  readonly word: Word;
  readonly source: BackendSource;
  readonly env: Env;
  readonly ctx: Context;
}

interface Value<T> {
  readonly value: T;
  readonly source: BackendSource;
  readonly symbolic: boolean;
}

/** The option's value as a number of seconds, in ms. */
function secondsMs(p: Program, hit: OptHit | undefined): Sourced<number> | undefined {
  if (hit?.value === undefined) return undefined;
  const t = text(hit.value);
  const src = sliceSource(p.ctx, hit.value);
  const level = levelOf(hit.value.word, hit.value.from, hit.value.word.value.length);
  if (level === UNKNOWN) return { value: Number.NaN, source: src, symbolic: true };
  if (!/^[0-9]+(\.[0-9]+)?$/.test(t)) return undefined;
  return withSymbolic({ value: Math.round(Number(t) * 1000), source: src }, level > LITERAL);
}

function withSymbolic<T>(v: Sourced<T>, symbolic: boolean): Sourced<T> {
  return symbolic ? { ...v, symbolic: true } : v;
}

function envValue(p: Program, name: string): Value<string> | undefined {
  const e = p.env.get(name);
  if (e === undefined) return undefined;
  return { value: e.value, source: e.source ?? p.source, symbolic: (e.level ?? LITERAL) > LITERAL };
}

interface Address {
  readonly transport: 'tcp' | 'unix';
  readonly host?: string;
  readonly port?: number;
  readonly path?: string;
  readonly symbolic?: boolean;
}

/**
 * `host:port`, `[v6]:port`, `:port`, `port` (when `digitsArePort`), `host` (with `defaultPort`). Parts
 * with unexpanded variables are left undefined; defaults of `${VAR:-default}` are used but symbolic.
 */
function tcpAddress(s: Slice, defaultPort: number | undefined): Address | undefined {
  const t = text(s);
  const lv = (a: number, b: number): number => levelOf(s.word, s.from + a, s.from + b);
  const symbolic = lv(0, t.length) > LITERAL;
  const sym = symbolic ? { symbolic: true } : {};
  let hostEnd: number;
  let portStart: number | undefined;
  if (t.startsWith('[')) {
    const close = t.indexOf(']');
    if (close < 0) return undefined;
    hostEnd = close + 1;
    if (t.length === hostEnd) portStart = undefined;
    else if (t[hostEnd] === ':') portStart = hostEnd + 1;
    else return undefined;
  } else {
    const colon = t.lastIndexOf(':');
    if (colon < 0) {
      if (/^[0-9]*$/.test(t.replace(/\$\{[^}]*\}|\$[A-Za-z_][A-Za-z0-9_]*/g, '')) && (t !== '' || symbolic)) {
        // A bare port.
        if (lv(0, t.length) === UNKNOWN) return { transport: 'tcp', ...sym };
        const port = parsePort(t);
        return port === undefined ? undefined : { transport: 'tcp', port, ...sym };
      }
      hostEnd = t.length;
      portStart = undefined;
    } else {
      hostEnd = colon;
      portStart = colon + 1;
    }
  }
  const hostText = t.slice(0, hostEnd);
  const hostUnknown = lv(0, hostEnd) === UNKNOWN;
  const bare = hostText.startsWith('[') && hostText.endsWith(']') ? hostText.slice(1, -1) : hostText;
  const host = hostUnknown || bare === '' || bare === '*' ? undefined : bare.toLowerCase();
  let port: number | undefined;
  if (portStart === undefined) {
    if (defaultPort === undefined) return undefined;
    port = defaultPort;
  } else if (lv(portStart, t.length) === UNKNOWN) port = undefined;
  else {
    port = parsePort(t.slice(portStart));
    if (port === undefined) return undefined;
  }
  return { transport: 'tcp', ...(host !== undefined ? { host } : {}), ...(port !== undefined ? { port } : {}), ...sym };
}

function unixAddress(s: Slice, from = 0): Address {
  const path = text(s).slice(from);
  const symbolic = levelOf(s.word, s.from + from, s.word.value.length) > LITERAL;
  return { transport: 'unix', path, ...(symbolic ? { symbolic: true } : {}) };
}

function listener(p: Program, kind: BackendKind, protocol: BackendProtocol, address: Address, source: BackendSource, extra: Partial<Listener> = {}): Listener {
  return { kind, name: p.name, protocol, ...address, source, ...extra };
}

// ---------------------------------------------------------------------------------------------------------
// gunicorn

const GUNICORN: OptSpec[] = [
  opt('bind', ['-b', '--bind']),
  opt('timeout', ['-t', '--timeout']),
  opt('keepalive', ['--keep-alive']),
  opt('worker', ['-k', '--worker-class']),
  opt('threads', ['--threads']),
  opt('config', ['-c', '--config']),
  opt('certfile', ['--certfile']),
  opt('umask', ['-m', '--umask']),
  opt('user', ['-u', '--user']),
  opt('group', ['-g', '--group']),
  ...valued('-w', '--workers', '--chdir', '--pythonpath', '--access-logfile', '--error-logfile', '--log-file', '--log-level', '-n', '--name', '-p', '--pid', '-e', '--env', '--graceful-timeout', '--max-requests', '--max-requests-jitter', '--backlog', '--worker-connections', '--keyfile', '--ca-certs', '--forwarded-allow-ips', '--access-logformat', '--statsd-host', '--paste', '--limit-request-line', '--limit-request-fields', '--limit-request-field_size', '--worker-tmp-dir', '--log-config', '--proxy-allow-from', '--ssl-version', '--ciphers'),
];

function gunicorn(p: Program, args: readonly Word[]): Listener[] {
  const { hits } = scanOptions(args, GUNICORN);
  const config = last(hits, 'config') !== undefined;

  const extra: { requestTimeout?: Sourced<number>; idleTimeout?: Sourced<number>; tls?: boolean } = {};
  const timeout = secondsMs(p, last(hits, 'timeout'));
  if (timeout !== undefined) extra.requestTimeout = timeout;
  else if (!config) extra.requestTimeout = { value: 30_000, source: p.source };

  const threadsHit = last(hits, 'threads')?.value;
  const threads = threadsHit === undefined ? 1 : Number(text(threadsHit)) || 1;
  const workerHit = last(hits, 'worker')?.value;
  let worker = workerHit === undefined ? 'sync' : text(workerHit);
  if (worker === 'sync' && threads > 1) worker = 'gthread';
  if (worker !== 'sync') {
    const keepalive = secondsMs(p, last(hits, 'keepalive'));
    if (keepalive !== undefined) extra.idleTimeout = keepalive;
    else if (!config) extra.idleTimeout = { value: 2_000, source: p.source };
  }
  if (last(hits, 'certfile') !== undefined) extra.tls = true;

  // Unix socket ownership: chown to -u/-g, mode 0777 & ~umask (gunicorn's default umask is 0).
  const unixExtra: { owner?: Sourced<string>; group?: Sourced<string>; umask?: Sourced<number> } = {};
  const user = last(hits, 'user')?.value;
  if (user !== undefined) unixExtra.owner = withSymbolic({ value: text(user), source: sliceSource(p.ctx, user) }, levelOf(user.word, user.from, user.word.value.length) > LITERAL);
  const group = last(hits, 'group')?.value;
  if (group !== undefined) unixExtra.group = withSymbolic({ value: text(group), source: sliceSource(p.ctx, group) }, levelOf(group.word, group.from, group.word.value.length) > LITERAL);
  const umaskHit = last(hits, 'umask')?.value;
  if (umaskHit !== undefined) {
    const u = parseUmask(text(umaskHit));
    if (u !== undefined) unixExtra.umask = { value: u, source: sliceSource(p.ctx, umaskHit) };
  }

  const out: Listener[] = [];
  for (const hit of hits) {
    if (hit.key !== 'bind' || hit.value === undefined) continue;
    const s = hit.value;
    const t = text(s);
    const source = sliceSource(p.ctx, s);
    if (t.startsWith('fd://')) continue;
    if (t.startsWith('unix:')) {
      const from = t.startsWith('unix://') ? 7 : 5;
      const mode = unixExtra.umask !== undefined ? { value: 0o777 & ~unixExtra.umask.value, source: unixExtra.umask.source } : config ? undefined : { value: 0o777, source };
      out.push(
        listener(p, 'gunicorn', 'http', unixAddress(s, from), source, {
          ...extra,
          ...(unixExtra.owner !== undefined ? { owner: unixExtra.owner } : {}),
          ...(unixExtra.group !== undefined ? { group: unixExtra.group } : {}),
          ...(mode !== undefined ? { mode } : {}),
        }),
      );
      continue;
    }
    const addr = tcpAddress(t.startsWith('tcp://') ? { word: s.word, from: s.from + 6 } : s, 8000);
    if (addr !== undefined) out.push(listener(p, 'gunicorn', 'http', addr, source, extra));
  }

  if (out.length === 0 && !hits.some((h) => h.key === 'bind') && !config) {
    const port = envValue(p, 'PORT');
    const portNumber = port === undefined ? undefined : parsePort(port.value);
    if (port !== undefined && (portNumber !== undefined || port.symbolic)) {
      const sym = port.symbolic || portNumber === undefined ? { symbolic: true } : {};
      out.push(listener(p, 'gunicorn', 'http', { transport: 'tcp', host: '0.0.0.0', ...(portNumber !== undefined ? { port: portNumber } : {}), ...sym }, port.source, extra));
    } else {
      out.push(listener(p, 'gunicorn', 'http', { transport: 'tcp', host: '127.0.0.1', port: 8000 }, p.source, extra));
    }
  }
  return out;
}

/** gunicorn reads `--umask` with `int(value, 0)`; a leading-zero value like `007` is read as octal here. */
function parseUmask(t: string): number | undefined {
  if (/^0[xX][0-9a-fA-F]+$/.test(t)) return parseInt(t.slice(2), 16);
  if (/^0[oO][0-7]+$/.test(t)) return parseInt(t.slice(2), 8);
  if (/^0[0-7]*$/.test(t)) return parseInt(t, 8);
  if (/^[1-9][0-9]*$/.test(t)) return Number(t);
  return undefined;
}

// ---------------------------------------------------------------------------------------------------------
// uvicorn, fastapi

const UVICORN: OptSpec[] = [
  opt('host', ['--host']),
  opt('port', ['--port']),
  opt('uds', ['--uds']),
  opt('fd', ['--fd']),
  opt('keepalive', ['--timeout-keep-alive']),
  opt('certfile', ['--ssl-certfile']),
  ...valued('--workers', '--log-level', '--root-path', '--forwarded-allow-ips', '--env-file', '--log-config', '--app-dir', '--h11-max-incomplete-event-size', '--limit-concurrency', '--limit-max-requests', '--backlog', '--timeout-graceful-shutdown', '--loop', '--http', '--ws', '--interface', '--lifespan', '--reload-dir', '--reload-include', '--reload-exclude', '--reload-delay', '--header', '--ws-max-size', '--ws-max-queue', '--ws-ping-interval', '--ws-ping-timeout', '--ssl-keyfile', '--ssl-version', '--ssl-cert-reqs', '--ssl-ca-certs', '--ssl-ciphers', '--ssl-keyfile-password'),
];

function uvicorn(p: Program, args: readonly Word[]): Listener[] {
  const { hits } = scanOptions(args, UVICORN);
  return uvicornListeners(p, 'uvicorn', hits, '127.0.0.1');
}

const FASTAPI: OptSpec[] = [opt('host', ['--host']), opt('port', ['--port']), ...valued('--app', '--root-path', '--workers', '--entrypoint', '-e', '--forwarded-allow-ips')];

function fastapi(p: Program, args: readonly Word[]): Listener[] {
  const { hits, positionals } = scanOptions(args, FASTAPI);
  const sub = positionals[0]?.value;
  if (sub !== 'run' && sub !== 'dev') return [];
  return uvicornListeners(p, 'uvicorn', hits, sub === 'run' ? '0.0.0.0' : '127.0.0.1');
}

function uvicornListeners(p: Program, kind: BackendKind, hits: readonly OptHit[], defaultHost: string): Listener[] {
  const extra: { idleTimeout?: Sourced<number>; tls?: boolean } = {};
  extra.idleTimeout = secondsMs(p, last(hits, 'keepalive')) ?? { value: 5_000, source: p.source };
  if (last(hits, 'certfile') !== undefined) extra.tls = true;

  const uds = last(hits, 'uds')?.value;
  // uvicorn chmods its unix socket to 0666.
  if (uds !== undefined) return [listener(p, kind, 'http', unixAddress(uds), sliceSource(p.ctx, uds), { ...extra, mode: { value: 0o666, source: sliceSource(p.ctx, uds) } })];
  const udsEnv = envValue(p, 'UVICORN_UDS');
  if (udsEnv !== undefined && last(hits, 'host') === undefined && last(hits, 'port') === undefined) {
    return [listener(p, kind, 'http', { transport: 'unix', path: udsEnv.value, ...(udsEnv.symbolic ? { symbolic: true } : {}) }, udsEnv.source, { ...extra, mode: { value: 0o666, source: udsEnv.source } })];
  }
  if (last(hits, 'fd') !== undefined) return [];

  let symbolic = false;
  let source = p.source;
  let host: string | undefined = defaultHost;
  const hostHit = last(hits, 'host')?.value;
  const hostEnv = envValue(p, 'UVICORN_HOST');
  if (hostHit !== undefined) {
    source = sliceSource(p.ctx, hostHit);
    const level = levelOf(hostHit.word, hostHit.from, hostHit.word.value.length);
    if (level > LITERAL) symbolic = true;
    host = level === UNKNOWN ? undefined : normalizeListenHost(text(hostHit));
  } else if (hostEnv !== undefined) {
    source = hostEnv.source;
    symbolic ||= hostEnv.symbolic;
    host = normalizeListenHost(hostEnv.value);
  }
  let port: number | undefined = 8000;
  const portHit = last(hits, 'port')?.value;
  const portEnv = envValue(p, 'UVICORN_PORT');
  if (portHit !== undefined) {
    source = sliceSource(p.ctx, portHit);
    const level = levelOf(portHit.word, portHit.from, portHit.word.value.length);
    if (level > LITERAL) symbolic = true;
    port = level === UNKNOWN ? undefined : parsePort(text(portHit));
    if (port === undefined && level !== UNKNOWN) return [];
  } else if (portEnv !== undefined) {
    source = portEnv.source;
    symbolic ||= portEnv.symbolic;
    port = parsePort(portEnv.value);
    if (port === undefined) symbolic = true;
  }
  return [
    listener(
      p,
      kind,
      'http',
      { transport: 'tcp', ...(host !== undefined ? { host } : {}), ...(port !== undefined ? { port } : {}), ...(symbolic ? { symbolic: true } : {}) },
      source,
      extra,
    ),
  ];
}

function normalizeListenHost(h: string): string | undefined {
  const bare = h.startsWith('[') && h.endsWith(']') ? h.slice(1, -1) : h;
  return bare === '' || bare === '*' ? undefined : bare.toLowerCase();
}

// ---------------------------------------------------------------------------------------------------------
// uWSGI

const UWSGI_SOCKETS: Readonly<Record<string, BackendProtocol | 'socket'>> = {
  socket: 'socket',
  'uwsgi-socket': 'uwsgi',
  'http-socket': 'http',
  http: 'http',
  https: 'http',
  'https-socket': 'http',
  'fastcgi-socket': 'fastcgi',
  'scgi-socket': 'scgi',
};

const UWSGI: OptSpec[] = [
  opt('socket', ['-s', '--socket']),
  opt('uwsgi-socket', ['--uwsgi-socket']),
  opt('http-socket', ['--http-socket']),
  opt('http', ['--http']),
  opt('https', ['--https']),
  opt('https-socket', ['--https-socket']),
  opt('fastcgi-socket', ['--fastcgi-socket']),
  opt('scgi-socket', ['--scgi-socket']),
  opt('protocol', ['--protocol', '--socket-protocol']),
  opt('chmod', ['-C', '--chmod-socket', '--chmod'], 'optional'),
  opt('chown', ['--chown-socket']),
  opt('harakiri', ['--harakiri']),
  opt('buffer', ['-b', '--buffer-size']),
  opt('config', ['--ini', '-y', '--yaml', '--yml', '-x', '--xml', '-j', '--json', '--include']),
  ...valued('-w', '--module', '--wsgi-file', '--file', '--callable', '--chdir', '-p', '--processes', '--workers', '--threads', '--uid', '--gid', '-H', '--home', '--virtualenv', '--venv', '--pidfile', '--logto', '--daemonize', '--plugin', '--plugins', '--mount', '--static-map', '--env', '--http-timeout', '--socket-timeout', '--max-requests', '-l', '--listen', '--stats', '--touch-reload', '--py-autoreload', '--pythonpath', '--pp', '--master-fifo', '--logformat', '--offload-threads', '--cheaper', '--reload-mercy', '--worker-reload-mercy', '--limit-as', '--post-buffering', '--http-to', '--route', '--wsgi'),
];

function uwsgi(p: Program, args: readonly Word[]): Listener[] {
  const { hits, positionals } = scanOptions(args, UWSGI);
  const config = last(hits, 'config') !== undefined || positionals.some((w) => /\.(ini|ya?ml|xml|json)$/.test(w.value));

  const protocolHit = last(hits, 'protocol')?.value;
  const socketProtocol: BackendProtocol = protocolHit === undefined ? 'uwsgi' : uwsgiProtocol(text(protocolHit));

  const extra: { requestTimeout?: Sourced<number>; bufferSize?: Sourced<number> } = {};
  const harakiri = secondsMs(p, last(hits, 'harakiri'));
  if (harakiri !== undefined) extra.requestTimeout = harakiri;
  const bufferHit = last(hits, 'buffer')?.value;
  if (bufferHit !== undefined) {
    const level = levelOf(bufferHit.word, bufferHit.from, bufferHit.word.value.length);
    const n = /^[0-9]+$/.test(text(bufferHit)) ? Number(text(bufferHit)) : undefined;
    if (level === UNKNOWN) extra.bufferSize = { value: Number.NaN, source: sliceSource(p.ctx, bufferHit), symbolic: true };
    else if (n !== undefined) extra.bufferSize = withSymbolic({ value: n, source: sliceSource(p.ctx, bufferHit) }, level > LITERAL);
  } else if (!config) extra.bufferSize = { value: 4096, source: p.source };

  const unixExtra: { mode?: Sourced<number>; owner?: Sourced<string>; group?: Sourced<string> } = {};
  const chmod = last(hits, 'chmod');
  if (chmod !== undefined) {
    if (chmod.value === undefined) unixExtra.mode = { value: 0o666, source: wordSource(p.ctx, chmod.word) };
    else {
      const m = parseOctalMode(text(chmod.value));
      if (m !== undefined) unixExtra.mode = { value: m, source: sliceSource(p.ctx, chmod.value) };
    }
  }
  const chown = last(hits, 'chown')?.value;
  if (chown !== undefined) {
    const t = text(chown);
    const colon = t.indexOf(':');
    const userEnd = colon < 0 ? t.length : colon;
    if (userEnd > 0) unixExtra.owner = { value: t.slice(0, userEnd), source: sliceSource(p.ctx, chown, chown.from + userEnd) };
    if (colon >= 0 && colon + 1 < t.length) unixExtra.group = { value: t.slice(colon + 1), source: sliceSource(p.ctx, { word: chown.word, from: chown.from + colon + 1 }) };
  }

  const out: Listener[] = [];
  for (const hit of hits) {
    const kind = UWSGI_SOCKETS[hit.key];
    if (kind === undefined || hit.value === undefined) continue;
    const protocol: BackendProtocol = kind === 'socket' ? socketProtocol : kind;
    let t = text(hit.value);
    const tls = hit.key === 'https' || hit.key === 'https-socket';
    if (tls || t.includes(',')) t = t.split(',')[0] as string;
    if (t === '' || t.startsWith('=')) continue;
    const valueSlice: Slice = hit.value;
    const source = sliceSource(p.ctx, valueSlice, valueSlice.from + t.length);
    const tlsExtra = tls ? { tls: true } : {};
    if (t.includes(':')) {
      const addr = tcpAddress({ word: trimmed(valueSlice, t.length), from: valueSlice.from }, undefined);
      if (addr !== undefined) out.push(listener(p, 'uwsgi', protocol, addr, source, { ...extra, ...tlsExtra }));
    } else {
      const addr = unixAddress({ word: trimmed(valueSlice, t.length), from: valueSlice.from });
      out.push(listener(p, 'uwsgi', protocol, addr, source, { ...extra, ...tlsExtra, ...unixExtra }));
    }
  }
  return out;
}

/** The slice's word cut after `length` characters of the slice. */
function trimmed(s: Slice, length: number): Word {
  const end = s.from + length;
  return { ...s.word, value: s.word.value.slice(0, end), map: s.word.map.slice(0, end), level: s.word.level.slice(0, end) };
}

function uwsgiProtocol(t: string): BackendProtocol {
  switch (t.toLowerCase()) {
    case 'http':
      return 'http';
    case 'fastcgi':
      return 'fastcgi';
    case 'scgi':
      return 'scgi';
    default:
      return 'uwsgi';
  }
}

// ---------------------------------------------------------------------------------------------------------
// Node

const NODE_OPTIONS_WITH_ARG = ['-r', '--require', '--import', '--loader', '--experimental-loader', '--title', '--input-type', '-C', '--conditions', '--env-file', '--env-file-if-exists', '--stack-size', '--max-old-space-size', '--inspect-port', '--watch-path'];

function node(p: Program, args: readonly Word[]): Listener[] {
  let i = 0;
  for (; i < args.length; i++) {
    const v = (args[i] as Word).value;
    if (v === '-e' || v === '--eval' || v === '-p' || v === '--print' || v === '-') return [];
    if (v === '--') {
      i++;
      break;
    }
    if (!v.startsWith('-')) break;
    if (NODE_OPTIONS_WITH_ARG.includes(v)) i++;
  }
  const script = args[i];
  if (script === undefined) return [];
  return nodeArgsListener(p, args.slice(i + 1));
}

const NODE_APP: OptSpec[] = [opt('port', ['--port']), opt('host', ['--host', '--hostname'])];

/** `--port N` among the application's arguments, else `PORT` from the environment. */
function nodeArgsListener(p: Program, appArgs: readonly Word[]): Listener[] {
  const { hits } = scanOptions(appArgs, NODE_APP);
  return nodeListener(p, { port: last(hits, 'port')?.value, host: last(hits, 'host')?.value });
}

interface NodeAddress {
  readonly port?: Slice | undefined;
  readonly host?: Slice | undefined;
  readonly keepAlive?: Slice | undefined;
  /** Used when neither the port option nor PORT is there. */
  readonly defaultPort?: number;
}

/** A Node HTTP listener on every address (or `host`), when a port is known. */
function nodeListener(p: Program, o: NodeAddress): Listener[] {
  let source = p.source;
  let port: number | undefined;
  let symbolic = false;
  const portEnv = envValue(p, 'PORT');
  if (o.port !== undefined) {
    const level = levelOf(o.port.word, o.port.from, o.port.word.value.length);
    source = sliceSource(p.ctx, o.port);
    port = level === UNKNOWN ? undefined : parsePort(text(o.port));
    symbolic = level > LITERAL;
    if (port === undefined && !symbolic) return [];
  } else if (portEnv !== undefined) {
    source = portEnv.source;
    port = parsePort(portEnv.value);
    symbolic = portEnv.symbolic || port === undefined;
  } else if (o.defaultPort !== undefined) {
    port = o.defaultPort;
  } else {
    return [];
  }
  const h = o.host;
  const host = h === undefined || levelOf(h.word, h.from, h.word.value.length) === UNKNOWN ? undefined : normalizeListenHost(text(h));
  let idleTimeout: Sourced<number> = { value: 5_000, source: p.source };
  const k = o.keepAlive;
  if (k !== undefined && /^[0-9]+$/.test(text(k))) idleTimeout = { value: Number(text(k)), source: sliceSource(p.ctx, k) };
  return [
    listener(
      p,
      'node',
      'http',
      { transport: 'tcp', ...(host !== undefined ? { host } : {}), ...(port !== undefined ? { port } : {}), ...(symbolic ? { symbolic: true } : {}) },
      source,
      { idleTimeout },
    ),
  ];
}

/** `npm start`, `npm run dev -- --port 3000`, `yarn start`: PORT or `--port` after `--`. */
function packageScript(p: Program, args: readonly Word[]): Listener[] {
  const sub = args.find((w) => !w.value.startsWith('-'))?.value;
  if (sub === undefined || ['install', 'ci', 'i', 'add', 'build', 'test', 'exec', 'dlx', 'x'].includes(sub)) return [];
  const dashdash = args.findIndex((w) => w.value === '--');
  return nodeArgsListener(p, dashdash < 0 ? [] : args.slice(dashdash + 1));
}

const NEXT: OptSpec[] = [opt('port', ['-p', '--port']), opt('host', ['-H', '--hostname']), opt('keepalive', ['--keepAliveTimeout'])];

/** `next start|dev`: port 3000 unless `-p` or PORT. */
function next(p: Program, args: readonly Word[]): Listener[] {
  const { hits, positionals } = scanOptions(args, NEXT);
  const sub = positionals[0]?.value;
  if (sub !== 'start' && sub !== 'dev') return [];
  return nodeListener(p, { port: last(hits, 'port')?.value, host: last(hits, 'host')?.value, keepAlive: last(hits, 'keepalive')?.value, defaultPort: 3000 });
}
