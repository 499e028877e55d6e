/**
 * The docker-compose files of ../shared/corpus (SOURCES.tsv: "docker-compose file (backend cross-check)"),
 * read with the real command-line reader. Expectations come from reading each file.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readCompose } from '../../src/backends/readers/compose.js';
import type { ComposeService, ReaderResult } from '../../src/backends/types.js';
import { at, valueAt } from './positions.js';

const CORPUS = path.resolve(__dirname, '../../../shared/corpus');

function read(rel: string): { file: string; text: string; r: ReaderResult; svc: (name: string) => ComposeService } {
  const file = path.join(CORPUS, rel);
  const text = fs.readFileSync(file, 'utf8');
  const r = readCompose(file, text);
  const svc = (name: string): ComposeService => {
    const s = r.services?.find((x) => x.name === name);
    if (!s) throw new Error(`no service ${name}`);
    return s;
  };
  return { file, text, r, svc };
}

/** `[name, runsNginx, host:container ports]` of every service. */
function summary(r: ReaderResult): [string, boolean, string[]][] {
  return (r.services ?? []).map((s) => [s.name, s.runsNginx, s.ports.map((p) => `${p.hostIp ? `${p.hostIp}:` : ''}${p.host ?? '?'}:${p.container}`)]);
}

describe('corpus compose files', () => {
  it('lists every compose file of SOURCES.tsv, and each reads without a problem except the cookiecutter template', () => {
    const rows = fs.readFileSync(path.join(CORPUS, 'SOURCES.tsv'), 'utf8').trim().split('\n').slice(1).map((r) => r.split('\t'));
    const files = rows.filter((c) => /docker-compose file \(backend cross-check\)/.test(c[5] ?? '')).map((c) => path.join(`${(c[0] ?? '').replace('/', '__')}`, c[2] ?? ''));
    expect(files.length).toBe(12);
    for (const rel of files) {
      const { r } = read(rel);
      if (rel.includes('cookiecutter')) {
        // Jinja `{% if %}` lines: not YAML until rendered.
        expect(r.services).toEqual([]);
        expect(r.problems).toEqual(['not valid YAML (line 5, column 4): Plain value cannot start with directive indicator character %']);
      } else {
        expect(r.problems, rel).toBeUndefined();
        expect(r.services?.length, rel).toBeGreaterThan(0);
      }
    }
  });

  it('awesome-compose nginx-wsgi-flask: the nginx service and gunicorn in flask-app', () => {
    const { file, text, r, svc } = read('docker__awesome-compose/nginx-wsgi-flask/compose.yaml');
    expect(summary(r)).toEqual([
      ['nginx-proxy', true, ['80:80']],
      ['flask-app', false, ['8000:8000']],
    ]);
    expect(svc('nginx-proxy')).toMatchObject({ command: '/app/start.sh', source: { line: 2, column: 3, endColumn: 14 } });
    expect(svc('flask-app').ports[0]?.source).toEqual(at(file, text, "'8000:8000'"));
    expect(r.listeners).toEqual([
      {
        kind: 'gunicorn',
        name: 'flask-app',
        service: 'flask-app',
        protocol: 'http',
        transport: 'tcp',
        host: '0.0.0.0',
        port: 8000,
        source: valueAt(file, text, '-b ', '0.0.0.0:8000'),
        requestTimeout: { value: 60_000, source: valueAt(file, text, '-t ', '60') },
      },
    ]);
    expect(r.listeners?.[0]?.source).toMatchObject({ line: 29, column: 37, endColumn: 49 });
  });

  it('awesome-compose nginx-flask-mongo, nginx-golang, nginx-nodejs-redis: nginx by image, command, name', () => {
    const mongo = read('docker__awesome-compose/nginx-flask-mongo/compose.yaml');
    expect(summary(mongo.r)).toEqual([
      ['web', true, ['80:80']],
      ['backend', false, []],
      ['mongo', false, []],
    ]);
    expect(mongo.svc('web')).toMatchObject({ image: 'nginx', command: `/bin/bash -c "envsubst < /tmp/nginx.conf > /etc/nginx/conf.d/default.conf && nginx -g 'daemon off;'"` });
    expect(mongo.svc('web').ports[0]?.source).toEqual({ file: mongo.file, line: 10, column: 9, endColumn: 14 });
    // FLASK_SERVER_PORT is not PORT: no listener is guessed.
    expect(mongo.r.listeners).toEqual([]);

    const golang = read('docker__awesome-compose/nginx-golang/compose.yaml');
    expect(summary(golang.r)).toEqual([
      ['proxy', true, ['80:80']],
      ['backend', false, []],
    ]);

    const node = read('docker__awesome-compose/nginx-nodejs-redis/compose.yaml');
    expect(summary(node.r)).toEqual([
      ['redis', false, ['6379:6379']],
      ['web1', false, ['81:5000']],
      ['web2', false, ['82:5000']],
      ['nginx', true, ['80:80']],
    ]);
    expect(node.svc('web2').ports[0]?.source).toEqual(at(node.file, node.text, "'82:5000'"));
  });

  it('awesome-compose nginx-flask-mysql and nginx-aspnet-mysql: expose; a `build: proxy` service is not recognisable', () => {
    const mysql = read('docker__awesome-compose/nginx-flask-mysql/compose.yaml');
    expect(summary(mysql.r)).toEqual([
      ['db', false, []],
      ['backend', false, ['8000:8000']],
      ['proxy', false, ['80:80']],
    ]);
    expect(mysql.svc('db')).toMatchObject({ image: 'mariadb:10-focal', expose: [3306, 33060], command: '--default-authentication-plugin=mysql_native_password' });
    expect(mysql.r.listeners).toEqual([]);

    const aspnet = read('docker__awesome-compose/nginx-aspnet-mysql/compose.yaml');
    expect(summary(aspnet.r)).toEqual([
      ['backend', false, []],
      ['db', false, []],
      ['proxy', false, ['80:80']],
    ]);
    expect(aspnet.svc('proxy').ports[0]?.source).toEqual({ file: aspnet.file, line: 37, column: 9, endColumn: 14 });
  });

  it('frappe_docker: merge keys, interpolated images, nginx via its entrypoint script', () => {
    const { r, svc } = read('frappe__frappe_docker/compose.yaml');
    expect(summary(r).map(([n, nginx]) => [n, nginx])).toEqual([
      ['configurator', false],
      ['backend', false],
      ['frontend', true],
      ['websocket', false],
      ['queue-short', false],
      ['queue-long', false],
      ['scheduler', false],
    ]);
    // The image comes through `<<: *backend_defaults`, itself merging `*customizable_image`.
    expect(svc('backend').image).toBe('${CUSTOM_IMAGE:-frappe/erpnext}:${CUSTOM_TAG:-$ERPNEXT_VERSION}');
    expect(svc('backend').source).toMatchObject({ line: 46, column: 3 });
    expect(svc('websocket').command).toBe('node /home/frappe/frappe-bench/apps/frappe/socketio.js');
    expect(svc('frontend').command).toBe('nginx-entrypoint.sh');
    // No command here says where anything listens (node without --port, bench, nginx).
    expect(r.listeners).toEqual([]);
  });

  it('nginx-proxy-manager dev: published ports, PORT in a map environment', () => {
    const { file, text, r, svc } = read('NginxProxyManager__nginx-proxy-manager/docker/docker-compose.dev.yml');
    expect(svc('fullstack').ports.map((p) => [p.host, p.container, p.source.line])).toEqual([
      [3080, 80, 10],
      [3081, 81, 11],
      [3443, 443, 12],
    ]);
    expect(svc('db').ports).toEqual([{ host: 33306, container: 3306, source: at(file, text, '33306:3306') }]);
    expect(svc('authentik')).toMatchObject({ command: 'server', ports: [{ host: 9000, container: 9000 }] });
    // testca's image is nginxproxymanager/testca: not nginx.
    expect(r.services?.filter((s) => s.runsNginx)).toEqual([]);
    expect(r.listeners).toEqual([{ kind: 'compose', name: 'swagger', service: 'swagger', protocol: 'http', transport: 'tcp', port: 80, source: { file, line: 122, column: 13, endColumn: 17 } }]);
  });

  it('docker-jitsi-meet: interpolated published ports and expose entries are unknown, udp skipped', () => {
    const { file, r, svc } = read('jitsi__docker-jitsi-meet/docker-compose.yml');
    expect(summary(r)).toEqual([
      ['web', false, ['?:8000', '?:8443']],
      ['prosody', false, []],
      ['jicofo', false, ['127.0.0.1:?:8888']],
      ['jvb', false, ['127.0.0.1:?:8080']],
    ]);
    expect(svc('web').ports[0]?.source).toEqual({ file, line: 11, column: 15, endColumn: 34 });
    expect(svc('prosody').expose).toEqual([5347]);
    expect(svc('web').image).toBe('${JITSI_IMAGE_REPO:-ghcr.io/jitsi}/web:${JITSI_IMAGE_VERSION:-unstable}');
    expect(r.listeners).toEqual([]);
  });

  it('docker-redmine and nginx-boilerplate', () => {
    const redmine = read('sameersbn__docker-redmine/docker-compose.yml');
    expect(summary(redmine.r)).toEqual([
      ['postgresql', false, []],
      ['redmine', false, ['10083:80']],
    ]);
    expect(redmine.svc('redmine').ports[0]?.source).toEqual({ file: redmine.file, line: 74, column: 9, endColumn: 19 });
    // REDMINE_PORT is not PORT.
    expect(redmine.r.listeners).toEqual([]);

    const boilerplate = read('nginx-boilerplate__nginx-boilerplate/docker-compose.yml');
    expect(summary(boilerplate.r)).toEqual([
      ['nginx', true, ['80:80', '443:443']],
      // umkus/nginx-boilerplate-php is the PHP half of the pair.
      ['fpm', false, []],
    ]);
    expect(boilerplate.svc('nginx').source).toEqual({ file: boilerplate.file, line: 3, column: 5, endColumn: 10 });
  });
});
