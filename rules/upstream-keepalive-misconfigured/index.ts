import {
  addToList,
  defineRule,
  insertDirectives,
  setDirective,
  type DirectiveNode,
  type Edit,
  type Fix,
  type PassSite,
  type RelatedDescriptor,
  type Scope,
  type UpstreamBlock, indentUnit } from '../../src/rule-api.js';

/** From 1.29.7 nginx proxies with HTTP/1.1 and no longer adds `Connection: close` by default. */
const PROXY_KEEPALIVE_DEFAULTS = '1.29.7';

/** The variable the WebSocket map defines, as nginx's WebSocket guide names it. */
const UPGRADE_VAR = '$connection_upgrade';


/** Pure insertions at the same point, merged in order (two separate ones would come out reversed). */
function mergeInsertions(edits: readonly Edit[]): Edit[] {
  const out: Edit[] = [];
  for (const e of edits) {
    const prev = out.find((o) => o.file === e.file && o.start === e.start && o.end === e.start && e.end === e.start);
    if (prev === undefined) out.push(e);
    else out[out.indexOf(prev)] = { ...prev, text: prev.text + e.text };
  }
  return out;
}

/** Whether a header entry (`proxy_set_header NAME value`) sets the header `name` (lower case). */
function setsHeader(node: DirectiveNode, name: string): boolean {
  const header = node.directive.args[0]?.value ?? '';
  // The length first: most entries are other headers, and lower-casing each would allocate.
  return header.length === name.length && header.toLowerCase() === name;
}

/** An upstream block's explicit `keepalive N`. */
interface Keepalive {
  readonly node: DirectiveNode;
  readonly count: number;
}

