import {
  closestMatches,
  defineRule,
  formatDirective,
  insertDirectives,
  isIPv4Literal,
  isIPv6Literal,
  parseUpstreamUrl,
  type DirectiveNode,
  type Fix,
  type Node,
  type PassSite,
  type RelatedDescriptor,
} from '../../src/rule-api.js';

/** At most this many combinations of followed values are tried per pass. */
const MAX_EXPANSIONS = 64;
/** Built-in variables whose value begins the URI: `/...` (or `?` for $is_args), never part of the host. */
const URI_VARIABLES = /\$(?:\{(request_uri|uri|document_uri|is_args)\}|(request_uri|uri|document_uri|is_args)(?!\w))/gi;
/** Built-in variables filled from the client's request: any hostname can arrive there. */
const REQUEST_VARIABLES = /^(host|http_\w+|arg_\w+|cookie_\w+|server_name)$/;
const VARIABLE = /\$(?:\{(\w+)\}|(\w+))/g;

/** What a pass's host can be, as far as the configuration tells. */
interface Outcome {
  /** Hostnames nginx must resolve at request time (with or without a port). */
  readonly hostnames: Map<string, { readonly noPort: boolean }>;
  /** Some value could not be followed to a literal (a built-in variable, a value with variables). */
  unknown: string | undefined;
  /** The set/map directives the values came from. */
  readonly sources: DirectiveNode[];
}

/** The `set` and `map` directives that set one variable, in document order. */
interface Setters {
  readonly sets: { readonly node: DirectiveNode; readonly value: string }[];
  readonly maps: { readonly node: DirectiveNode; readonly block: readonly Node[] }[];
}
const NO_SETTERS: Setters = { sets: [], maps: [] };

const isIp = (h: string): boolean => isIPv4Literal(h) || isIPv6Literal(h.replace(/^\[|\]$/g, ''));

