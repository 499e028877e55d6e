import { READ_TIMEOUT_DIRECTIVES, defineRule, parseTime, replaceArgs, type Directive, type DirectiveNode, type PassKind, type RelatedDescriptor, type Scope } from '../../src/rule-api.js';

/** The pass kinds with an application behind them (memcached is a cache lookup). */
const KINDS: ReadonlySet<PassKind> = new Set<PassKind>(['proxy', 'fastcgi', 'uwsgi', 'scgi', 'grpc']);

/** Words in a location's path that mark static files: a short timeout there is a deliberate choice. */
const STATIC_WORDS: ReadonlySet<string> = new Set([
  'static',
  'assets',
  'css',
  'js',
  'mjs',
  'map',
  'png',
  'jpg',
  'jpeg',
  'gif',
  'ico',
  'svg',
  'webp',
  'avif',
  'woff',
  'woff2',
  'ttf',
  'eot',
  'otf',
]);

/** nginx's default read timeout, which the suggestion restores. */
const DEFAULT_MS = 60_000;

function formatTime(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}

/** The lower-cased words of a location's match (`/api/v1/health-check` -> api, v1, health, check). */
function words(location: DirectiveNode): string[] {
  return location.directive.args
    .map((a) => a.value)
    .join(' ')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((w) => w !== '');
}

interface Hit {
  readonly setter: DirectiveNode;
  readonly raw: string;
  readonly ms: number;
  readonly passes: DirectiveNode[];
}

export default defineRule({
  name: 'upstream-read-timeout-too-short',
  category: 'timeouts',
  severity: 'warning',
  description: 'An explicit *_read_timeout under 10s on an application route: every slower response becomes a 504.',
  fix: 'suggestion',
  messages: {
    tooShort:
      '"{{name}} {{raw}}" gives the application behind "{{pass}}" only {{value}} to start its response (under {{min}}s): every slower request ends in "upstream timed out (110: Connection timed out) while reading response header from upstream" and a 504',
  },
  options: {
    minSeconds: {
      type: 'integer',
      default: 10,
      minimum: 1,
      description: 'Read timeouts below this many seconds are reported.',
    },
    ignoreLocations: {
      type: 'string[]',
      default: ['health', 'healthz', 'healthcheck', 'status', 'ping', 'metrics', 'ready', 'readyz', 'readiness', 'live', 'livez', 'liveness', 'alive', 'heartbeat'],
      description:
        'Words of a location path (split at anything but letters and digits) that mark a health, status or metrics endpoint, where a short timeout is deliberate.',
    },
  },
  create(context) {
    const model = context.model;
    const minMs = context.options.minSeconds * 1000;
    const ignored = new Set(context.options.ignoreLocations.map((w) => w.toLowerCase()));

    /**
     * An application route: not a health, status or metrics endpoint, not a static-file location, not an
     * `internal` location (auth subrequests and X-Accel targets, where short timeouts are a choice).
     */
    const isApplicationRoute = (scope: Scope): boolean => {
      let innermost = true;
      for (let s: Scope | null = scope; s !== null; s = s.parent) {
        if (s.kind !== 'location' || s.owner === null || s.owner.name !== 'location') continue;
        const ws = words(s.owner);
        if (ws.some((w) => ignored.has(w))) return false;
        if (ws.some((w) => STATIC_WORDS.has(w)) && !ws.includes('php')) return false;
        if (innermost && model.local(s, 'internal').length > 0) return false;
        innermost = false;
      }
      return true;
    };

    /** A timeout in milliseconds, undefined when invalid; values repeat (`30s`), so each is parsed once. */
    const parsedTimes = new Map<string, number | undefined>();
    const msOf = (raw: string): number | undefined => {
      if (parsedTimes.has(raw)) return parsedTimes.get(raw);
      const parsed = parseTime(raw, 'ms');
      const ms = parsed.ok ? parsed.value.ms : undefined;
      parsedTimes.set(raw, ms);
      return ms;
    };

    return {
      'tree:exit'() {
        const found = new Map<Directive, Hit>();
        for (const site of context.upstreams.passes) {
          if (!KINDS.has(site.passKind)) continue;
          const effective = model.effective(site.node.scope, READ_TIMEOUT_DIRECTIVES[site.passKind]);
          const setter = effective.nodes[effective.nodes.length - 1];
          if (setter === undefined) continue;
          const raw = setter.directive.args[0]?.value;
          if (raw === undefined || setter.directive.args.length !== 1) continue;
          const ms = msOf(raw);
          if (ms === undefined || ms >= minMs) continue; // invalid values are invalid-arguments' findings
          // Only now, for a short timeout: reading the location paths costs more than the checks above.
          if (!isApplicationRoute(site.node.scope)) continue;
          const entry = found.get(setter.directive);
          if (entry === undefined) found.set(setter.directive, { setter, raw, ms, passes: [site.node] });
          else entry.passes.push(site.node);
        }
        const target = formatTime(Math.max(DEFAULT_MS, minMs));
        for (const { setter, raw, ms, passes } of found.values()) {
          const first = passes[0] as DirectiveNode;
          const related: RelatedDescriptor[] = passes.map((p) => ({ at: { node: p }, message: `"${p.name}" to the application here waits at most ${formatTime(ms)}` }));
          context.report({
            messageId: 'tooShort',
            data: { name: setter.name, raw, value: formatTime(ms), min: context.options.minSeconds, pass: `${first.name} ${first.directive.args[0]?.value ?? ''}`.trim() },
            at: { node: setter },
            related,
            fix: { title: `raise ${setter.name} to ${target}`, applicability: 'suggestion', edits: [replaceArgs(setter, [target])] },
          });
        }
      },
    };
  },
});
