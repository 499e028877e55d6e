/**
 * Case 12: regex locations with catastrophic patterns. ngxlint never runs a pattern from the configuration
 * through JavaScript's backtracking RegExp: the one rule that matches URIs against `location ~` regexes
 * (upstream-header-buffer-too-small, for auth_request subrequests) uses a linear-time NFA matcher. The CLI
 * case runs in a child process with a timeout, so that a regression to RegExp fails instead of hanging.
 */
import * as fs from 'node:fs';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { tempTree } from '../harness/cli.js';
import { compileLocationRegex } from '../../rules/upstream-header-buffer-too-small/location-regex.js';
import { compactLines, runNgxlint } from './child.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

const matches = (pattern: string, subject: string, caseless = false): boolean | undefined => compileLocationRegex(pattern, caseless)?.test(subject);

describe('the location regex matcher', () => {
  it('agrees with a backtracking engine on small patterns it supports', () => {
    const atom = fc.constantFrom('a', 'b', '.', '[ab]', '[^a]', '\\d', '(a|b)', '(ab|a)', '(?:ba)', 'x', '/', '\\.');
    const quantifier = fc.constantFrom('', '', '*', '+', '?', '{2}', '{1,3}', '{2,}', '*?', '+?');
    const pattern = fc
      .tuple(fc.boolean(), fc.array(fc.tuple(atom, quantifier, fc.boolean()), { minLength: 1, maxLength: 6 }), fc.boolean())
      .map(([start, parts, end]) => `${start ? '^' : ''}${parts.map(([a, q, bar]) => a + q + (bar ? '|' : '')).join('')}${end ? '$' : ''}`);
    const subject = fc.array(fc.constantFrom('a', 'b', 'x', '1', '.', '/'), { maxLength: 10 }).map((cs) => cs.join(''));
    fc.assert(
      fc.property(pattern, subject, fc.boolean(), (p, s, caseless) => {
        const subjectCased = caseless ? s.toUpperCase() : s;
        expect(matches(p, subjectCased, caseless)).toBe(new RegExp(p, caseless ? 'i' : '').test(subjectCased));
      }),
      { numRuns: 3000 },
    );
  });

  it('reads PCRE syntax the way nginx\'s PCRE does', () => {
    expect(matches('^/api/v[0-9]+/', '/api/v12/users')).toBe(true);
    expect(matches('\\.(jpe?g|png)$', '/a/b.JPG')).toBe(false);
    expect(matches('\\.(jpe?g|png)$', '/a/b.JPG', true)).toBe(true);
    expect(matches('^/(?<section>docs|blog)/', '/blog/x')).toBe(true);
    expect(matches('^/(?P<section>docs)/', '/docs/x')).toBe(true);
    expect(matches('\\bapi\\b', '/v1/api/x')).toBe(true);
    expect(matches('\\Bapi', '/v1/api/x')).toBe(false);
    expect(matches('^/x{', '/x{')).toBe(true); // a "{" that starts no quantifier is a literal
    expect(matches('[]a]$', '/]')).toBe(true);
    expect(matches('^/a$', '/a\n')).toBe(true); // $ also matches before a final newline
    expect(matches('^/a\\z', '/a\n')).toBe(false);
  });

  it('declines what it does not implement, rather than guessing', () => {
    for (const p of ['(a)\\1', '(?=a)', '(?!a)', '(?<=a)b', '(?>a+)', 'a++', '(?i)a', '[[:alpha:]]', '\\p{L}', '\\Qa\\E', 'a)', '(a', '*a', 'a{3,2}']) {
      expect(compileLocationRegex(p, false), p).toBeUndefined();
    }
  });

  it('stays bounded: deep nesting, huge counts and huge subjects are declined, not attempted', () => {
    expect(compileLocationRegex(`${'('.repeat(10_000)}a${')'.repeat(10_000)}`, false)).toBeUndefined();
    expect(compileLocationRegex('(a{1000}){1000}', false)).toBeUndefined();
    expect(compileLocationRegex(`a${'?'.repeat(100_000)}`, false)).toBeUndefined();
    expect(compileLocationRegex('^(a+)+$', false)?.test('a'.repeat(100_000_000))).toBeUndefined();
  });

  it('takes linear time on the classic catastrophic patterns (a backtracking engine takes 2^n)', () => {
    const subject = `${'a'.repeat(20_000)}!`;
    for (const p of ['^(a+)+$', '(a|aa)*b', '(a*)*b', '^(([a-z])+.)+[A-Z]([a-z])+$', '(.*a){20}x', '(\\w+\\s?)*$!']) {
      expect(matches(p, subject), p).toBe(false);
    }
  });
});

describe('catastrophic location regexes in a configuration', () => {
  it('lint finishes and still resolves which location an auth_request subrequest reaches', () => {
    const a = 'a'.repeat(40);
    const dir = tempTree({
      'nginx.conf':
        'events {}\nhttp {\n    server {\n' +
        `        auth_request /_auth/${a}b;\n` +
        '        location ~ ^/_auth/(a+)+$ {\n            proxy_pass http://127.0.0.1:9001;\n        }\n' +
        '        location ~ ^/_auth/(a|aa)*c {\n            proxy_pass http://127.0.0.1:9002;\n        }\n' +
        '        location ~* ^/_AUTH/(a|aa)*B$ {\n            proxy_pass http://127.0.0.1:9003;\n        }\n' +
        '    }\n}\n',
    });
    dirs.push(dir);
    const r = runNgxlint(['--no-config', '-f', 'compact', '--rule', 'upstream-timeout-missing:off', 'nginx.conf'], { cwd: dir, timeoutMs: 60_000 });
    expect(r.signal, 'killed at the timeout: a backtracking regex?').toBeNull();
    expect(r.status).toBe(0);
    const lines = compactLines(r.stdout);
    // The two that do not match are protected locations; the third (case-insensitive) receives the subrequests.
    expect(lines.map((l) => l.split(': ')[0])).toEqual(['nginx.conf:6:13', 'nginx.conf:9:13', 'nginx.conf:12:13']);
    expect(lines[2]).toContain(`"auth_request /_auth/${a}b" subrequests land here`);
  });
});
