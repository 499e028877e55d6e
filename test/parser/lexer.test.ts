import { describe, expect, it } from 'vitest';
import { lex, parse, print, type Token } from '../../src/parser/index.js';

/** Each token as `kind:text`, with `!` after an unclosed quoted word. Also checks the parse round trip. */
function show(text: string): string[] {
  expect(print(parse(text).ast)).toBe(text);
  return lex(text).tokens.map((t) => `${t.kind}:${text.slice(t.start, t.end)}${t.kind === 'word' && !t.closed ? '!' : ''}`);
}

function errors(text: string): string[] {
  expect(print(parse(text).ast)).toBe(text);
  return lex(text).errors.map((e) => `${e.start}-${e.end} ${e.message}`);
}

/** The lexer's promise: tokens in order, and everything between them is whitespace (or the BOM at 0). */
function expectLossless(text: string, tokens: readonly Token[]): void {
  let cursor = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  for (const t of tokens) {
    expect(t.start).toBeGreaterThanOrEqual(cursor);
    expect(t.end).toBeGreaterThanOrEqual(t.start);
    expect(text.slice(cursor, t.start)).toMatch(/^[ \t\r\n]*$/);
    cursor = t.end;
  }
  expect(cursor).toBeLessThanOrEqual(text.length);
  expect(text.slice(cursor)).toMatch(/^[ \t\r\n]*$/);
}

describe('lex: words and punctuation', () => {
  it('splits a simple directive', () => {
    expect(show('listen 80;')).toEqual(['word:listen', 'word:80', ';:;']);
  });

  it('ends a bare word at ; and { but not at }', () => {
    expect(show('a b;c')).toEqual(['word:a', 'word:b', ';:;', 'word:c']);
    expect(show('a{b}')).toEqual(['word:a', '{:{', 'word:b}']);
    expect(show('a b}c;')).toEqual(['word:a', 'word:b}c', ';:;']);
    expect(show('}a')).toEqual(['}:}', 'word:a']);
  });

  it('keeps # and quotes inside a bare word', () => {
    expect(show('foo#bar;')).toEqual(['word:foo#bar', ';:;']);
    expect(show('a"b\'c;')).toEqual(['word:a"b\'c', ';:;']);
  });

  it('treats space, tab, CR and LF as separators', () => {
    expect(show('a\tb\rc\nd\r\ne;')).toEqual(['word:a', 'word:b', 'word:c', 'word:d', 'word:e', ';:;']);
  });

  it('lets a backslash escape the next character anywhere in a bare word', () => {
    expect(show('a\\ b\\;c\\{d;')).toEqual(['word:a\\ b\\;c\\{d', ';:;']);
    expect(show('\\;x;')).toEqual(['word:\\;x', ';:;']);
    expect(show('\\"a";')).toEqual(['word:\\"a"', ';:;']);
    expect(show('a\\\nb;')).toEqual(['word:a\\\nb', ';:;']);
  });

  it('ends cleanly on a backslash at the end of the text', () => {
    expect(show('a b\\')).toEqual(['word:a', 'word:b\\']);
    expect(errors('a b\\')).toEqual([]);
  });

  it('keeps `${` inside a word, as nginx does', () => {
    expect(show('set $a ${b}c;')).toEqual(['word:set', 'word:$a', 'word:${b}c', ';:;']);
    expect(show('a x${y}z;')).toEqual(['word:a', 'word:x${y}z', ';:;']);
    // `${var} x` is two words (crossplane glues them; nginx does not).
    expect(show('return 200 ${var} x;')).toEqual(['word:return', 'word:200', 'word:${var}', 'word:x', ';:;']);
    // A `{` not right after `$` still ends the word.
    expect(show('a $x{')).toEqual(['word:a', 'word:$x', '{:{']);
    expect(show('a $ {')).toEqual(['word:a', 'word:$', '{:{']);
    // `$` then a run of `{`: nginx does not clear its `variable` flag on `{`, so all of them stay.
    expect(show('a ${{b}} c;')).toEqual(['word:a', 'word:${{b}}', 'word:c', ';:;']);
    // After an escape the flag is gone.
    expect(show('a $\\x{')).toEqual(['word:a', 'word:$\\x', '{:{']);
  });
});

