import { defineRule, expectedServerName, formatDirective, insertDirectives, setDirective, type DirectiveNode, type Edit, type PassSite } from '../../src/rule-api.js';

/** The pass modules that speak TLS to a backend (https://, grpcs://, suwsgi://). */
const TLS_PREFIX: Readonly<Record<string, string>> = { proxy: 'proxy', grpc: 'grpc', uwsgi: 'uwsgi' };



export default defineRule({
  name: 'upstream-tls-verify',
  category: 'tls',
  severity: 'error',
  description: 'Backend certificate verification turned on without what it needs: a trusted CA file, or the real host name for an upstream block.',
  fix: 'safe',
  messages: {
    noTrusted:
      '"{{prefix}}_ssl_verify on" without "{{prefix}}_ssl_trusted_certificate": nginx refuses to load ("no {{prefix}}_ssl_trusted_certificate for {{prefix}}_ssl_verify")',
    blockName:
      '"{{pass}} {{url}}" verifies the backend certificate against the upstream block name "{{name}}" ("{{prefix}}_ssl_name" is not set): every request fails with 502 ("upstream SSL certificate does not match "{{name}}" while SSL handshaking to upstream")',
  },
  create(context) {
    const model = context.model;
    const reportedVerify = new Set<DirectiveNode>();
    const check = (site: PassSite): void => {
      const prefix = TLS_PREFIX[site.passKind];
      if (prefix === undefined || !site.url.ok || site.url.value.ssl !== true) return;
      const scope = site.node.scope;
      const verify = model.effective(scope, `${prefix}_ssl_verify`);
      const verifyNode = verify.nodes[verify.nodes.length - 1];
      if (verifyNode === undefined || verifyNode.directive.args[0]?.value.toLowerCase() !== 'on') return;
      if (model.effective(scope, `${prefix}_ssl_trusted_certificate`).nodes.length === 0) {
        if (!reportedVerify.has(verifyNode)) {
          reportedVerify.add(verifyNode);
          context.report({ messageId: 'noTrusted', data: { prefix }, at: { node: verifyNode }, related: [{ at: { node: site.node }, message: 'TLS to the backend here' }] });
        }
        return;
      }
      const target = site.target;
      if (target.kind !== 'upstream' || model.effective(scope, `${prefix}_ssl_name`).nodes.length > 0) return;
      const name = expectedServerName(context.model, site, target.upstream, prefix);
      const edits: Edit[] =
        name === undefined
          ? []
          : model.local(scope, `${prefix}_ssl_name`).length > 0
            ? setDirective(model, scope, `${prefix}_ssl_name`, [name])
            : [insertDirectives(model, scope, [formatDirective(`${prefix}_ssl_name`, [name])], site.node)];
      context.report({
        messageId: 'blockName',
        data: { pass: site.node.name, url: site.node.directive.args[0]?.raw ?? '', prefix, name: target.upstream.name },
        at: { node: site.node },
        related: [
          { at: { node: target.upstream.node }, message: `upstream "${target.upstream.name}" defined here` },
          { at: { node: verifyNode }, message: 'verification turned on here' },
        ],
        ...(name !== undefined ? { fix: { title: `add ${prefix}_ssl_name ${name}`, applicability: 'safe' as const, edits } } : {}),
      });
    };
    return {
      'tree:exit': () => {
        for (const site of context.upstreams.passes) check(site);
      },
    };
  },
});
