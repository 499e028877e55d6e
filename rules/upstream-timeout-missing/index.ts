import { READ_TIMEOUT_DIRECTIVES, MATCH_ANY_HOST, defineRule, formatDirective, insertDirectives, largestRequestLimit, matchPass, type DirectiveNode, type Fix, type Listener, type PassKind, type PassSite, type Scope } from '../../src/rule-api.js';

/**
 * The timeouts the fix writes for each pass kind this rule covers (memcached has no backend application
 * behind it), connect, send, read: named once here rather than per pass.
 */
const TIMEOUTS: Readonly<Partial<Record<PassKind, readonly [string, string, string]>>> = Object.fromEntries(
  (['proxy', 'fastcgi', 'uwsgi', 'scgi', 'grpc'] as const).map((kind) => [kind, [`${kind}_connect_timeout`, `${kind}_send_timeout`, READ_TIMEOUT_DIRECTIVES[kind]]]),
);

/** nginx time as the fix writes it: whole seconds when possible, else milliseconds. */
function formatTime(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}

export default defineRule({
  name: 'upstream-timeout-missing',
  category: 'timeouts',
  severity: 'info',
  description: "A *_pass whose read timeout is only nginx's implicit 60s default, while the backend's own limit is unknown.",
  fix: 'unsafe',
  messages: {
    defaultReadTimeout:
      '"{{pass}}" relies on nginx\'s default "{{read}} 60s": a backend that gives up on a request sooner (gunicorn\'s default timeout is 30s) makes nginx log "upstream prematurely closed connection while reading response header from upstream" and answer 502; write the timeouts that match the backend\'s limit',
  },
  options: {
    readTimeout: {
      type: 'time',
      default: '60s',
      description: "The `*_read_timeout` the fix writes: the backend's own request limit plus 5s (gunicorn `timeout`, uWSGI `harakiri`, FPM `request_terminate_timeout`).",
    },
    connectTimeout: { type: 'time', default: '60s', description: 'The `*_connect_timeout` the fix writes when none is in effect.' },
    sendTimeout: { type: 'time', default: '60s', description: 'The `*_send_timeout` the fix writes when none is in effect.' },
  },
  create(context) {
    const model = context.model;
    const options = context.options;
    const values = [formatTime(options.connectTimeout), formatTime(options.sendTimeout), formatTime(options.readTimeout)];

    /** The modules already reported per location: one finding per location and module, on its first pass. */
    const reported = new Map<Scope, Set<PassKind>>();

    /**
     * The fix for a pass whose read timeout is at its default: the timeouts at their default in the
     * location, written there. The timeouts are not allowed in `if` and `limit_except`: they go into the
     * enclosing location, after its last simple directive before any nested block.
     */
    const fixFor = (names: readonly string[], target: Scope | undefined): Fix | undefined => {
      if (target === undefined) return undefined;
      const lines: string[] = [];
      names.forEach((name, i) => {
        if (model.effective(target, name).origin === 'default') lines.push(formatDirective(name, [values[i] as string]));
      });
      if (lines.length === 0) return undefined;
      // The title lists the lines without their closing `;`.
      return { title: `write ${lines.map((l) => l.slice(0, -1)).join(', ')} in this location`, applicability: 'unsafe', edits: [insertDirectives(model, target, lines)] };
    };

    const check = (site: PassSite, listeners: readonly Listener[]): void => {
      const names = TIMEOUTS[site.passKind];
      if (names === undefined) return;
      const pass: DirectiveNode = site.node;
      const kind: PassKind = site.passKind;
      const read = READ_TIMEOUT_DIRECTIVES[kind];
      if (model.effective(pass.scope, read).origin !== 'default') return;
      if (!model.chainInView(pass.scope)) return;
      // The backend's own limit is known: upstream-timeout-vs-backend-limit compares the two instead.
      if (listeners.length > 0 && largestRequestLimit(matchPass(site, listeners, MATCH_ANY_HOST)) !== undefined) return;
      const target = model.enclosing(pass.scope, 'location');
      const kinds = reported.get(target ?? pass.scope) ?? new Set<PassKind>();
      if (kinds.has(kind)) return;
      reported.set(target ?? pass.scope, kinds.add(kind));
      context.report({ messageId: 'defaultReadTimeout', data: { pass: pass.name, read }, at: { node: pass }, fix: fixFor(names, target) });
    };

    return {
      'tree:exit'() {
        const passes = context.upstreams.passes;
        // The backends are read only when some pass is covered.
        if (!passes.some((site) => TIMEOUTS[site.passKind] !== undefined)) return;
        const listeners = context.backends.listeners;
        for (const site of passes) check(site, listeners);
      },
    };
  },
});
