import {
  READ_TIMEOUT_DIRECTIVES,
  MATCH_ANY_HOST,
  backendLabel,
  defineRule,
  formatMs,
  largestRequestLimit,
  matchPass,
  parseTime,
  setDirective,
  valueRelated,
  type BackendMatch,
  type BackendValue,
  type DirectiveNode,
  type Fix,
  type PassKind,
  type PassSite,
  type RelatedDescriptor,
  type Scope,
} from '../../src/rule-api.js';

/** The pass kinds with a backend application behind them (memcached has none). */
const KINDS: ReadonlySet<PassKind> = new Set<PassKind>(['proxy', 'fastcgi', 'uwsgi', 'scgi', 'grpc']);


/** What nginx logs when the backend kills the request first. */
function killLog(match: BackendValue): string {
  return match.listener.kind === 'php-fpm'
    ? 'recv() failed (104: Connection reset by peer) while reading response header from upstream'
    : 'upstream prematurely closed connection while reading response header from upstream';
}

type MessageId = 'nginxGivesUpFirst' | 'backendKillsFirst' | 'sendGivesUpFirst';

interface Pending {
  readonly site: PassSite;
  readonly messageId: MessageId;
  readonly data: Record<string, string>;
  readonly related: RelatedDescriptor[];
  /** Where the fix writes, and what. */
  readonly location: Scope | undefined;
  readonly directive: string;
  readonly target: string;
}

