import { argLocus,
  closestMatches,
  defineRule,
  isIPv4Literal,
  isIPv6Literal,
  PASS_DIRECTIVES,
  UNIX_SOCKET_PATH_MAX,
  type DirectiveNode,
  type PassSite,
  type RelatedDescriptor,
  type UpstreamBlock,
} from '../../src/rule-api.js';

/** Balancing methods whose handlers drop NGX_HTTP_UPSTREAM_BACKUP from the upstream's flags. */
const NO_BACKUP_METHODS: ReadonlySet<string> = new Set(['ip_hash', 'hash', 'random']);

/** What nginx says when proxy_pass has a URI part where it cannot substitute the location prefix. */
const URI_PART =
  '"proxy_pass" cannot have URI part in location given by regular expression, or inside named location, or inside "if" statement, or inside "limit_except" block';

/** `http://`, `fastcgi://`, ...: a scheme where the directive takes none (or another one). */
const SCHEME = /^[a-z][a-z0-9+.-]*:\/\//i;

/** Largest edit distance for a "did you mean" upstream name. */
const MAX_SUGGESTION_DISTANCE = 2;

/** Names shorter than this get no suggestion: one edit away from almost anything. */
const MIN_SUGGESTION_LENGTH = 3;

/** Whether an upstream{} sits where nginx allows one (http or stream). */
function isPlaced(node: DirectiveNode): boolean {
  return node.scope.kind === 'http' || node.scope.kind === 'stream';
}

/** An upstream block's name as the upstream graph reads it. */
function upstreamName(node: DirectiveNode): string {
  return node.directive.args[0]?.value ?? '';
}

/** Where a pass site's URI part cannot be used: regex and named locations, `if` and `limit_except` blocks. */
function forbidsUri(site: PassSite): boolean {
  const scope = site.node.scope;
  if (scope.kind === 'if-in-location' || scope.kind === 'limit_except') return true;
  if (scope.kind !== 'location' || scope.owner === null || scope.owner.name !== 'location') return false;
  const args = scope.owner.directive.args;
  const first = args[0]?.value ?? '';
  if (args.length >= 2) return first === '~' || first === '~*';
  return first.startsWith('~') || first.startsWith('@');
}

