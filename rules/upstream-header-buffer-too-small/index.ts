import {
  defineRule,
  formatDirective,
  insertDirectives,
  parseOffset,
  parseSize,
  setDirective,
  type Arg,
  type DirectiveNode,
  type Edit,
  type Fix,
  type PassSite,
  type PassTarget,
  type RelatedDescriptor,
  type Scope,
  type UpstreamBlock,
} from '../../src/rule-api.js';
import { compileLocationRegex, type LocationRegex } from './location-regex.js';

/** The modules whose response header is read into `<family>_buffer_size`. */
type Family = 'proxy' | 'fastcgi' | 'uwsgi' | 'scgi' | 'grpc';
const FAMILIES: ReadonlySet<string> = new Set<Family>(['proxy', 'fastcgi', 'uwsgi', 'scgi', 'grpc']);

/** One memory page on x86-64 Linux: nginx's default `*_buffer_size` and `*_buffers` size. */
const PAGE = 4096;
const K = 1024;
/** nginx's default `large_client_header_buffers 4 8k`. */
const CLIENT_DEFAULT = { count: 4, size: 8 * K };
/** nginx's default `*_max_temp_file_size`. */
const DEFAULT_MAX_TEMP = 1024 * 1024 * 1024;

/** Levels that inherit their parent's settings (nginx merges them). */
const INHERITING: ReadonlySet<string> = new Set(['server', 'location', 'if-in-server', 'if-in-location', 'limit_except']);
/** The `<family>_*` settings nginx's load-time buffer checks read. */
const BUFFER_SUFFIXES = ['buffer_size', 'buffers', 'busy_buffers_size', 'temp_file_write_size', 'max_temp_file_size'] as const;
/** Nesting below a fix that is checked before calling it safe; deeper (hostile) nesting makes it a suggestion. */
const MAX_VERIFIED_DEPTH = 100;
/** Levels where nginx checks the buffer constraints (buffer-size-constraints). */
const CHECKED: ReadonlySet<string> = new Set(['http', 'server', 'location', 'if-in-location', 'limit_except']);

/** Names that leave no doubt: an SSO / OIDC / OAuth2 login service. */
const SSO_DISTINCT = /oauth2[-_]?proxy|keycloak|authelia|authentik|vouch[-_]?proxy|pomerium|zitadel|casdoor|shibboleth/i;
/** Short names that count only as whole words (`sso`, not `lasso`). */
const SSO_WORD = /(?:^|[^a-z0-9])(?:sso|oidc|openid|saml|dex|vouch|logto)(?:[^a-z0-9]|$)/i;
/** oauth2-proxy's own endpoints (`/oauth2/start`, `/oauth2/callback`, `/oauth2/auth`). */
const OAUTH2_LOCATION = /^\/oauth2(?:\/|$)/;

const BUFFER_SIZE: Readonly<Record<Family, string>> = {
  proxy: 'proxy_buffer_size',
  fastcgi: 'fastcgi_buffer_size',
  uwsgi: 'uwsgi_buffer_size',
  scgi: 'scgi_buffer_size',
  grpc: 'grpc_buffer_size',
};

/** How the messages name each module's responses. */
const MODULE_NAMES: Readonly<Record<Family, string>> = { proxy: 'proxied', fastcgi: 'FastCGI', uwsgi: 'uwsgi', scgi: 'SCGI', grpc: 'gRPC' };

function human(bytes: number): string {
  if (bytes % (1024 * 1024) === 0) return `${bytes / (1024 * 1024)}m`;
  if (bytes % K === 0) return `${bytes / K}k`;
  return String(bytes);
}

interface Setting {
  readonly name: string;
  readonly args: readonly string[];
}

interface LocationInfo {
  readonly modifier: '' | '=' | '^~' | '~' | '~*' | '@';
  readonly uri: string;
}