export default defineRule({
  name: 'upstream-timeout-vs-backend-limit',
  category: 'timeouts',
  severity: 'warning',
  description: "A pass whose *_read_timeout disagrees with the matched backend's own request limit (FPM request_terminate_timeout, gunicorn timeout, uWSGI harakiri).",
  fix: 'unsafe',
  messages: {
    nginxGivesUpFirst:
      'nginx waits {{value}} ({{directive}}{{where}}) for {{backend}}, less than the backend may take ({{setting}} {{limit}}): a slower request ends in 504 with "upstream timed out (110: Connection timed out) while reading response header from upstream" while the backend is still working on it; set {{directive}} {{target}}, the backend\'s limit plus {{margin}}',
    backendKillsFirst:
      '{{backend}} ends a request after {{limit}} ({{setting}}), while nginx waits {{value}} ({{directive}}{{where}}): a request that slow gets 502 with "{{log}}" instead of a 504, and the nginx setting hides the real limit; set {{directive}} {{target}}, the backend\'s limit plus {{margin}}, or raise the backend\'s {{setting}}',
    sendGivesUpFirst:
      'with {{streaming}}, request bodies are streamed to {{backend}} as they arrive, and nginx gives up when the backend reads nothing for {{value}} ({{directive}}{{where}}), less than the backend may take ({{setting}} {{limit}}): a slow upload ends in 504 with "upstream timed out (110: Connection timed out) while sending request to upstream"; set {{directive}} {{target}}',
  },
  options: {
    margin: {
      type: 'time',
      default: '5s',
      description: "How much longer than the backend's limit nginx waits: the fix writes the limit plus this, and a timeout longer than that is reported.",
    },
  },
  create(context) {
    const model = context.model;
    const margin = context.options.margin;


    /** The effective timeout at a scope: its value in ms, the directive that sets it (none for the default). */
    const timeoutAt = (scope: Scope, name: string): { ms: number; text: string; node: DirectiveNode | undefined } | undefined => {
      const eff = model.effective(scope, name);
      const node = eff.nodes[eff.nodes.length - 1];
      const text = node === undefined ? (eff.defaultValue ?? '60s') : node.directive.args[0]?.value;
      if (text === undefined) return undefined;
      const parsed = parseTime(text, 'ms');
      if (!parsed.ok) return undefined;
      if (!model.chainInView(scope, eff.scope)) return undefined;
      return { ms: parsed.value.ms, text, node };
    };

    /** Whether request bodies reach the backend as they arrive (gRPC always streams). */
    const streaming = (site: PassSite): string | undefined => {
      if (site.passKind === 'grpc') return 'gRPC streams them';
      const name = `${site.passKind}_request_buffering`;
      const node = model.effective(site.node.scope, name).nodes[0];
      return node !== undefined && node.directive.args[0]?.value.toLowerCase() === 'off' ? `${name} off` : undefined;
    };

    const related = (node: DirectiveNode | undefined, directive: string, limit: BackendValue, matches: readonly BackendMatch[]): RelatedDescriptor[] => {
      const out: RelatedDescriptor[] = [];
      if (node !== undefined) out.push({ at: { node }, message: `${directive} ${node.directive.args[0]?.value ?? ''} set here` });
      out.push(valueRelated(limit, formatMs, 'ends a request after'));
      const via = matches.find((m) => m.listener === limit.listener)?.server;
      if (via !== undefined) out.push({ at: { node: via.node }, message: `this upstream server is ${backendLabel(limit.listener)}` });
      return out;
    };

    const check = (site: PassSite, matches: readonly BackendMatch[], limit: BackendValue, out: Pending[]): void => {
      const kind = site.passKind;
      const scope = site.node.scope;
      const location = model.enclosing(scope, 'location');
      const target = formatMs(limit.value + margin);
      const common = { backend: backendLabel(limit.listener), setting: limit.setting, limit: formatMs(limit.value), target, margin: formatMs(margin) };
      const where = (node: DirectiveNode | undefined): string => (node === undefined ? ", nginx's default" : '');

      const readName = READ_TIMEOUT_DIRECTIVES[kind];
      const read = timeoutAt(scope, readName);
      if (read !== undefined) {
        const base = { site, location, directive: readName, target, related: related(read.node, readName, limit, matches) };
        const data = { ...common, directive: readName, value: read.text, where: where(read.node) };
        if (read.ms < limit.value) out.push({ ...base, messageId: 'nginxGivesUpFirst', data });
        else if (read.ms > limit.value + margin) out.push({ ...base, messageId: 'backendKillsFirst', data: { ...data, log: killLog(limit) } });
      }

      const streamed = streaming(site);
      if (streamed === undefined) return;
      const sendName = `${kind}_send_timeout`;
      const send = timeoutAt(scope, sendName);
      if (send !== undefined && send.ms < limit.value) {
        out.push({
          site,
          location,
          directive: sendName,
          target,
          related: related(send.node, sendName, limit, matches),
          messageId: 'sendGivesUpFirst',
          data: { ...common, directive: sendName, value: send.text, where: where(send.node), streaming: streamed },
        });
      }
    };

    return {
      'tree:exit'() {
        const listeners = context.backends.listeners;
        if (listeners.length === 0) return;
        const pending: Pending[] = [];
        for (const site of context.upstreams.passes) {
          if (!KINDS.has(site.passKind)) continue;
          const matches = matchPass(site, listeners, MATCH_ANY_HOST);
          const limit = largestRequestLimit(matches);
          if (limit !== undefined) check(site, matches, limit, pending);
        }
        // One location may hold several passes (in `if` blocks) to backends with different limits: a fix is
        // offered only when every finding for that location and directive wants the same value.
        const byScope = new Map<Scope, Map<string, Set<string>>>();
        for (const p of pending) {
          if (p.location === undefined) continue;
          let perDirective = byScope.get(p.location);
          if (perDirective === undefined) byScope.set(p.location, (perDirective = new Map()));
          const set = perDirective.get(p.directive) ?? new Set<string>();
          perDirective.set(p.directive, set.add(p.target));
        }
        for (const p of pending) {
          let fix: Fix | undefined;
          if (p.location !== undefined && byScope.get(p.location)?.get(p.directive)?.size === 1) {
            fix = { title: `set ${p.directive} ${p.target} in this location`, applicability: 'unsafe', edits: setDirective(model, p.location, p.directive, [p.target]) };
          }
          context.report({ messageId: p.messageId, data: p.data, at: { node: p.site.node }, related: p.related, ...(fix !== undefined ? { fix } : {}) });
        }
      },
    };
  },
});
