/**
 * A reference model for differential tests: a direct transcription of nginx's ngx_conf_read_token()
 * state machine (src/core/ngx_conf_file.c, nginx 1.22) plus the block bookkeeping of ngx_conf_parse().
 * It reads the whole text like nginx does and stops at the first error, as nginx does. It knows nothing
 * of `*_by_lua_block` (that is lua-nginx-module's own reader) nor of a leading BOM (nginx reads it as
 * part of the first word; ngxlint skips it), so inputs for it must avoid both.
 */

export type ModelEvent = { readonly args: readonly string[]; readonly end: ';' | '{' } | { readonly end: '}' };

export interface ModelResult {
  readonly events: ModelEvent[];
  /** nginx's first (and only) error, with the offset of the character that triggered it. */
  readonly error: { readonly message: string; readonly offset: number } | null;
}

const isSpace = (ch: string): boolean => ch === ' ' || ch === '\t' || ch === '\r' || ch === '\n';

/** The unescaping loop at the end of ngx_conf_read_token(). */
function unescape(word: string): string {
  let out = '';
  let i = 0;
  while (i < word.length) {
    if (word[i] === '\\') {
      const next = word[i + 1];
      if (next === '"' || next === "'" || next === '\\') {
        i++;
      } else if (next === 't' || next === 'r' || next === 'n') {
        out += next === 't' ? '\t' : next === 'r' ? '\r' : '\n';
        i += 2;
        continue;
      }
    }
    out += word[i];
    i++;
  }
  return out;
}

type TokenResult =
  | { kind: 'ok' | 'block-start'; args: string[] }
  | { kind: 'block-done' | 'file-done' }
  | { kind: 'error'; message: string; offset: number };

export function nginxModel(text: string): ModelResult {
  let pos = 0;
  const len = text.length;

  const readToken = (): TokenResult => {
    let found = false;
    let needSpace = false;
    let lastSpace = true;
    let sharpComment = false;
    let variable = false;
    let quoted = false;
    let sQuoted = false;
    let dQuoted = false;
    let start = pos;
    const args: string[] = [];

    for (;;) {
      if (pos >= len) {
        if (args.length > 0 || !lastSpace) return { kind: 'error', message: 'unexpected end of file, expecting ";" or "}"', offset: len };
        return { kind: 'file-done' };
      }
      const ch = text[pos++] as string;
      if (ch === '\n' && sharpComment) sharpComment = false;
      if (sharpComment) continue;
      if (quoted) {
        quoted = false;
        continue;
      }
      if (needSpace) {
        if (isSpace(ch)) {
          lastSpace = true;
          needSpace = false;
          continue;
        }
        if (ch === ';') return { kind: 'ok', args };
        if (ch === '{') return { kind: 'block-start', args };
        if (ch === ')') {
          lastSpace = true;
          needSpace = false;
        } else {
          return { kind: 'error', message: `unexpected "${ch}"`, offset: pos - 1 };
        }
      }
      if (lastSpace) {
        start = pos - 1;
        if (isSpace(ch)) continue;
        switch (ch) {
          case ';':
          case '{':
            if (args.length === 0) return { kind: 'error', message: `unexpected "${ch}"`, offset: pos - 1 };
            return { kind: ch === '{' ? 'block-start' : 'ok', args };
          case '}':
            if (args.length !== 0) return { kind: 'error', message: 'unexpected "}"', offset: pos - 1 };
            return { kind: 'block-done' };
          case '#':
            sharpComment = true;
            continue;
          case '\\':
            quoted = true;
            lastSpace = false;
            continue;
          case '"':
            start++;
            dQuoted = true;
            lastSpace = false;
            continue;
          case "'":
            start++;
            sQuoted = true;
            lastSpace = false;
            continue;
          case '$':
            variable = true;
            lastSpace = false;
            continue;
          default:
            lastSpace = false;
        }
      } else {
        if (ch === '{' && variable) continue;
        variable = false;
        if (ch === '\\') {
          quoted = true;
          continue;
        }
        if (ch === '$') {
          variable = true;
          continue;
        }
        if (dQuoted) {
          if (ch === '"') {
            dQuoted = false;
            needSpace = true;
            found = true;
          }
        } else if (sQuoted) {
          if (ch === "'") {
            sQuoted = false;
            needSpace = true;
            found = true;
          }
        } else if (isSpace(ch) || ch === ';' || ch === '{') {
          lastSpace = true;
          found = true;
        }
        if (found) {
          args.push(unescape(text.slice(start, pos - 1)));
          if (ch === ';') return { kind: 'ok', args };
          if (ch === '{') return { kind: 'block-start', args };
          found = false;
        }
      }
    }
  };

  const events: ModelEvent[] = [];
  let depth = 0;
  for (;;) {
    const t = readToken();
    switch (t.kind) {
      case 'error':
        return { events, error: { message: t.message, offset: t.offset } };
      case 'ok':
        events.push({ args: t.args, end: ';' });
        break;
      case 'block-start':
        events.push({ args: t.args, end: '{' });
        depth++;
        break;
      case 'block-done':
        if (depth === 0) return { events, error: { message: 'unexpected "}"', offset: pos - 1 } };
        depth--;
        events.push({ end: '}' });
        break;
      case 'file-done':
        if (depth > 0) return { events, error: { message: 'unexpected end of file, expecting "}"', offset: len } };
        return { events, error: null };
    }
  }
}