describe('lex: quotes', () => {
  it('reads double- and single-quoted words with escapes', () => {
    expect(show('a "b c" \'d e\';')).toEqual(['word:a', 'word:"b c"', "word:'d e'", ';:;']);
    expect(show('a "x\\"y" \'p\\\'q\';')).toEqual(['word:a', 'word:"x\\"y"', "word:'p\\'q'", ';:;']);
    expect(show('a "\\\\";')).toEqual(['word:a', 'word:"\\\\"', ';:;']);
  });

  it('records the quote kind and that it was closed', () => {
    const [, dq, sq] = lex('a "b" \'c\';').tokens;
    expect(dq).toMatchObject({ kind: 'word', quote: '"', closed: true, start: 2, end: 5 });
    expect(sq).toMatchObject({ kind: 'word', quote: "'", closed: true, start: 6, end: 9 });
  });

  it('keeps ; { } # and the other quote inside quotes', () => {
    expect(show('a "{" \'}\' ";" "#x" "it\'s" \'say "hi"\';')).toEqual([
      'word:a',
      'word:"{"',
      "word:'}'",
      'word:";"',
      'word:"#x"',
      'word:"it\'s"',
      'word:\'say "hi"\'',
      ';:;',
    ]);
  });

  it('lets a quoted word span lines', () => {
    expect(show('a "x\ny\r\nz";')).toEqual(['word:a', 'word:"x\ny\r\nz"', ';:;']);
  });

  it('accepts whitespace, ;, { or ) right after a closing quote', () => {
    for (const text of ['a "b" c;', 'a "b";', 'a "b"{}', 'if ("b") {}', 'a "b"\tc;', 'a "b"\r\nc;']) {
      expect(errors(text)).toEqual([]);
    }
    expect(show('if ($a = "b") {')).toEqual(['word:if', 'word:($a', 'word:=', 'word:"b"', 'word:)', '{:{']);
  });

  it('reports anything else right after a closing quote, and goes on', () => {
    expect(errors('"a"b;')).toEqual(['3-4 unexpected "b"']);
    expect(show('"a"b;')).toEqual(['word:"a"', 'word:b', ';:;']);
    expect(errors('a "b"}')).toEqual(['5-6 unexpected "}"']);
    expect(errors('a \'b\'#c')).toEqual(['5-6 unexpected "#"']);
    expect(errors('a "b""c";')).toEqual(['5-6 unexpected """']);
    expect(show('a "b""c";')).toEqual(['word:a', 'word:"b"', 'word:"c"', ';:;']);
  });

  it('treats quotes as special only at the start of a word', () => {
    expect(show('a b"c d";')).toEqual(['word:a', 'word:b"c', 'word:d"', ';:;']);
  });

  it('reports an unterminated quote at the quote and stops', () => {
    expect(show('a "b;\nc;')).toEqual(['word:a', 'word:"b;\nc;!']);
    expect(errors('a "b;\nc;')).toEqual(['2-3 unexpected end of file, expecting ";" or "}"']);
    expect(show("x 'y\\'")).toEqual(['word:x', "word:'y\\'!"]);
    expect(show('x "y\\')).toEqual(['word:x', 'word:"y\\!']);
  });
});

