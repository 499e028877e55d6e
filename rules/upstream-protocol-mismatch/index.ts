import {
  defineRule,
  formatDirective,
  insertDirectives,
  quoteArg,
  replaceArg,
  type BackendInventory,
  type BackendKind,
  type BackendProtocol,
  type DirectiveNode,
  type Edit,
  type Fix,
  type Listener,
  type PassKind,
  type PassSite,
  type RelatedDescriptor,
} from '../../src/rule-api.js';

/** One address a pass site connects to: the pass's own, or a `server` line of its upstream block. */
interface Endpoint {
  readonly server: DirectiveNode | undefined;
  readonly unix?: string;
  readonly host?: string;
  readonly port?: number;
}

/** What each pass module speaks. */
const SPEAKS: Readonly<Partial<Record<PassKind, BackendProtocol>>> = {
  proxy: 'http',
  fastcgi: 'fastcgi',
  uwsgi: 'uwsgi',
  scgi: 'scgi',
  grpc: 'grpc',
};

/** The module that speaks a protocol. */
const MODULE_FOR: Readonly<Record<BackendProtocol, PassKind>> = { http: 'proxy', fastcgi: 'fastcgi', uwsgi: 'uwsgi', scgi: 'scgi', grpc: 'grpc' };

const PROTOCOL_NAMES: Readonly<Record<BackendProtocol, string>> = { http: 'HTTP', fastcgi: 'FastCGI', uwsgi: 'the uwsgi protocol', scgi: 'SCGI', grpc: 'gRPC (HTTP/2)' };

/** The parameter files nginx ships for the modules that need them. */
const PARAMS: Readonly<Partial<Record<PassKind, readonly string[]>>> = {
  fastcgi: ['include fastcgi_params;', 'fastcgi_param SCRIPT_FILENAME $document_root$fastcgi_script_name;'],
  uwsgi: ['include uwsgi_params;'],
  scgi: ['include scgi_params;'],
};

const KIND_LABELS: Readonly<Record<BackendKind, string>> = {
  'php-fpm': 'the PHP-FPM pool',
  apache: 'Apache',
  gunicorn: 'gunicorn',
  uwsgi: 'uWSGI',
  uvicorn: 'uvicorn',
  node: 'the Node.js server',
  compose: 'the compose service',
  'systemd-socket': 'the systemd socket',
  'systemd-service': 'the systemd service',
  dotenv: 'the application',
};

