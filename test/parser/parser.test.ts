import { describe, expect, it } from 'vitest';
import { MAX_DEPTH, parse, print, walk, type Arg, type Comment, type Directive, type Node, type ParseResult, type Stray } from '../../src/parser/index.js';
import type { Span } from '../../src/source/index.js';

/** Parses, checks that printing gives the input back, and returns the result. */
function parseRt(text: string): ParseResult {
  const result = parse(text);
  expect(print(result.ast)).toBe(text);
  return result;
}

function errs(result: ParseResult): string[] {
  return result.errors.map((e) => `${e.line}:${e.column} ${e.message}`);
}

/** `line:col-line:col` of a span (end exclusive). */
function at(result: ParseResult, span: Span | null): string {
  if (span === null) return 'null';
  const loc = result.ast.source.locate(span);
  return `${loc.start.line}:${loc.start.column}-${loc.end.line}:${loc.end.column}`;
}

type Shape = string | { [key: string]: Shape[] };

/** A compact outline: `name arg arg;`, `{ 'name arg {': [...children] }`, `#comment`, `stray:text`. */
function shape(nodes: readonly Node[]): Shape[] {
  return nodes.map((n): Shape => {
    if (n.type === 'comment') return `#${n.text}`;
    if (n.type === 'stray') return `stray:${n.text}`;
    const head = [n.name, ...n.args.map((a) => a.value)].join(' ');
    if (n.rawBlock) return `${head} {lua:${n.rawBlock.text}}${n.closeSpan ? '' : ' (unclosed)'}`;
    if (n.block) return { [`${head} {${n.closeSpan ? '' : ' (unclosed)'}`]: shape(n.block) };
    return `${head}${n.terminator ?? ' (unterminated)'}`;
  });
}

function directive(node: Node | undefined): Directive {
  expect(node?.type).toBe('directive');
  return node as Directive;
}

function comment(node: Node | undefined): Comment {
  expect(node?.type).toBe('comment');
  return node as Comment;
}

function stray(node: Node | undefined): Stray {
  expect(node?.type).toBe('stray');
  return node as Stray;
}

/** An argument's fields (the parser's Arg is a class with getters, so compare what the interface promises). */
function fields(arg: Arg): Arg {
  return { value: arg.value, raw: arg.raw, quote: arg.quote, span: arg.span };
}

function child(d: Directive, index: number): Node | undefined {
  expect(d.block).not.toBeNull();
  return (d.block as readonly Node[])[index];
}

describe('parse: basics', () => {
  it('parses the empty text and whitespace', () => {
    for (const text of ['', ' ', '\n\n', '\r\n\t ', '\ufeff', '\ufeff\n']) {
      const r = parseRt(text);
      expect(r.ast.children).toEqual([]);
      expect(r.errors).toEqual([]);
    }
  });

  it('parses simple directives and blocks', () => {
    const r = parseRt('user nginx;\nevents { worker_connections 1024; }\nhttp {\n  server {\n    listen 80;\n  }\n}\n');
    expect(r.errors).toEqual([]);
    expect(shape(r.ast.children)).toEqual([
      'user nginx;',
      { 'events {': ['worker_connections 1024;'] },
      { 'http {': [{ 'server {': ['listen 80;'] }] },
    ]);
    const user = directive(r.ast.children[0]);
    expect(user).toMatchObject({ type: 'directive', name: 'user', nameQuote: null, terminator: ';', block: null, rawBlock: null, closeSpan: null, file: '<input>' });
    expect(user.args.map(fields)).toEqual([{ value: 'nginx', raw: 'nginx', quote: null, span: { start: 5, end: 10 } }]);
    expect(user.span).toEqual({ start: 0, end: 11 });
    const events = directive(r.ast.children[1]);
    expect(events.terminator).toBe('{');
    expect(events.span).toEqual({ start: 12, end: 47 });
  });

  it('uses the file name given', () => {
    const r = parse('a;\n}', { file: 'conf/x.conf' });
    expect(r.ast.file).toBe('conf/x.conf');
    expect(r.ast.source.file).toBe('conf/x.conf');
    expect(directive(r.ast.children[0]).file).toBe('conf/x.conf');
    expect(r.errors[0]?.file).toBe('conf/x.conf');
  });

  it('parses a directive with no arguments and an empty block', () => {
    const r = parseRt('a;b{}c {\n}');
    expect(r.errors).toEqual([]);
    expect(shape(r.ast.children)).toEqual(['a;', { 'b {': [] }, { 'c {': [] }]);
  });

  it('parses a missing final newline, trailing whitespace and tabs', () => {
    const r = parseRt('\tlisten\t80 ;\t\t\nx  y ;   ');
    expect(r.errors).toEqual([]);
    expect(shape(r.ast.children)).toEqual(['listen 80;', 'x y;']);
    const listen = directive(r.ast.children[0]);
    expect(at(r, listen.nameSpan)).toBe('1:2-1:8');
    expect(at(r, listen.args[0]?.span ?? null)).toBe('1:9-1:11');
    expect(at(r, listen.terminatorSpan)).toBe('1:12-1:13');
  });
});

