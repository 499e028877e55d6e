import { describe, expect, it } from 'vitest';
import { createMemoryHost, loadConfig } from '../../src/include/index.js';
import { NginxVersion, ScopeModel, UpstreamGraph, targetVersion, type DirectiveNode } from '../../src/model/index.js';

const model = (files: Record<string, string>, rootContext: 'main' | 'http' | 'server' | 'location' = 'main') =>
  new ScopeModel(loadConfig('/etc/nginx/nginx.conf', { host: createMemoryHost(files) }), rootContext);

const one = (m: ScopeModel, name: string, index = 0): DirectiveNode => {
  const node = m.byName(name)[index];
  if (node === undefined) throw new Error(`no ${name} #${index}`);
  return node;
};

const CONF = `events {}
http {
    proxy_read_timeout 30s;
    proxy_set_header Host $host;
    proxy_set_header X-Real-IP $remote_addr;
    server {
        listen 80;
        proxy_read_timeout 90s;
        location /a/ {
            proxy_pass http://app;
        }
        location /b/ {
            proxy_set_header X-Only $uri;
            location /b/c/ {
                if ($arg_x) { return 204; }
            }
        }
    }
}
`;

describe('scope model', () => {
  const m = model({ '/etc/nginx/nginx.conf': CONF });
  const locA = one(m, 'location', 0).block!;
  const locB = one(m, 'location', 1).block!;
  const locC = one(m, 'location', 2).block!;
  const ifBlock = one(m, 'if').block!;

  it('gives every scope its nginx context', () => {
    expect(m.contextPath(ifBlock)).toEqual(['main', 'http', 'server', 'location', 'location', 'if-in-location']);
    expect(one(m, 'listen').scope.kind).toBe('server');
  });

  it('effective values: set here, inherited from the nearest level, or the default', () => {
    const here = m.effective(m.byName('server')[0]!.block!, 'proxy_read_timeout');
    expect([here.origin, here.nodes[0]!.directive.args[0]!.value]).toEqual(['here', '90s']);
    const inherited = m.effective(locA, 'proxy_read_timeout');
    expect([inherited.origin, inherited.nodes[0]!.directive.args[0]!.value, inherited.scope?.kind]).toEqual(['inherited', '90s', 'server']);
    const deflt = m.effective(locA, 'proxy_connect_timeout');
    expect([deflt.origin, deflt.defaultValue, deflt.nodes]).toEqual(['default', '60s', []]);
  });

  it('array-like directives inherit only when the level defines none', () => {
    expect(m.effective(locA, 'proxy_set_header').nodes.map((n) => n.directive.args[0]!.value)).toEqual(['Host', 'X-Real-IP']);
    expect(m.effective(locB, 'proxy_set_header').nodes.map((n) => n.directive.args[0]!.value)).toEqual(['X-Only']);
    // Nested location and if inherit the inner level's single header, not http's two.
    expect(m.effective(ifBlock, 'proxy_set_header').nodes.map((n) => n.directive.args[0]!.value)).toEqual(['X-Only']);
    expect(m.effective(locC, 'proxy_set_header').origin).toBe('inherited');
  });

  it('handlers such as proxy_pass are not inherited into nested locations', () => {
    expect(m.effective(locA, 'proxy_pass').origin).toBe('here');
    const outer = model({ '/etc/nginx/nginx.conf': 'http { server { location / { proxy_pass http://x; location /in/ { } } } }' });
    expect(outer.effective(outer.byName('location')[1]!.block!, 'proxy_pass').origin).toBe('default');
  });

  it('does not inherit across an upstream block', () => {
    const u = model({ '/etc/nginx/nginx.conf': 'http { keepalive_timeout 75s; upstream app { server 127.0.0.1:1; } }' });
    const e = u.effective(u.byName('upstream')[0]!.block!, 'keepalive_timeout');
    expect([e.origin, e.defaultValue]).toEqual(['default', '60s']);
  });

  it('expands includes in place, in the context of each include site', () => {
    const files = {
      '/etc/nginx/nginx.conf': 'http {\n  server { include proxy.conf; }\n  server { location / { include proxy.conf; } }\n}\n',
      '/etc/nginx/proxy.conf': 'proxy_read_timeout 5s;\n',
    };
    const inc = model(files);
    const nodes = inc.byName('proxy_read_timeout');
    expect(nodes.map((n) => n.scope.kind)).toEqual(['server', 'location']);
    expect(nodes.map((n) => n.file.path)).toEqual(['/etc/nginx/proxy.conf', '/etc/nginx/proxy.conf']);
    expect(nodes[1]!.includedVia.map((d) => d.name)).toEqual(['include']);
    expect(inc.effective(inc.byName('location')[0]!.block!, 'proxy_read_timeout').origin).toBe('here');
  });

  it('does not descend into free-form blocks (map, types) and stops at include cycles', () => {
    const f = model({
      '/etc/nginx/nginx.conf': 'http { map $a $b { default 0; server 1; } include self.conf; }\n',
      '/etc/nginx/self.conf': 'include self.conf;\nproxy_read_timeout 1s;\n',
    });
    expect(f.byName('default')).toEqual([]);
    expect(f.byName('server')).toEqual([]);
    expect(f.byName('proxy_read_timeout')).toHaveLength(1);
  });

  it('lints snippets in an inferred root context', () => {
    const s = model({ '/etc/nginx/nginx.conf': 'location / { proxy_pass http://x; }\n' }, 'server');
    expect(s.contextPath(s.byName('location')[0]!.block!)).toEqual(['server', 'location']);
  });
});