export default defineRule({
  name: 'upstream-definition-errors',
  category: 'upstream',
  severity: 'error',
  description: 'Upstream blocks and *_pass targets that nginx refuses to load: empty or duplicate upstreams, bad URLs, ports on upstream names.',
  messages: {
    emptyUpstream: 'no servers are inside upstream "{{name}}"',
    duplicateUpstream: 'duplicate upstream "{{name}}"',
    onlyBackupServers: 'no servers in upstream "{{name}}": every server in it is marked "backup", and nginx needs at least one primary server',
    backupNotSupported: 'balancing method does not support parameter "backup": "{{method}}" in upstream "{{name}}" comes before this server',
    portOnUpstream: 'upstream "{{name}}" may not have port {{port}}: the name refers to an upstream block, whose servers carry the ports',
    noScheme: 'invalid URL prefix: "{{directive}}" needs "http://" or "https://" in front of "{{url}}"',
    schemeNotAllowed: '{{error}}: "{{directive}}" {{allowed}}',
    invalidPort: '{{error}}: a port is a number from 1 to 65535',
    socketPathTooLong: '{{error}}: the path is {{length}} bytes, a unix socket path holds at most {{max}}',
    invalidAddress: '{{error}}',
    uriNotAllowed: URI_PART,
    noPort: 'no port in upstream "{{name}}": "{{directive}}" has no default port, and no upstream block is named "{{name}}"{{hint}}',
    undefinedUpstream:
      'upstream "{{name}}" is not defined (did you mean "{{suggestion}}"?); nginx will try to resolve it as a hostname, and unless DNS knows it: host not found in upstream "{{name}}"',
  },
  create(context) {
    const tree = context.tree;
    const model = context.model;

    /** Whether every upstream block nginx would see is in view: a main config whose includes all loaded. */
    const complete = (): boolean => {
      if (model.root.kind !== 'main') return false;
      if (tree.problems.some((p) => p.kind !== 'cycle')) return false;
      for (const node of model.byName('include')) {
        if ((tree.includes.get(node.directive) ?? []).length === 0) return false;
      }
      return true;
    };

    const definedHere = (upstream: UpstreamBlock, message = `upstream "${upstream.name}" defined here`): RelatedDescriptor => ({
      at: argLocus(upstream.node),
      message,
    });

    const checkBlocks = (blocks: readonly UpstreamBlock[]): void => {
      const graph = context.upstreams;
      for (const upstream of blocks) {
        // The graph lists the blocks of a name in document order: the first one placed in the same family is the original.
        const sameName = graph.upstreams.get(upstream.name.toLowerCase()) ?? [];
        const earlier = sameName.length < 2 ? upstream : sameName.find((u) => u.family === upstream.family && isPlaced(u.node));
        if (earlier !== undefined && earlier !== upstream) {
          context.report({
            messageId: 'duplicateUpstream',
            data: { name: upstream.name },
            at: argLocus(upstream.node),
            related: [definedHere(earlier, `upstream "${earlier.name}" first defined here`)],
          });
        }

        const block = upstream.node.block;
        if (block === null) continue;
        if (upstream.servers.length === 0) {
          // Servers may come from an include that did not load, or from a third-party directive.
          const opaque = block.children.some(
            (child) => (child.name === 'include' && (tree.includes.get(child.directive) ?? []).length === 0) || child.variant === undefined,
          );
          if (!opaque) context.report({ messageId: 'emptyUpstream', data: { name: upstream.name }, at: argLocus(upstream.node) });
          continue;
        }
        if (upstream.servers.every((s) => s.params.has('backup'))) {
          context.report({
            messageId: 'onlyBackupServers',
            data: { name: upstream.name },
            at: argLocus(upstream.node),
            related: upstream.servers.map((s) => ({ at: argLocus(s.node), message: 'backup server' })),
          });
        }

        let method: DirectiveNode | undefined;
        for (const child of block.children) {
          if (NO_BACKUP_METHODS.has(child.name)) method = child;
          else if (child.name === 'least_conn' || child.name === 'least_time') method = undefined;
          if (child.name !== 'server' || method === undefined) continue;
          const index = child.directive.args.findIndex((a, i) => i > 0 && a.value === 'backup');
          if (index < 0) continue;
          context.report({
            messageId: 'backupNotSupported',
            data: { method: method.name, name: upstream.name },
            at: argLocus(child, index),
            related: [{ at: { node: method }, message: 'balancing method set here' }],
          });
        }

        for (const server of upstream.servers) {
          // `server unix:{{DIR}}/app.sock;` in a template parses as a block: a syntax finding, not an address.
          if (!server.parsed.ok && server.node.block === null) reportAddressError(server.node, server.parsed.error, server.address);
        }
      }
    };

    const reportAddressError = (node: DirectiveNode, error: string, text: string): void => {
      const at = argLocus(node);
      if (error.startsWith('invalid port ')) {
        context.report({ messageId: 'invalidPort', data: { error }, at });
      } else if (error.startsWith('too long path in the unix domain socket')) {
        const path = /^unix:(.*?)(?::|$)/i.exec(text.replace(/^[a-z]+:\/\//i, ''))?.[1] ?? text;
        context.report({ messageId: 'socketPathTooLong', data: { error, length: new TextEncoder().encode(path).length, max: UNIX_SOCKET_PATH_MAX - 1 }, at });
      } else {
        context.report({ messageId: 'invalidAddress', data: { error }, at });
      }
    };

    const allowedSchemes: Readonly<Record<string, string>> = {
      proxy: 'takes "http://" or "https://"',
      grpc: 'takes no scheme but "grpc://" or "grpcs://"',
      uwsgi: 'takes no scheme but "uwsgi://" or "suwsgi://"',
      fastcgi: 'takes no scheme: write "host:port" or "unix:/path"',
      scgi: 'takes no scheme: write "host:port" or "unix:/path"',
      memcached: 'takes no scheme: write "host:port" or "unix:/path"',
    };

    /** What "did you mean" suggestions are drawn from: built on the first name that needs one. */
    interface Suggestions {
      /** Names of http upstream blocks, by lower-cased name (the last spelling of a name wins). */
      readonly byLower: ReadonlyMap<string, string>;
      /** Host names used by upstream servers (real DNS names): never an upstream's misspelling. */
      readonly serverHosts: ReadonlySet<string>;
    }
    const suggestionsFrom = (blocks: readonly UpstreamBlock[]): Suggestions => {
      const names = [...new Set(blocks.filter((u) => u.family === 'http').map((u) => u.name))];
      const serverHosts = new Set<string>();
      for (const u of blocks) {
        for (const s of u.servers) if (s.parsed.ok && s.parsed.value.kind === 'hostname') serverHosts.add(s.parsed.value.host.toLowerCase());
      }
      return { byLower: new Map(names.map((n) => [n.toLowerCase(), n])), serverHosts };
    };

    const suggestionFor = (name: string, suggestions: () => Suggestions): string | undefined => {
      const lower = name.toLowerCase();
      if (lower.length < MIN_SUGGESTION_LENGTH) return undefined;
      if (isIPv4Literal(name) || isIPv6Literal(name.replace(/^\[|\]$/g, ''))) return undefined;
      const { byLower, serverHosts } = suggestions();
      if (serverHosts.has(lower)) return undefined;
      const limit = Math.min(MAX_SUGGESTION_DISTANCE, lower.length <= 4 ? 1 : 2);
      const match = closestMatches(lower, byLower.keys(), limit)[0];
      return match === undefined ? undefined : byLower.get(match);
    };

    const checkPasses = (passes: readonly PassSite[], blocks: readonly UpstreamBlock[]): void => {
      let suggestions: Suggestions | undefined;
      const getSuggestions = (): Suggestions => (suggestions ??= suggestionsFrom(blocks));
      let isComplete: boolean | undefined;

      for (const site of passes) {
        // A pass where it is not allowed, or with a block (a template's `{{VAR}}`), is another rule's finding.
        if (site.node.variant === undefined || site.node.block !== null) continue;
        const directive = PASS_DIRECTIVES[site.passKind];
        // The graph holds no pass without an argument: the URL is parsed from it.
        if (!site.url.ok) {
          const value = site.node.directive.args[0]?.value ?? '';
          const at = argLocus(site.node);
          const error = site.url.error;
          if (error.startsWith('invalid URL prefix')) {
            context.report({ messageId: 'noScheme', data: { directive, url: value }, at });
            continue;
          }
          const host = /^invalid host in upstream "(.*)"$/s.exec(error);
          if (host !== null && SCHEME.test(host[1] ?? '')) {
            context.report({ messageId: 'schemeNotAllowed', data: { error, directive, allowed: allowedSchemes[site.passKind] ?? 'takes no scheme' }, at });
            continue;
          }
          reportAddressError(site.node, error, value);
          continue;
        }

        const url = site.url.value;
        if (site.passKind === 'proxy' && !url.hasVariables && url.uri !== undefined && forbidsUri(site)) {
          context.report({ messageId: 'uriNotAllowed', at: argLocus(site.node) });
          continue;
        }
        if (url.hasVariables || url.upstreamName === undefined) continue;

        const upstream = !url.noPort && url.port !== undefined ? context.upstreams.find(url.upstreamName) : undefined;
        if (upstream !== undefined && url.port !== undefined) {
          context.report({
            messageId: 'portOnUpstream',
            data: { name: url.upstreamName, port: url.port },
            at: argLocus(site.node),
            related: [definedHere(upstream)],
          });
          continue;
        }

        const target = site.target;
        if (target.kind === 'unknown-name') {
          const suggestion = suggestionFor(target.name, getSuggestions);
          if (suggestion === undefined && !(isComplete ??= complete())) continue;
          const related = suggestion === undefined ? [] : [definedHere(context.upstreams.find(suggestion) as UpstreamBlock)];
          context.report({
            messageId: 'noPort',
            data: { name: target.name, directive, hint: suggestion === undefined ? '' : ` (did you mean "${suggestion}"?)` },
            at: argLocus(site.node),
            related,
          });
          continue;
        }
        if (target.kind === 'address' && url.noPort && url.kind === 'hostname') {
          const suggestion = suggestionFor(url.upstreamName, getSuggestions);
          if (suggestion === undefined) continue;
          context.report({
            messageId: 'undefinedUpstream',
            data: { name: url.upstreamName, suggestion },
            at: argLocus(site.node),
            related: [definedHere(context.upstreams.find(suggestion) as UpstreamBlock)],
          });
        }
      }
    };

    return {
      'tree:exit'() {
        const graph = context.upstreams;
        // Document order; upstream{} where nginx does not allow it is another rule's finding.
        const blocks: UpstreamBlock[] = [];
        for (const node of model.byName('upstream')) {
          if (!isPlaced(node)) continue;
          const u = graph.upstreams.get(upstreamName(node).toLowerCase())?.find((b) => b.node === node);
          if (u !== undefined) blocks.push(u);
        }
        checkBlocks(blocks);
        checkPasses(graph.passes, blocks);
      },
    };
  },
});