export default defineRule({
  name: 'upstream-keepalive-misconfigured',
  category: 'keepalive',
  severity: 'warning',
  description: 'An upstream declares keepalive, but the locations using it send HTTP/1.0, "Connection: close" or no fastcgi_keep_conn, so no connection is reused.',
  fix: 'unsafe',
  messages: {
    proxyNotKeptAlive: 'upstream "{{upstream}}" has "keepalive {{keepalive}}", but connections from this location are never reused: {{reason}}',
    websocketNotKeptAlive:
      'upstream "{{upstream}}" has "keepalive {{keepalive}}", but connections from this WebSocket location are never reused: {{reason}}; it needs "proxy_set_header Connection $connection_upgrade" with a map of $http_upgrade',
    fastcgiKeepConnOff:
      'upstream "{{upstream}}" has "keepalive {{keepalive}}", but fastcgi_keep_conn is off {{origin}}: the FastCGI server closes the connection after every request',
  },
  options: {
    ignoreUpstreams: {
      type: 'string[]',
      description: 'Upstream names (case-insensitive) whose users are not checked.',
      default: [],
    },
  },
  create(context) {
    const model = context.model;
    const ignored = new Set(context.options.ignoreUpstreams.map((n) => n.toLowerCase()));

    /** The explicit `keepalive N` (N > 0) of an upstream block. */
    const keepaliveOf = (upstream: UpstreamBlock): Keepalive | undefined => {
      if (upstream.node.block === null) return undefined;
      const node = model.local(upstream.node.block, 'keepalive')[0];
      if (node === undefined) return undefined;
      const count = Number(node.directive.args[0]?.value);
      if (!Number.isInteger(count) || count <= 0) return undefined;
      return { node, count };
    };

    /** Whether the target nginx proxies with HTTP/1.1 by default; asked once. */
    let modernDefaults: boolean | undefined;
    const isModern = (): boolean => (modernDefaults ??= context.version.atLeast(PROXY_KEEPALIVE_DEFAULTS));

    /** The level a fix writes to: the location holding the pass (`if` and `limit_except` take no proxy_set_header). */
    const fixScope = (site: PassSite): Scope | undefined => model.enclosing(site.node.scope, 'location');

    /** Whether some `map ... $connection_upgrade` exists in http (written by the user or by an earlier fix). */
    let upgradeMap: boolean | undefined;
    const hasUpgradeMap = (): boolean => (upgradeMap ??= model.byName('map').some((m) => m.scope.kind === 'http' && m.directive.args[1]?.value === UPGRADE_VAR));

    /**
     * Edits that add the WebSocket map at http level; undefined when there is no http level in view. The
     * same for every location of an http block: computed once per block (it reads the whole file).
     */
    const mapEditsByHttp = new Map<Scope, readonly Edit[] | undefined>();
    const mapEdits = (scope: Scope): readonly Edit[] | undefined => {
      if (hasUpgradeMap()) return [];
      const http = model.enclosing(scope, 'http');
      if (http === undefined) return undefined;
      if (mapEditsByHttp.has(http)) return mapEditsByHttp.get(http);
      let edits: readonly Edit[] | undefined;
      const file = http.owner?.file ?? model.tree.files.get(model.tree.entry);
      if (file !== undefined) {
        const unit = indentUnit(file.source.text);
        const lines = [`map $http_upgrade ${UPGRADE_VAR} {`, `${unit}default upgrade;`, `${unit}'' close;`, '}'];
        edits = [insertDirectives(model, http, lines)];
      }
      mapEditsByHttp.set(http, edits);
      return edits;
    };

    const related = (keepalive: DirectiveNode, upstream: UpstreamBlock, extra: readonly RelatedDescriptor[]): RelatedDescriptor[] => [
      { at: { node: keepalive }, message: `upstream "${upstream.name}" with keepalive defined here` },
      ...extra,
    ];

    const checkProxy = (site: PassSite, upstream: UpstreamBlock, keepalive: Keepalive): void => {
      const scope = site.node.scope;
      const headers = model.effective(scope, 'proxy_set_header').nodes;
      let connectionSet = false;
      for (const n of headers) {
        if (!setsHeader(n, 'connection')) continue;
        // `proxy_set_header Connection close` is a deliberate opt-out of reuse for this location.
        if ((n.directive.args[1]?.value ?? '').toLowerCase() === 'close') return;
        connectionSet = true;
      }
      const versionEff = model.effective(scope, 'proxy_http_version');
      const versionNode = versionEff.nodes[versionEff.nodes.length - 1];
      const version = versionNode?.directive.args[0]?.value ?? (isModern() ? '1.1' : '1.0');
      const badVersion = version === '1.0';
      const badConnection = !connectionSet && !isModern();
      if (!badVersion && !badConnection) return;
      // Only a location whose Connection header is not cleared needs telling apart.
      const websocket = badConnection && headers.some((n) => setsHeader(n, 'upgrade') && (n.directive.args[1]?.value ?? '').includes('$http_upgrade'));

      const reasons: string[] = [];
      if (badVersion) {
        reasons.push(versionNode === undefined ? 'nginx speaks HTTP/1.0 to it (proxy_http_version defaults to 1.0 before 1.29.7)' : `proxy_http_version 1.0 is set${versionNode.scope === scope ? ' here' : ''}`);
      }
      if (badConnection) reasons.push('the "Connection: close" header (nginx\'s default before 1.29.7) is not cleared');
      const extra: RelatedDescriptor[] = [];
      if (versionNode !== undefined && badVersion && versionNode.scope !== scope) extra.push({ at: { node: versionNode }, message: 'proxy_http_version 1.0 set here' });

      const target = fixScope(site);
      let fix: Fix | undefined;
      if (target !== undefined) {
        const edits: Edit[] = [];
        const titles: string[] = [];
        let ok = true;
        if (badVersion) {
          edits.push(...setDirective(model, target, 'proxy_http_version', ['1.1']));
          titles.push('set proxy_http_version 1.1');
        }
        if (badConnection) {
          if (websocket) {
            const map = mapEdits(target);
            if (map === undefined) ok = false;
            else {
              edits.push(...addToList(model, target, 'proxy_set_header', ['Connection', UPGRADE_VAR]), ...map);
              titles.push(`set "Connection ${UPGRADE_VAR}"${map.length > 0 ? ' from a new map of $http_upgrade' : ''}`);
            }
          } else {
            edits.push(...addToList(model, target, 'proxy_set_header', ['Connection', '']));
            titles.push('clear the Connection header');
          }
        }
        if (ok && edits.length > 0) fix = { title: titles.join(' and '), applicability: 'unsafe', edits: mergeInsertions(edits) };
      }
      const data = { upstream: upstream.name, keepalive: keepalive.count, reason: reasons.join(', and ') };
      context.report({
        messageId: websocket && badConnection ? 'websocketNotKeptAlive' : 'proxyNotKeptAlive',
        data,
        at: { node: site.node },
        related: related(keepalive.node, upstream, extra),
        fix,
      });
    };

    const checkFastcgi = (site: PassSite, upstream: UpstreamBlock, keepalive: Keepalive): void => {
      const eff = model.effective(site.node.scope, 'fastcgi_keep_conn');
      const node = eff.nodes[eff.nodes.length - 1];
      if ((node?.directive.args[0]?.value ?? 'off').toLowerCase() === 'on') return;
      const extra: RelatedDescriptor[] = [];
      if (node !== undefined && node.scope !== site.node.scope) extra.push({ at: { node }, message: 'fastcgi_keep_conn off set here' });
      const target = fixScope(site);
      const fix: Fix | undefined =
        target === undefined ? undefined : { title: 'set fastcgi_keep_conn on', applicability: 'unsafe', edits: setDirective(model, target, 'fastcgi_keep_conn', ['on']) };
      context.report({
        messageId: 'fastcgiKeepConnOff',
        data: { upstream: upstream.name, keepalive: keepalive.count, origin: node === undefined ? "(nginx's default)" : node.scope === site.node.scope ? 'here' : '(inherited)' },
        at: { node: site.node },
        related: related(keepalive.node, upstream, extra),
        fix,
      });
    };

    return {
      'tree:exit'() {
        const graph = context.upstreams;
        for (const site of graph.passes) {
          if (site.target.kind !== 'upstream' || (site.passKind !== 'proxy' && site.passKind !== 'fastcgi')) continue;
          const upstream = site.target.upstream;
          if (upstream.family !== 'http' || (ignored.size > 0 && ignored.has(upstream.name.toLowerCase()))) continue;
          const keepalive = keepaliveOf(upstream);
          if (keepalive === undefined) continue;
          if (site.passKind === 'proxy') checkProxy(site, upstream, keepalive);
          else checkFastcgi(site, upstream, keepalive);
        }
      },
    };
  },
});
