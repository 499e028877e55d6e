import { defineRule, expectedServerName, formatDirective, insertDirectives, isIPv4Literal, isIPv6Literal, setDirective, type Edit, type Fix, type PassSite } from '../../src/rule-api.js';

/** The pass modules that speak TLS to a backend (https://, grpcs://, suwsgi://). */
const TLS_PREFIX: Readonly<Record<string, string>> = { proxy: 'proxy', grpc: 'grpc', uwsgi: 'uwsgi' };

const isIp = (host: string): boolean => isIPv4Literal(host) || isIPv6Literal(host.replace(/^\[|\]$/g, ''));
const isLoopbackName = (host: string): boolean => /^localhost\.?$/i.test(host) || /\.localhost\.?$/i.test(host);


export default defineRule({
  name: 'upstream-tls-sni-missing',
  category: 'tls',
  severity: 'error',
  description: 'TLS to a backend (https://, grpcs://, suwsgi://) without SNI, or with the upstream block name as SNI.',
  fix: 'safe',
  messages: {
    sniOff:
      '"{{pass}} {{url}}" connects over TLS without SNI ("{{prefix}}_ssl_server_name" is off): a backend that needs SNI (CDN, PaaS, shared IP) fails the handshake and nginx answers 502 ("SSL_do_handshake() failed ... while SSL handshaking to upstream")',
    blockName:
      '"{{pass}} {{url}}" sends the upstream block name "{{name}}" as SNI: "{{prefix}}_ssl_name" is not set, so the backend sees a host it does not serve and the handshake can fail with 502',
    ipNoName:
      '"{{prefix}}_ssl_server_name on" has no effect for the IP address {{host}}: nginx sends no SNI for an IP; set "{{prefix}}_ssl_name" to the backend\'s host name',
  },
  create(context) {
    const model = context.model;
    const check = (site: PassSite): void => {
      const prefix = TLS_PREFIX[site.passKind];
      if (prefix === undefined || !site.url.ok || site.url.value.ssl !== true) return;
      const target = site.target;
      const scope = site.node.scope;
      const serverName = model.effective(scope, `${prefix}_ssl_server_name`);
      const sniValue = serverName.nodes[serverName.nodes.length - 1]?.directive.args[0]?.value.toLowerCase() ?? 'off';
      const sslName = model.effective(scope, `${prefix}_ssl_name`);
      const hasName = sslName.nodes.length > 0;
      const url = site.node.directive.args[0]?.raw ?? '';
      const data = { pass: site.node.name, url, prefix };
      const at = { node: site.node };
      const fixWith = (name: string | undefined, withOn: boolean, applicability: 'safe' | 'suggestion', title: string): Fix => {
        const settings: [string, string][] = [];
        if (withOn) settings.push([`${prefix}_ssl_server_name`, 'on']);
        if (name !== undefined) settings.push([`${prefix}_ssl_name`, name]);
        const edits: Edit[] = [];
        const inserts: string[] = [];
        for (const [directive, value] of settings) {
          if (model.local(scope, directive).length > 0) edits.push(...setDirective(model, scope, directive, [value]));
          else inserts.push(formatDirective(directive, [value]));
        }
        if (inserts.length > 0) edits.push(insertDirectives(model, scope, inserts, site.node));
        return { title, applicability, edits };
      };

      if (target.kind === 'address') {
        if (isIp(target.host)) {
          if (sniValue === 'on' && !hasName) context.report({ messageId: 'ipNoName', data: { ...data, host: target.host }, at });
          return;
        }
        if (sniValue === 'on' || serverName.origin !== 'default' || isLoopbackName(target.host)) return;
        context.report({ messageId: 'sniOff', data, at, fix: fixWith(undefined, true, 'safe', `add ${prefix}_ssl_server_name on`) });
        return;
      }
      if (target.kind !== 'upstream') return;
      const name = hasName ? undefined : expectedServerName(context.model, site, target.upstream, prefix);
      const related = [{ at: { node: target.upstream.node }, message: `upstream "${target.upstream.name}" defined here` }];
      if (sniValue !== 'on') {
        if (serverName.origin !== 'default') return; // explicitly off: a deliberate choice
        const fix =
          hasName || name !== undefined
            ? fixWith(name, true, 'safe', name !== undefined ? `add ${prefix}_ssl_server_name on and ${prefix}_ssl_name ${name}` : `add ${prefix}_ssl_server_name on`)
            : fixWith(undefined, true, 'suggestion', `add ${prefix}_ssl_server_name on and set ${prefix}_ssl_name to the backend's host name`);
        context.report({ messageId: 'sniOff', data, at, related, fix });
        return;
      }
      if (hasName) return;
      context.report({
        messageId: 'blockName',
        data: { ...data, name: target.upstream.name },
        at,
        related,
        ...(name !== undefined ? { fix: fixWith(name, false, 'safe', `add ${prefix}_ssl_name ${name}`) } : {}),
      });
    };
    return {
      'tree:exit': () => {
        for (const site of context.upstreams.passes) check(site);
      },
    };
  },
});