export default defineRule({
  name: 'proxy-pass-variable-needs-resolver',
  category: 'dns',
  severity: 'error',
  description: 'A *_pass with variables whose host is a name that nginx must resolve per request, with no resolver in effect.',
  fix: 'safe',
  options: {
    nameserver: {
      type: 'string',
      description:
        'The DNS server nginx should use (`127.0.0.11` in Docker, the host\'s resolver otherwise; `host:port` allowed). When set, the fix writes `resolver <nameserver> valid=30s;` at http level; without it, and outside compose, the fix is left to a human.',
      default: '',
    },
  },
  messages: {
    noResolver:
      '{{directive}} uses variables, so nginx resolves {{hosts}} per request, but no "resolver" is in effect here: every request logs "no resolver defined to resolve {{first}}" and gets a 502; add "resolver <dns> valid=30s;" (nginx\'s resolver does not read /etc/hosts)',
    didYouMean:
      '{{directive}} uses variables, so nginx resolves "{{first}}" per request, but no "resolver" is in effect here: every request logs "no resolver defined to resolve {{first}}" and gets a 502; did you mean the upstream "{{suggestion}}"?',
    unknownValue:
      '{{directive}} uses variables and its host comes from {{variable}}, which is not an IP address or an upstream{} name nginx can check here, and no "resolver" is in effect: any hostname it holds logs "no resolver defined to resolve <name>" and gets a 502; add "resolver <dns> valid=30s;"',
  },
  create(context) {
    const model = context.model;
    const graph = context.upstreams;

    /** Literal values a variable can take: every `set $v VALUE` and every value of a `map ... $v {}`. */
    /** The setters of each variable (`$name` lowercased), indexed on first use. */
    let setterIndex: Map<string, Setters> | undefined;
    const settersOf = (variable: string): Setters => {
      if (setterIndex === undefined) {
        const index = new Map<string, Setters>();
        const entry = (target: string): Setters => {
          let e = index.get(target);
          if (e === undefined) index.set(target, (e = { sets: [], maps: [] }));
          return e;
        };
        for (const node of model.byName('set')) {
          const [target, value] = node.directive.args;
          if (target !== undefined && value !== undefined) entry(target.value.toLowerCase()).sets.push({ node, value: value.value });
        }
        for (const node of model.byName('map')) {
          const target = node.directive.args[1];
          const block = node.directive.block;
          if (target !== undefined && block !== null) entry(target.value.toLowerCase()).maps.push({ node, block });
        }
        setterIndex = index;
      }
      return setterIndex.get(variable) ?? NO_SETTERS;
    };

    const valuesCache = new Map<string, { values: string[]; nodes: DirectiveNode[] } | undefined>();
    const valuesOf = (name: string): { values: string[]; nodes: DirectiveNode[] } | undefined => {
      const key = name.toLowerCase();
      if (valuesCache.has(key)) return valuesCache.get(key);
      const values: string[] = [];
      const nodes: DirectiveNode[] = [];
      let followable = true;
      const setters = settersOf(`$${key}`);
      for (const { node, value } of setters.sets) {
        nodes.push(node);
        values.push(value);
      }
      for (const { node, block } of setters.maps) {
        nodes.push(node);
        // map's body is free-form (key value pairs), so it is read from the syntax tree.
        for (const entry of block) {
          if (entry.type !== 'directive' || entry.name === 'hostnames' || entry.name === 'volatile') continue;
          // An included list of pairs is not followed.
          if (entry.name === 'include') followable = false;
          const value = entry.args[0];
          if (value !== undefined) values.push(value.value);
        }
      }
      // A variable nothing sets here (built-in, or set by another module): its value is not known.
      if (nodes.length === 0) followable = false;
      const result = followable ? { values: [...new Set(values)].filter((v) => v !== ''), nodes } : undefined;
      valuesCache.set(key, result);
      return result;
    };

    /** Substitutes followed variables (one level deep, a few levels for chains) and collects the hosts. */
    const analyse = (site: PassSite): Outcome => {
      const out: Outcome = { hostnames: new Map(), unknown: undefined, sources: [] };
      const seen = new Set<string>();
      const visit = (text: string, depth: number): void => {
        if (seen.size >= MAX_EXPANSIONS || seen.has(text)) return;
        seen.add(text);
        const url = parseUpstreamUrl(text, site.passKind);
        if (!url.ok) return; // nginx answers 500 for such a value; not a resolver problem
        const u = url.value;
        if (u.unixPath !== undefined) return;
        if (u.host !== undefined) {
          if (isIp(u.host)) return;
          if (u.noPort && graph.find(u.host) !== undefined) return;
          out.hostnames.set(u.host, { noPort: u.noPort });
          return;
        }
        // The host (or the whole URL) is still a variable: follow the first one that can be followed.
        VARIABLE.lastIndex = 0;
        for (let m = VARIABLE.exec(text); m !== null; m = VARIABLE.exec(text)) {
          const name = m[1] ?? m[2] ?? '';
          const followed = depth < 4 ? valuesOf(name) : undefined;
          if (followed === undefined || followed.values.length === 0) continue;
          for (const n of followed.nodes) if (!out.sources.includes(n)) out.sources.push(n);
          for (const value of followed.values) {
            // Keep nginx's `${name}` boundary: the value replaces exactly the reference.
            visit(text.slice(0, m.index) + value + text.slice(m.index + m[0].length), depth + 1);
          }
          return;
        }
        // Only a value nginx itself fills from the request is known to be a name; a variable set by a file or
        // module not seen here (js_set, an envsubst placeholder such as $BACKEND_ADDR) is left alone.
        const ref = /\$\{?(\w+)\}?/.exec(u.hostText ?? text);
        if (ref !== null && REQUEST_VARIABLES.test(ref[1] ?? '')) out.unknown ??= ref[0];
        else if (ref !== null && valuesOf(ref[1] ?? '') !== undefined) out.unknown ??= ref[0];
      };
      const arg = site.node.directive.args[0];
      // Variables that only ever hold a URI start: `http://app$request_uri` still names the host "app".
      if (arg !== undefined) visit(arg.value.replace(URI_VARIABLES, (_whole, a?: string, b?: string) => (/^(is_args)$/i.test(a ?? b ?? '') ? '?' : '/')), 0);
      return out;
    };

    /** Docker's embedded DNS when nginx runs in a compose service; the configured nameserver otherwise. */
    const nameserver = (): string | undefined => {
      if (context.options.nameserver !== '') return context.options.nameserver;
      if (context.backends.services.some((s) => s.runsNginx)) return '127.0.0.11';
      return undefined;
    };

    let upstreamNames: string[] | undefined;
    const suggestions = new Map<string, string | undefined>();
    /** The closest http upstream{} name to a host (within 2 edits), once per host. */
    const suggestionFor = (host: string): string | undefined => {
      if (!suggestions.has(host)) {
        upstreamNames ??= [...graph.upstreams.values()].flatMap((list) => list.filter((u) => u.family === 'http').map((u) => u.name));
        suggestions.set(host, closestMatches(host, upstreamNames, 2)[0]);
      }
      return suggestions.get(host);
    };

    return {
      'tree:exit'() {
        for (const site of graph.passes) {
          if (site.target.kind !== 'variable' || !site.url.ok || !site.url.value.hasVariables) continue;
          if (model.effective(site.node.scope, 'resolver').nodes.length > 0) continue;
          const arg = site.node.directive.args[0];
          if (arg === undefined) continue;
          const outcome = analyse(site);
          const hosts = [...outcome.hostnames.keys()];
          const first = hosts[0];
          if (first === undefined && outcome.unknown === undefined) continue;

          const related: RelatedDescriptor[] = outcome.sources.slice(0, 5).map((n) => ({ at: { node: n }, message: `${n.name === 'map' ? 'mapped' : 'set'} here` }));
          let fix: Fix | undefined;
          const ns = nameserver();
          const http = model.enclosing(site.node.scope, 'http');
          // Only servers, locations and their ifs inherit from http; inside anything else (an unknown `sserver {`, a
          // misplaced block) a resolver added at http level never reaches the pass.
          const path = model.contextPath(site.node.scope);
          const reached = !path.slice(path.lastIndexOf('http') + 1).some((kind) => kind !== 'server' && kind !== 'location' && kind !== 'if-in-location' && kind !== 'limit_except');
          if (ns !== undefined && http !== undefined && reached) {
            fix = { title: `add "resolver ${ns} valid=30s;" at http level`, applicability: 'safe', edits: [insertDirectives(model, http, [formatDirective('resolver', [ns, 'valid=30s'])])] };
          }
          const at = { node: site.node, span: arg.span };
          const extra = fix !== undefined ? { fix } : {};

          if (first !== undefined) {
            const suggestion = outcome.hostnames.get(first)?.noPort === false ? undefined : suggestionFor(first);
            if (suggestion !== undefined && hosts.length === 1) {
              const block = graph.find(suggestion);
              if (block !== undefined) related.push({ at: { node: block.node }, message: `upstream "${block.name}" defined here` });
              context.report({ messageId: 'didYouMean', data: { directive: site.node.name, first, suggestion }, at, related, ...extra });
            } else {
              context.report({ messageId: 'noResolver', data: { directive: site.node.name, first, hosts: hosts.map((h) => `"${h}"`).join(', ') }, at, related, ...extra });
            }
            continue;
          }
          context.report({ messageId: 'unknownValue', data: { directive: site.node.name, variable: outcome.unknown ?? '' }, at, related, ...extra });
        }
      },
    };
  },
});
