import { beforeEach, describe, expect, it, vi } from 'vitest';
import { looksLikeNginx, parseShortPort, readCompose } from '../../src/backends/readers/compose.js';
import { calls } from './fake-command-line.js';
import { at, valueAt } from './positions.js';

vi.mock('../../src/backends/readers/command-line.js', async () => await import('./fake-command-line.js'));

const FILE = '/srv/shop/docker-compose.yml';

describe('readCompose', () => {
  beforeEach(() => {
    calls.length = 0;
  });

  it('reads a realistic nginx + app compose file', () => {
    const text = [
      'services:',
      '  nginx:',
      '    image: nginx:1.25-alpine',
      '    ports:',
      '      - "80:80"',
      '      - "127.0.0.1:8443:443"',
      '    volumes:',
      '      - ./nginx/default.conf:/etc/nginx/conf.d/default.conf:ro',
      '    depends_on: [app]',
      '  app:',
      '    build: .',
      '    command: gunicorn -w 4 -b 0.0.0.0:8000 shop.wsgi',
      '    expose:',
      '      - "8000"',
      '    environment:',
      '      DJANGO_SETTINGS_MODULE: shop.settings',
      '  db:',
      '    image: postgres:16',
      '',
    ].join('\n');
    const r = readCompose(FILE, text);
    expect(r.services).toEqual([
      {
        name: 'nginx',
        file: FILE,
        image: 'nginx:1.25-alpine',
        ports: [
          { host: 80, container: 80, source: at(FILE, text, '"80:80"') },
          { host: 8443, container: 443, hostIp: '127.0.0.1', source: at(FILE, text, '"127.0.0.1:8443:443"') },
        ],
        expose: [],
        runsNginx: true,
        source: at(FILE, text, 'nginx'),
      },
      {
        name: 'app',
        file: FILE,
        ports: [],
        expose: [8000],
        command: 'gunicorn -w 4 -b 0.0.0.0:8000 shop.wsgi',
        runsNginx: false,
        source: at(FILE, text, 'app', 1),
      },
      { name: 'db', file: FILE, image: 'postgres:16', ports: [], expose: [], runsNginx: false, source: at(FILE, text, 'db') },
    ]);
    expect(calls.map((c) => c.command)).toEqual(['gunicorn -w 4 -b 0.0.0.0:8000 shop.wsgi']);
    expect(calls[0]?.options).toEqual({ name: 'app', env: new Map([['DJANGO_SETTINGS_MODULE', { value: 'shop.settings', source: { ...valueAt(FILE, text, 'DJANGO_SETTINGS_MODULE: ', 'shop.settings'), file: `${FILE}\u0000environment` } }]]) });
    // The listener's place is the address inside the command, in the compose file.
    expect(r.listeners).toEqual([
      expect.objectContaining({
        kind: 'gunicorn',
        name: 'app',
        service: 'app',
        host: '0.0.0.0',
        port: 8000,
        source: valueAt(FILE, text, '-b ', '0.0.0.0:8000'),
        requestTimeout: { value: 30000, source: valueAt(FILE, text, '-b ', '0.0.0.0:8000') },
      }),
    ]);
  });

  it('reads short port syntax: container only, host:container, IP, IPv6, ranges, udp', () => {
    const s = { file: FILE, line: 1, column: 1, endColumn: 2 };
    expect(parseShortPort('80', s)).toEqual([{ container: 80, source: s }]);
    expect(parseShortPort('8080:80', s)).toEqual([{ host: 8080, container: 80, source: s }]);
    expect(parseShortPort('127.0.0.1:8080:80/tcp', s)).toEqual([{ host: 8080, container: 80, hostIp: '127.0.0.1', source: s }]);
    expect(parseShortPort('[::1]:8080:80', s)).toEqual([{ host: 8080, container: 80, hostIp: '::1', source: s }]);
    expect(parseShortPort('127.0.0.1::80', s)).toEqual([{ container: 80, hostIp: '127.0.0.1', source: s }]);
    expect(parseShortPort('8000-8002:9000-9002', s)).toEqual([
      { host: 8000, container: 9000, source: s },
      { host: 8001, container: 9001, source: s },
      { host: 8002, container: 9002, source: s },
    ]);
    // compose picks one host port of the range: unknown.
    expect(parseShortPort('9090-9091:8080', s)).toEqual([{ container: 8080, source: s }]);
    expect(parseShortPort('5000-5020', s)).toEqual([]); // more than 16
    expect(parseShortPort('53:53/udp', s)).toEqual([]);
    expect(parseShortPort('${WEB_PORT:-8080}:80', s)).toEqual([{ container: 80, source: s }]);
    expect(parseShortPort('8080:${APP_PORT}', s)).toEqual([]);
  });

  it('reads long port syntax and unquoted numbers', () => {
    const text = [
      'services:',
      '  web:',
      '    image: example/web',
      '    ports:',
      '      - target: 80',
      '        published: "8080"',
      '        host_ip: 127.0.0.1',
      '        protocol: tcp',
      '      - target: 443',
      '      - target: 53',
      '        published: 53',
      '        protocol: udp',
      '      - 3000',
      '      - 3001:3001',
    ].join('\n');
    expect(readCompose(FILE, text).services?.[0]?.ports).toEqual([
      { host: 8080, container: 80, hostIp: '127.0.0.1', source: at(FILE, text, '"8080"') },
      { container: 443, source: valueAt(FILE, text, 'target: ', '443') },
      { container: 3000, source: at(FILE, text, '3000') },
      { host: 3001, container: 3001, source: at(FILE, text, '3001:3001') },
    ]);
  });

  it('reads network_mode, expose ranges and command lists', () => {
    const text = [
      'services:',
      '  proxy:',
      '    image: openresty/openresty:alpine',
      '    network_mode: host',
      '  api:',
      '    image: python:3.12',
      '    network_mode: "service:proxy"',
      '    expose: ["9000-9002", 9100, "53/udp", "${X:-1}"]',
      '    command: ["gunicorn", "--bind", "0.0.0.0:9000", "api:app"]',
    ].join('\n');
    const r = readCompose(FILE, text);
    expect(r.services?.map((s) => [s.name, s.networkMode, s.runsNginx, s.expose, s.command])).toEqual([
      ['proxy', 'host', true, [], undefined],
      ['api', 'service:proxy', false, [9000, 9001, 9002, 9100], 'gunicorn --bind 0.0.0.0:9000 api:app'],
    ]);
    expect(calls[0]?.command).toBe('gunicorn --bind 0.0.0.0:9000 api:app');
    expect(r.listeners?.[0]).toMatchObject({ service: 'api', port: 9000, source: at(FILE, text, '0.0.0.0:9000') });
  });

  it('passes the script of exec-form `sh -c` and maps folded block scalars back to their lines', () => {
    const text = [
      'services:',
      '  app:',
      '    build: ./app',
      '    entrypoint: ["/bin/sh", "-c"]',
      '    command:',
      '      - >',
      '        python manage.py migrate &&',
      '        gunicorn shop.wsgi',
      '        --bind 0.0.0.0:8001',
    ].join('\n');
    const r = readCompose(FILE, text);
    expect(calls[0]?.command).toBe('python manage.py migrate && gunicorn shop.wsgi --bind 0.0.0.0:8001\n');
    expect(r.listeners?.[0]).toMatchObject({ port: 8001, source: at(FILE, text, '0.0.0.0:8001') });
    expect(r.services?.[0]?.command).toBe("'python manage.py migrate && gunicorn shop.wsgi --bind 0.0.0.0:8001\n'");
  });

  it('maps literal block scalars, quoted strings and $$ escapes', () => {
    const text = [
      'services:',
      '  a:',
      '    command: |',
      '      sh -c "echo $$HOME;',
      '      gunicorn -b 127.0.0.1:7000 a:app"',
      '  b:',
      '    command: "gunicorn -b \\"0.0.0.0:7001\\" b:app"',
    ].join('\n');
    const r = readCompose(FILE, text);
    expect(calls[0]?.command).toBe('sh -c "echo $HOME;\ngunicorn -b 127.0.0.1:7000 a:app"\n');
    expect(r.listeners?.[0]).toMatchObject({ service: 'a', port: 7000, source: at(FILE, text, '127.0.0.1:7000') });
    expect(calls[1]?.command).toBe('gunicorn -b "0.0.0.0:7001" b:app');
    // The fake takes the quotes into the address: its place runs from the quote (past its backslash) to the closing one.
    expect(r.listeners?.[1]?.source).toEqual(at(FILE, text, '"0.0.0.0:7001\\"'));
  });

  it('gives a service with no command listener an HTTP listener from environment PORT', () => {
    const text = [
      'services:',
      '  web:',
      '    image: node:20',
      '    environment:',
      '      - NODE_ENV=production',
      '      - PORT=3000',
      '  docs:',
      '    image: swaggerapi/swagger-ui',
      '    environment:',
      '      PORT: "${DOCS_PORT:-8080}"',
    ].join('\n');
    const r = readCompose(FILE, text);
    expect(r.listeners).toEqual([
      { kind: 'compose', name: 'web', service: 'web', protocol: 'http', transport: 'tcp', port: 3000, source: valueAt(FILE, text, 'PORT=', '3000') },
      { kind: 'compose', name: 'docs', service: 'docs', protocol: 'http', transport: 'tcp', symbolic: true, source: at(FILE, text, '"${DOCS_PORT:-8080}"') },
    ]);
  });

  it('follows anchors, aliases and << merge keys', () => {
    const text = [
      'x-app: &app',
      '  image: registry.example.com/shop:${TAG:-latest}',
      '  environment: &env',
      '    PORT: "5000"',
      'x-ports: &ports',
      '  ports:',
      '    - "5000:5000"',
      'services:',
      '  web:',
      '    <<: [*app, *ports]',
      '    command: gunicorn -b :5000 shop:app',
      '  worker:',
      '    <<: *app',
      '    image: registry.example.com/worker',
      '    environment: *env',
    ].join('\n');
    const r = readCompose(FILE, text);
    expect(r.services?.map((s) => [s.name, s.image, s.ports, s.command])).toEqual([
      ['web', 'registry.example.com/shop:${TAG:-latest}', [{ host: 5000, container: 5000, source: at(FILE, text, '"5000:5000"') }], 'gunicorn -b :5000 shop:app'],
      ['worker', 'registry.example.com/worker', [], undefined],
    ]);
    expect(r.listeners?.map((l) => [l.service, l.kind, l.port, l.source.line])).toEqual([
      ['web', 'gunicorn', 5000, 11],
      ['worker', 'compose', 5000, 4],
    ]);
  });

  it('returns no services and a problem for broken YAML, and never throws', () => {
    const r = readCompose(FILE, 'services:\n  web:\n    image: [nginx\n');
    expect(r.services).toEqual([]);
    expect(r.problems).toHaveLength(1);
    expect(r.problems?.[0]).toMatch(/^not valid YAML \(line \d+, column \d+\): /);
    expect(readCompose(FILE, '- a\n- b\n')).toEqual({ services: [], listeners: [], problems: ['not a compose file: the top level is not a mapping'] });
    for (const text of ['', '---\n', 'services:\n', 'services: 3\n', 'services:\n  a:\n  b: 1\n  c: [1]\n', 'services:\n  a:\n    ports: 80\n    command: {x: 1}\n    environment: 3\n', 'a: &a\n  <<: *a\n', '\u0000']) {
      expect(() => readCompose(FILE, text)).not.toThrow();
    }
    expect(readCompose(FILE, 'services:\n  a:\n  b: 1\n').services?.map((s) => s.name)).toEqual(['a', 'b']);
  });
});

