import { describe, expect, it } from 'vitest';
import { createMemoryHost, loadConfig } from '../../src/include/index.js';
import { lintTree } from '../../src/engine/runner.js';
import { defineRule, formatMessage } from '../../src/engine/rule.js';
import { NginxVersion } from '../../src/model/index.js';

const tree = (text: string, extra: Record<string, string> = {}) =>
  loadConfig('/etc/nginx/nginx.conf', { host: createMemoryHost({ '/etc/nginx/nginx.conf': text, ...extra }) });
const version = () => NginxVersion.parse('1.30.0') as NginxVersion;

describe('runner', () => {
  it('calls file hooks, directive visitors in document order, "*" for every directive, then tree:exit', () => {
    const calls: string[] = [];
    const rule = defineRule({
      name: 'probe',
      category: 'load',
      severity: 'warning',
      description: 'records calls',
      messages: { seen: 'saw {{name}} at depth {{depth}}' },
      create(context) {
        return {
          file: (f) => void calls.push(`file ${f.path}`),
          directives: {
            listen: (node) => context.report({ messageId: 'seen', data: { name: node.name, depth: context.model.contextPath(node.scope).length }, at: { node } }),
            '*': (node) => void calls.push(node.name),
          },
          'tree:exit': () => void calls.push('exit'),
        };
      },
    });
    const { findings } = lintTree(tree('http { include s.conf; }\n', { '/etc/nginx/s.conf': 'server { listen 80; }\n' }), {
      rules: [{ rule, severity: 'warning', options: {} }],
      version,
    });
    expect(calls).toEqual(['file /etc/nginx/nginx.conf', 'file /etc/nginx/s.conf', 'http', 'include', 'server', 'listen', 'exit']);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ ruleId: 'probe', severity: 'warning', message: 'saw listen at depth 3', file: '/etc/nginx/s.conf', start: { line: 1, column: 10 }, end: { line: 1, column: 20 } });
  });

  it('reports the same finding once, even when a file is visited from two include sites', () => {
    const rule = defineRule({
      name: 'once',
      category: 'load',
      severity: 'error',
      description: 'x',
      messages: { m: 'timeout here' },
      create: (context) => ({ directives: { proxy_read_timeout: (node) => context.report({ messageId: 'm', at: { node } }) } }),
    });
    const t = tree('http { server { include t.conf; } server { include t.conf; } }\n', { '/etc/nginx/t.conf': 'proxy_read_timeout 1s;\n' });
    expect(lintTree(t, { rules: [{ rule, severity: 'error', options: {} }], version }).findings).toHaveLength(1);
  });

  it('turns a crashing rule into an internal-error finding and keeps running the others', () => {
    const crash = defineRule({
      name: 'crash',
      category: 'load',
      severity: 'error',
      description: 'x',
      messages: { m: 'm' },
      create: () => ({ directives: { '*': () => { throw new Error('boom'); } } }),
    });
    const fine = defineRule({
      name: 'fine',
      category: 'load',
      severity: 'error',
      description: 'x',
      messages: { m: 'found {{n}}' },
      create: (context) => ({ directives: { events: (node) => context.report({ messageId: 'm', data: { n: node.name }, at: { node } }) } }),
    });
    const { findings } = lintTree(tree('events {}\nhttp {}\n'), {
      rules: [
        { rule: crash, severity: 'error', options: {} },
        { rule: fine, severity: 'error', options: {} },
      ],
      version,
    });
    // One internal-error for the crashing rule (not one per directive); the other rule still ran.
    expect(findings.map((f) => [f.ruleId, f.message])).toEqual([
      ['fine', 'found events'],
      ['internal-error', 'rule "crash" crashed: boom (please report this)'],
    ]);
  });

  it('builds the upstream graph and detects the version only when a rule asks', () => {
    let asked = 0;
    const rule = defineRule({
      name: 'lazy',
      category: 'load',
      severity: 'info',
      description: 'x',
      messages: { m: 'v{{v}} with {{n}} upstreams' },
      create: (context) => ({
        'tree:exit': () => context.report({ messageId: 'm', data: { v: context.version.toString(), n: context.upstreams.upstreams.size }, at: { file: context.tree.files.get(context.tree.entry)!, span: { start: 0, end: 1 } } }),
      }),
    });
    const { findings } = lintTree(tree('http { upstream a { server 127.0.0.1:1; } }\n'), {
      rules: [{ rule, severity: 'info', options: {} }],
      version: () => {
        asked++;
        return version();
      },
    });
    expect(findings[0]!.message).toBe('v1.30.0 with 1 upstreams');
    expect(asked).toBe(1);
  });

  it('runs a name\'s own visitors before the "*" ones, rule by rule', () => {
    const calls: string[] = [];
    const make = (name: string) =>
      defineRule({
        name,
        category: 'load',
        severity: 'info',
        description: 'x',
        messages: { m: 'm' },
        create: () => ({ directives: { '*': (node) => void calls.push(`${name} * ${node.name}`), listen: () => void calls.push(`${name} listen`) } }),
      });
    lintTree(tree('listen 80;\nuser x;\n'), { rules: [make('a'), make('b')].map((rule) => ({ rule, severity: 'info' as const, options: {} })), version });
    expect(calls).toEqual(['a listen', 'b listen', 'a * listen', 'b * listen', 'a * user', 'b * user']);
  });

  it('keeps reports at the same place that differ in message or end, and drops exact repeats', () => {
    const rule = defineRule({
      name: 'repeat',
      category: 'load',
      severity: 'info',
      description: 'x',
      messages: { m: 'value {{v}}' },
      create: (context) => ({
        directives: {
          listen: (node) => {
            for (const v of ['a', 'b', 'a']) context.report({ messageId: 'm', data: { v }, at: { node } });
            context.report({ messageId: 'm', data: { v: 'a' }, at: { node, span: node.directive.nameSpan } });
          },
        },
      }),
    });
    const { findings } = lintTree(tree('listen 80;\n'), { rules: [{ rule, severity: 'info', options: {} }], version });
    expect(findings.map((f) => `${f.message} ${f.span.start}-${f.span.end}`)).toEqual(['value a 0-10', 'value b 0-10', 'value a 0-6']);
  });
});

describe('formatMessage', () => {
  it('fills placeholders, keeps those without data, and inserts values literally', () => {
    expect(formatMessage('{{a}} and {{ b }} and {{c}}{{a}}', { a: 1, b: '$&' })).toBe('1 and $& and {{c}}1');
    expect(formatMessage('no placeholders', { a: 1 })).toBe('no placeholders');
    expect(formatMessage('{{a}}', undefined)).toBe('{{a}}');
    expect(formatMessage('{{ a-b }} {{}} {{a}}', { a: '{{a}}' })).toBe('{{ a-b }} {{}} {{a}}');
  });
});
