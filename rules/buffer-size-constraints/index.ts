import { defineRule, parseOffset, parseSize, setDirective, type DirectiveNode, type Edit, type Effective, type Fix, type Scope } from '../../src/rule-api.js';

/** Modules whose merge step enforces the buffer rules (grpc has only grpc_buffer_size). */
const PREFIXES = ['proxy', 'fastcgi', 'uwsgi', 'scgi'] as const;
type Prefix = (typeof PREFIXES)[number];

/** One memory page on x86-64 Linux: the default `*_buffer_size` and `*_buffers` size. */
const PAGE = 4096;
const DEFAULT_BUFFERS = { count: 8, size: PAGE };
/** nginx's default `*_max_temp_file_size`. */
const DEFAULT_MAX_TEMP = 1024 * 1024 * 1024;

const BUFFER_SUFFIXES = ['buffer_size', 'buffers', 'busy_buffers_size', 'temp_file_write_size', 'max_temp_file_size'];
/** `proxy_buffers` -> the bit of `proxy` in PREFIXES, and so on for every module and suffix. */
const BUFFER_DIRECTIVES: ReadonlyMap<string, number> = new Map(PREFIXES.flatMap((prefix, i) => BUFFER_SUFFIXES.map((suffix): [string, number] => [`${prefix}_${suffix}`, 1 << i])));

const CHECKED_SCOPES = new Set(['http', 'server', 'location', 'if-in-location', 'limit_except']);
/** The directives whose blocks can be one of CHECKED_SCOPES (an `if` only in a location). */
const BLOCK_OWNERS = ['http', 'server', 'location', 'if', 'limit_except'];

interface Value<T> {
  readonly value: T;
  /** The directive that set it; undefined for nginx's default. */
  readonly node: DirectiveNode | undefined;
}

function human(bytes: number): string {
  if (bytes % (1024 * 1024) === 0) return `${bytes / (1024 * 1024)}m`;
  if (bytes % 1024 === 0) return `${bytes / 1024}k`;
  return String(bytes);
}