describe('lex: comments', () => {
  it('reads a comment to the end of the line, without the line ending', () => {
    expect(show('# one\na; # two\r\nb;#three')).toEqual(['comment:# one', 'word:a', ';:;', 'comment:# two', 'word:b', ';:;', 'comment:#three']);
  });

  it('runs a comment over a lone CR, as nginx does (it only ends comments at LF)', () => {
    expect(show('# a\rb;\nc;')).toEqual(['comment:# a\rb;', 'word:c', ';:;']);
  });

  it('reads comments between a directive’s words', () => {
    expect(show('a # x\n b;')).toEqual(['word:a', 'comment:# x', 'word:b', ';:;']);
  });

  it('reads an empty comment', () => {
    expect(show('#\n#')).toEqual(['comment:#', 'comment:#']);
  });
});

describe('lex: Lua blocks', () => {
  it('makes the body of a *_by_lua_block one token', () => {
    expect(show('content_by_lua_block { ngx.say("hi") }')).toEqual(['word:content_by_lua_block', '{:{', 'lua: ngx.say("hi") ', '}:}']);
  });

  it('counts braces of Lua tables', () => {
    expect(show('access_by_lua_block { local t = { a = {} } }x;')).toEqual([
      'word:access_by_lua_block',
      '{:{',
      'lua: local t = { a = {} } ',
      '}:}',
      'word:x',
      ';:;',
    ]);
  });

  it('skips braces inside Lua strings, comments and long brackets', () => {
    const body = ' local a = "}" .. \'{\' .. "\\"}" -- } comment\n local b = [[ } ]] .. [==[ ]] } ]=] ]==] --[[ } ]] --[=[ } ]=]\n ';
    expect(show(`content_by_lua_block {${body}}`)).toEqual(['word:content_by_lua_block', '{:{', `lua:${body}`, '}:}']);
  });

  it('ends a Lua short string at a newline', () => {
    expect(show('content_by_lua_block { a = "x\n} b;')).toEqual(['word:content_by_lua_block', '{:{', 'lua: a = "x\n', '}:}', 'word:b', ';:;']);
  });

  it('keeps the arguments of set_by_lua_block', () => {
    expect(show('set_by_lua_block $v { return 1 }')).toEqual(['word:set_by_lua_block', 'word:$v', '{:{', 'lua: return 1 ', '}:}']);
  });

  it('recognises a quoted *_by_lua_block name', () => {
    expect(show('"content_by_lua_block" { } }')).toEqual(['word:"content_by_lua_block"', '{:{', 'lua: ', '}:}', '}:}']);
  });

  it('does not treat other blocks or _by_lua (without _block) as Lua', () => {
    expect(show('content_by_lua "}";')).toEqual(['word:content_by_lua', 'word:"}"', ';:;']);
    expect(show('x content_by_lua_block { "}" }')).toEqual(['word:x', 'word:content_by_lua_block', '{:{', 'word:"}"', '}:}']);
  });

  it('reports an unterminated Lua block at the end of the text', () => {
    const text = 'content_by_lua_block { a = [[ }';
    expect(show(text)).toEqual(['word:content_by_lua_block', '{:{', 'lua: a = [[ }']);
    expect(errors(text)).toEqual([`${text.length}-${text.length} unexpected end of file, expecting "}"`]);
  });

  it('reads the empty Lua block', () => {
    expect(show('init_by_lua_block {}')).toEqual(['word:init_by_lua_block', '{:{', 'lua:', '}:}']);
  });
});

describe('lex: whole-text properties', () => {
  it.each([
    '',
    '   \n\t\r\n',
    '\ufeff',
    '\ufeffa b;',
    'a "b" c;',
    'x { y; } # z',
    'content_by_lua_block { -- }\n }',
    '"unterminated',
    "a 'b\\' c",
    'a\\',
  ])('covers %j with tokens and whitespace only', (text) => {
    expectLossless(text, lex(text).tokens);
    expect(print(parse(text).ast)).toBe(text);
  });

  it('skips a BOM at the start but not elsewhere', () => {
    expect(show('\ufeffa;')).toEqual(['word:a', ';:;']);
    expect(show('a \ufeffb;')).toEqual(['word:a', 'word:\ufeffb', ';:;']);
  });
});
