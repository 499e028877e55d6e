import { defineRule, parseTime, replaceArgs, type DirectiveNode } from '../../src/rule-api.js';

/** The http modules' connect timeouts (the documentation of each says it "cannot usually exceed 75 seconds"). */
const DIRECTIVES = ['proxy_connect_timeout', 'fastcgi_connect_timeout', 'uwsgi_connect_timeout', 'scgi_connect_timeout', 'grpc_connect_timeout', 'memcached_connect_timeout'];

/** The documented ceiling: a fix that clamps to it (or above) changes nothing but how late a failure shows. */
const CEILING_MS = 75_000;

function formatTime(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}

export default defineRule({
  name: 'connect-timeout-over-75s',
  category: 'timeouts',
  severity: 'info',
  description: 'A *_connect_timeout above 75s, longer than connect() can usually wait: it only delays the failure and the failover to the next server.',
  fix: 'safe',
  messages: {
    overMaximum:
      '"{{name}} {{raw}}" is above {{maximum}}, and nginx documents that a connect timeout "cannot usually exceed 75 seconds": a backend that never answers (host down, packets dropped) holds each request for up to {{value}} (on Linux the kernel gives up after about 127s: "connect() failed (110: Connection timed out) while connecting to upstream", 502) instead of failing, or failing over to the next server, sooner',
  },
  options: {
    maximum: {
      type: 'time',
      default: '75s',
      description: 'The largest connect timeout accepted; the fix writes this value. Below 75s the fix becomes unsafe (it then shortens real waits).',
    },
  },
  create(context) {
    const model = context.model;
    const maximum = context.options.maximum;

    const check = (node: DirectiveNode): void => {
      // The stream module's proxy_connect_timeout is another directive with its own documentation.
      if (model.contextPath(node.scope).some((k) => k === 'stream' || k === 'stream-server')) return;
      const raw = node.directive.args[0]?.value;
      if (raw === undefined || node.directive.args.length !== 1) return;
      const parsed = parseTime(raw, 'ms');
      if (!parsed.ok || parsed.value.ms <= maximum) return; // invalid values are invalid-arguments' findings
      const target = formatTime(maximum);
      context.report({
        messageId: 'overMaximum',
        data: { name: node.name, raw, value: formatTime(parsed.value.ms), maximum: target },
        at: { node },
        fix: { title: `clamp ${node.name} to ${target}`, applicability: maximum >= CEILING_MS ? 'safe' : 'unsafe', edits: [replaceArgs(node, [target])] },
      });
    };

    return { directives: Object.fromEntries(DIRECTIVES.map((name) => [name, check])) };
  },
});
