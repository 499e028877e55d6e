import { defineRule, type DirectiveNode } from '../../src/rule-api.js';

/** The releases that made nginx stricter about how an HTTP backend frames its response. */
const CHANGES = [
  {
    version: '1.23.0',
    text: 'from 1.23.0 a response with two Content-Length headers (even identical ones), or with both Content-Length and Transfer-Encoding, is a 502 ("upstream sent duplicate header line" / "upstream sent \\"Content-Length\\" and \\"Transfer-Encoding\\" headers at the same time")',
  },
  { version: '1.29.4', text: 'from 1.29.4 a bare LF in a chunked body is a 502 ("upstream sent invalid chunked response")' },
] as const;

export default defineRule({
  name: 'upstream-strict-framing-upgrade',
  category: 'upstream',
  severity: 'info',
  // Off by default: a pinned --nginx-version is not an upgrade plan; enable it (with upgradingFrom) while planning one.
  recommended: false,
  description: 'The declared target nginx version is past a release that rejects sloppy response framing from HTTP backends (1.23.0, 1.29.4): old backends that got away with it now get 502s.',
  messages: {
    stricter:
      'the target nginx version is {{version}}{{since}}: {{changes}}. A backend that sent such responses to older nginx without trouble fails after the upgrade; check it (and any proxy in between) before upgrading',
  },
  options: {
    upgradingFrom: {
      type: 'string',
      default: '',
      description: 'The nginx version the configuration runs on today. Only the changes between it and the target version are reported; empty: every change up to the target version.',
    },
  },
  create(context) {
    const model = context.model;
    return {
      'tree:exit'() {
        const version = context.version;
        // Only a version someone declared (--nginx-version, config nginxVersion) is an upgrade plan.
        if (version.source !== 'option' && version.source !== 'config') return;
        const from = context.options.upgradingFrom.trim();
        const valid = /^\d+\.\d+(\.\d+)?$/.test(from);
        const crossed = CHANGES.filter((c) => version.atLeast(c.version) && (!valid || !atLeastText(from, c.version)));
        if (crossed.length === 0) return;
        // One advisory per configuration, at the first proxy_pass to an HTTP backend.
        const first = model.byName('proxy_pass').find((n: DirectiveNode) => {
          if (model.contextPath(n.scope).includes('stream')) return false;
          const url = n.directive.args[0]?.value ?? '';
          return !/^grpcs?:\/\//i.test(url);
        });
        if (first === undefined) return;
        context.report({
          messageId: 'stricter',
          data: { version: version.toString(), since: valid ? ` (upgrading from ${from})` : '', changes: crossed.map((c) => c.text).join('; ') },
          at: { node: first },
        });
      },
    };
  },
});

/** `a` >= `b` for dotted versions. */
function atLeastText(a: string, b: string): boolean {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < 3; i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d > 0;
  }
  return true;
}
