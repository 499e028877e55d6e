/**
 * Apache httpd configuration (ports.conf, apache2.conf, httpd.conf, conf.d/*.conf): the `Listen` lines
 * and the `Include`s that lead to more of them.
 *
 * - Directive names are case-insensitive; a line whose first non-blank character is `#` is a comment
 *   (Apache has no trailing comments); a trailing backslash continues a line.
 * - Arguments are split like `ap_getword_conf()`: blanks separate words, `"..."` and `'...'` quote.
 * - `<IfModule>`, `<IfDefine>` and other section tags are ignored and the `Listen` lines inside them are
 *   kept: Debian's ports.conf puts `Listen 443` in `<IfModule ssl_module>`, and a linter cannot know
 *   which modules are loaded. The same address listed twice (ssl_module and mod_gnutls) is reported once.
 * - `Listen [addr:]port [protocol]`: a bare port listens on every address. The protocol argument is
 *   free-form; `https` (or no protocol on port 443, Apache's default) means TLS, so the listener has
 *   `protocol: 'http'` and `tls: true`.
 * - `${VAR}` is replaced with a value from an earlier `Define VAR value` in the same file; otherwise it is
 *   left symbolic (Debian sets APACHE_* in /etc/apache2/envvars, a shell script).
 * - `Include` / `IncludeOptional` paths (files, globs or directories) are returned for the caller to
 *   expand. A relative path is relative to the `ServerRoot` in effect at that line when the file sets
 *   one, else to the directory of this file (Debian's apache2.conf, whose compiled-in ServerRoot is its
 *   own directory /etc/apache2). Symbolic paths are left out.
 */

import type { Listener, ReaderResult } from '../types.js';
import { dirnameOf, hasPlaceholder, logicalLines, logicalSource, parseHostPort, resolveAgainst, type LogicalLine } from './text.js';

interface Word {
  readonly value: string;
  /** Offsets into the logical line of the word as written (inside the quotes when quoted). */
  readonly start: number;
  readonly end: number;
}

/** Reads an Apache configuration file into its `Listen` listeners and its includes. */
export function readApache(file: string, text: string): ReaderResult {
  const listeners: Listener[] = [];
  const includes: string[] = [];
  const defines = new Map<string, string>();
  let serverRoot: string | undefined;
  const seen = new Set<string>();

  const lines = logicalLines(text, { continuation: true, isComment: (t) => t.startsWith('#') });
  for (const ll of lines) {
    const words = splitWords(ll);
    const head = words[0];
    if (head === undefined || head.value.startsWith('#') || head.value.startsWith('<')) continue;
    const directive = head.value.toLowerCase();
    const args = words.slice(1);

    switch (directive) {
      case 'define': {
        const name = args[0]?.value;
        const value = args[1]?.value;
        if (name !== undefined && value !== undefined) defines.set(name, substitute(value, defines).text);
        break;
      }
      case 'undefine': {
        const name = args[0]?.value;
        if (name !== undefined) defines.delete(name);
        break;
      }
      case 'serverroot': {
        const arg = args[0];
        if (arg === undefined) break;
        const root = substitute(arg.value, defines);
        if (!root.symbolic) serverRoot = root.text;
        break;
      }
      case 'include':
      case 'includeoptional': {
        const arg = args[0];
        if (arg === undefined) break;
        const target = substitute(arg.value, defines);
        if (target.symbolic || target.text === '') break;
        includes.push(resolveAgainst(serverRoot ?? dirnameOf(file), target.text));
        break;
      }
      case 'listen': {
        const listener = listenLine(file, ll, args, defines);
        if (listener === undefined) break;
        const key = `${listener.host ?? '*'}|${listener.port ?? '?'}|${listener.symbolic ? listener.source.line : ''}`;
        if (seen.has(key)) break;
        seen.add(key);
        listeners.push(listener);
        break;
      }
      default:
        break;
    }
  }
  return { listeners, includes };
}

function listenLine(file: string, ll: LogicalLine, args: readonly Word[], defines: ReadonlyMap<string, string>): Listener | undefined {
  const addressWord = args[0];
  if (addressWord === undefined) return undefined;
  const address = substitute(addressWord.value, defines);
  const parsed = parseHostPort(address.text, { symbolic: address.symbolic });
  if (parsed === undefined) return undefined;
  const protocolArg = args[1] === undefined ? undefined : substitute(args[1].value, defines).text.toLowerCase();
  const tls = protocolArg === undefined ? parsed.port === 443 : protocolArg === 'https';
  return {
    kind: 'apache',
    name: 'apache',
    protocol: 'http',
    transport: 'tcp',
    ...(parsed.host !== undefined ? { host: parsed.host } : {}),
    ...(parsed.port !== undefined ? { port: parsed.port } : {}),
    ...(parsed.symbolic ? { symbolic: true } : {}),
    ...(tls ? { tls: true } : {}),
    source: logicalSource(file, ll, addressWord.start, addressWord.end),
  };
}

/** `${VAR}` replaced from `Define`s; anything left unresolved makes the result symbolic. */
function substitute(text: string, defines: ReadonlyMap<string, string>): { text: string; symbolic: boolean } {
  const out = text.replace(/\$\{([^}]*)\}/g, (whole, name: string) => defines.get(name) ?? whole);
  return { text: out, symbolic: hasPlaceholder(out) };
}

/** `ap_getword_conf()`: blank-separated words; a word starting with a quote runs to the matching quote. */
function splitWords(ll: LogicalLine): Word[] {
  const t = ll.text;
  const words: Word[] = [];
  let i = 0;
  while (i < t.length) {
    while (i < t.length && isBlank(t.charCodeAt(i))) i++;
    if (i >= t.length) break;
    const q = t[i];
    if (q === '"' || q === "'") {
      const start = i + 1;
      let value = '';
      i++;
      while (i < t.length && t[i] !== q) {
        if (t[i] === '\\' && t[i + 1] === q) {
          value += q;
          i += 2;
          continue;
        }
        value += t[i];
        i++;
      }
      words.push({ value, start, end: Math.min(i, t.length) });
      i++;
      continue;
    }
    const start = i;
    while (i < t.length && !isBlank(t.charCodeAt(i))) i++;
    words.push({ value: t.slice(start, i), start, end: i });
  }
  return words;
}

/** Space, tab, other ASCII white space, or a BOM. */
function isBlank(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13) || c === 0xfeff;
}