describe('parse: quotes and escapes', () => {
  it('unquotes single- and double-quoted arguments', () => {
    const r = parseRt('a "b c" \'d e\' f;');
    const args = directive(r.ast.children[0]).args;
    expect(args.map((x) => [x.value, x.raw, x.quote])).toEqual([
      ['b c', '"b c"', '"'],
      ['d e', "'d e'", "'"],
      ['f', 'f', null],
    ]);
  });

  it('unescapes \\" \\\' \\\\ \\t \\r \\n and keeps other escapes', () => {
    const r = parseRt('a "x\\"y" \'it\\\'s\' "\\t|\\r|\\n|\\\\|\\d|\\$" \\"b" c\\ d;');
    expect(r.errors).toEqual([]);
    expect(directive(r.ast.children[0]).args.map((x) => x.value)).toEqual(['x"y', "it's", '\t|\r|\n|\\|\\d|\\$', '"b"', 'c\\ d']);
  });

  it('unescapes a quoted name and records that it was quoted', () => {
    const r = parseRt('"lis\\ten" 80;');
    const d = directive(r.ast.children[0]);
    expect(d.name).toBe('lis\ten');
    expect(d.nameQuote).toBe('"');
    expect(d.nameSpan).toEqual({ start: 0, end: 9 });
  });

  it('keeps { } ; # inside quotes', () => {
    const r = parseRt('add_header X "{ a; }" \'#}\';\nb;');
    expect(r.errors).toEqual([]);
    expect(shape(r.ast.children)).toEqual(['add_header X { a; } #};', 'b;']);
  });

  it('reads a quoted argument that spans lines, with positions after it', () => {
    const r = parseRt('log_format main "$a\n    $b"\n  \'$c\';\nnext 1;');
    expect(r.errors).toEqual([]);
    const d = directive(r.ast.children[0]);
    expect(d.args.map((x) => x.value)).toEqual(['main', '$a\n    $b', '$c']);
    expect(at(r, d.args[1]?.span ?? null)).toBe('1:17-2:8');
    expect(at(r, d.args[2]?.span ?? null)).toBe('3:3-3:7');
    expect(at(r, d.terminatorSpan)).toBe('3:7-3:8');
    expect(at(r, directive(r.ast.children[1]).nameSpan)).toBe('4:1-4:5');
  });

  it('splits `if ($a = "b")` the way nginx does', () => {
    const r = parseRt('if ($a = "b") { return 403; }');
    expect(r.errors).toEqual([]);
    expect(directive(r.ast.children[0]).args.map((x) => x.raw)).toEqual(['($a', '=', '"b"', ')']);
  });
});

