import { isTemplateFile, argCountFits, defineRule, parseAddress, type Arg, type Directive, type DirectiveNode, type DirectiveVariant, type Scope } from '../../src/rule-api.js';
import { argumentChecks, isValid, type ArgCheck, type ArgKind, type ValueMessage } from './kinds.js';
import { REJECTED_AS_DUPLICATE } from './duplicates.js';
import { judgeUpstreamParameter, listenParameterProblem, type ListenFamily, type ParameterProblem, type UpstreamVerdict } from './parameters.js';
import { conditionProblem } from './conditions.js';

/** Template placeholders in an argument (`{{ x }}`, `{% x %}`, `${VAR}`, `@{VAR}`, `<%= x %>`, `%%x%%`, `@VAR@`). */
const TEMPLATE_ARG = /\{\{|\}\}|\{%|%\}|[$@]\{|<%|%>|%[A-Za-z_][\w.]*%|@[A-Za-z_]\w*@/;

/** Inside a block whose own directive nginx does not know: its contents are the module's business. */
function insideUnknownBlock(scope: Scope): boolean {
  for (let s: Scope | null = scope; s !== null; s = s.parent) if (s.kind === null) return true;
  return false;
}

/**
 * ngx_conf_handler()'s complaint when a block directive ends with `;` or a simple one opens a block.
 * Takes the terminator, not the directive: the parser's `terminator` is a getter, read once per node.
 */
function terminatorMismatch(variant: DirectiveVariant, terminator: Directive['terminator']): 'noOpening' | 'notTerminated' | undefined {
  if (variant.block) return terminator === ';' ? 'noOpening' : undefined;
  return terminator === '{' ? 'notTerminated' : undefined;
}

const holdsPlaceholder = (args: readonly Arg[]): boolean => args.some((a) => TEMPLATE_ARG.test(a.value));

/** Variables are evaluated per request and placeholders filled in later: such parameters are not judged. */
const isDeferred = (param: string): boolean => param.includes('$') || TEMPLATE_ARG.test(param);

const isListenFamily = (family: string): family is ListenFamily => family === 'http' || family === 'stream' || family === 'mail';

/** The balancing methods whose servers take no `backup` (ngx_http_upstream_hash, _ip_hash, _random). */
const BALANCERS_WITHOUT_BACKUP: ReadonlySet<string> = new Set(['hash', 'ip_hash', 'random']);

/** Blocks up to this many children are scanned for duplicates directly; larger ones through the model's index. */
const SMALL_BLOCK = 16;

/** What is checked in every directive of one variant, worked out on first use (a variant belongs to one name). */
interface Plan {
  /** Whether nginx refuses a second occurrence in one block. */
  readonly rejectsDuplicate: boolean;
  readonly checks: readonly (ArgCheck | undefined)[];
}

const plans = new Map<DirectiveVariant, Plan>();

function planFor(name: string, variant: DirectiveVariant): Plan {
  let plan = plans.get(variant);
  if (plan === undefined) {
    const family = variant.family;
    // keys as in REJECTED_AS_DUPLICATE
    const key = family === 'stream' || family === 'mail' ? `${name}@${family}` : name;
    plan = { rejectsDuplicate: !variant.repeatable && REJECTED_AS_DUPLICATE.has(key), checks: argumentChecks(name, variant) };
    plans.set(variant, plan);
  }
  return plan;
}

const VALUE_MESSAGE_IDS = {
  value: 'invalidValue',
  number: 'invalidNumber',
  flag: 'invalidFlag',
  valueIn: 'invalidValueIn',
  numberQuoted: 'invalidNumberQuoted',
} as const satisfies Record<ValueMessage, string>;

export default defineRule({
  name: 'invalid-arguments',
  category: 'load',
  severity: 'error',
  description:
    'A directive with the wrong number of arguments, a bad size, time, number or on/off value, a duplicate, a bad listen or upstream server parameter, or a malformed if condition; nginx refuses the whole configuration.',
  messages: {
    noOpening: 'directive "{{name}}" has no opening "{"',
    notTerminated: 'directive "{{name}}" is not terminated by ";"',
    argCount: 'invalid number of arguments in "{{name}}" directive',
    invalidValue: '"{{name}}" directive invalid value',
    invalidNumber: '"{{name}}" directive invalid number',
    invalidFlag: 'invalid value "{{value}}" in "{{name}}" directive, it must be "on" or "off"',
    invalidValueIn: 'invalid value "{{value}}" in "{{name}}" directive',
    invalidNumberQuoted: 'invalid number "{{value}}"',
    duplicate: '"{{name}}" directive is duplicate',
    listenAddress: '{{reason}} in "{{address}}" of the "listen" directive',
    invalidParameter: 'invalid parameter "{{param}}"',
    theInvalidParameter: 'the invalid "{{param}}" parameter',
    parameterTooNew: 'invalid parameter "{{param}}": nginx accepts it since {{since}}, the target is {{version}}',
    invalidParameterValue: 'invalid {{what}} "{{param}}"',
    invalidIpv6only: 'invalid ipv6only flags "{{flags}}"',
    invalidSoKeepalive: 'invalid so_keepalive value: "{{value}}"',
    incompatibleWithUdp: '"listen" directive "{{param}}" parameter is incompatible with "udp"',
    balancingMethod: 'balancing method does not support parameter "{{param}}"',
    invalidCondition: 'invalid condition "{{token}}"',
    unexpectedInCondition: 'unexpected "{{token}}" in condition',
  },
  create(context) {
    const model = context.model;

    /** Values repeat (`60s`, `on`, `16k`) and the time and size parsers are not cheap: each value is judged once per kind. */
    const validity = new Map<ArgKind, Map<string, boolean>>();
    const isValidValue = (kind: ArgKind, value: string): boolean => {
      let judged = validity.get(kind);
      if (judged === undefined) validity.set(kind, (judged = new Map()));
      let valid = judged.get(value);
      if (valid === undefined) judged.set(value, (valid = isValid(kind, value)));
      return valid;
    };

    /** Reports the first problem nginx would stop at in this directive. */
    function check(node: DirectiveNode): void {
      // no variant: unknown, or not allowed here (the other rules' findings)
      const variant = node.variant;
      if (variant === undefined || insideUnknownBlock(node.scope)) return;
      const d = node.directive;
      const name = node.name;
      const terminator = d.terminator;
      // A missing terminator is a syntax error, reported by syntax-error.
      if (terminator === null) return;
      const args = d.args;

      // ngx_conf_handler(): the terminator is checked before the argument count. A template placeholder
      // may stand for several arguments, or a template language may have broken the block structure.
      const mismatch = terminatorMismatch(variant, terminator);
      if (mismatch !== undefined || !argCountFits(variant, args.length)) {
        const placeholders = holdsPlaceholder(args);
        if (!placeholders && !isTemplateFile(node.file)) context.report({ messageId: mismatch ?? 'argCount', data: { name }, at: { node, span: d.nameSpan } });
        return;
      }

      // The slot handlers refuse a second value before parsing it.
      const plan = planFor(name, variant);
      if (plan.rejectsDuplicate && hasEarlierWellFormed(node, variant)) {
        context.report({ messageId: 'duplicate', data: { name }, at: { node, span: d.nameSpan } });
        return;
      }

      const checks = plan.checks;
      for (let i = 0; i < checks.length && i < args.length; i++) {
        const spec = checks[i];
        const arg = args[i];
        if (spec === undefined || arg === undefined) continue;
        const value = arg.value;
        // variables are evaluated per request (limit_rate $rate); placeholders are filled in later
        if (value.includes('$') || isValidValue(spec.kind, value) || TEMPLATE_ARG.test(value)) continue;
        context.report({ messageId: VALUE_MESSAGE_IDS[spec.message], data: { name, value }, at: { node, span: arg.span } });
        return;
      }

      if (name === 'listen') checkListen(node, variant.family);
      else if (name === 'server' && (node.scope.kind === 'upstream' || node.scope.kind === 'stream-upstream')) checkUpstreamServer(node);
      else if (name === 'if') checkCondition(node);
    }

    /**
     * Whether the block (included files count) has this directive earlier, well-formed: a malformed one
     * stops nginx by itself. Nodes of one name in one block share their variant.
     */
    function hasEarlierWellFormed(node: DirectiveNode, variant: DirectiveVariant): boolean {
      const children = node.scope.children;
      // A small block (most are) is scanned up to the node itself: no list of the name built per node.
      const earlier = children.length <= SMALL_BLOCK ? children : model.local(node.scope, node.name);
      const name = node.name;
      for (const other of earlier) {
        if (other === node) return false;
        if (other.name !== name) continue;
        const d = other.directive;
        const terminator = d.terminator;
        if (terminator !== null && terminatorMismatch(variant, terminator) === undefined && argCountFits(variant, d.args.length)) return true;
      }
      return false;
    }

    /** Listen addresses repeat (`80`, `443`): each is judged once. What nginx says is wrong with it, or null. */
    const listenProblems = new Map<string, string | null>();
    const listenProblem = (address: string): string | null => {
      let problem = listenProblems.get(address);
      if (problem === undefined) {
        const parsed = parseAddress(address, { mode: 'listen' });
        problem = parsed.ok || address.includes('$') || TEMPLATE_ARG.test(address) ? null : parsed.error.slice(0, parsed.error.indexOf(' in "'));
        listenProblems.set(address, problem);
      }
      return problem;
    };

    /** The address first, then the parameters, as ngx_http_core_listen() reads them. */
    function checkListen(node: DirectiveNode, family: string): void {
      const args = node.directive.args;
      const arg = args[0];
      if (arg === undefined) return;
      const address = arg.value;
      const reason = listenProblem(address);
      if (reason !== null) {
        context.report({ messageId: 'listenAddress', data: { reason, address }, at: { node, span: arg.span } });
        return;
      }
      // a placeholder may stand for several parameters, or be written with spaces (`{{ port }}`)
      if (args.length < 2 || !isListenFamily(family) || holdsPlaceholder(args)) return;
      const params = args.slice(1).map((a) => a.value);
      reportParameter(node, listenParameterProblem(family, params, isDeferred, atLeast), family === 'http');
    }

    /** Upstreams repeat their parameters (`max_fails=3`, `fail_timeout=30s`, `backup`): each is judged once. */
    const upstreamVerdicts = new Map<string, UpstreamVerdict>();

    /** The first parameter nginx refuses, in order, as ngx_http_upstream_server() reads them. */
    function checkUpstreamServer(node: DirectiveNode): void {
      const args = node.directive.args;
      if (args.length < 2 || holdsPlaceholder(args)) return;
      for (let i = 1; i < args.length; i++) {
        const arg = args[i] as Arg;
        const param = arg.value;
        let verdict = upstreamVerdicts.get(param);
        if (verdict === undefined) upstreamVerdicts.set(param, (verdict = judgeUpstreamParameter(param, isDeferred, atLeast)));
        if (verdict.kind === 'ok' || (verdict.kind === 'backup' && !followsBalancerWithoutBackup(node))) continue;
        reportParameter(node, verdict.kind === 'backup' ? { kind: 'balancing', index: i - 1 } : { ...verdict, index: i - 1 }, true);
        return;
      }
    }

    /**
     * Per upstream block, the nodes after its first `hash`, `ip_hash` or `random` (found in one pass over the
     * block), or null when it has none.
     */
    const afterBalancer = new Map<Scope, ReadonlySet<DirectiveNode> | null>();

    /** Whether `hash`, `ip_hash` or `random` comes before the server in its block: they take no `backup` server. */
    function followsBalancerWithoutBackup(node: DirectiveNode): boolean {
      let after = afterBalancer.get(node.scope);
      if (after === undefined) {
        let found: Set<DirectiveNode> | null = null;
        for (const other of node.scope.children) {
          if (found !== null) found.add(other);
          else if (BALANCERS_WITHOUT_BACKUP.has(other.name)) found = new Set();
        }
        afterBalancer.set(node.scope, (after = found));
      }
      return after !== null && after.has(node);
    }

    function checkCondition(node: DirectiveNode): void {
      const args = node.directive.args;
      // a placeholder may stand for several arguments, or hold the parentheses
      if (holdsPlaceholder(args)) return;
      const problem = conditionProblem(args.map((a) => a.value));
      const arg = problem === undefined ? undefined : args[problem.index];
      if (problem === undefined || arg === undefined) return;
      const messageId = problem.kind === 'invalid' ? 'invalidCondition' : 'unexpectedInCondition';
      context.report({ messageId, data: { token: problem.token }, at: { node, span: arg.span } });
    }

    /** Reports a parameter problem on its argument (parameters are the arguments after the first). */
    function reportParameter(node: DirectiveNode, problem: ParameterProblem | undefined, httpWording: boolean): void {
      if (problem === undefined) return;
      const arg = node.directive.args[problem.index + 1];
      if (arg === undefined) return;
      const param = arg.value;
      const at = { node, span: arg.span };
      switch (problem.kind) {
        case 'unknown':
          context.report({ messageId: httpWording ? 'invalidParameter' : 'theInvalidParameter', data: { param }, at });
          return;
        case 'tooNew':
          context.report({ messageId: 'parameterTooNew', data: { param, since: problem.since, version: context.version.toString() }, at });
          return;
        case 'value':
          context.report({ messageId: 'invalidParameterValue', data: { what: problem.what, param }, at });
          return;
        case 'ipv6only':
          context.report({ messageId: 'invalidIpv6only', data: { flags: problem.flags }, at });
          return;
        case 'soKeepalive':
          context.report({ messageId: 'invalidSoKeepalive', data: { value: problem.value }, at });
          return;
        case 'udp':
          context.report({ messageId: 'incompatibleWithUdp', data: { param: problem.param }, at });
          return;
        case 'balancing':
          context.report({ messageId: 'balancingMethod', data: { param }, at });
          return;
      }
    }

    const atLeast = (version: string): boolean => context.version.atLeast(version);

    return {
      directives: {
        '*': check,
      },
    };
  },
});