describe('upstream graph', () => {
  const m = model({
    '/etc/nginx/nginx.conf': `http {
  upstream App { server 10.0.0.1:8080 weight=5 max_fails=3; server 10.0.0.2:8080 backup; }
  server {
    location /a { proxy_pass http://app/; }
    location /b { fastcgi_pass unix:/run/php/php8.2-fpm.sock; }
    location /c { uwsgi_pass 127.0.0.1:3031; }
    location /d { grpc_pass grpc://10.0.0.9:50051; }
    location /e { proxy_pass http://$backend; }
    location /f { fastcgi_pass php_fpm; }
    location /g { proxy_pass http://unix:/run/app.sock:/api/; }
    location /h { proxy_pass ftp://x; }
  }
}
stream { upstream db { server 127.0.0.1:5432; } server { listen 5433; proxy_pass db; } }
`,
  });
  const g = new UpstreamGraph(m);

  it('collects upstream blocks with servers and parameters, by case-insensitive name', () => {
    const app = g.find('app')!;
    expect(app.name).toBe('App');
    expect(app.servers.map((s) => s.address)).toEqual(['10.0.0.1:8080', '10.0.0.2:8080']);
    expect(app.servers[0]!.params.get('weight')).toBe('5');
    expect(app.servers[1]!.params.get('backup')).toBe(true);
    expect(g.find('db', 'stream')?.family).toBe('stream');
  });

  it('resolves every http pass site to what it targets', () => {
    expect(g.passes.map((p) => [p.node.name, p.target.kind])).toEqual([
      ['proxy_pass', 'upstream'],
      ['fastcgi_pass', 'unix'],
      ['uwsgi_pass', 'address'],
      ['grpc_pass', 'address'],
      ['proxy_pass', 'variable'],
      ['fastcgi_pass', 'unknown-name'],
      ['proxy_pass', 'unix'],
      ['proxy_pass', 'invalid'],
    ]);
    expect(g.usersOf(g.find('app')!).map((p) => p.node.directive.args[0]!.value)).toEqual(['http://app/']);
    const unix = g.passes[1]!.target;
    expect(unix.kind === 'unix' && unix.path).toBe('/run/php/php8.2-fpm.sock');
    const grpc = g.passes[3]!.target;
    expect(grpc.kind === 'address' && [grpc.host, grpc.port]).toEqual(['10.0.0.9', 50051]);
  });

  it('parses a target text once per pass kind, and keeps parameter lists apart however they are quoted', () => {
    const m2 = model({
      '/etc/nginx/nginx.conf': `http {
  upstream u { server 10.0.0.1:80 "a b"; server 10.0.0.2:80 a b; server 10.0.0.3:80 "a b"; server 10.0.0.4:80; }
  server {
    location /a { proxy_pass http://u; }
    location /b { proxy_pass http://u; }
    location /c { grpc_pass u; }
    location /d { uwsgi_pass u; }
  }
}
`,
    });
    const g2 = new UpstreamGraph(m2);
    const [a, b, c, d] = g2.passes;
    expect(a!.target).toBe(b!.target);
    expect(a!.target.kind).toBe('upstream');
    expect(c!.url.ok && c!.url.value.passKind).toBe('grpc');
    expect(d!.url.ok && d!.url.value.passKind).toBe('uwsgi');
    const params = g2.find('u')!.servers.map((s) => [...s.params]);
    expect(params).toEqual([[['a b', true]], [['a', true], ['b', true]], [['a b', true]], []]);
  });
});

describe('target version', () => {
  it('parses and compares', () => {
    const v = NginxVersion.parse('1.27.3')!;
    expect(v.atLeast('1.27.3')).toBe(true);
    expect(v.atLeast('1.27.4')).toBe(false);
    expect(v.atLeast('1.25')).toBe(true);
    expect(NginxVersion.parse('latest')).toBeUndefined();
  });
  it('prefers the option, then the config, then the binary, then the current stable', () => {
    const detect = () => NginxVersion.parse('1.22.1', 'binary');
    expect(targetVersion('1.26.0', '1.24.0', detect).toString()).toBe('1.26.0');
    expect(targetVersion(undefined, '1.24.0', detect).source).toBe('config');
    expect(targetVersion(undefined, undefined, detect).toString()).toBe('1.22.1');
    expect(targetVersion(undefined, undefined, () => undefined).source).toBe('default');
    expect(() => targetVersion('one', undefined, detect)).toThrow(/invalid nginx version/);
  });
});
