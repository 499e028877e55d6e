/**
 * Property tests (fixed seeds, so runs are reproducible): for random token soups and for mutated corpus
 * files, parsing never throws, printing gives the input back, errors have sane positions and every span
 * is in order and inside the text (see invariants.ts).
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parse, parseSource, type Node } from '../../src/parser/index.js';
import { decode } from '../../src/source/index.js';
import { checkParse, checkTokens } from './invariants.js';
import { nginxModel, type ModelEvent } from './nginx-model.js';

const SEED = 42;

/** nginx-ish fragments, heavy on the characters the lexer treats specially. */
const FRAGMENTS = [
  'server', 'location', '/', 'listen', '80', 'proxy_pass', 'http://up', 'a', 'b', 'x_y',
  '$x', '${v}', '$', '${', '{', '}', ';', '"', "'", '#', '\\', '(', ')', '=',
  ' ', '  ', '\t', '\n', '\r\n', '\r', '\n\n',
  'content_by_lua_block', 'set_by_lua_block', '_by_lua_block', 'access_by_lua_block {', '[[', ']]', '[==[', ']==]', '[=', '--', '--[[',
  '"a b"', "'c d'", '"\\""', "'\\''", '# comment\n', '#x', 'é', '😀', '\ufeff', '\u0000',
];

const soup = fc.array(fc.constantFrom(...FRAGMENTS), { maxLength: 60 }).map((parts) => parts.join(''));
/** A soup that starts with a directive name, so more of it gets past the first token. */
const statementSoup = fc
  .tuple(fc.constantFrom('http {', 'server {\n', 'content_by_lua_block {', 'set_by_lua_block $v {', 'a ', 'location / {'), soup)
  .map(([head, rest]) => head + rest);

function check(text: string): void {
  const result = parse(text);
  checkParse(text, result);
  checkTokens(text);
}

describe('property: token soups', () => {
  it('parse never throws, prints back, and keeps spans and errors sane', () => {
    fc.assert(
      fc.property(soup, (text) => {
        check(text);
      }),
      { seed: SEED, numRuns: 3000 },
    );
  });

  it('holds for soups that start like a directive or a Lua block', () => {
    fc.assert(
      fc.property(statementSoup, (text) => {
        check(text);
      }),
      { seed: SEED, numRuns: 2000 },
    );
  });

  it('holds for arbitrary strings, including lone surrogates', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 80 }), (text) => {
        check(text);
      }),
      { seed: SEED, numRuns: 1000 },
    );
  });

  it('holds for deep nesting built from soups', () => {
    fc.assert(
      fc.property(fc.integer({ min: 150, max: 260 }), soup, fc.boolean(), (depth, inner, close) => {
        const text = 'a {'.repeat(depth) + inner + (close ? '}'.repeat(depth) : '');
        check(text);
      }),
      { seed: SEED, numRuns: 60 },
    );
  });
});

describe('property: agrees with a transcription of nginx’s tokenizer', () => {
  /** No Lua blocks and no BOM: the model (like nginx core) knows neither. */
  const CORE_FRAGMENTS = FRAGMENTS.filter((f) => !f.includes('lua') && f !== '\ufeff');
  const coreSoup = fc.array(fc.constantFrom(...CORE_FRAGMENTS, 'a b;', 'x {', '}\n', 'y "z";\n'), { maxLength: 50 }).map((parts) => parts.join(''));

  /** The statements of a parse as the model reports them; unterminated ones end with '?'. */
  function eventsOf(nodes: readonly Node[]): (ModelEvent | { args: readonly string[]; end: '?' })[] {
    const out: (ModelEvent | { args: readonly string[]; end: '?' })[] = [];
    for (const n of nodes) {
      if (n.type !== 'directive') continue;
      const args = [n.name, ...n.args.map((a) => a.value)];
      out.push({ args, end: n.terminator ?? '?' });
      if (n.block) out.push(...eventsOf(n.block));
      if (n.closeSpan) out.push({ end: '}' });
    }
    return out;
  }

  it('gives the same statements and values, and the same first error', () => {
    fc.assert(
      fc.property(coreSoup, (text) => {
        const model = nginxModel(text);
        const { ast, errors } = parse(text);
        const events = eventsOf(ast.children);
        if (model.error === null) {
          expect(errors).toEqual([]);
          expect(events).toEqual(model.events);
          return;
        }
        // nginx stops at its first error; up to there the statements must agree.
        expect(events.slice(0, model.events.length)).toEqual(model.events);
        const first = errors[0];
        expect(first?.message).toBe(model.error.message);
        // ngxlint reports an unterminated quote at the quote, nginx at the end of the file.
        if (!model.error.message.startsWith('unexpected end of file')) expect(first?.span.start).toBe(model.error.offset);
      }),
      { seed: SEED, numRuns: 3000 },
    );
  });

  it.each([
    ['a ${{b}} c;'],
    ['a "b")c;'],
    ['a b}c;'],
    ['x "a"b;'],
    ['a }'],
    ['a "x\\"y" \'p\\\'q\' "\\t\\r\\n\\\\\\d";'],
    ['# c\ra b;'],
    ['a \\"b" c;'],
  ])('agrees on %j', (text) => {
    const model = nginxModel(text);
    const { ast, errors } = parse(text);
    if (model.error === null) {
      expect(errors).toEqual([]);
      expect(eventsOf(ast.children)).toEqual(model.events);
    } else {
      expect(errors[0]?.message).toBe(model.error.message);
    }
  });
});

