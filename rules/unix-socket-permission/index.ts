import { defineRule, normalizeSocketPath, unixSocketTargets, type BackendInventory, type DirectiveNode, type Listener, type RelatedDescriptor } from '../../src/rule-api.js';

/** Who nginx's workers run as: `user USER [GROUP]` in the main context, or nginx's build default. */
interface Worker {
  readonly user: string;
  /** The group nginx passes to setgid(): the second argument, else the group named like the user. */
  readonly groups: readonly string[];
  readonly node: DirectiveNode | undefined;
}

function octal(mode: number): string {
  return '0' + mode.toString(8).padStart(3, '0');
}

type Access = { readonly ok: true } | { readonly ok: false; readonly why: string } | { readonly ok: 'unknown' };

export default defineRule({
  name: 'unix-socket-permission',
  category: 'sockets',
  severity: 'error',
  description: "nginx's worker user may not connect to the backend's unix socket (owner, group, mode or ACL).",
  fix: 'suggestion',
  messages: {
    denied:
      'nginx\'s workers run as "{{user}}", which may not connect to "{{path}}": the socket is {{owner}}:{{group}} {{mode}} ({{why}}); nginx logs "connect() to unix:{{path}} failed (13: Permission denied) while connecting to upstream" and answers 502. Set listen.owner/listen.group (or the socket\'s owner) to nginx\'s user, or add "{{user}}" to the group "{{group}}"; never 0777',
    aclDenied:
      'nginx\'s workers run as "{{user}}", which may not connect to "{{path}}": the PHP-FPM pool "{{name}}" grants access by ACL only to {{acl}} (listen.owner and listen.group are ignored when ACLs are set); nginx logs "connect() to unix:{{path}} failed (13: Permission denied) while connecting to upstream" and answers 502. Add "{{user}}" to listen.acl_users',
  },
  create(context) {
    const model = context.model;

    /** Who the workers run as; undefined when not decidable (a snippet linted without its main file). */
    const worker = (): Worker | undefined => {
      if (model.root.kind !== 'main') return undefined;
      const effective = model.effective(model.root, 'user');
      const node = effective.nodes[0];
      if (node === undefined) {
        // nginx's compiled default: `nobody`, with the group `nogroup` (Debian) or `nobody`.
        return { user: 'nobody', groups: ['nobody', 'nogroup'], node: undefined };
      }
      const user = node.directive.args[0]?.value;
      if (user === undefined || user.includes('$')) return undefined;
      // ngx_set_user(): without a second argument the group named like the user is used.
      return { user, groups: [node.directive.args[1]?.value ?? user], node };
    };

    /**
     * Whether the worker is in a group: its setgid() group, or a supplementary group from /etc/group
     * (nginx calls initgroups()). Undefined when /etc/group was not read.
     */
    const inGroup = (w: Worker, group: string, inventory: BackendInventory): boolean | undefined => {
      if (w.groups.includes(group)) return true;
      if (inventory.groups.size === 0) return undefined;
      return (inventory.groups.get(group) ?? []).includes(w.user);
    };

    /** Owner, group and mode of the socket a listener creates, with the backends' documented defaults. */
    const socketAttributes = (l: Listener): { owner: string; group: string; mode: number } | undefined => {
      if (l.owner?.symbolic || l.group?.symbolic || l.mode?.symbolic) return undefined;
      if (l.kind === 'php-fpm') {
        // listen.owner/listen.group default to the master's user (root) and group; listen.owner alone also
        // sets the group to that user's primary group; listen.mode defaults to 0660.
        const owner = l.owner?.value ?? 'root';
        return { owner, group: l.group?.value ?? owner, mode: l.mode?.value ?? 0o660 };
      }
      if (l.kind === 'systemd-socket') {
        // SocketUser/SocketGroup default to root, SocketMode to 0666.
        const owner = l.owner?.value ?? 'root';
        return { owner, group: l.group?.value ?? (l.owner !== undefined ? owner : 'root'), mode: l.mode?.value ?? 0o666 };
      }
      // Other servers create the socket as their own (unknown) user with their umask: only explicit data.
      if (l.owner === undefined || l.mode === undefined) return undefined;
      return { owner: l.owner.value, group: l.group?.value ?? l.owner.value, mode: l.mode.value };
    };

    /** Unix permission check for connect(): write permission, decided by the first matching class. */
    const dac = (w: Worker, a: { owner: string; group: string; mode: number }, inventory: BackendInventory): Access => {
      if (w.user === a.owner) return a.mode & 0o200 ? { ok: true } : { ok: false, why: `"${w.user}" owns it but the mode lacks u+w` };
      const member = inGroup(w, a.group, inventory);
      const groupOk = (a.mode & 0o020) !== 0;
      const otherOk = (a.mode & 0o002) !== 0;
      if (member === true) return groupOk ? { ok: true } : { ok: false, why: `"${w.user}" is in the group "${a.group}" but the mode lacks g+w` };
      // Without /etc/group, decide only when membership would not change the answer.
      if (member === undefined && groupOk !== otherOk) return { ok: 'unknown' };
      if (otherOk) return { ok: true };
      if (member === undefined) return { ok: false, why: `"${w.user}" does not own it, and the mode gives neither the group nor others write permission` };
      return { ok: false, why: `"${w.user}" is neither its owner nor in the group "${a.group}", and the mode lacks o+w` };
    };

    return {
      'tree:exit'() {
        const targets = unixSocketTargets(context.upstreams.passes);
        if (targets.length === 0) return;
        const inventory = context.backends;
        const sockets = inventory.listeners.filter((l) => l.transport === 'unix' && l.path !== undefined && !l.symbolic);
        if (sockets.length === 0) return;
        const w = worker();
        if (w === undefined || w.user === 'root') return;

        for (const target of targets) {
          // With socket activation systemd creates the socket: its unit's ownership wins over the program's.
          const matching = sockets.filter((l) => normalizeSocketPath(l.path as string) === normalizeSocketPath(target.path));
          const listener = matching.find((l) => l.kind === 'systemd-socket') ?? matching[0];
          if (listener === undefined) continue;
          const related: RelatedDescriptor[] = [{ at: { backend: listener.source }, message: `${listener.name} listens on ${target.path} here` }];
          if (w.node !== undefined) related.push({ at: { node: w.node }, message: `nginx's workers run as "${w.user}"` });
          if (target.node !== target.site.node) related.push({ at: { node: target.site.node }, message: `used by ${target.site.node.name} here` });

          // php-fpm ignores listen.owner and listen.group when either ACL list is set.
          if (listener.kind === 'php-fpm' && (listener.aclUsers !== undefined || listener.aclGroups !== undefined)) {
            if (listener.aclUsers?.symbolic || listener.aclGroups?.symbolic || listener.mode?.symbolic) continue;
            const aclUsers = listener.aclUsers?.value;
            const aclGroups = listener.aclGroups?.value;
            if ((aclUsers ?? []).includes(w.user)) continue;
            const groupHits = (aclGroups ?? []).map((g) => inGroup(w, g, inventory));
            if (groupHits.includes(true)) continue;
            // The master's user (root) still owns the socket; the mode's other bits still apply.
            const mode = listener.mode?.value ?? 0o660;
            if (mode & 0o002) continue;
            if (groupHits.includes(undefined)) continue;
            const list = (label: string, names: readonly string[] | undefined): string =>
              names === undefined || names.length === 0 ? '' : `the ${label}${names.length > 1 ? 's' : ''} ${names.map((n) => `"${n}"`).join(', ')}`;
            const aclText = [list('user', aclUsers), list('group', aclGroups)].filter((s) => s !== '').join(' and ');
            if (listener.aclUsers !== undefined) related.push({ at: { backend: listener.aclUsers.source }, message: 'listen.acl_users is set here' });
            if (listener.aclGroups !== undefined) related.push({ at: { backend: listener.aclGroups.source }, message: 'listen.acl_groups is set here' });
            context.report({
              messageId: 'aclDenied',
              data: { user: w.user, path: target.path, name: listener.name, acl: aclText },
              at: { node: target.node, span: target.span },
              related,
            });
            continue;
          }

          const attributes = socketAttributes(listener);
          if (attributes === undefined) continue;
          const access = dac(w, attributes, inventory);
          if (access.ok !== false) continue;
          if (listener.owner !== undefined) related.push({ at: { backend: listener.owner.source }, message: `the socket's owner is set here` });
          if (listener.group !== undefined) related.push({ at: { backend: listener.group.source }, message: `the socket's group is set here` });
          if (listener.mode !== undefined) related.push({ at: { backend: listener.mode.source }, message: `the socket's mode is set here` });
          context.report({
            messageId: 'denied',
            data: { user: w.user, path: target.path, owner: attributes.owner, group: attributes.group, mode: octal(attributes.mode), why: access.why },
            at: { node: target.node, span: target.span },
            related,
          });
        }
      },
    };
  },
});
