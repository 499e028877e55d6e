import { defineRule, parseAddress, parseTime, replaceArg, type DirectiveNode, type RelatedDescriptor, type Scope } from '../../src/rule-api.js';

/** Levels whose keepalive_timeout applies to client connections (upstream{} has its own directive). */
const CLIENT_LEVELS: ReadonlySet<string> = new Set(['http', 'server', 'location']);
/** Levels below http that inherit it. */
const CHILD_LEVELS: ReadonlySet<string> = new Set(['server', 'location', 'if-in-location']);

function seconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}

/** Whether a `set_real_ip_from` value trusts loopback clients: a proxy on the same host. */
function trustsLoopback(value: string): boolean {
  if (value === 'unix:' || value.startsWith('127.') || value === '::1' || value === '::1/128' || value === '::/0') return true;
  const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+)\/(\d+)$/.exec(value);
  if (m === null) return false;
  const addr = ((Number(m[1]) << 24) | (Number(m[2]) << 16) | (Number(m[3]) << 8) | Number(m[4])) >>> 0;
  const bits = Number(m[5]);
  const mask = bits === 0 ? 0 : (0xffffffff << (32 - Math.min(bits, 32))) >>> 0;
  return (addr & mask) >>> 0 === (0x7f000001 & mask) >>> 0;
}

/** A `listen` that only loopback or unix-socket clients reach. */
function isLocalListen(node: DirectiveNode): boolean {
  const parsed = parseAddress(node.directive.args[0]?.value ?? '');
  if (!parsed.ok) return false;
  const a = parsed.value;
  if (a.kind === 'unix') return true;
  return a.host === 'localhost' || a.host === '::1' || /^127\./.test(a.host);
}

export default defineRule({
  name: 'client-keepalive-below-lb-idle',
  category: 'keepalive',
  severity: 'warning',
  description: 'Behind a load balancer (real_ip settings), a client keepalive_timeout below its idle timeout lets nginx close connections the balancer still reuses.',
  fix: 'unsafe',
  messages: {
    belowLbIdle:
      'keepalive_timeout {{timeout}} is below the idle timeout of the load balancer in front of nginx ({{lbIdle}}, as set_real_ip_from/real_ip_header suggest): nginx closes idle connections the balancer still reuses, and the balancer answers 502 with nothing in nginx\'s error log',
    keepaliveDisabled:
      "keepalive_timeout 0 turns client keep-alive off behind a load balancer (as set_real_ip_from/real_ip_header suggest): the balancer opens a new connection to nginx for every request; turn keep-alive on with a timeout above the balancer's idle timeout ({{lbIdle}}) instead",
  },
  options: {
    lbIdleTimeout: {
      type: 'time',
      description: "The idle timeout of the load balancer in front of nginx (AWS ALB's default: 60s).",
      default: '60s',
    },
  },
  create(context) {
    const model = context.model;
    const lbIdle = context.options.lbIdleTimeout;
    /** Twice the balancer's idle timeout would be wasteful; nginx's own default (75s) or the balancer's plus 5s. */
    const target = Math.max(75_000, lbIdle + 5_000);

    /** Whether every listen of the server enclosing the scope is loopback-only (a status or internal server). */
    const localOnly = (scope: Scope): boolean => {
      const server = model.enclosing(scope, 'server');
      if (server === undefined) return false;
      const listens = model.local(server, 'listen');
      return listens.length > 0 && listens.every(isLocalListen);
    };

    /**
     * The realip directive that says a proxy sits in front of this level (not proxy_protocol, which an L4
     * balancer passing client connections through uses). A server listening only on loopback addresses
     * (a status or internal server) is behind a proxy only when loopback clients are trusted.
     */
    const realIpAt = (scope: Scope): DirectiveNode | undefined => {
      const header = model.effective(scope, 'real_ip_header').nodes[0];
      if (header !== undefined && (header.directive.args[0]?.value ?? '').toLowerCase() === 'proxy_protocol') return undefined;
      const from = model.effective(scope, 'set_real_ip_from').nodes;
      if (localOnly(scope)) return from.find((n) => trustsLoopback(n.directive.args[0]?.value ?? ''));
      return from[0] ?? header;
    };

    /**
     * The realip directive of the first server or location this keepalive_timeout governs (its own level
     * and every one below it that does not set its own) that sits behind a proxy. An http-level setting
     * with no server in view is judged at the http level.
     */
    const behindProxy = (node: DirectiveNode): DirectiveNode | undefined => {
      const stack: Scope[] = [node.scope];
      let servers = 0;
      while (stack.length > 0) {
        const scope = stack.pop() as Scope;
        if (scope.kind === 'server') servers++;
        if (scope !== node.scope && model.local(scope, 'keepalive_timeout').length > 0) continue;
        if (scope.kind !== 'http') {
          const realIp = realIpAt(scope);
          if (realIp !== undefined) return realIp;
        }
        for (const child of scope.children) {
          if (child.block !== null && child.block.kind !== null && CHILD_LEVELS.has(child.block.kind)) stack.push(child.block);
        }
      }
      return node.scope.kind === 'http' && servers === 0 ? realIpAt(node.scope) : undefined;
    };

    /** Without any realip directive no level is behind a proxy, and the levels need not be searched. */
    const realIpWritten = model.byName('real_ip_header').length > 0 || model.byName('set_real_ip_from').length > 0;

    return {
      directives: {
        keepalive_timeout(node) {
          if (node.scope.kind === null || !CLIENT_LEVELS.has(node.scope.kind)) return;
          const arg = node.directive.args[0];
          if (arg === undefined) return;
          const parsed = parseTime(arg.value, 'ms');
          if (!parsed.ok || parsed.value.ms >= lbIdle || !realIpWritten) return;
          const realIp = behindProxy(node);
          if (realIp === undefined) return;
          const related: RelatedDescriptor[] = [{ at: { node: realIp }, message: `${realIp.name} here: nginx sits behind a proxy or load balancer` }];
          const fix = { title: `set keepalive_timeout ${seconds(target)}`, applicability: 'unsafe' as const, edits: [replaceArg(node, 0, seconds(target))] };
          if (parsed.value.ms === 0) {
            context.report({ messageId: 'keepaliveDisabled', data: { lbIdle: seconds(lbIdle) }, at: { node }, related, fix });
          } else {
            context.report({ messageId: 'belowLbIdle', data: { timeout: arg.value, lbIdle: seconds(lbIdle) }, at: { node }, related, fix });
          }
        },
      },
    };
  },
});