export default defineRule({
  name: 'buffer-size-constraints',
  category: 'buffers',
  severity: 'error',
  description: 'Buffer sizes that nginx rejects at load: busy, temp-file and buffer sizes that do not fit together.',
  fix: 'safe',
  messages: {
    tooFewBuffers: 'there must be at least 2 "{{prefix}}_buffers"',
    busyTooSmall:
      '"{{prefix}}_busy_buffers_size" must be equal to or greater than the maximum of the value of "{{prefix}}_buffer_size" and one of the "{{prefix}}_buffers" (busy {{busy}} < {{max}})',
    busyTooLarge:
      '"{{prefix}}_busy_buffers_size" must be less than the size of all "{{prefix}}_buffers" minus one buffer (busy {{busy}}{{implicit}} > {{limit}} = ({{count}} - 1) x {{size}})',
    tempWriteTooSmall:
      '"{{prefix}}_temp_file_write_size" must be equal to or greater than the maximum of the value of "{{prefix}}_buffer_size" and one of the "{{prefix}}_buffers" ({{value}} < {{max}})',
    maxTempTooSmall:
      '"{{prefix}}_max_temp_file_size" must be equal to zero to disable temporary files usage or must be equal to or greater than the maximum of the value of "{{prefix}}_buffer_size" and one of the "{{prefix}}_buffers" ({{value}} < {{max}})',
  },
  create(context) {
    const model = context.model;

    const size = (scope: Scope, name: string, fallback: number, parse = parseSize): Value<number> | undefined => {
      const eff: Effective = model.effective(scope, name);
      const node = eff.nodes[eff.nodes.length - 1];
      if (node === undefined) return { value: fallback, node: undefined };
      const parsed = parse(node.directive.args[0]?.value ?? '');
      return parsed.ok ? { value: parsed.value, node } : undefined;
    };

    const buffers = (scope: Scope, prefix: Prefix): Value<{ count: number; size: number }> | undefined => {
      const eff = model.effective(scope, `${prefix}_buffers`);
      const node = eff.nodes[eff.nodes.length - 1];
      if (node === undefined) return { value: DEFAULT_BUFFERS, node: undefined };
      const count = Number(node.directive.args[0]?.value);
      const parsed = parseSize(node.directive.args[1]?.value ?? '');
      if (!Number.isInteger(count) || !parsed.ok) return undefined;
      return { value: { count, size: parsed.value }, node };
    };

    const depth = (scope: Scope): number => {
      let d = 0;
      for (let s: Scope | null = scope; s !== null; s = s.parent) d++;
      return d;
    };
    /**
     * The directive to blame: the innermost explicit one among those involved, since the outer levels
     * were consistent on their own (ties go to the earlier candidate).
     */
    const blame = (...candidates: (DirectiveNode | undefined)[]): DirectiveNode | undefined => {
      let best: DirectiveNode | undefined;
      for (const c of candidates) if (c !== undefined && (best === undefined || depth(c.scope) > depth(best.scope))) best = c;
      return best;
    };

    /** A safe fix: set the given directives at the blamed directive's level (its scope), after it. */
    const fixAt = (at: DirectiveNode, title: string, settings: readonly [string, readonly string[]][]): Fix => {
      const edits: Edit[] = settings.flatMap(([name, args]) => setDirective(model, at.scope, name, args, at));
      return { title, applicability: 'safe', edits };
    };

    /**
     * The busy size (and buffer count) that satisfy M <= busy <= (n - 1) x size with the least change:
     * keep an unset busy size when 2M fits; else set busy = M when M fits; else raise the buffer count
     * until 2M fits (RULES.md #12).
     */
    const busyRepair = (prefix: Prefix, at: DirectiveNode, m: number, count: number, bufSize: number, busyExplicit: boolean): Fix => {
      // An unset busy size only fails when 2M does not fit, so this only writes busy when it must.
      const limit = (count - 1) * bufSize;
      if (m <= limit) {
        // nginx's own default (2M) when it fits, else the smallest legal value.
        const value = 2 * m <= limit ? 2 * m : m;
        return fixAt(at, `set ${prefix}_busy_buffers_size ${human(value)}`, [[`${prefix}_busy_buffers_size`, [human(value)]]]);
      }
      const n = Math.ceil((2 * m) / bufSize) + 1;
      const settings: [string, string[]][] = [[`${prefix}_buffers`, [String(n), human(bufSize)]]];
      if (busyExplicit) settings.push([`${prefix}_busy_buffers_size`, [human(2 * m)]]);
      return fixAt(at, `set ${prefix}_buffers ${n} ${human(bufSize)}${busyExplicit ? ` and ${prefix}_busy_buffers_size ${human(2 * m)}` : ''}`, settings);
    };

    const check = (scope: Scope, prefix: Prefix): void => {
      const bufs = buffers(scope, prefix);
      const bufferSize = size(scope, `${prefix}_buffer_size`, PAGE);
      if (bufs === undefined || bufferSize === undefined) return; // invalid values: invalid-arguments reports them
      if (bufs.value.count < 2) {
        const at = bufs.node;
        if (at) {
          // Enough buffers for the busy size in effect (2M when unset), never fewer than 2.
          const m = Math.max(bufferSize.value, bufs.value.size);
          const busyNode = model.effective(scope, `${prefix}_busy_buffers_size`).nodes[0];
          const busyValue = busyNode ? parseSize(busyNode.directive.args[0]?.value ?? '') : undefined;
          const target = busyValue?.ok ? Math.max(busyValue.value, m) : 2 * m;
          const n = Math.max(2, Math.ceil(target / bufs.value.size) + 1);
          const fix = fixAt(at, `set ${prefix}_buffers ${n} ${human(bufs.value.size)}`, [[`${prefix}_buffers`, [String(n), human(bufs.value.size)]]]);
          context.report({ messageId: 'tooFewBuffers', data: { prefix }, at: { node: at }, fix });
        }
        return;
      }
      const max = Math.max(bufferSize.value, bufs.value.size);
      const maxSetter = bufferSize.value >= bufs.value.size ? blame(bufferSize.node, bufs.node) : blame(bufs.node, bufferSize.node);
      const busy = size(scope, `${prefix}_busy_buffers_size`, 2 * max);
      if (busy === undefined) return;
      const limit = (bufs.value.count - 1) * bufs.value.size;
      if (busy.value < max) {
        const at = blame(busy.node, maxSetter);
        if (at) {
          const fix = busyRepair(prefix, at, max, bufs.value.count, bufs.value.size, true);
          context.report({ messageId: 'busyTooSmall', data: { prefix, busy: human(busy.value), max: human(max) }, at: { node: at }, fix });
        }
      } else if (busy.value > limit) {
        const at = blame(busy.node, maxSetter, bufs.node);
        const implicit = busy.node ? '' : ` (unset: 2 x ${human(max)})`;
        if (at) {
          context.report({
            messageId: 'busyTooLarge',
            data: { prefix, busy: human(busy.value), implicit, limit: human(limit), count: bufs.value.count, size: human(bufs.value.size) },
            at: { node: at },
            fix: busyRepair(prefix, at, max, bufs.value.count, bufs.value.size, busy.node !== undefined),
          });
        }
      }
      const temp = size(scope, `${prefix}_temp_file_write_size`, 2 * max);
      if (temp !== undefined && temp.value < max) {
        const at = blame(temp.node, maxSetter);
        if (at) {
          const fix = fixAt(at, `set ${prefix}_temp_file_write_size ${human(max)}`, [[`${prefix}_temp_file_write_size`, [human(max)]]]);
          context.report({ messageId: 'tempWriteTooSmall', data: { prefix, value: human(temp.value), max: human(max) }, at: { node: at }, fix });
        }
      }
      const maxTemp = size(scope, `${prefix}_max_temp_file_size`, DEFAULT_MAX_TEMP, parseOffset);
      if (maxTemp !== undefined && maxTemp.value !== 0 && maxTemp.value < max) {
        const at = blame(maxTemp.node, maxSetter);
        if (at) {
          const fix = fixAt(at, `set ${prefix}_max_temp_file_size ${human(max)}`, [[`${prefix}_max_temp_file_size`, [human(max)]]]);
          context.report({ messageId: 'maxTempTooSmall', data: { prefix, value: human(maxTemp.value), max: human(max) }, at: { node: at }, fix });
        }
      }
    };

    /**
     * The modules whose buffer directives each scope sets (a bit per prefix). A scope that sets none of a
     * module's has its parent's effective values, which were checked at the parent (nginx's defaults are
     * consistent), so only scopes that set one are checked.
     */
    const setsByScope = new Map<Scope, number>();
    for (const [name, bit] of BUFFER_DIRECTIVES) {
      for (const node of model.byName(name)) setsByScope.set(node.scope, (setsByScope.get(node.scope) ?? 0) | bit);
    }

    const checkScope = (scope: Scope): void => {
      const sets = setsByScope.get(scope);
      if (sets === undefined) return;
      for (let i = 0; i < PREFIXES.length; i++) if ((sets & (1 << i)) !== 0) check(scope, PREFIXES[i] as Prefix);
    };

    const visitBlock = (node: DirectiveNode): void => {
      const block = node.block;
      if (block !== null && block.kind !== null && CHECKED_SCOPES.has(block.kind)) checkScope(block);
    };

    return {
      directives: Object.fromEntries(BLOCK_OWNERS.map((name) => [name, visitBlock])),
      'tree:exit'() {
        // A snippet linted as http/server/location content: its top level is such a scope too.
        const root = model.root;
        if (root.kind !== null && CHECKED_SCOPES.has(root.kind)) checkScope(root);
      },
    };
  },
});
