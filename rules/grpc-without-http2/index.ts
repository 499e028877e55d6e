import { defineRule, parseAddress, setDirective, type Arg, type DirectiveNode, type Edit, type Fix, type Scope } from '../../src/rule-api.js';

/** `listen` parameters that are flags, not the address. */
function hasArg(node: DirectiveNode, value: string): boolean {
  const args = node.directive.args;
  for (let i = 1; i < args.length; i++) if ((args[i] as Arg).value.toLowerCase() === value) return true;
  return false;
}

/** nginx groups listen options by address and port: `*:443`, `0.0.0.0:443` and `443` are one socket. */
function listenKey(node: DirectiveNode): string | undefined {
  const parsed = parseAddress(node.directive.args[0]?.value ?? '');
  if (!parsed.ok) return undefined;
  const a = parsed.value;
  if (a.kind === 'unix') return `unix:${a.path}`;
  return `${a.wildcard ? (a.kind === 'ipv6' ? '[::]' : '*') : a.host.toLowerCase()}:${a.port}`;
}

export default defineRule({
  name: 'grpc-without-http2',
  category: 'upstream',
  severity: 'error',
  description: 'grpc_pass in a server that does not speak HTTP/2, so gRPC clients cannot reach it.',
  fix: 'safe',
  messages: {
    noHttp2:
      '"grpc_pass" in a server without HTTP/2 ({{how}}): gRPC clients need HTTP/2 and fail at the protocol or ALPN stage before nginx ever reaches the backend',
  },
  create(context) {
    const model = context.model;
    const seen = new Set<Scope>();

    /** Addresses where some server turns HTTP/2 on with `listen ... http2` (it applies to the whole socket). */
    const http2Sockets = new Set<string>();
    const build = (): void => {
      for (const listen of model.byName('listen')) {
        if (listen.scope.kind !== 'server' || !hasArg(listen, 'http2')) continue;
        const key = listenKey(listen);
        if (key !== undefined) http2Sockets.add(key);
      }
    };

    const check = (pass: DirectiveNode): void => {
      const server = model.enclosing(pass.scope, 'server');
      if (server === undefined || seen.has(server)) return;
      seen.add(server);
      const http2 = model.effective(server, 'http2').nodes;
      if (http2[http2.length - 1]?.directive.args[0]?.value.toLowerCase() === 'on') return;
      const listens = model.local(server, 'listen');
      if (listens.some((l) => hasArg(l, 'http2') || http2Sockets.has(listenKey(l) ?? '\0'))) return;

      const modern = context.version.atLeast('1.25.1');
      const explicitOff = http2.length > 0;
      const how = explicitOff ? '"http2 off"' : modern ? 'no "http2 on"' : 'no "listen ... http2"';
      const lastListen = listens[listens.length - 1];
      let fix: Fix | undefined;
      if (modern) {
        fix = { title: 'add http2 on', applicability: 'safe', edits: setDirective(model, server, 'http2', ['on'], lastListen) };
      } else if (listens.length > 0 && !explicitOff) {
        const edits: Edit[] = [];
        for (const l of listens) {
          const last = l.directive.args[l.directive.args.length - 1];
          if (last !== undefined) edits.push({ file: l.file.path, start: last.span.end, end: last.span.end, text: ' http2' });
        }
        // Before 1.25.1 a plaintext `listen ... http2` port stops answering HTTP/1.x clients: only TLS ports
        // (where ALPN picks the protocol) are safe to switch.
        const allTls = listens.every((l) => hasArg(l, 'ssl'));
        fix = { title: 'add http2 to the listen directives', applicability: allTls ? 'safe' : 'unsafe', edits };
      }
      context.report({
        messageId: 'noHttp2',
        data: { how },
        at: { node: pass },
        ...(lastListen !== undefined ? { related: [{ at: { node: lastListen }, message: 'the server listens here' }] } : {}),
        ...(fix !== undefined ? { fix } : {}),
      });
    };
    return {
      'tree:exit': () => {
        const passes = model.byName('grpc_pass');
        if (passes.length === 0) return;
        build();
        for (const pass of passes) check(pass);
      },
    };
  },
});
