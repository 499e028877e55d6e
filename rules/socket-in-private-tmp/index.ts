import { defineRule, normalizeSocketPath, unixSocketTargets, type BackendInventory, type BackendSource, type Listener, type RelatedDescriptor } from '../../src/rule-api.js';

/** A systemd `.service` unit as the backend inventory lists it. */
type ServiceUnit = NonNullable<BackendInventory['units']>[number];

/** The temporary directory a path lies in (PrivateTmp= replaces both), or undefined. */
function tmpDir(socketPath: string): '/tmp' | '/var/tmp' | undefined {
  const p = socketPath.replace(/\/{2,}/g, '/');
  if (p.startsWith('/tmp/')) return '/tmp';
  if (p.startsWith('/var/tmp/')) return '/var/tmp';
  return undefined;
}


const isNginxUnit = (u: ServiceUnit): boolean => /^(nginx|openresty|angie)$/.test(u.program ?? '') || /^(nginx|openresty|angie)(@.*)?$/.test(u.name);
const isFpmUnit = (u: ServiceUnit): boolean => u.kind === 'php-fpm' || /^php-?fpm/.test(u.program ?? '') || /php.*fpm/.test(u.name);

export default defineRule({
  name: 'socket-in-private-tmp',
  category: 'sockets',
  severity: 'error',
  description: 'A unix socket under /tmp or /var/tmp while the backend or nginx runs with systemd PrivateTmp=, so each sees its own /tmp.',
  fix: 'suggestion',
  messages: {
    backendPrivateTmp:
      '"{{path}}" is under {{dir}}, but {{backend}} runs with PrivateTmp= ({{unit}}): it creates the socket in a private {{dir}} that nginx does not see; nginx logs "connect() to unix:{{path}} failed (2: No such file or directory) while connecting to upstream" and answers 502; move the socket to /run/<app>/ (RuntimeDirectory=) on both sides',
    nginxPrivateTmp:
      'nginx runs with PrivateTmp= ({{unit}}), so it looks for "{{path}}" in a private {{dir}} where no backend creates sockets; nginx logs "connect() to unix:{{path}} failed (2: No such file or directory) while connecting to upstream" and answers 502; move the socket to /run/<app>/ (RuntimeDirectory=) on both sides',
  },
  create(context) {
    /**
     * The unit that makes the socket's creator private, with where PrivateTmp= is set: the listener's own
     * (a program started by a unit), else the service unit of the same backend (php-fpm's pool files say
     * nothing about the unit that runs them). Sockets from a `.socket` unit are created by systemd itself,
     * outside any private /tmp.
     */
    const privateCreator = (l: Listener, units: readonly ServiceUnit[]): { unit: string; source: BackendSource } | undefined => {
      if (l.kind === 'systemd-socket') return undefined;
      if (l.privateTmp !== undefined) return l.privateTmp.value ? { unit: `${l.name}.service`, source: l.privateTmp.source } : undefined;
      let candidates = units.filter((u) => !isNginxUnit(u) && (l.kind === 'php-fpm' ? isFpmUnit(u) : u.kind === l.kind));
      if (l.kind === 'php-fpm') {
        // /etc/php/8.2/fpm/pool.d/www.conf is run by php8.2-fpm.service.
        const version = /\/php\/(\d+\.\d+)\//.exec(l.source.file)?.[1];
        const versioned = version === undefined ? [] : candidates.filter((u) => u.name.includes(version) || (u.program ?? '').includes(version));
        if (versioned.length > 0) candidates = versioned;
      }
      // Only when every unit that may run it is private.
      const first = candidates[0];
      if (first === undefined || !candidates.every((u) => u.privateTmp?.value === true) || first.privateTmp === undefined) return undefined;
      return { unit: `${first.name}.service`, source: first.privateTmp.source };
    };

    return {
      'tree:exit'() {
        const targets = unixSocketTargets(context.upstreams.passes).filter((t) => tmpDir(t.path) !== undefined);
        if (targets.length === 0) return;
        const inventory = context.backends;
        const units = inventory.units ?? [];
        const nginxUnits = units.filter(isNginxUnit);
        const nginxPrivate = nginxUnits.length > 0 && nginxUnits.every((u) => u.privateTmp?.value === true) ? nginxUnits[0] : undefined;

        for (const target of targets) {
          const dir = tmpDir(target.path) as string;
          const related: RelatedDescriptor[] = [];
          if (target.node !== target.site.node) related.push({ at: { node: target.site.node }, message: `used by ${target.site.node.name} here` });
          if (nginxPrivate?.privateTmp !== undefined) {
            related.push({ at: { backend: nginxPrivate.privateTmp.source }, message: `PrivateTmp= of ${nginxPrivate.name}.service` });
            context.report({ messageId: 'nginxPrivateTmp', data: { path: target.path, dir, unit: `${nginxPrivate.name}.service` }, at: { node: target.node, span: target.span }, related });
            continue;
          }
          const listeners = inventory.listeners.filter((l) => l.transport === 'unix' && !l.symbolic && l.path !== undefined && normalizeSocketPath(l.path) === normalizeSocketPath(target.path));
          // A socket created outside any private /tmp (by systemd, or by another program) may serve it.
          if (listeners.length === 0) continue;
          const creators = listeners.map((l) => ({ listener: l, private: privateCreator(l, units) }));
          if (creators.some((c) => c.private === undefined)) continue;
          const first = creators[0];
          if (first?.private === undefined) continue;
          const l = first.listener;
          related.push({ at: { backend: first.private.source }, message: `PrivateTmp= of ${first.private.unit}` });
          related.push({ at: { backend: l.source }, message: `${l.name} listens on ${target.path} here` });
          const backend = l.kind === 'php-fpm' ? `the PHP-FPM pool "${l.name}"` : `"${l.name}"`;
          context.report({ messageId: 'backendPrivateTmp', data: { path: target.path, dir, backend, unit: first.private.unit }, at: { node: target.node, span: target.span }, related });
        }
      },
    };
  },
});
