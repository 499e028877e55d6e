import { describe, expect, it } from 'vitest';
import { createMemoryHost } from '../../src/include/index.js';
import { resolveConfig } from '../../src/engine/config.js';
import { lint } from '../../src/engine/lint.js';
import { defineRule } from '../../src/engine/rule.js';

/** Reports every `proxy_read_timeout`, and a second message at the same place for a `1s` one. */
const rule = defineRule({
  name: 'probe-timeouts',
  category: 'timeouts',
  severity: 'warning',
  description: 'x',
  messages: { seen: 'timeout {{value}}', short: 'short timeout' },
  create: (context) => ({
    directives: {
      proxy_read_timeout: (node) => {
        context.report({ messageId: 'seen', data: { value: node.directive.args[0]?.value ?? '' }, at: { node } });
        if (node.directive.args[0]?.value === '1s') context.report({ messageId: 'short', at: { node } });
      },
    },
  }),
});

const config = resolveConfig({ extends: [], rules: { 'probe-timeouts': 'warn' } }, { rules: [{ name: rule.name, severity: rule.severity }], baseDir: '/' });

describe('lint', () => {
  it('reports a finding in a file shared by several main configurations once, keeping distinct messages at one place', () => {
    const host = createMemoryHost({
      '/etc/a/nginx.conf': 'events {}\nhttp { include /etc/shared/t.conf; }\n',
      '/etc/b/nginx.conf': 'events {}\nhttp { include /etc/shared/t.conf; server { proxy_read_timeout 2s; } }\n',
      '/etc/shared/t.conf': 'proxy_read_timeout 1s;\n',
    });
    const result = lint({ files: ['/etc/a/nginx.conf', '/etc/b/nginx.conf'], host, config, rules: [rule] });
    expect(result.findings.map((f) => `${f.file}:${f.start.line}:${f.start.column} ${f.message}`)).toEqual([
      '/etc/shared/t.conf:1:1 timeout 1s',
      '/etc/shared/t.conf:1:1 short timeout',
      '/etc/b/nginx.conf:2:45 timeout 2s',
    ]);
  });
});