function locationInfo(node: DirectiveNode): LocationInfo | undefined {
  const args = node.directive.args;
  if (args.length === 2) {
    const m = (args[0] as Arg).value;
    if (m === '=' || m === '^~' || m === '~' || m === '~*') return { modifier: m, uri: (args[1] as Arg).value };
    return undefined;
  }
  const text = args[0]?.value;
  if (args.length !== 1 || text === undefined) return undefined;
  if (text.startsWith('@')) return { modifier: '@', uri: text };
  if (text.startsWith('=')) return { modifier: '=', uri: text.slice(1) };
  if (text.startsWith('^~')) return { modifier: '^~', uri: text.slice(2) };
  if (text.startsWith('~*')) return { modifier: '~*', uri: text.slice(2) };
  if (text.startsWith('~')) return { modifier: '~', uri: text.slice(1) };
  return { modifier: '', uri: text };
}

export default defineRule({
  name: 'upstream-header-buffer-too-small',
  category: 'buffers',
  severity: 'warning',
  description: 'Upstream response headers read into a buffer too small for big cookies and tokens: "upstream sent too big header" (502).',
  fix: 'safe',
  options: {
    minBufferSize: {
      type: 'size',
      default: '8k',
      description: 'An explicit *_buffer_size below this is reported (response headers larger than the buffer make nginx answer 502).',
    },
  },
  messages: {
    smallBufferSize:
      '"{{directive}} {{value}}" is below {{min}}: a {{module}} response header larger than {{value}} (a session or SSO cookie, a long Content-Security-Policy) makes nginx answer 502 with "upstream sent too big header while reading response header from upstream"',
    bigClientHeaders:
      '{{pass}} reads response headers into the default {{directive}} (one page, 4k), but "large_client_header_buffers {{client}}" lets clients send header lines up to {{clientSize}}: a backend that echoes a big cookie answers with a header nginx cannot read (502, "upstream sent too big header while reading response header from upstream")',
    authRequest:
      '{{pass}} serves a location protected by "auth_request {{uri}}" with the default {{directive}} (one page, 4k): behind single sign-on, backends set session cookies and echo tokens that easily outgrow it (502, "upstream sent too big header while reading response header from upstream")',
    authRequestTarget:
      '"auth_request {{uri}}" subrequests land here, and {{pass}} reads the auth response headers into the default {{directive}} (one page, 4k): an auth service\'s cookies and token headers easily outgrow it ("upstream sent too big header while reading response header from upstream", and the protected location fails)',
    ssoProxy:
      '{{pass}} talks to an SSO/OIDC service ({{why}}) with the default {{directive}} (one page, 4k): its session cookies and tokens easily outgrow it (502, "upstream sent too big header while reading response header from upstream")',
  },
  create(context) {
    const model = context.model;
    const minBufferSize = context.options.minBufferSize;

    /** The consistent set of buffer directives for a module (RULES.md #3), scaled up when the option asks for more. */
    const targetSet = (family: Family): { bufferSize: number; buffers?: { count: number; size: number } } => {
      const wanted = Math.ceil(minBufferSize / K) * K;
      if (family === 'grpc') return { bufferSize: Math.max(16 * K, wanted) };
      if (family === 'fastcgi') {
        const bufferSize = Math.max(32 * K, wanted);
        return { bufferSize, buffers: 15 * 16 * K >= 2 * bufferSize ? { count: 16, size: 16 * K } : { count: 8, size: bufferSize } };
      }
      const bufferSize = Math.max(16 * K, wanted);
      return { bufferSize, buffers: { count: 8, size: bufferSize } };
    };

    /** A directive's arguments in effect at `scope`, as if `written` were set at `at`; undefined for the default. */
    const lookup = (scope: Scope, name: string, at: Scope, written: ReadonlyMap<string, readonly string[]>): readonly string[] | undefined => {
      for (let s: Scope | null = scope; s !== null; s = s.parent) {
        if (s === at && written.has(name)) return written.get(name);
        const local = model.local(s, name);
        const last = local[local.length - 1];
        if (last !== undefined) return last.directive.args.map((a) => a.value);
        if (s.kind === null || !INHERITING.has(s.kind)) break;
      }
      return undefined;
    };

    const parseBuffers = (args: readonly string[] | undefined): { count: number; size: number } | undefined => {
      if (args === undefined) return { count: 8, size: PAGE };
      const count = Number(args[0]);
      const size = parseSize(args[1] ?? '');
      return Number.isInteger(count) && size.ok ? { count, size: size.value } : undefined;
    };

    /** nginx's load-time buffer checks (see buffer-size-constraints) on the settings in effect at one level. */
    const fits = (get: (suffix: string) => readonly string[] | undefined): boolean => {
      const bs = parseSize(get('buffer_size')?.[0] ?? '4k');
      const bufs = parseBuffers(get('buffers'));
      if (!bs.ok || bufs === undefined || bufs.count < 2) return false;
      const m = Math.max(bs.value, bufs.size);
      const busyArgs = get('busy_buffers_size');
      const busy = busyArgs === undefined ? { ok: true as const, value: 2 * m } : parseSize(busyArgs[0] ?? '');
      if (!busy.ok || busy.value < m || busy.value > (bufs.count - 1) * bufs.size) return false;
      const tempArgs = get('temp_file_write_size');
      const temp = tempArgs === undefined ? { ok: true as const, value: 2 * m } : parseSize(tempArgs[0] ?? '');
      if (!temp.ok || temp.value < m) return false;
      const maxArgs = get('max_temp_file_size');
      const maxTemp = maxArgs === undefined ? { ok: true as const, value: DEFAULT_MAX_TEMP } : parseOffset(maxArgs[0] ?? '');
      return maxTemp.ok && (maxTemp.value === 0 || maxTemp.value >= m);
    };

    /**
     * Whether the buffer checks pass at `at` and at every checked level below it, with `written` set at `at`.
     * One pass down the levels, carrying the settings in effect (looking each one up the chain at every level
     * would cost the depth again and again); levels nested more than MAX_VERIFIED_DEPTH below are not verified.
     */
    const loadsBelow = (family: Family, at: Scope, written: ReadonlyMap<string, readonly string[]>): boolean => {
      if (family === 'grpc') return true;
      type Settings = ReadonlyMap<string, readonly string[] | undefined>;
      const names = BUFFER_SUFFIXES.map((suffix) => `${family}_${suffix}`);
      type Level = { scope: Scope; settings: Settings; depth: number };
      const stack: Level[] = [{ scope: at, settings: new Map(names.map((n) => [n, lookup(at, n, at, written)])), depth: 0 }];
      while (stack.length > 0) {
        const { scope, settings, depth } = stack.pop() as Level;
        if (depth > MAX_VERIFIED_DEPTH) return false;
        if (!fits((suffix) => settings.get(`${family}_${suffix}`))) return false;
        for (const child of scope.children) {
          const level = child.block;
          if (level === null || level.kind === null || !CHECKED.has(level.kind)) continue;
          // As lookup() would find it from `level`: its own setting, else (where nginx merges) its parent's.
          const inherits = INHERITING.has(level.kind);
          const below = new Map<string, readonly string[] | undefined>();
          for (const n of names) {
            const local = model.local(level, n);
            const last = local[local.length - 1];
            below.set(n, last !== undefined ? last.directive.args.map((a) => a.value) : inherits ? settings.get(n) : undefined);
          }
          stack.push({ scope: level, settings: below, depth: depth + 1 });
        }
      }
      return true;
    };

    /** The directives to write at `at`: the consistent set; buffers already larger than the set's are kept. */
    const settingsFor = (family: Family, at: Scope): Setting[] => {
      const target = targetSet(family);
      const bs = human(target.bufferSize);
      if (target.buffers === undefined) return [{ name: `${family}_buffer_size`, args: [bs] }];
      const existing = parseBuffers(lookup(at, `${family}_buffers`, at, new Map()));
      const keep =
        existing !== undefined &&
        lookup(at, `${family}_buffers`, at, new Map()) !== undefined &&
        existing.size >= target.buffers.size &&
        existing.count * existing.size >= target.buffers.count * target.buffers.size;
      const buffers = keep && existing !== undefined ? existing : target.buffers;
      const m = Math.max(target.bufferSize, buffers.size);
      const limit = (buffers.count - 1) * buffers.size;
      const busy = keep ? (2 * m <= limit ? 2 * m : m) : 2 * target.bufferSize;
      const out: Setting[] = [{ name: `${family}_buffer_size`, args: [bs] }];
      if (!keep) out.push({ name: `${family}_buffers`, args: [String(buffers.count), human(buffers.size)] });
      out.push({ name: `${family}_busy_buffers_size`, args: [human(busy)] });
      return out;
    };

    /** Line endings by file: SourceText.lineEnding scans the whole text on every read. */
    const eols = new Map<string, string>();
    const eolOf = (node: DirectiveNode): string => {
      let eol = eols.get(node.file.path);
      if (eol === undefined) eols.set(node.file.path, (eol = node.file.source.lineEnding));
      return eol;
    };

    /** Inserts lines right after `anchor` in its own file (also an included snippet), indented like it. */
    const insertAfter = (anchor: DirectiveNode, lines: readonly string[]): Edit => {
      const text = anchor.file.source.text;
      const start = anchor.directive.span.start;
      // Back to the start of the line (a scan bounded by the line, not the file).
      let lineStart = start;
      while (lineStart > 0 && text[lineStart - 1] !== '\n' && text[lineStart - 1] !== '\r') lineStart--;
      const before = text.slice(lineStart, start);
      const end = anchor.directive.span.end;
      // A one-line block (`location / { proxy_pass ...; }`) stays on one line.
      if (!/^[ \t]*$/.test(before)) return { file: anchor.file.path, start: end, end, text: lines.map((l) => ' ' + l).join('') };
      const eol = eolOf(anchor);
      return { file: anchor.file.path, start: end, end, text: lines.map((l) => eol + before + l).join('') };
    };

    /**
     * The fix: write the set at `at`, replacing the set's directives already there, the missing ones inserted
     * together after `anchor`. Safe only when every level below still loads; else offered as a suggestion.
     */
    const buildFix = (family: Family, at: Scope, anchor: DirectiveNode | undefined): Fix => {
      const settings = settingsFor(family, at);
      const written = new Map(settings.map((s) => [s.name, s.args] as const));
      const edits: Edit[] = [];
      const missing: string[] = [];
      // The missing ones go after the last directive of the set written next to the anchor, so the set stays together.
      let after = anchor !== undefined && anchor.scope === at ? anchor : undefined;
      for (const s of settings) {
        if (model.local(at, s.name).length > 0) edits.push(...setDirective(model, at, s.name, s.args));
        else missing.push(formatDirective(s.name, s.args));
      }
      for (const suffix of ['buffer_size', 'buffers', 'busy_buffers_size']) {
        // Only the first occurrence: setDirective removes the others (a duplicate nginx would reject anyway).
        const n = model.local(at, `${family}_${suffix}`)[0];
        if (n !== undefined && after !== undefined && n.file === after.file && n.includedVia.length === after.includedVia.length && n.directive.span.start > after.directive.span.start) after = n;
      }
      if (missing.length > 0) edits.push(after !== undefined ? insertAfter(after, missing) : insertDirectives(model, at, missing));
      const safe = loadsBelow(family, at, written);
      const title = `set ${settings.map((s) => formatDirective(s.name, s.args)).join(' ')}`;
      return { title: safe ? title : `${title} (not applied: other ${family}_* buffer settings here or below would no longer fit together)`, applicability: safe ? 'safe' : 'suggestion', edits };
    };

    /** The `auth_request` in effect at a level: nginx inherits it from server and http. */
    const authRequestAt = (scope: Scope): DirectiveNode | undefined => {
      for (let s: Scope | null = scope; s !== null; s = s.parent) {
        const local = model.local(s, 'auth_request');
        const last = local[local.length - 1];
        if (last !== undefined) return last.directive.args[0]?.value === 'off' ? undefined : last;
      }
      return undefined;
    };

    const regexCache = new Map<string, LocationRegex | undefined>();
    const locationRegex = (pattern: string, caseless: boolean): LocationRegex | undefined => {
      const key = `${caseless ? 'i' : '-'}${pattern}`;
      if (!regexCache.has(key)) regexCache.set(key, compileLocationRegex(pattern, caseless));
      return regexCache.get(key);
    };

    /**
     * The location of a server that a URI goes to (exact, longest prefix, `^~`, regexes in order); nested
     * locations too. Iterative: prefix locations can nest thousands deep across included files.
     */
    const findLocation = (scope: Scope, uri: string): Scope | undefined => {
      type Candidate = { scope: Scope; info: LocationInfo };
      const levels: { prefix: Candidate | undefined; regexes: Candidate[] }[] = [];
      for (let s: Scope | undefined = scope; s !== undefined; ) {
        let prefix: Candidate | undefined;
        const regexes: Candidate[] = [];
        for (const node of model.local(s, 'location')) {
          const info = locationInfo(node);
          if (info === undefined || node.block === null) continue;
          if (info.modifier === '=' && info.uri === uri) return node.block;
          if ((info.modifier === '' || info.modifier === '^~') && uri.startsWith(info.uri) && (prefix === undefined || info.uri.length > prefix.info.uri.length)) {
            prefix = { scope: node.block, info };
          }
          if (info.modifier === '~' || info.modifier === '~*') regexes.push({ scope: node.block, info });
        }
        levels.push({ prefix, regexes });
        s = prefix?.scope;
      }
      // From the innermost level out: the first level that settles the match answers for all above it.
      for (let i = levels.length - 1; i >= 0; i--) {
        const { prefix, regexes } = levels[i] as (typeof levels)[number];
        if (prefix?.info.modifier === '^~') return prefix.scope;
        // Never JavaScript's RegExp on a pattern from the configuration: it backtracks exponentially on some.
        // A pattern outside the matcher's subset, or a subject too long to judge, is skipped.
        for (const r of regexes) if (locationRegex(r.info.uri, r.info.modifier === '~*')?.test(uri) === true) return r.scope;
        if (prefix !== undefined) return prefix.scope;
      }
      return undefined;
    };

    /** Locations that receive `auth_request` subrequests, with the directive that sends them. */
    const authTargets = (): Map<Scope, DirectiveNode> => {
      const targets = new Map<Scope, DirectiveNode>();
      for (const node of model.byName('auth_request')) {
        const uri = node.directive.args[0]?.value;
        if (uri === undefined || uri === 'off' || uri.includes('$')) continue;
        const path = uri.split('?')[0] as string;
        const server = model.enclosing(node.scope, 'server');
        const servers = server !== undefined ? [server] : model.local(node.scope, 'server').flatMap((s) => (s.block !== null ? [s.block] : []));
        for (const s of servers) {
          const target = findLocation(s, path);
          if (target !== undefined && !targets.has(target)) targets.set(target, node);
        }
      }
      return targets;
    };

    /** The names a pass target goes by: an upstream's name and server addresses, a host, a socket path. */
    const targetNames = (t: PassTarget): readonly string[] =>
      t.kind === 'upstream' ? [t.upstream.name, ...t.upstream.servers.map((s) => s.address)] : t.kind === 'address' ? [t.host] : t.kind === 'unix' ? [t.path] : [];

    /** The SSO-looking name of a pass target, quoted, by upstream block, host or path: most passes share a target. */
    const ssoNames = new Map<UpstreamBlock | string, string | undefined>();
    const ssoName = (t: PassTarget): string | undefined => {
      const key = t.kind === 'upstream' ? t.upstream : t.kind === 'address' ? t.host : t.kind === 'unix' ? t.path : undefined;
      if (key === undefined) return undefined;
      if (ssoNames.has(key)) return ssoNames.get(key);
      const found = targetNames(t).find((name) => SSO_DISTINCT.test(name) || SSO_WORD.test(name));
      const reason = found === undefined ? undefined : `"${found}"`;
      ssoNames.set(key, reason);
      return reason;
    };

    /**
     * Whether some location may be an `/oauth2` one: a URI that matches OAUTH2_LOCATION has `/oauth2` in an
     * argument. Without one, no pass needs the walk up its locations.
     */
    let oauth2Location: boolean | undefined;
    const hasOauth2Location = (): boolean => (oauth2Location ??= model.byName('location').some((n) => n.directive.args.some((a) => a.value.includes('/oauth2'))));

    /** Why a pass looks like it talks to an SSO/OIDC service, if it does. */
    const ssoReason = (site: PassSite, location: Scope | undefined): string | undefined => {
      // Host names only: a variable (`$oidc_token_endpoint`) says nothing about the response headers, and
      // nginx's own OIDC client talks to the token endpoints, whose tokens come in the body.
      const byName = ssoName(site.target);
      if (byName !== undefined) return byName;
      if (!hasOauth2Location()) return undefined;
      for (let s: Scope | undefined = location; s !== undefined && s.owner !== null; s = s.parent === null ? undefined : model.enclosing(s.parent, 'location')) {
        const info = locationInfo(s.owner);
        if (info !== undefined && info.modifier !== '~' && info.modifier !== '~*' && OAUTH2_LOCATION.test(info.uri)) return `location ${info.uri}`;
      }
      return undefined;
    };

    const clientBuffers = (scope: Scope): { node: DirectiveNode; count: number; size: number } | undefined => {
      const eff = model.effective(scope, 'large_client_header_buffers');
      const node = eff.nodes[eff.nodes.length - 1];
      if (node === undefined) return undefined;
      const count = Number(node.directive.args[0]?.value);
      const size = parseSize(node.directive.args[1]?.value ?? '');
      return Number.isInteger(count) && size.ok ? { node, count, size: size.value } : undefined;
    };

    type Trigger = { messageId: 'bigClientHeaders' | 'authRequest' | 'authRequestTarget' | 'ssoProxy'; data: Record<string, string>; related: RelatedDescriptor[] };

    /** Why a passing location with the default buffer deserves a warning, most specific reason first. */
    const triggerFor = (site: PassSite, location: Scope, targets: ReadonlyMap<Scope, DirectiveNode>, hasAuth: boolean, clientRaised: boolean): Trigger | undefined => {
      const auth = targets.get(location);
      if (auth !== undefined) {
        return { messageId: 'authRequestTarget', data: { uri: auth.directive.args[0]?.value ?? '' }, related: [{ at: { node: auth }, message: 'the auth subrequest is sent from here' }] };
      }
      const why = ssoReason(site, location);
      if (why !== undefined) return { messageId: 'ssoProxy', data: { why }, related: [] };
      const protectedBy = hasAuth ? authRequestAt(site.node.scope) : undefined;
      if (protectedBy !== undefined) {
        return { messageId: 'authRequest', data: { uri: protectedBy.directive.args[0]?.value ?? '' }, related: [{ at: { node: protectedBy }, message: 'auth_request set here' }] };
      }
      const client = clientRaised ? clientBuffers(site.node.scope) : undefined;
      if (client !== undefined && client.size > CLIENT_DEFAULT.size) {
        return {
          messageId: 'bigClientHeaders',
          data: { client: client.node.directive.args.map((a) => a.value).join(' '), clientSize: human(client.size) },
          related: [{ at: { node: client.node }, message: `clients may send header lines up to ${human(client.size)}` }],
        };
      }
      return undefined;
    };

    return {
      'tree:exit'() {
        const passes = context.upstreams.passes;
        if (!passes.some((p) => FAMILIES.has(p.passKind))) return;
        const targets = authTargets();
        const hasAuth = model.byName('auth_request').length > 0;
        const clientRaised = model.byName('large_client_header_buffers').some((n) => {
          const size = parseSize(n.directive.args[1]?.value ?? '');
          return size.ok && size.value > CLIENT_DEFAULT.size;
        });
        /** Whether a `*_buffer_size` sets a valid size below the minimum; asked once per directive, which many passes share. */
        const smallSetters = new Map<DirectiveNode, boolean>();
        const isSmall = (setter: DirectiveNode): boolean => {
          let small = smallSetters.get(setter);
          if (small === undefined) {
            const value = parseSize(setter.directive.args[0]?.value ?? '');
            smallSetters.set(setter, (small = value.ok && value.value < minBufferSize));
          }
          return small;
        };
        /** Small explicit values: the directive that sets one, with the passes that use it. */
        const small = new Map<string, { node: DirectiveNode; family: Family; value: string; sites: PassSite[] }>();
        /** Default buffers worth a warning: one per passing location and module. */
        const defaulted = new Set<string>();

        for (const site of passes) {
          if (!FAMILIES.has(site.passKind)) continue;
          const family = site.passKind as Family;
          const directive = BUFFER_SIZE[family];
          const eff = model.effective(site.node.scope, directive);
          const setter = eff.nodes[eff.nodes.length - 1];
          if (setter !== undefined) {
            if (!isSmall(setter)) continue;
            const key = `${setter.file.path}\u0000${setter.directive.span.start}`;
            const entry = small.get(key);
            if (entry !== undefined) entry.sites.push(site);
            else small.set(key, { node: setter, family, value: setter.directive.args[0]?.value ?? '', sites: [site] });
            continue;
          }
          // nginx's default (one page) is in effect.
          if (minBufferSize <= PAGE) continue;
          const location = model.enclosing(site.node.scope, 'location');
          if (location === undefined) continue;
          const trigger = triggerFor(site, location, targets, hasAuth, clientRaised);
          if (trigger === undefined) continue;
          // Once per location and module; a file included from several places counts once.
          const key = `${family}\u0000${location.owner === null ? 'root' : `${location.owner.file.path}:${location.owner.directive.span.start}`}`;
          if (defaulted.has(key)) continue;
          defaulted.add(key);
          const pass = `"${site.node.name} ${site.node.directive.args[0]?.raw ?? ''}"`;
          // After the pass when it is written in the location's own block; a pass from an included snippet
          // (maybe shared by other locations) leaves the snippet alone: the set goes into the block itself.
          const inOwnBlock =
            site.node.scope === location &&
            (location.owner === null
              ? site.node.includedVia.length === 0
              : site.node.file === location.owner.file && site.node.includedVia.length === location.owner.includedVia.length);
          const anchor = inOwnBlock ? site.node : undefined;
          context.report({
            messageId: trigger.messageId,
            data: { pass, directive, ...trigger.data },
            at: { node: site.node },
            related: trigger.related,
            fix: buildFix(family, location, anchor),
          });
        }

        for (const { node, family, value, sites } of small.values()) {
          const related: RelatedDescriptor[] = sites
            .slice(0, 3)
            .map((s) => ({ at: { node: s.node }, message: `${s.node.name} reads its response header into ${value} here` }));
          context.report({
            messageId: 'smallBufferSize',
            data: { directive: node.name, value, min: human(minBufferSize), module: MODULE_NAMES[family] },
            at: { node },
            related,
            fix: buildFix(family, node.scope, node),
          });
        }
      },
    };
  },
});