describe('parse: # and ${} inside words', () => {
  it('keeps # inside a word', () => {
    const r = parseRt('location ~ foo#bar { }\nx a#b; # real comment');
    expect(r.errors).toEqual([]);
    expect(shape(r.ast.children)).toEqual([{ 'location ~ foo#bar {': [] }, 'x a#b;', '# real comment']);
  });

  it('keeps ${var} inside a word', () => {
    const r = parseRt('set $x ${host}_${uri}; proxy_pass http://${backend}:8080;');
    expect(r.errors).toEqual([]);
    expect(shape(r.ast.children)).toEqual(['set $x ${host}_${uri};', 'proxy_pass http://${backend}:8080;']);
  });

  it('reads `${var} x` as two arguments, like nginx (not glued, unlike crossplane)', () => {
    const r = parseRt('return 200 ${var} x;');
    expect(r.errors).toEqual([]);
    expect(directive(r.ast.children[0]).args.map((x) => x.value)).toEqual(['200', '${var}', 'x']);
  });

  it('keeps a run of { after $ in the word, like nginx', () => {
    const r = parseRt('a ${{b}} c;');
    expect(r.errors).toEqual([]);
    expect(directive(r.ast.children[0]).args.map((x) => x.value)).toEqual(['${{b}}', 'c']);
  });

  it('opens a block at a { that does not follow $', () => {
    const r = parseRt('a $x{ b; }');
    expect(r.errors).toEqual([]);
    expect(shape(r.ast.children)).toEqual([{ 'a $x {': ['b;'] }]);
  });

  it('keeps } inside a word', () => {
    const r = parseRt('server { a b}; }');
    expect(r.errors).toEqual([]);
    expect(shape(r.ast.children)).toEqual([{ 'server {': ['a b};'] }]);
  });
});

describe('parse: comments', () => {
  it('marks comments inline when code precedes them on the line', () => {
    const r = parseRt('# top\nserver { # after brace\n  listen 80; # after semicolon\n  # own line\n}   # after close\n\t# indented');
    expect(r.errors).toEqual([]);
    const [top, server, afterClose, indented] = r.ast.children;
    expect(comment(top)).toMatchObject({ text: ' top', inline: false, span: { start: 0, end: 5 } });
    const s = directive(server);
    expect(s.block?.map((n) => (n.type === 'comment' ? [n.text, n.inline] : n.type))).toEqual([
      [' after brace', true],
      'directive',
      [' after semicolon', true],
      [' own line', false],
    ]);
    expect(comment(afterClose)).toMatchObject({ text: ' after close', inline: true });
    expect(comment(indented)).toMatchObject({ text: ' indented', inline: false });
    expect(at(r, comment(indented).span)).toBe('6:2-6:12');
  });

  it('does not count a BOM as code before a comment', () => {
    const r = parseRt('\ufeff# first');
    expect(comment(r.ast.children[0])).toMatchObject({ text: ' first', inline: false, span: { start: 1, end: 8 } });
  });

  it('keeps comments between a directive’s name and its terminator', () => {
    const text = 'proxy_pass # why\n  http://up # where\n  # alone\n;\nnext;';
    const r = parseRt(text);
    expect(r.errors).toEqual([]);
    const d = directive(r.ast.children[0]);
    expect(d.args.map((x) => x.value)).toEqual(['http://up']);
    expect(d.innerComments.map((c) => [c.text, c.inline, at(r, c.span)])).toEqual([
      [' why', true, '1:12-1:17'],
      [' where', true, '2:13-2:20'],
      [' alone', false, '3:3-3:10'],
    ]);
    expect(at(r, d.terminatorSpan)).toBe('4:1-4:2');
    expect(d.span).toEqual({ start: 0, end: text.indexOf(';') + 1 });
    expect(shape(r.ast.children)).toEqual(['proxy_pass http://up;', 'next;']);
  });

  it('keeps comments between a block’s name and its {', () => {
    const r = parseRt('server # c\n{\n}');
    expect(r.errors).toEqual([]);
    const d = directive(r.ast.children[0]);
    expect(d.innerComments.map((c) => c.text)).toEqual([' c']);
    expect(d.block).toEqual([]);
  });

  it('excludes the CR of a CRLF from a comment', () => {
    const r = parseRt('# a\r\nb; # c\r\n');
    expect(r.ast.children.filter((n) => n.type === 'comment').map((n) => (n as Comment).text)).toEqual([' a', ' c']);
  });

  it('reads a comment at the end of the text without a newline, and an empty comment', () => {
    const r = parseRt('a;\n#\n# last');
    expect(shape(r.ast.children)).toEqual(['a;', '#', '# last']);
  });
});

