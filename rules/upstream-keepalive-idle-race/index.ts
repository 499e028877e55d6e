import {
  MATCH_ANY_HOST,
  backendLabel,
  defineRule,
  formatMs,
  idleTimeout,
  matchUpstream,
  parseTime,
  setDirective,
  valueRelated,
  type BackendValue,
  type DirectiveNode,
  type Fix,
  type Locus,
  type PassSite,
  type RelatedDescriptor,
  type UpstreamBlock,
} from '../../src/rule-api.js';

/** From 1.29.7 upstream{} blocks keep connections (`keepalive 32 local`) and proxy speaks HTTP/1.1 by default. */
const KEEPALIVE_BY_DEFAULT = '1.29.7';
/** The upstream `keepalive_timeout` directive exists since 1.15.3. */
const KEEPALIVE_TIMEOUT_SINCE = '1.15.3';
/** nginx's upstream keepalive_timeout default. */
const NGINX_IDLE_DEFAULT = 60_000;

/** The nginx idle time a fix writes: one second under the backend's, or half of it for sub-2s timeouts. */
function targetIdle(backendMs: number): number {
  return backendMs >= 2_000 ? backendMs - 1_000 : Math.max(1, Math.floor(backendMs / 2));
}

function hasHttpBlock(upstreams: ReadonlyMap<string, readonly UpstreamBlock[]>): boolean {
  for (const blocks of upstreams.values()) if (blocks.some((b) => b.family === 'http')) return true;
  return false;
}

export default defineRule({
  name: 'upstream-keepalive-idle-race',
  category: 'keepalive',
  severity: 'warning',
  description: "An upstream keeps idle connections longer (keepalive_timeout, 60s by default) than the backend does, so requests race the backend's close.",
  fix: 'unsafe',
  messages: {
    idleRace:
      '{{backend}} closes idle keep-alive connections after {{idle}} ({{setting}}), but nginx keeps them for {{nginxIdle}} in upstream "{{upstream}}" (keepalive_timeout{{where}}): a request sent just as the backend closes one fails, and POST or PATCH requests, which nginx does not retry, get 502 with "upstream prematurely closed connection while reading response header from upstream"; set keepalive_timeout {{target}} in the upstream',
    idleRaceDefaultKeepalive:
      'from nginx 1.29.7 upstream "{{upstream}}" keeps idle connections without a keepalive line ("keepalive 32 local" is the default for upstream{} blocks), for {{nginxIdle}} (keepalive_timeout{{where}}), but {{backend}} closes them after {{idle}} ({{setting}}): a request sent just as the backend closes one fails, and POST or PATCH requests, which nginx does not retry, get 502 with "upstream prematurely closed connection while reading response header from upstream"; set keepalive_timeout {{target}} in the upstream',
  },
  create(context) {
    const model = context.model;

    /** Whether a location that passes to the upstream really reuses its connections. */
    const reuses = (site: PassSite, modern: boolean): boolean => {
      const scope = site.node.scope;
      switch (site.passKind) {
        case 'grpc':
          return true;
        case 'fastcgi': {
          const node = model.effective(scope, 'fastcgi_keep_conn').nodes[0];
          return node?.directive.args[0]?.value.toLowerCase() === 'on';
        }
        case 'proxy': {
          const connection = model.effective(scope, 'proxy_set_header').nodes.filter((n) => n.directive.args[0]?.value.toLowerCase() === 'connection');
          if (connection.some((n) => n.directive.args[1]?.value.toLowerCase() === 'close')) return false;
          const versions = model.effective(scope, 'proxy_http_version').nodes;
          const version = versions[versions.length - 1]?.directive.args[0]?.value ?? (modern ? '1.1' : '1.0');
          if (version === '1.0') return false;
          // Before 1.29.7 nginx sends "Connection: close" unless the location sets the header itself.
          return modern || connection.length > 0;
        }
        default:
          // nginx never keeps uwsgi and SCGI connections.
          return false;
      }
    };

    /** The block's `upstream name` head, without its body. */
    const head = (block: UpstreamBlock): Locus => {
      const d = block.node.directive;
      const last = d.args[d.args.length - 1];
      return { node: block.node, span: { start: d.span.start, end: last === undefined ? d.nameSpan.end : last.span.end } };
    };

    const check = (block: UpstreamBlock, modern: boolean, listeners: Parameters<typeof matchUpstream>[1]): void => {
      const scope = block.node.block;
      if (scope === null) return;
      const keepalive = model.local(scope, 'keepalive')[0];
      if (keepalive !== undefined) {
        const count = Number(keepalive.directive.args[0]?.value);
        if (!Number.isInteger(count) || count <= 0) return;
      } else if (!modern) return;
      if (!context.upstreams.usersOf(block).some((site) => reuses(site, modern))) return;

      const matches = matchUpstream(block, listeners, MATCH_ANY_HOST);
      let idle: BackendValue | undefined;
      let via: DirectiveNode | undefined;
      for (const m of matches) {
        const v = idleTimeout(m.listener);
        if (v !== undefined && (idle === undefined || v.value < idle.value)) {
          idle = v;
          via = m.server?.node;
        }
      }
      if (idle === undefined) return;

      const timeouts = model.local(scope, 'keepalive_timeout');
      const timeoutNode = timeouts[timeouts.length - 1];
      let nginxIdle = NGINX_IDLE_DEFAULT;
      if (timeoutNode !== undefined) {
        const parsed = parseTime(timeoutNode.directive.args[0]?.value ?? '', 'ms');
        if (!parsed.ok) return;
        nginxIdle = parsed.value.ms;
      }
      if (nginxIdle < idle.value) return;

      const target = formatMs(targetIdle(idle.value));
      const fix: Fix | undefined = context.version.atLeast(KEEPALIVE_TIMEOUT_SINCE)
        ? { title: `set keepalive_timeout ${target} in upstream "${block.name}"`, applicability: 'unsafe', edits: setDirective(model, scope, 'keepalive_timeout', [target]) }
        : undefined;
      const related: RelatedDescriptor[] = [valueRelated(idle, formatMs, 'closes idle connections after')];
      if (via !== undefined) related.push({ at: { node: via }, message: `this upstream server is ${backendLabel(idle.listener)}` });
      if (timeoutNode !== undefined && keepalive !== undefined) related.push({ at: { node: keepalive }, message: `keepalive ${keepalive.directive.args[0]?.value ?? ''} set here` });
      context.report({
        messageId: keepalive === undefined ? 'idleRaceDefaultKeepalive' : 'idleRace',
        data: {
          backend: backendLabel(idle.listener),
          idle: formatMs(idle.value),
          setting: idle.setting,
          nginxIdle: formatMs(nginxIdle),
          where: timeoutNode === undefined ? ", nginx's default" : '',
          upstream: block.name,
          target,
        },
        at: timeoutNode !== undefined ? { node: timeoutNode } : keepalive !== undefined ? { node: keepalive } : head(block),
        related,
        ...(fix !== undefined ? { fix } : {}),
      });
    };

    return {
      'tree:exit'() {
        const upstreams = context.upstreams.upstreams;
        if (!hasHttpBlock(upstreams)) return;
        const listeners = context.backends.listeners;
        // Without known backends nothing is compared: the blocks are not even listed.
        if (listeners.length === 0) return;
        const modern = context.version.atLeast(KEEPALIVE_BY_DEFAULT);
        for (const blocks of upstreams.values()) {
          for (const block of blocks) if (block.family === 'http') check(block, modern, listeners);
        }
      },
    };
  },
});
