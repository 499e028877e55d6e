import { MATCH_ANY_HOST, backendRelated, defineRule, matchPass, type DirectiveNode, type Listener, type PassSite, type RelatedDescriptor } from '../../src/rule-api.js';

/** php-fpm's `listen.backlog` default on Linux. */
const FPM_BACKLOG_DEFAULT = 511;
/** nginx's defaults. */
const WORKER_PROCESSES_DEFAULT = 1;
const WORKER_CONNECTIONS_DEFAULT = 512;

/** What happens once the pool's backlog is full, by transport. */
function overflow(listener: Listener): string {
  return listener.transport === 'unix'
    ? `nginx logs "connect() to unix:${listener.path ?? ''} failed (11: Resource temporarily unavailable) while connecting to upstream" and answers 502 at once`
    : 'new connections are not accepted, nginx logs "upstream timed out (110: Connection timed out) while connecting to upstream" and answers 504 after fastcgi_connect_timeout';
}

export default defineRule({
  name: 'php-fpm-pool-saturation',
  category: 'capacity',
  severity: 'warning',
  description: 'A PHP-FPM pool whose pm.max_children (and listen.backlog) is too small for the requests nginx can send it.',
  messages: {
    fewChildren:
      'PHP-FPM pool "{{pool}}" runs at most {{children}} PHP requests at once (pm.max_children = {{children}}): a few slow scripts occupy every child, further requests queue until nginx gives up with 504 (fastcgi_read_timeout), and once the backlog of {{backlog}} connections is full {{overflow}}; size pm.max_children from the memory available to PHP divided by the average worker size',
    backlogOverflow:
      'nginx can send PHP-FPM pool "{{pool}}" {{concurrency}} requests at once (worker_processes {{workers}} x worker_connections {{connections}} / 2), but the pool holds only {{capacity}} (pm.max_children = {{children}} running plus listen.backlog = {{backlog}} waiting): under that load {{overflow}}; raise pm.max_children as far as memory allows, and listen.backlog',
  },
  options: {
    lowMaxChildren: {
      type: 'integer',
      default: 5,
      minimum: 0,
      description: 'A pm.max_children at or below this is reported (5 is the Debian package default); 0 reports only a backlog that can overflow.',
    },
  },
  create(context) {
    const model = context.model;

    /** nginx's connection capacity: worker_processes x worker_connections / 2 (each request also holds an upstream connection). */
    const concurrency = (): { value: number; workers: string; connections: number; node: DirectiveNode | undefined } | undefined => {
      if (model.root.kind !== 'main') return undefined;
      const wp = model.local(model.root, 'worker_processes')[0];
      const wpText = wp?.directive.args[0]?.value ?? String(WORKER_PROCESSES_DEFAULT);
      // `auto` is one per CPU: at least one, so the estimate stays a lower bound.
      const workers = wpText === 'auto' ? 1 : Number(wpText);
      if (!Number.isInteger(workers) || workers <= 0) return undefined;
      const wc = model.byName('worker_connections').find((n) => n.scope.kind === 'events');
      const connections = wc === undefined ? WORKER_CONNECTIONS_DEFAULT : Number(wc.directive.args[0]?.value);
      if (!Number.isInteger(connections) || connections <= 0) return undefined;
      return { value: Math.floor((workers * connections) / 2), workers: wpText === 'auto' ? 'auto (counted as 1)' : wpText, connections, node: wc };
    };

    const check = (site: PassSite, listener: Listener, nginx: ReturnType<typeof concurrency>): boolean => {
      const children = listener.maxChildren;
      if (children === undefined || children.symbolic === true || !(children.value > 0)) return false;
      const b = listener.backlog;
      if (b?.symbolic === true) return false;
      const written = b !== undefined && b.value > 0 ? b : undefined;
      // `listen.backlog = -1` leaves it to the kernel (net.core.somaxconn): unknown here.
      const backlog = b === undefined ? FPM_BACKLOG_DEFAULT : written?.value;
      const related: RelatedDescriptor[] = [
        backendRelated(children.source, `pm.max_children = ${children.value}`),
        b === undefined
          ? backendRelated(listener.source, `the pool listens here; listen.backlog is not set (${FPM_BACKLOG_DEFAULT} by default)`)
          : backendRelated(b.source, written !== undefined ? `listen.backlog = ${written.value}` : `listen.backlog = ${b.value}: the kernel's net.core.somaxconn`),
      ];
      const common = { pool: listener.name, children: children.value, backlog: backlog ?? 'net.core.somaxconn', overflow: overflow(listener) };
      const capacity = backlog === undefined ? undefined : children.value + backlog;
      if (nginx !== undefined && capacity !== undefined && capacity < nginx.value) {
        if (nginx.node !== undefined) related.push({ at: { node: nginx.node }, message: `worker_connections ${nginx.connections}` });
        context.report({
          messageId: 'backlogOverflow',
          data: { ...common, concurrency: nginx.value, workers: nginx.workers, connections: nginx.connections, capacity },
          at: { node: site.node },
          related,
        });
        return true;
      }
      if (children.value <= context.options.lowMaxChildren) {
        context.report({ messageId: 'fewChildren', data: common, at: { node: site.node }, related });
        return true;
      }
      return false;
    };

    return {
      'tree:exit'() {
        const passes = context.upstreams.passes.filter((s) => s.passKind === 'fastcgi');
        if (passes.length === 0) return;
        const pools = context.backends.listeners.filter((l) => l.kind === 'php-fpm');
        if (pools.length === 0) return;
        const nginx = concurrency();
        // One finding per pool, on the first pass that reaches it.
        const done = new Set<Listener>();
        for (const site of passes) {
          for (const { listener } of matchPass(site, pools, MATCH_ANY_HOST)) {
            if (done.has(listener)) continue;
            done.add(listener);
            check(site, listener, nginx);
          }
        }
      },
    };
  },
});
