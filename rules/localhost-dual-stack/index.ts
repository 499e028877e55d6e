import { defineRule, replaceArg, type DirectiveNode, type Edit, type Fix, type Listener, type PassSite, type RelatedDescriptor, type Scope } from '../../src/rule-api.js';

/**
 * Names that usually map to both 127.0.0.1 and ::1 (glibc, systemd-resolved, Debian /etc/hosts). A
 * case-insensitive pattern rather than a set: every pass and server host is asked, and lower-casing
 * each for a set lookup would copy it.
 */
const DUAL_STACK = /^(?:localhost|localhost\.localdomain|localhost6|ip6-localhost)$/i;

interface Endpoint {
  /** The directive holding the address: the pass, or an upstream's `server`. */
  readonly node: DirectiveNode;
  readonly host: string;
  readonly port: number | undefined;
  /** The pass sites that connect there (one for a pass; the upstream's users for a server line). */
  readonly sites: readonly PassSite[];
  /** Set for a pass's own address (then the URL is rewritten, scheme and URI kept). */
  readonly site?: PassSite;
}

const isV4Bind = (h: string | undefined): boolean => h !== undefined && /^127\.|^0\.0\.0\.0$/.test(h);
const isV6Bind = (h: string | undefined): boolean => h !== undefined && /^(::1|\[::1\])$/.test(h);

/** `off` in proxy_next_upstream, or `*_next_upstream_tries 1`, in effect where the pass lives. */
function retriesOff(site: PassSite, effective: (scope: Scope, name: string) => readonly DirectiveNode[]): DirectiveNode | undefined {
  const prefix = site.passKind;
  if (prefix === 'memcached') return undefined;
  const next = effective(site.node.scope, `${prefix}_next_upstream`)[0];
  if (next !== undefined && next.directive.args.some((a) => a.value === 'off')) return next;
  const tries = effective(site.node.scope, `${prefix}_next_upstream_tries`)[0];
  if (tries !== undefined && tries.directive.args[0]?.value === '1') return tries;
  return undefined;
}

export default defineRule({
  name: 'localhost-dual-stack',
  category: 'upstream',
  severity: 'warning',
  description: 'An upstream address written as `localhost`, which nginx resolves at load time into every address, usually ::1 and 127.0.0.1.',
  fix: 'safe',
  messages: {
    dualStack:
      '{{host}} resolves to every loopback address (usually ::1 and 127.0.0.1) and nginx tries each in turn: the address the backend does not bind logs "connect() failed (111: Connection refused) while connecting to upstream" and is disabled for a while, and when the backend binds only the other family every request is a 502; connect to {{address}}',
    retriesOff:
      '{{host}} resolves to every loopback address (usually ::1 and 127.0.0.1) while {{retry}} stops nginx from trying the next one: a request sent to the address the backend does not bind fails with "connect() failed (111: Connection refused) while connecting to upstream" and a 502; connect to {{address}}',
  },
  create(context) {
    const model = context.model;
    const effective = (scope: Scope, name: string) => model.effective(scope, name).nodes;

    /** The literal address the backend binds on this port: [::1] when only an IPv6 loopback bind is known. */
    const bindFor = (port: number | undefined): { address: string; listener: Listener | undefined } => {
      if (port === undefined) return { address: '127.0.0.1', listener: undefined };
      const tcp = context.backends.listeners.filter((l) => l.transport === 'tcp' && l.port === port);
      const v6 = tcp.find((l) => isV6Bind(l.host));
      const v4 = tcp.find((l) => isV4Bind(l.host));
      if (v6 !== undefined && v4 === undefined) return { address: '[::1]', listener: v6 };
      return { address: '127.0.0.1', listener: v4 };
    };

    return {
      'tree:exit'() {
        const graph = context.upstreams;
        const list: Endpoint[] = [];
        for (const site of graph.passes) {
          const t = site.target;
          if (t.kind === 'address' && DUAL_STACK.test(t.host)) list.push({ node: site.node, host: t.host, port: t.port, sites: [site], site });
        }
        for (const blocks of graph.upstreams.values()) {
          for (const block of blocks) {
            for (const server of block.servers) {
              if (!server.parsed.ok || server.parsed.value.kind === 'unix') continue;
              const host = server.parsed.value.host;
              // `resolve` re-resolves at run time with nginx's resolver; the address set still has both families.
              if (!DUAL_STACK.test(host)) continue;
              list.push({ node: server.node, host, port: server.parsed.value.port, sites: graph.usersOf(block) });
            }
          }
        }

        for (const e of list) {
          const arg = e.node.directive.args[0];
          if (arg === undefined) continue;
          const { address, listener } = bindFor(e.port);
          const related: RelatedDescriptor[] = [];
          if (listener !== undefined) related.push({ at: { backend: listener.source }, message: `the backend binds ${listener.host ?? ''}:${e.port ?? ''} here` });
          let retry: DirectiveNode | undefined;
          for (const site of e.sites) {
            retry ??= retriesOff(site, effective);
            if (site.node !== e.node) related.push({ at: { node: site.node }, message: `used by ${site.node.name} here` });
          }
          if (retry !== undefined) related.push({ at: { node: retry }, message: `${retry.name} ${retry.directive.args.map((a) => a.value).join(' ')} in effect here` });

          // Rewrite only the host: keep the scheme, the port, the URI and the server parameters as written.
          let edit: Edit | undefined;
          const raw = arg.value;
          const at = raw.toLowerCase().indexOf(e.host.toLowerCase());
          if (at >= 0 && !/[\w.-]/.test(raw.charAt(at + e.host.length)) && (at === 0 || /[/:]/.test(raw.charAt(at - 1)))) {
            edit = replaceArg(e.node, 0, raw.slice(0, at) + address + raw.slice(at + e.host.length));
          }
          // Safe when the backend's own bind is known; otherwise the backend might bind only ::1.
          const fix: Fix | undefined =
            edit === undefined ? undefined : { title: `connect to ${address} instead of ${e.host}`, applicability: listener !== undefined ? 'safe' : 'unsafe', edits: [edit] };
          context.report({
            messageId: retry !== undefined ? 'retriesOff' : 'dualStack',
            data: { host: e.host, address, retry: retry === undefined ? '' : `"${retry.name} ${retry.directive.args.map((a) => a.value).join(' ')}"` },
            at: { node: e.node, span: arg.span },
            related,
            ...(fix !== undefined ? { fix } : {}),
          });
        }
      },
    };
  },
});
