import { MATCH_ANY_HOST, backendRelated, defineRule, isDefaultSource, matchPass, parseSize, type DirectiveNode, type Listener, type PassSite, type RelatedDescriptor } from '../../src/rule-api.js';

/** uWSGI's `buffer-size` default, and the largest value the uwsgi packet's 16-bit size allows. */
const UWSGI_DEFAULT = 4096;
const UWSGI_MAX = 65535;


export default defineRule({
  name: 'uwsgi-buffer-size',
  category: 'buffers',
  severity: 'warning',
  description: 'uWSGI\'s buffer-size (4096 bytes by default) is smaller than the request headers nginx accepts and forwards with uwsgi_pass.',
  messages: {
    bufferTooSmall:
      'uWSGI "{{name}}" takes at most {{bufferSize}} bytes of request headers and variables (buffer-size = {{bufferSize}}), but nginx accepts request headers up to {{nginxMax}} bytes ({{nginxSetting}}) and forwards them all: a request with large cookies makes uWSGI log "invalid request block size: … (max {{bufferSize}})...skip" and drop the connection, and nginx answers 502 with "recv() failed (104: Connection reset by peer) while reading response header from upstream"; set buffer-size = {{suggested}} in the uWSGI configuration',
    defaultBufferSize:
      'uWSGI "{{name}}" has no buffer-size, so it takes at most 4096 bytes of request headers and variables, but nginx accepts request headers up to {{nginxMax}} bytes ({{nginxSetting}}) and forwards them all: a request with large cookies makes uWSGI log "invalid request block size: … (max 4096)...skip" and drop the connection, and nginx answers 502 with "recv() failed (104: Connection reset by peer) while reading response header from upstream"; set buffer-size = {{suggested}} in the uWSGI configuration',
  },
  create(context) {
    const model = context.model;

    /** The largest request header nginx accepts at a pass: its large_client_header_buffers (or a larger client_header_buffer_size). */
    const nginxMax = (site: PassSite): { bytes: number; setting: string; node: DirectiveNode | undefined } | undefined => {
      const eff = model.effective(site.node.scope, 'large_client_header_buffers');
      const node = eff.nodes[eff.nodes.length - 1];
      const text = node === undefined ? (eff.defaultValue ?? '4 8k') : node.directive.args.map((a) => a.value).join(' ');
      const [countText, sizeText] = text.split(/\s+/);
      const count = Number(countText);
      const size = parseSize(sizeText ?? '');
      if (!Number.isInteger(count) || count <= 0 || !size.ok) return undefined;
      let bytes = count * size.value;
      let setting = `large_client_header_buffers ${text}${node === undefined ? ", nginx's default" : ''}`;
      let at = node;
      const single = model.effective(site.node.scope, 'client_header_buffer_size');
      const singleNode = single.nodes[single.nodes.length - 1];
      const singleSize = singleNode === undefined ? undefined : parseSize(singleNode.directive.args[0]?.value ?? '');
      if (singleSize?.ok === true && singleSize.value > bytes) {
        bytes = singleSize.value;
        setting = `client_header_buffer_size ${singleNode?.directive.args[0]?.value ?? ''}`;
        at = singleNode;
      }
      return { bytes, setting, node: at };
    };

    const check = (site: PassSite, listener: Listener): boolean => {
      // The readers fill in uWSGI's default (4096) where nothing is written, and leave out what cannot be known.
      const written = listener.bufferSize;
      if (written === undefined || written.symbolic === true || !(written.value > 0)) return false;
      const bufferSize = written.value;
      const nginx = nginxMax(site);
      if (nginx === undefined) return false;
      const wanted = Math.min(nginx.bytes, UWSGI_MAX);
      if (bufferSize >= wanted) return false;
      const dflt = isDefaultSource(written.source, listener) && bufferSize === UWSGI_DEFAULT;
      const related: RelatedDescriptor[] = [
        dflt ? backendRelated(listener.source, `uWSGI "${listener.name}" listens here; buffer-size is not set (4096 by default)`) : backendRelated(written.source, `buffer-size = ${bufferSize}`),
      ];
      if (nginx.node !== undefined) related.push({ at: { node: nginx.node }, message: `${nginx.setting} set here` });
      context.report({
        messageId: dflt ? 'defaultBufferSize' : 'bufferTooSmall',
        data: { name: listener.name, bufferSize, nginxMax: nginx.bytes, nginxSetting: nginx.setting, suggested: wanted },
        at: { node: site.node },
        related,
      });
      return true;
    };

    return {
      'tree:exit'() {
        const passes = context.upstreams.passes.filter((s) => s.passKind === 'uwsgi');
        if (passes.length === 0) return;
        const servers = context.backends.listeners.filter((l) => l.kind === 'uwsgi' && l.protocol === 'uwsgi');
        if (servers.length === 0) return;
        // One finding per uWSGI socket, on the first pass that sends it more than it takes.
        const done = new Set<Listener>();
        for (const site of passes) {
          for (const { listener } of matchPass(site, servers, MATCH_ANY_HOST)) {
            if (!done.has(listener) && check(site, listener)) done.add(listener);
          }
        }
      },
    };
  },
});