const isLoopback = (h: string): boolean => h.toLowerCase() === 'localhost' || /^127\./.test(h) || h === '::1' || /^::ffff:127\./i.test(h);
const isWildcard = (h: string | undefined): boolean => h === undefined || h === '0.0.0.0' || h === '::' || h === '*';
const norm = (p: string): string => p.replace(/\/{2,}/g, '/').replace(/^\/var\/run\//, '/run/');

function endpoints(site: PassSite): Endpoint[] {
  const t = site.target;
  if (t.kind === 'unix') return [{ server: undefined, unix: t.path }];
  if (t.kind === 'address') return t.port === undefined ? [] : [{ server: undefined, host: t.host, port: t.port }];
  if (t.kind !== 'upstream') return [];
  const out: Endpoint[] = [];
  for (const s of t.upstream.servers) {
    if (!s.parsed.ok) continue;
    const a = s.parsed.value;
    if (a.kind === 'unix') out.push({ server: s.node, unix: a.path });
    else out.push({ server: s.node, host: a.host, port: a.port });
  }
  return out;
}

/**
 * Whether a listener's protocol is known rather than guessed: a `PORT` variable (.env, compose
 * `environment`) says nothing about what the program speaks, and a systemd socket's protocol is guessed from
 * its unit's name (`fcgiwrap.socket` would pass for HTTP).
 */
const protocolKnown = (l: Listener): boolean => l.kind !== 'dotenv' && l.kind !== 'compose' && !(l.kind === 'systemd-socket' && l.protocol === 'http');

/** The listeners that serve an endpoint, as far as the backend files tell. */
function listenersAt(inventory: BackendInventory, e: Endpoint): Listener[] {
  const services = new Set(inventory.services.map((s) => s.name.toLowerCase()));
  return inventory.listeners.filter((l) => {
    if (l.symbolic || !protocolKnown(l)) return false;
    if (e.unix !== undefined) return l.transport === 'unix' && l.path !== undefined && norm(l.path) === norm(e.unix);
    if (l.transport !== 'tcp' || l.port === undefined || l.port !== e.port || e.host === undefined) return false;
    const host = e.host.toLowerCase();
    // A compose service is reached by its name; a listener read from the service's own files has no host.
    if (l.service !== undefined) return host === l.service.toLowerCase();
    if (services.has(host)) return isWildcard(l.host);
    if (isLoopback(host)) return isWildcard(l.host) || isLoopback(l.host as string);
    return l.host !== undefined && l.host.toLowerCase() === host;
  });
}

/** The address as a pass of another module writes it. */
function rewrittenTarget(site: PassSite, kind: PassKind): string | undefined {
  const t = site.target;
  let address: string;
  if (t.kind === 'unix') address = `unix:${t.path}`;
  else if (t.kind === 'upstream') address = t.upstream.name;
  else if (t.kind === 'address' && t.port !== undefined) address = `${t.host.includes(':') ? `[${t.host}]` : t.host}:${t.port}`;
  else return undefined;
  return kind === 'proxy' ? `http://${address}` : address;
}

export default defineRule({
  name: 'upstream-protocol-mismatch',
  category: 'upstream',
  severity: 'error',
  description: 'A *_pass module that does not speak the protocol of the backend listening there (proxy_pass to PHP-FPM, fastcgi_pass to an HTTP server).',
  fix: 'unsafe',
  messages: {
    fastcgiToHttp:
      '"fastcgi_pass" speaks FastCGI to {{address}}, where {{backend}} speaks HTTP: nginx logs "upstream sent unsupported FastCGI protocol version: 72 while reading response header from upstream" (72 is the "H" of "HTTP/1.1") and answers 502; use proxy_pass http://{{target}}',
    proxyToFastcgi:
      '"proxy_pass" speaks HTTP to {{address}}, where {{backend}} speaks FastCGI: it resets the connection, nginx logs "recv() failed (104: Connection reset by peer) while reading response header from upstream" and answers 502; use fastcgi_pass {{target}} with the FastCGI parameters',
    proxyToUwsgi:
      '"proxy_pass" speaks HTTP to {{address}}, where {{backend}} speaks the uwsgi protocol (socket=): uWSGI logs "invalid request block size: 21573 (max 4096)...skip", drops the connection and nginx answers 502; use uwsgi_pass {{target}} with include uwsgi_params, or make uWSGI listen with http-socket=',
    uwsgiToHttp:
      '"uwsgi_pass" speaks the uwsgi protocol to {{address}}, where {{backend}} speaks HTTP: the backend answers 400 or the request hangs until nginx gives up with 504; use proxy_pass http://{{target}}, or make uWSGI listen with socket=',
    grpcToHttp:
      '"grpc_pass" speaks HTTP/2 to {{address}}, where {{backend}} speaks HTTP/1: nginx logs "upstream sent too large http2 frame: 4740180" (the bytes "HTT") and answers 502; point grpc_pass at a gRPC server, or use proxy_pass for an HTTP/1 application',
    plainToTls:
      '"proxy_pass http://" speaks plain HTTP to {{address}}, where {{backend}} expects TLS: the backend closes the connection, nginx logs "upstream prematurely closed connection while reading response header from upstream" and answers 502; use https://',
    tlsToPlain:
      '"proxy_pass https://" starts a TLS handshake with {{address}}, where {{backend}} speaks plain HTTP: nginx logs "SSL_do_handshake() failed (SSL: error:0A00010B:SSL routines::wrong version number) while SSL handshaking to upstream" and answers 502; use http://',
    mismatch:
      '"{{pass}}" speaks {{spoken}} to {{address}}, where {{backend}} speaks {{protocol}}: the backend cannot read the request or nginx cannot read the answer, and nginx answers 502; use {{module}}',
  },
  create(context) {
    const model = context.model;

    const fixFor = (site: PassSite, protocol: BackendProtocol): Fix | undefined => {
      const kind = MODULE_FOR[protocol];
      const node = site.node;
      if (!site.url.ok || site.url.value.ssl === true || site.url.value.hasVariables) return undefined;
      // The parameter directives are not allowed in `if` blocks: only a pass directly in a location.
      if (node.scope.kind !== 'location') return undefined;
      const target = rewrittenTarget(site, kind);
      if (target === undefined) return undefined;
      const d = node.directive;
      const last = d.args[d.args.length - 1];
      if (last === undefined || d.args.length !== 1) return undefined;
      const name = `${kind}_pass`;
      const edits: Edit[] = [{ file: node.file.path, start: d.nameSpan.start, end: last.span.end, text: `${name} ${quoteArg(target)}` }];
      const params = PARAMS[kind];
      if (params !== undefined && model.effective(node.scope, `${kind}_param`).origin === 'default') edits.push(insertDirectives(model, node.scope, params, node));
      return { title: `replace with ${formatDirective(name, [target])}${params !== undefined && edits.length > 1 ? ` and ${params.join(' ')}` : ''}`, applicability: 'unsafe', edits };
    };

    /** proxy_pass http:// to a TLS listener, or https:// to a plain one. */
    const checkTls = (site: PassSite, ends: readonly Endpoint[]): void => {
      if (!site.url.ok || site.url.value.ssl === undefined || site.url.value.hasVariables) return;
      const ssl = site.url.value.ssl;
      const inventory = context.backends;
      let first: { endpoint: Endpoint; listener: Listener } | undefined;
      let allKnown = true;
      for (const e of ends) {
        // Apache's TLS comes from SSLEngine in a virtual host, not from Listen: not judged.
        const at = listenersAt(inventory, e).filter((l) => l.protocol === 'http' && l.kind !== 'apache');
        if (at.length === 0) {
          allKnown = false;
          continue;
        }
        if (at.some((l) => (l.tls === true) === ssl)) return;
        first ??= { endpoint: e, listener: at[0] as Listener };
      }
      if (first === undefined) return;
      const { endpoint, listener } = first;
      const address = endpoint.unix !== undefined ? `unix:${endpoint.unix}` : `${endpoint.host?.includes(':') ? `[${endpoint.host}]` : endpoint.host}:${endpoint.port}`;
      const backend = `${KIND_LABELS[listener.kind]} "${listener.name}"`;
      const related: RelatedDescriptor[] = [{ at: { backend: listener.source }, message: `${backend} listens on ${address} ${ssl ? 'without' : 'with'} TLS` }];
      if (endpoint.server !== undefined) related.push({ at: { node: endpoint.server }, message: 'upstream server' });
      const scheme = ssl ? 'http' : 'https';
      const arg = site.node.directive.args[0];
      const fix: Fix | undefined =
        allKnown && arg !== undefined && /^https?:\/\//i.test(arg.value)
          ? { title: `use ${scheme}://`, applicability: 'unsafe', edits: [replaceArg(site.node, 0, arg.value.replace(/^https?/i, scheme))] }
          : undefined;
      context.report({
        messageId: ssl ? 'tlsToPlain' : 'plainToTls',
        data: { address, backend },
        at: { node: site.node },
        related,
        ...(fix !== undefined ? { fix } : {}),
      });
    };

    return {
      'tree:exit'() {
        const passes = context.upstreams.passes;
        if (passes.length === 0) return;
        const inventory = context.backends;
        if (inventory.listeners.length === 0) return;

        for (const site of passes) {
          const spoken = SPEAKS[site.passKind];
          if (spoken === undefined) continue;
          const found: { endpoint: Endpoint; listener: Listener }[] = [];
          let anyMatches = false;
          let allKnown = true;
          const protocols = new Set<BackendProtocol>();
          const ends = endpoints(site);
          for (const e of ends) {
            const at = listenersAt(inventory, e);
            if (at.length === 0) {
              allKnown = false;
              continue;
            }
            // Backend files that disagree about an address: trust the one that agrees with nginx.
            if (at.some((l) => l.protocol === spoken)) {
              anyMatches = true;
              continue;
            }
            const listener = at[0] as Listener;
            for (const l of at) protocols.add(l.protocol);
            found.push({ endpoint: e, listener });
          }
          const first = found[0];
          if (first === undefined) {
            if (!anyMatches || site.passKind !== 'proxy') continue;
            checkTls(site, ends);
            continue;
          }
          const { endpoint, listener } = first;
          const protocol = listener.protocol;
          const address = endpoint.unix !== undefined ? `unix:${endpoint.unix}` : `${endpoint.host?.includes(':') ? `[${endpoint.host}]` : endpoint.host}:${endpoint.port}`;
          const backend = `${KIND_LABELS[listener.kind]} "${listener.name}"`;
          // What the suggested directive names: the upstream block, else the address itself.
          const target = rewrittenTarget(site, 'fastcgi') ?? address;
          const messageId =
            site.passKind === 'fastcgi' && protocol === 'http'
              ? 'fastcgiToHttp'
              : site.passKind === 'proxy' && protocol === 'fastcgi'
                ? 'proxyToFastcgi'
                : site.passKind === 'proxy' && protocol === 'uwsgi'
                  ? 'proxyToUwsgi'
                  : site.passKind === 'uwsgi' && protocol === 'http'
                    ? 'uwsgiToHttp'
                    : site.passKind === 'grpc' && protocol === 'http'
                      ? 'grpcToHttp'
                      : 'mismatch';
          const related: RelatedDescriptor[] = [{ at: { backend: listener.source }, message: `${backend} listens on ${address} and speaks ${PROTOCOL_NAMES[protocol]}` }];
          if (endpoint.server !== undefined) related.push({ at: { node: endpoint.server }, message: 'upstream server' });
          // Rewrite the pass only when every address it reaches is known to speak the same protocol.
          const fix = !anyMatches && allKnown && protocols.size === 1 && found.length === ends.length && protocol !== 'grpc' && spoken !== 'grpc' ? fixFor(site, protocol) : undefined;
          context.report({
            messageId,
            data: {
              pass: site.node.name,
              spoken: PROTOCOL_NAMES[spoken],
              protocol: PROTOCOL_NAMES[protocol],
              address,
              target,
              backend,
              module: `${MODULE_FOR[protocol]}_pass`,
            },
            at: { node: site.node },
            related,
            ...(fix !== undefined ? { fix } : {}),
          });
        }
      },
    };
  },
});