describe('parse: positions', () => {
  const text = 'events {\n  worker_connections 1024; # inline\n}\n# top\nhttp {\n\tserver_name "a b" \'c\';\n}';

  function check(t: string): void {
    const r = parseRt(t);
    expect(r.errors).toEqual([]);
    const [events, top, http] = r.ast.children;
    const ev = directive(events);
    expect(at(r, ev.nameSpan)).toBe('1:1-1:7');
    expect(at(r, ev.terminatorSpan)).toBe('1:8-1:9');
    expect(at(r, ev.closeSpan)).toBe('3:1-3:2');
    expect(at(r, ev.span)).toBe('1:1-3:2');
    const wc = directive(child(ev, 0));
    expect(at(r, wc.nameSpan)).toBe('2:3-2:21');
    expect(wc.args.map((a) => at(r, a.span))).toEqual(['2:22-2:26']);
    expect(at(r, wc.terminatorSpan)).toBe('2:26-2:27');
    expect(at(r, wc.span)).toBe('2:3-2:27');
    const inline = comment(child(ev, 1));
    expect(inline.inline).toBe(true);
    expect(inline.text).toBe(' inline');
    expect(at(r, inline.span)).toBe('2:28-2:36');
    const c = comment(top);
    expect(c.inline).toBe(false);
    expect(at(r, c.span)).toBe('4:1-4:6');
    const h = directive(http);
    expect(at(r, h.nameSpan)).toBe('5:1-5:5');
    expect(at(r, h.terminatorSpan)).toBe('5:6-5:7');
    expect(at(r, h.closeSpan)).toBe('7:1-7:2');
    const sn = directive(child(h, 0));
    expect(at(r, sn.nameSpan)).toBe('6:2-6:13');
    expect(sn.args.map((a) => at(r, a.span))).toEqual(['6:14-6:19', '6:20-6:23']);
    expect(at(r, sn.terminatorSpan)).toBe('6:23-6:24');
  }

  it('gives exact line:column with LF', () => check(text));
  it('gives the same line:column with CRLF', () => check(text.replace(/\n/g, '\r\n')));
  it('gives the same line:column with lone CR (no comment before a CR)', () => {
    // nginx runs a comment to the next LF, so keep the comment-bearing lines LF-terminated.
    const t = 'events {\r  worker_connections 1024; # inline\n}\n# top\nhttp {\r\tserver_name "a b" \'c\';\r}';
    check(t);
  });

  it('counts columns on line 1 from after the BOM, as editors do (offsets still count it)', () => {
    const r = parseRt('\ufeffuser x;\nworker_processes 1;');
    const [user, wp] = r.ast.children.map(directive);
    expect(user?.nameSpan).toEqual({ start: 1, end: 5 });
    expect(at(r, user?.nameSpan ?? null)).toBe('1:1-1:5');
    expect(at(r, wp?.nameSpan ?? null)).toBe('2:1-2:17');
  });

  it('positions astral characters in UTF-16 code units', () => {
    const r = parseRt('a "😀" b;');
    const d = directive(r.ast.children[0]);
    expect(d.args.map((x) => at(r, x.span))).toEqual(['1:3-1:7', '1:8-1:9']);
    expect(d.args[0]?.value).toBe('😀');
  });
});

