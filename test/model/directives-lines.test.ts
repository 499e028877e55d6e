/**
 * The directive table is read line by line (src/model/directives.ts, indexLines): each directive's variants are
 * parsed from its own line of the JSON when it is first looked up. These tests check that this reads the same
 * table as JSON.parse of the whole file, and that a file laid out otherwise is not misread.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { allDirectiveNames, directiveTableSource, getDirective, indexLines } from '../../src/model/directives.js';

const text = readFileSync(fileURLToPath(new URL('../../src/model/directives.generated.json', import.meta.url)), 'utf8');
const json = JSON.parse(text) as {
  source: string;
  directives: Record<string, { m: string; f: string; c: string[]; a: [number, number | null]; b?: 1; o?: string; r?: 1; d?: string; s?: string[] }[]>;
};

describe('the directive table read line by line', () => {
  it('finds every directive of the JSON, and each line parses to its variants', () => {
    const lines = indexLines(text);
    expect(lines).toBeDefined();
    expect([...(lines?.keys() ?? [])]).toEqual(Object.keys(json.directives));
    for (const [name, [start, end]] of lines ?? []) expect(JSON.parse(text.slice(start, end)), name).toEqual(json.directives[name]);
  });

  it('answers as the whole JSON does', () => {
    expect(allDirectiveNames()).toEqual(Object.keys(json.directives).sort());
    expect(directiveTableSource()).toBe(json.source);
    for (const [name, raws] of Object.entries(json.directives)) {
      const spec = getDirective(name);
      expect(
        spec?.variants.map((v) => [v.module, v.family, v.contexts, v.block, v.opens, v.minArgs, v.maxArgs, v.repeatable, v.default, v.syntax]),
        name,
      ).toEqual(raws.map((r) => [r.m, r.f, r.c, r.b === 1, r.o ?? null, r.a[0], r.a[1], r.r === 1, r.d ?? null, r.s ?? []]));
    }
    expect(getDirective('no_such_directive')).toBeUndefined();
    expect(getDirective('__proto__')).toBeUndefined();
  });

  it('gives up on a file laid out otherwise, which is then parsed whole', () => {
    expect(indexLines(JSON.stringify(json, null, 2))).toBeUndefined();
    expect(indexLines(JSON.stringify(json))).toBeUndefined();
    expect(indexLines(text.replaceAll('\n', '\r\n'))).toBeUndefined();
    expect(indexLines(text.replace('\n  }\n}\n', '\n  },\n  "more": {}\n}\n'))).toBeUndefined();
    const [first] = Object.keys(json.directives);
    expect(indexLines(text.replace(`"${first}": [`, `"${first}\\u0041": [`))).toBeUndefined();
  });
});