describe('looksLikeNginx', () => {
  it('recognises nginx services by image, command, name, build context or mounts', () => {
    expect(looksLikeNginx({ name: 'web', image: 'nginx' })).toBe(true);
    expect(looksLikeNginx({ name: 'web', image: 'docker.io/library/nginx:1.25@sha256:abc' })).toBe(true);
    expect(looksLikeNginx({ name: 'web', image: 'bitnami/openresty:1.25' })).toBe(true);
    expect(looksLikeNginx({ name: 'web', image: 'jc21/nginx-proxy-manager:latest' })).toBe(true);
    expect(looksLikeNginx({ name: 'web', image: '${IMAGE:-nginx}:stable' })).toBe(true);
    expect(looksLikeNginx({ name: 'x', image: 'nginx/nginx-prometheus-exporter' })).toBe(false);
    expect(looksLikeNginx({ name: 'x', image: 'nginxproxy/acme-companion' })).toBe(false);
    expect(looksLikeNginx({ name: 'x', image: 'nginxproxymanager/testca' })).toBe(false);
    expect(looksLikeNginx({ name: 'fpm', image: 'umkus/nginx-boilerplate-php' })).toBe(false);
    expect(looksLikeNginx({ name: 'x', commandLine: "nginx -g 'daemon off;'" })).toBe(true);
    expect(looksLikeNginx({ name: 'x', commandLine: 'certbot --nginx' })).toBe(false);
    expect(looksLikeNginx({ name: 'nginx-proxy', build: 'nginx' })).toBe(true);
    expect(looksLikeNginx({ name: 'proxy', build: './compose/production/nginx/Dockerfile' })).toBe(true);
    expect(looksLikeNginx({ name: 'proxy', build: 'proxy' })).toBe(false);
    expect(looksLikeNginx({ name: 'web', volumeTargets: ['/etc/nginx/conf.d/default.conf'] })).toBe(true);
  });
});