describe('parse: Lua blocks', () => {
  it('keeps a content_by_lua_block body as opaque text', () => {
    const text = 'location / {\n  content_by_lua_block {\n    ngx.say("}")\n  }\n  add_header X y;\n}';
    const r = parseRt(text);
    expect(r.errors).toEqual([]);
    const loc = directive(r.ast.children[0]);
    const lua = directive(child(loc, 0));
    expect(lua.name).toBe('content_by_lua_block');
    expect(lua.block).toBeNull();
    expect(lua.terminator).toBe('{');
    expect(lua.rawBlock?.text).toBe('\n    ngx.say("}")\n  ');
    expect(at(r, lua.rawBlock?.span ?? null)).toBe('2:25-4:3');
    expect(at(r, lua.closeSpan)).toBe('4:3-4:4');
    expect(at(r, lua.span)).toBe('2:3-4:4');
    expect(shape(loc.block ?? [])).toEqual(['content_by_lua_block {lua:\n    ngx.say("}")\n  }', 'add_header X y;']);
  });

  it('keeps the arguments of set_by_lua_block', () => {
    const r = parseRt('set_by_lua_block $v { return ngx.var.a .. "{" }\nreturn 200 $v;');
    expect(r.errors).toEqual([]);
    const d = directive(r.ast.children[0]);
    expect(d.args.map((x) => x.value)).toEqual(['$v']);
    expect(d.rawBlock?.text).toBe(' return ngx.var.a .. "{" ');
    expect(shape(r.ast.children).slice(1)).toEqual(['return 200 $v;']);
  });

  it('skips braces in Lua strings, comments and long brackets', () => {
    const body = [
      '',
      '  local t = { a = { "}" } }',
      "  local s = '{' .. \"\\\"}\" -- } in a comment",
      '  local l = [[ } ]] .. [==[ ]] } ]=] ]==]',
      '  --[[ } ]] --[==[ } ]==]',
      '  if x then t[1] = {} end',
      '',
    ].join('\n');
    const r = parseRt(`access_by_lua_block {${body}}\nnext;`);
    expect(r.errors).toEqual([]);
    expect(shape(r.ast.children)).toEqual([`access_by_lua_block {lua:${body}}`, 'next;']);
  });

  it('reports an unterminated Lua block once, at the end of the file', () => {
    const text = 'http {\n  init_by_lua_block {\n    x = "}"\n';
    const r = parseRt(text);
    expect(errs(r)).toEqual(['4:1 unexpected end of file, expecting "}"']);
    const http = directive(r.ast.children[0]);
    expect(http.closeSpan).toBeNull();
    const lua = directive(child(http, 0));
    expect(lua.rawBlock?.text).toBe('\n    x = "}"\n');
    expect(lua.closeSpan).toBeNull();
  });

  it('parses Lua blocks in CRLF files', () => {
    const r = parseRt('content_by_lua_block {\r\n  -- }\r\n  ngx.say(1)\r\n}\r\nx;\r\n');
    expect(r.errors).toEqual([]);
    expect(shape(r.ast.children)).toEqual(['content_by_lua_block {lua:\r\n  -- }\r\n  ngx.say(1)\r\n}', 'x;']);
  });
});

describe('parse: line endings and BOM', () => {
  it('parses CRLF files', () => {
    const r = parseRt('http {\r\n  server {\r\n    listen 80;\r\n  }\r\n}\r\n');
    expect(r.errors).toEqual([]);
    expect(shape(r.ast.children)).toEqual([{ 'http {': [{ 'server {': ['listen 80;'] }] }]);
  });

  it('parses a BOM file and prints the BOM back', () => {
    const r = parseRt('\ufeffevents {}\n');
    expect(r.errors).toEqual([]);
    expect(shape(r.ast.children)).toEqual([{ 'events {': [] }]);
  });

  it('parses lone-CR files', () => {
    const r = parseRt('a 1;\rb {\rc;\r}\r');
    expect(r.errors).toEqual([]);
    expect(shape(r.ast.children)).toEqual(['a 1;', { 'b {': ['c;'] }]);
    expect(at(r, directive(r.ast.children[1]).closeSpan)).toBe('4:1-4:2');
  });
});