describe('property: mutated corpus files', () => {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const corpusDir = path.resolve(here, '../../../shared/corpus');
  const present = existsSync(corpusDir);

  function listFiles(dir: string): string[] {
    const out: string[] = [];
    for (const name of readdirSync(dir)) {
      const full = path.join(dir, name);
      if (statSync(full).isDirectory()) out.push(...listFiles(full));
      else if (dir !== corpusDir || (name !== 'README.md' && name !== 'SOURCES.tsv')) out.push(full);
    }
    return out.sort();
  }

  const files: Uint8Array[] = present ? listFiles(corpusDir).map((f) => new Uint8Array(readFileSync(f))) : [];

  type Mutation =
    | { kind: 'flip'; at: number; mask: number }
    | { kind: 'truncate'; at: number }
    | { kind: 'duplicate'; from: number; length: number; to: number }
    | { kind: 'delete'; from: number; length: number }
    | { kind: 'insert'; at: number; bytes: readonly number[] }
    | { kind: 'prepend'; bytes: readonly number[] };

  const INSERTS = ['{', '}', '"', "'", ';', '#', '\\', '${', '$', '\r', '\n', '\r\n', 'content_by_lua_block {', '[[', ']]', '--', 'a "b"c ', '}}}}', '{{{{']
    .map((s) => Array.from(Buffer.from(s, 'utf8')))
    .concat([[0xff], [0xc3], [0x00], [0xef, 0xbb, 0xbf], [0xff, 0xfe], [0xfe, 0xff]]);

  const mutation: fc.Arbitrary<Mutation> = fc.oneof(
    fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), mask: fc.integer({ min: 1, max: 255 }) }),
    fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
    fc.record({ kind: fc.constant('duplicate' as const), from: fc.nat(), length: fc.integer({ min: 1, max: 400 }), to: fc.nat() }),
    fc.record({ kind: fc.constant('delete' as const), from: fc.nat(), length: fc.integer({ min: 1, max: 200 }) }),
    fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), bytes: fc.constantFrom(...INSERTS) }),
    // BOMs (UTF-8, UTF-16LE, UTF-16BE) in front of bytes that are not UTF-16: decode must still be byte-exact.
    fc.record({ kind: fc.constant('prepend' as const), bytes: fc.constantFrom<readonly number[]>([0xef, 0xbb, 0xbf], [0xff, 0xfe], [0xfe, 0xff], [0xff, 0xfe, 0x00]) }),
  );

  function apply(input: Uint8Array, m: Mutation): Uint8Array {
    const bytes = Array.from(input);
    const pos = (n: number): number => (bytes.length === 0 ? 0 : n % (bytes.length + 1));
    switch (m.kind) {
      case 'flip':
        if (bytes.length > 0) bytes[m.at % bytes.length] = ((bytes[m.at % bytes.length] as number) ^ m.mask) & 0xff;
        break;
      case 'truncate':
        bytes.length = pos(m.at);
        break;
      case 'duplicate': {
        const from = pos(m.from);
        bytes.splice(pos(m.to), 0, ...bytes.slice(from, from + m.length));
        break;
      }
      case 'delete':
        bytes.splice(pos(m.from), m.length);
        break;
      case 'insert':
        bytes.splice(pos(m.at), 0, ...m.bytes);
        break;
      case 'prepend':
        bytes.unshift(...m.bytes);
        break;
    }
    return Uint8Array.from(bytes);
  }

  it('finds the corpus next to the repository', () => {
    if (!present) expect.fail(`corpus directory not found at ${corpusDir}; it should sit next to the repository as ../shared/corpus`);
    expect(files.length).toBeGreaterThan(0);
  });

  it('parse never throws, prints back to the same bytes, and keeps spans and errors sane', () => {
    if (!present) expect.fail(`corpus directory not found at ${corpusDir}`);
    fc.assert(
      fc.property(fc.nat(), fc.array(mutation, { minLength: 1, maxLength: 4 }), (pick, mutations) => {
        const original = files[pick % files.length] as Uint8Array;
        const bytes = mutations.reduce(apply, original);
        const { source } = decode(bytes, 'mutant.conf');
        const result = parseSource(source);
        checkParse(source.text, result);
        checkTokens(source.text);
        if (!Buffer.from(source.encode(source.text)).equals(Buffer.from(bytes))) throw new Error(`encode() does not give the bytes back (${source.encoding})`);
      }),
      { seed: SEED, numRuns: 400 },
    );
  });
});
