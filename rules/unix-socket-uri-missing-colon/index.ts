import { defineRule, replaceArg, type PassSite } from '../../src/rule-api.js';

/** A path component that names a socket file. */
const SOCKET_COMPONENT = /\.sock(et)?$/i;
/** Some component before the last names a socket file (most paths have none: they are not split). */
const SOCKET_BEFORE_END = /\.sock(et)?\//i;

export default defineRule({
  name: 'unix-socket-uri-missing-colon',
  category: 'sockets',
  severity: 'error',
  description: 'A unix: socket path in a pass that runs on into the URI without the ":" that ends the path.',
  fix: 'safe',
  messages: {
    missingColon:
      'the socket path "{{path}}" continues past "{{socket}}": nginx connects to "unix:{{path}}", which does not exist, and answers 502 ("connect() to unix:{{path}} failed (20: Not a directory)", or "(2: No such file or directory)" when the socket is missing too); end the socket path with ":" as in "unix:{{socket}}:{{uri}}"',
    pathPastSocket:
      'the socket path "{{path}}" continues past "{{socket}}": nginx connects to "unix:{{path}}", which does not exist, and answers 502 ("connect() to unix:{{path}} failed (20: Not a directory)", or "(2: No such file or directory)" when the socket is missing too); {{pass}} takes no URI part',
  },
  create(context) {
    const check = (site: PassSite): void => {
      if (site.target.kind !== 'unix') return;
      const path = site.target.path;
      if (!SOCKET_BEFORE_END.test(path)) return;
      const parts = path.split('/');
      // The first non-final component that names a socket file: `/run/app.sock/api` -> `/run/app.sock`.
      let end = -1;
      let offset = 0;
      for (let i = 0; i < parts.length - 1; i++) {
        offset += (parts[i] ?? '').length;
        if (i > 0 && SOCKET_COMPONENT.test(parts[i] ?? '')) {
          end = offset;
          break;
        }
        offset += 1;
      }
      if (end === -1) return;
      const socket = path.slice(0, end);
      const uri = path.slice(end);
      const arg = site.node.directive.args[0];
      if (arg === undefined) return;
      const at = { node: site.node, span: arg.span };
      if (site.passKind !== 'proxy') {
        context.report({ messageId: 'pathPastSocket', data: { path, socket, pass: site.node.name }, at });
        return;
      }
      // Insert the ':' into the text as written, so quoting and escapes stay as they are.
      const raw = arg.raw;
      const needle = `unix:${socket}`;
      const rawAt = raw.toLowerCase().indexOf(needle.toLowerCase());
      let edit;
      if (rawAt >= 0 && raw.slice(rawAt + needle.length).startsWith('/')) {
        const offset = arg.span.start + rawAt + needle.length;
        edit = { file: site.node.file.path, start: offset, end: offset, text: ':' };
      } else {
        const value = arg.value;
        const pathStart = value.toLowerCase().indexOf(needle.toLowerCase());
        if (pathStart < 0) return;
        const cut = pathStart + needle.length;
        edit = replaceArg(site.node, 0, value.slice(0, cut) + ':' + value.slice(cut));
      }
      context.report({
        messageId: 'missingColon',
        data: { path, socket, uri },
        at,
        fix: { title: `end the socket path with ":" (${socket}:${uri})`, applicability: 'safe', edits: [edit] },
      });
    };
    return {
      'tree:exit': () => {
        for (const site of context.upstreams.passes) check(site);
      },
    };
  },
});