describe('parse: syntax errors and recovery', () => {
  it('reports an unclosed block at the end of the file', () => {
    const r = parseRt('http {\n  server {\n    listen 80;\n  }\n');
    expect(errs(r)).toEqual(['5:1 unexpected end of file, expecting "}"']);
    expect(r.errors[0]).toMatchObject({ span: { start: 37, end: 37 }, file: '<input>' });
    const http = directive(r.ast.children[0]);
    expect(http.closeSpan).toBeNull();
    expect(http.span).toEqual({ start: 0, end: 6 });
    expect(shape(r.ast.children)).toEqual([{ 'http { (unclosed)': [{ 'server {': ['listen 80;'] }] }]);
  });

  it('reports several unclosed blocks once', () => {
    const r = parseRt('a {\nb {\nc {');
    expect(errs(r)).toEqual(['3:4 unexpected end of file, expecting "}"']);
    expect(shape(r.ast.children)).toEqual([{ 'a { (unclosed)': [{ 'b { (unclosed)': [{ 'c { (unclosed)': [] }] }] }]);
  });

  it('reports an unexpected } at the top level and goes on', () => {
    const r = parseRt('a;\n}\nb;');
    expect(errs(r)).toEqual(['2:1 unexpected "}"']);
    expect(shape(r.ast.children)).toEqual(['a;', 'stray:}', 'b;']);
    expect(stray(r.ast.children[1]).span).toEqual({ start: 3, end: 4 });
  });

  it('reports a missing ; before } and ends the directive there', () => {
    const r = parseRt('server {\n  listen 80\n}\nx;');
    expect(errs(r)).toEqual(['3:1 unexpected "}"']);
    const server = directive(r.ast.children[0]);
    const listen = directive(child(server, 0));
    expect(listen.terminator).toBeNull();
    expect(listen.terminatorSpan).toBeNull();
    expect(listen.span).toEqual({ start: 11, end: 20 });
    expect(at(r, server.closeSpan)).toBe('3:1-3:2');
    expect(shape(r.ast.children)).toEqual([{ 'server {': ['listen 80 (unterminated)'] }, 'x;']);
  });

  it('reports a missing ; before } at the top level once', () => {
    const r = parseRt('a b }\nc;');
    expect(errs(r)).toEqual(['1:5 unexpected "}"']);
    expect(shape(r.ast.children)).toEqual(['a b (unterminated)', 'stray:}', 'c;']);
  });

  it('reports a missing ; before the end of the file', () => {
    const r = parseRt('a;\nb c');
    expect(errs(r)).toEqual(['2:4 unexpected end of file, expecting ";" or "}"']);
    expect(shape(r.ast.children)).toEqual(['a;', 'b c (unterminated)']);
  });

  it('reports a missing ; before the end of the file inside a block once', () => {
    const r = parseRt('http {\n  b c # trailing\n');
    expect(errs(r)).toEqual(['3:1 unexpected end of file, expecting ";" or "}"']);
    const b = directive(child(directive(r.ast.children[0]), 0));
    expect(b.innerComments.map((c) => c.text)).toEqual([' trailing']);
  });

  it('reports an unterminated quote at the quote', () => {
    const r = parseRt('a;\nb "c;\nd;\n');
    expect(errs(r)).toEqual(['2:3 unexpected end of file, expecting ";" or "}"']);
    const b = directive(r.ast.children[1]);
    expect(b.args.map(fields)).toEqual([{ value: 'c;\nd;\n', raw: '"c;\nd;\n', quote: '"', span: { start: 5, end: 12 } }]);
    expect(b.terminator).toBeNull();
  });

  it('reports an unterminated quote inside a block once', () => {
    const r = parseRt("server {\n  return 200 'x;\n}\n");
    expect(errs(r)).toEqual(['2:14 unexpected end of file, expecting ";" or "}"']);
  });

  it('reports a character right after a closing quote', () => {
    const r = parseRt('x "a"b;\ny;');
    expect(errs(r)).toEqual(['1:6 unexpected "b"']);
    expect(shape(r.ast.children)).toEqual(['x a b;', 'y;']);
  });

  it('reports a quote glued to } once, and closes the block', () => {
    const r = parseRt('server { a "b"}\nc;');
    expect(errs(r)).toEqual(['1:15 unexpected "}"']);
    expect(shape(r.ast.children)).toEqual([{ 'server {': ['a b (unterminated)'] }, 'c;']);
  });

  it('reports a stray ;', () => {
    const r = parseRt('a;\n ;\nb;;');
    expect(errs(r)).toEqual(['2:2 unexpected ";"', '3:3 unexpected ";"']);
    expect(shape(r.ast.children)).toEqual(['a;', 'stray:;', 'b;', 'stray:;']);
  });

  it('reports { without a name and keeps the block as stray text', () => {
    const r = parseRt('{ a; }\nb;');
    expect(errs(r)).toEqual(['1:1 unexpected "{"']);
    expect(shape(r.ast.children)).toEqual(['stray:{ a; }', 'b;']);
  });

  it('reports { without a name inside a block', () => {
    const r = parseRt('server {\n  { x; }\n  y;\n}\nz;');
    expect(errs(r)).toEqual(['2:3 unexpected "{"']);
    expect(shape(r.ast.children)).toEqual([{ 'server {': ['stray:{ x; }', 'y;'] }, 'z;']);
  });

  it('reports { without a name that is never closed', () => {
    const r = parseRt('a;\n{ b;');
    expect(errs(r)).toEqual(['2:1 unexpected "{"', '2:5 unexpected end of file, expecting "}"']);
    expect(shape(r.ast.children)).toEqual(['a;', 'stray:{ b;']);
  });

  it('reports errors in source order and keeps later directives', () => {
    const r = parseRt('a "x"y;\n;\nb }\nhttp {\n  c d\n}\ne;\n{');
    expect(errs(r)).toEqual([
      '1:6 unexpected "y"',
      '2:1 unexpected ";"',
      '3:3 unexpected "}"',
      '6:1 unexpected "}"',
      '8:1 unexpected "{"',
      '8:2 unexpected end of file, expecting "}"',
    ]);
    expect(shape(r.ast.children)).toEqual(['a x y;', 'stray:;', 'b (unterminated)', 'stray:}', { 'http {': ['c d (unterminated)'] }, 'e;', 'stray:{']);
  });
});

