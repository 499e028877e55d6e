import { describe, expect, it } from 'vitest';
import { createMemoryHost } from '../../src/include/index.js';
import { fixFiles } from '../../src/fix/index.js';
import { defineRule, type AnyRule } from '../../src/engine/rule.js';
import { resolveConfig } from '../../src/engine/config.js';
import { ruleInfos } from '../../src/cli/lint-command.js';
import { insertDirectives, replaceArg } from '../../src/fix/index.js';
import { allRules } from '../../rules/index.js';

const M = '/etc/nginx/nginx.conf';

function run(files: Record<string, string>, rules: readonly AnyRule[], unsafe = false) {
  const config = resolveConfig({ extends: [], rules: Object.fromEntries(rules.map((r) => [r.name, 'error'])) }, { rules: ruleInfos(rules), baseDir: '/' });
  return fixFiles({ files: [M], host: createMemoryHost(files), config, rules, prefix: '/etc/nginx', nginxVersion: '1.30.0' }, { unsafe });
}

/** Sets every `keepalive_timeout` to 75s (safe) — converges after one pass. */
const setKeepalive = defineRule({
  name: 'set-keepalive',
  category: 'timeouts',
  severity: 'warning',
  description: 'x',
  fix: 'safe',
  messages: { m: 'keepalive_timeout should be 75s' },
  create: (context) => ({
    directives: {
      keepalive_timeout(node) {
        if (node.directive.args[0]?.value === '75s') return;
        context.report({ messageId: 'm', at: { node }, fix: { title: 'set 75s', applicability: 'safe', edits: [replaceArg(node, 0, '75s')] } });
      },
    },
  }),
});

/** Offers an unsafe fix only. */
const unsafeOnly = defineRule({
  name: 'unsafe-only',
  category: 'timeouts',
  severity: 'warning',
  description: 'x',
  fix: 'unsafe',
  messages: { m: 'send_timeout should be 30s' },
  create: (context) => ({
    directives: {
      send_timeout(node) {
        if (node.directive.args[0]?.value === '30s') return;
        context.report({ messageId: 'm', at: { node }, fix: { title: 'set 30s', applicability: 'unsafe', edits: [replaceArg(node, 0, '30s')] } });
      },
    },
  }),
});

/** Two fixes touching the same point: the second waits for the next pass. */
const twoInsertions = defineRule({
  name: 'two-insertions',
  category: 'timeouts',
  severity: 'warning',
  description: 'x',
  fix: 'safe',
  messages: { a: 'needs a', b: 'needs b' },
  create: (context) => ({
    directives: {
      server(node) {
        const block = node.block!;
        const has = (n: string) => context.model.local(block, n).length > 0;
        if (!has('proxy_connect_timeout')) context.report({ messageId: 'a', at: { node }, fix: { title: 'a', applicability: 'safe', edits: [insertDirectives(context.model, block, ['proxy_connect_timeout 5s;'])] } });
        if (!has('proxy_send_timeout')) context.report({ messageId: 'b', at: { node }, fix: { title: 'b', applicability: 'safe', edits: [insertDirectives(context.model, block, ['proxy_send_timeout 5s;'])] } });
      },
    },
  }),
});

/** A fix that breaks the config (an unknown directive): it must be dropped. */
const breaksConfig = defineRule({
  name: 'breaks-config',
  category: 'timeouts',
  severity: 'warning',
  description: 'x',
  fix: 'safe',
  messages: { m: 'add something' },
  create: (context) => ({
    directives: {
      server(node) {
        if (context.model.local(node.block!, 'listen').length === 0) return;
        context.report({ messageId: 'm', at: { node }, fix: { title: 'add proxy_bogus', applicability: 'safe', edits: [insertDirectives(context.model, node.block!, ['proxy_bogus on;'])] } });
      },
    },
  }),
});

const unknownDirective = allRules.find((r) => r.name === 'unknown-directive')!;

describe('fixFiles', () => {
  it('applies safe fixes and reports the rest as remaining', () => {
    const out = run({ [M]: 'http {\n    keepalive_timeout 65;\n    send_timeout 10s;\n}\n' }, [setKeepalive, unsafeOnly]);
    expect(out.changes.get(M)?.after).toBe('http {\n    keepalive_timeout 75s;\n    send_timeout 10s;\n}\n');
    expect(out.applied.map((f) => f.ruleId)).toEqual(['set-keepalive']);
    expect(out.remaining.findings.map((f) => f.ruleId)).toEqual(['unsafe-only']);
    expect(out.converged).toBe(true);
  });

  it('applies unsafe fixes only when asked', () => {
    const out = run({ [M]: 'http {\n    send_timeout 10s;\n}\n' }, [unsafeOnly], true);
    expect(out.changes.get(M)?.after).toBe('http {\n    send_timeout 30s;\n}\n');
  });

  it('defers an overlapping fix to the next pass, then applies it', () => {
    const out = run({ [M]: 'http {\n    server {\n        listen 80;\n    }\n}\n' }, [twoInsertions]);
    expect(out.changes.get(M)?.after).toBe('http {\n    server {\n        listen 80;\n        proxy_connect_timeout 5s;\n        proxy_send_timeout 5s;\n    }\n}\n');
    expect(out.applied).toHaveLength(2);
    expect(out.converged).toBe(true);
  });

  it('drops a fix that brings a new error and says why', () => {
    const out = run({ [M]: 'http {\n    server {\n        listen 80;\n    }\n}\n' }, [breaksConfig, unknownDirective]);
    expect(out.changes.size).toBe(0);
    expect(out.dropped.map((d) => d.reason)).toEqual(['the fix would bring a new error: unknown directive "proxy_bogus"']);
  });

  it('never touches a file with a syntax error', () => {
    const out = run({ [M]: 'http {\n    keepalive_timeout 65;\n' }, [setKeepalive, allRules.find((r) => r.name === 'syntax-error')!]);
    expect(out.changes.size).toBe(0);
  });

  it('shows, but does not apply, fixes to a file included from several places', () => {
    const out = run(
      {
        [M]: 'http {\n    server { include common.conf; }\n    server { include common.conf; }\n}\n',
        '/etc/nginx/common.conf': 'keepalive_timeout 65;\n',
      },
      [setKeepalive],
    );
    expect(out.changes.size).toBe(0);
    expect(out.shown.map((f) => f.file)).toEqual(['/etc/nginx/common.conf']);
  });

  it('edits an included file used once', () => {
    const out = run({ [M]: 'http { include t.conf; }\n', '/etc/nginx/t.conf': 'keepalive_timeout 65;\n' }, [setKeepalive]);
    expect([...out.changes.keys()]).toEqual(['/etc/nginx/t.conf']);
  });

  it('reports non-convergence instead of looping forever', () => {
    const forever = defineRule({
      name: 'forever',
      category: 'timeouts',
      severity: 'warning',
      description: 'x',
      fix: 'safe',
      messages: { m: 'again' },
      create: (context) => ({
        directives: { http: (node) => context.report({ messageId: 'm', at: { node }, fix: { title: 'comment', applicability: 'safe', edits: [{ file: node.file.path, start: 0, end: 0, text: '#\n' }] } }) },
      }),
    });
    const out = run({ [M]: 'http {}\n' }, [forever]);
    expect(out.converged).toBe(false);
    expect(out.applied).toHaveLength(10);
  });
});