describe('parse: nesting depth', () => {
  const nested = (n: number, close = true): string => 'location / {\n'.repeat(n) + (close ? '}\n'.repeat(n) : '');

  function depth(nodes: readonly Node[]): number {
    let max = 0;
    walk(nodes, (_d, parents) => {
      max = Math.max(max, parents.length + 1);
    });
    return max;
  }

  it(`accepts ${MAX_DEPTH} levels`, () => {
    expect(MAX_DEPTH).toBe(200);
    const r = parseRt(nested(MAX_DEPTH));
    expect(r.errors).toEqual([]);
    expect(depth(r.ast.children)).toBe(MAX_DEPTH);
  });

  it(`keeps level ${MAX_DEPTH + 1} as stray text with one error`, () => {
    const r = parseRt(nested(MAX_DEPTH + 1));
    expect(errs(r)).toEqual([`${MAX_DEPTH + 1}:12 blocks nested more than ${MAX_DEPTH} levels deep; this block is not analysed`]);
    expect(depth(r.ast.children)).toBe(MAX_DEPTH);
  });

  it('survives 10,000 nested blocks: no throw, one nesting error, round trip', () => {
    const text = nested(10_000);
    const r = parseRt(text);
    expect(r.errors.length).toBe(1);
    expect(r.errors[0]?.message).toBe('blocks nested more than 200 levels deep; this block is not analysed');
    expect(r.errors[0]?.line).toBe(201);
    expect(depth(r.ast.children)).toBe(MAX_DEPTH);
    // The deepest analysed block holds the rest as one stray node, closed by its own `}`.
    let node = directive(r.ast.children[0]);
    for (let level = 1; level < MAX_DEPTH; level++) node = directive(child(node, 0));
    const rest = stray(child(node, 0));
    expect(rest.text.startsWith('location / {\nlocation / {')).toBe(true);
    expect(rest.text.endsWith('}')).toBe(true);
    expect(rest.text.split('{').length - 1).toBe(10_000 - MAX_DEPTH);
  });

  it('survives 10,000 unclosed nested blocks', () => {
    const r = parseRt(nested(10_000, false));
    expect(r.errors.map((e) => e.message)).toEqual([
      'blocks nested more than 200 levels deep; this block is not analysed',
      'unexpected end of file, expecting "}"',
    ]);
  });

  it('survives 10,000 nested blocks with a directive at every level', () => {
    const text = 'a {\nb;\n'.repeat(10_000) + '}\n'.repeat(10_000);
    const r = parseRt(text);
    expect(r.errors.length).toBe(1);
  });

  it('handles a nameless { past the depth limit', () => {
    const r = parseRt('a {'.repeat(MAX_DEPTH) + '{ x; }' + '}'.repeat(MAX_DEPTH));
    expect(r.errors.map((e) => e.message)).toEqual(['unexpected "{"', `blocks nested more than ${MAX_DEPTH} levels deep; this block is not analysed`]);
  });
});

describe('walk', () => {
  it('visits directives depth-first in source order with their parents', () => {
    const r = parseRt('# c\na { b; c { d; } }\ne;\nf { content_by_lua_block { g } }');
    const seen: string[] = [];
    walk(r.ast.children, (d, parents) => seen.push([...parents.map((p) => p.name), d.name].join('/')));
    expect(seen).toEqual(['a', 'a/b', 'a/c', 'a/c/d', 'e', 'f', 'f/content_by_lua_block']);
  });
});
