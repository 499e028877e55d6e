import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readSystemdUnit } from '../../src/backends/readers/systemd.js';
import { where } from './readers-where.js';

const PHP_SOCKET = `[Unit]
Description=The PHP 8.2 FastCGI Process Manager socket
PartOf=php8.2-fpm.service

[Socket]
ListenStream=/run/php/php8.2-fpm.sock
SocketUser=www-data
SocketGroup=www-data
SocketMode=0660

[Install]
WantedBy=sockets.target
`;

/** The gunicorn.service of the usual Django deployment guide, with PrivateTmp and a socket under /tmp. */
const GUNICORN_SERVICE = `[Unit]
Description=gunicorn daemon
After=network.target

[Service]
User=app
Group=www-data
WorkingDirectory=/srv/app
PrivateTmp=true
Environment="DJANGO_SETTINGS_MODULE=app.settings.production"
ExecStart=/srv/app/venv/bin/gunicorn \\
          --access-logfile - \\
          --workers 3 \\
          --timeout 120 \\
          --bind unix:/tmp/gunicorn.sock \\
          app.wsgi:application

[Install]
WantedBy=multi-user.target
`;

describe('readSystemdUnit: .socket', () => {
  it('reads a php8.2-fpm.socket-style unit as a fastcgi unix listener with owner, group and mode', () => {
    const file = '/lib/systemd/system/php8.2-fpm.socket';
    expect(readSystemdUnit(file, PHP_SOCKET)).toEqual({
      listeners: [
        {
          kind: 'systemd-socket',
          name: 'php8.2-fpm',
          protocol: 'fastcgi',
          transport: 'unix',
          path: '/run/php/php8.2-fpm.sock',
          source: where(file, PHP_SOCKET, '/run/php/php8.2-fpm.sock'),
          owner: { value: 'www-data', source: where(file, PHP_SOCKET, 'www-data') },
          group: { value: 'www-data', source: where(file, PHP_SOCKET, 'www-data', 1) },
          mode: { value: 0o660, source: where(file, PHP_SOCKET, '0660') },
        },
      ],
    });
  });

  it('reads every ListenStream form, specifiers, and an empty value that resets the list', () => {
    const file = '/etc/systemd/system/gunicorn.socket';
    const text = [
      '[Socket]',
      'ListenStream=/run/old.sock',
      'ListenStream=',
      'ListenStream=%t/gunicorn.sock',
      'ListenStream=8000',
      'ListenStream = 127.0.0.1:8001',
      'ListenStream=[::]:8002',
      'ListenStream=@gunicorn-abstract',
      'ListenStream=%h/app.sock',
      'ListenStream=vsock:2:1234',
      'ListenDatagram=/run/dgram.sock',
      'SocketMode=0600',
      '',
    ].join('\n');
    const ls = readSystemdUnit(file, text).listeners ?? [];
    expect(ls.map((l) => [l.protocol, l.transport, l.host, l.port, l.path, l.symbolic, l.mode?.value])).toEqual([
      ['http', 'unix', undefined, undefined, '/run/gunicorn.sock', undefined, 0o600],
      ['http', 'tcp', undefined, 8000, undefined, undefined, undefined],
      ['http', 'tcp', '127.0.0.1', 8001, undefined, undefined, undefined],
      ['http', 'tcp', '::', 8002, undefined, undefined, undefined],
      ['http', 'unix', undefined, undefined, '@gunicorn-abstract', undefined, 0o600],
      ['http', 'unix', undefined, undefined, '%h/app.sock', true, 0o600],
    ]);
    expect(ls[0]?.source).toEqual(where(file, text, '%t/gunicorn.sock'));
    expect(ls[2]?.source).toEqual(where(file, text, '127.0.0.1:8001'));
  });

  it('guesses the protocol from the unit name and Service=', () => {
    expect(readSystemdUnit('/etc/systemd/system/uwsgi-app.socket', '[Socket]\nListenStream=/run/uwsgi/app.sock\n').listeners?.[0]?.protocol).toBe('uwsgi');
    expect(readSystemdUnit('/etc/systemd/system/app.socket', '[Socket]\nListenStream=9000\nService=php-fpm.service\n').listeners?.[0]?.protocol).toBe('fastcgi');
    expect(readSystemdUnit('/etc/systemd/system/web@blog.socket', '[Socket]\nListenStream=/run/web/%i.sock\n').listeners?.[0]).toMatchObject({ name: 'web@blog', path: '/run/web/blog.sock', protocol: 'http' });
  });
});

describe('readSystemdUnit: .service', () => {
  it('reads a gunicorn.service: the bind from ExecStart continuation lines, with PrivateTmp attached to the /tmp socket', () => {
    const file = '/etc/systemd/system/gunicorn.service';
    const result = readSystemdUnit(file, GUNICORN_SERVICE);
    const privateTmp = { value: true, source: where(file, GUNICORN_SERVICE, 'true') };
    expect(result.listeners).toEqual([
      {
        kind: 'gunicorn',
        name: 'gunicorn',
        protocol: 'http',
        transport: 'unix',
        path: '/tmp/gunicorn.sock',
        source: where(file, GUNICORN_SERVICE, 'unix:/tmp/gunicorn.sock'),
        requestTimeout: { value: 120_000, source: where(file, GUNICORN_SERVICE, '120') },
        mode: { value: 0o777, source: where(file, GUNICORN_SERVICE, 'unix:/tmp/gunicorn.sock') },
        // gunicorn creates the socket as the unit's User= and Group=.
        owner: { value: 'app', source: where(file, GUNICORN_SERVICE, 'app') },
        group: { value: 'www-data', source: where(file, GUNICORN_SERVICE, 'www-data') },
        privateTmp,
      },
    ]);
    expect(result.units).toEqual([
      { name: 'gunicorn', file, program: 'gunicorn', kind: 'gunicorn', privateTmp, source: { ...where(file, GUNICORN_SERVICE, '/srv/app/venv/bin/gunicorn \\'), endColumn: where(file, GUNICORN_SERVICE, '/srv/app/venv/bin/gunicorn \\').endColumn - 2 } },
    ]);
  });

  it("reads php-fpm's own service (no listener, PrivateTmp) and a Debian-style one", () => {
    const upstream = '[Unit]\nDescription=The PHP FastCGI Process Manager\nAfter=network.target\n\n[Service]\nType=notify\nExecStart=/usr/sbin/php-fpm --nodaemonize --fpm-config /etc/php-fpm.conf\nExecReload=/bin/kill -USR2 $MAINPID\nPrivateTmp=true\n\n[Install]\nWantedBy=multi-user.target\n';
    const file = '/usr/lib/systemd/system/php-fpm.service';
    expect(readSystemdUnit(file, upstream)).toEqual({
      listeners: [],
      units: [{ name: 'php-fpm', file, program: 'php-fpm', kind: 'php-fpm', privateTmp: { value: true, source: where(file, upstream, 'true') }, source: where(file, upstream, '/usr/sbin/php-fpm --nodaemonize --fpm-config /etc/php-fpm.conf') }],
    });

    const debian =
      '[Service]\nType=notify\nExecStart=/usr/sbin/php-fpm8.2 --nodaemonize --fpm-config /etc/php/8.2/fpm/php-fpm.conf\nExecStartPost=-/usr/lib/php/php-fpm-socket-helper install /run/php/php-fpm.sock /etc/php/8.2/fpm/pool.d/www.conf 82\nExecReload=/bin/kill -USR2 $MAINPID\n';
    const units = readSystemdUnit('/lib/systemd/system/php8.2-fpm.service', debian).units;
    expect(units).toMatchObject([{ name: 'php8.2-fpm', program: 'php-fpm8.2', kind: 'php-fpm' }]);
    expect(units?.[0]?.privateTmp).toBeUndefined();
  });

  it("reads RHEL's nginx.service PrivateTmp", () => {
    const text = '[Service]\nType=forking\nPIDFile=/run/nginx.pid\nExecStartPre=/usr/sbin/nginx -t\nExecStart=/usr/sbin/nginx\nExecReload=/usr/sbin/nginx -s reload\nKillSignal=SIGQUIT\nPrivateTmp=true\n';
    expect(readSystemdUnit('/usr/lib/systemd/system/nginx.service', text).units).toMatchObject([{ name: 'nginx', program: 'nginx', privateTmp: { value: true } }]);
  });

  it('reads a drop-in as the unit it extends', () => {
    const file = '/etc/systemd/system/php8.2-fpm.service.d/override.conf';
    const text = '[Service]\nPrivateTmp=no\n';
    expect(readSystemdUnit(file, text).units).toEqual([{ name: 'php8.2-fpm', file, privateTmp: { value: false, source: where(file, text, 'no') }, source: where(file, text, '[Service]') }]);
  });

  it('uses Environment= for the command line (Node PORT), and specifiers in ExecStart', () => {
    const file = '/etc/systemd/system/api.service';
    const text = ['[Service]', 'Environment=NODE_ENV=production "PORT=3000"', 'ExecStart=/usr/bin/node /srv/api/server.js', ''].join('\n');
    expect(readSystemdUnit(file, text).listeners).toEqual([
      { kind: 'node', name: 'api', protocol: 'http', transport: 'tcp', port: 3000, source: where(file, text, '3000'), idleTimeout: { value: 5000, source: where(file, text, '/usr/bin/node') } },
    ]);

    const template = '[Service]\nPrivateTmp=yes\nExecStart=/usr/bin/uwsgi --socket %t/uwsgi/%i.sock --socket /tmp/%i.sock --chmod-socket=660 --module %i.wsgi\n';
    const inst = readSystemdUnit('/etc/systemd/system/uwsgi@blog.service', template).listeners ?? [];
    expect(inst.map((l) => [l.name, l.protocol, l.path, l.symbolic, l.mode?.value, l.privateTmp?.value])).toEqual([
      ['uwsgi@blog', 'uwsgi', '/run/uwsgi/blog.sock', undefined, 0o660, undefined],
      ['uwsgi@blog', 'uwsgi', '/tmp/blog.sock', undefined, 0o660, true],
    ]);
    const tpl = readSystemdUnit('/etc/systemd/system/uwsgi@.service', template).listeners ?? [];
    expect(tpl.map((l) => [l.path, l.symbolic])).toEqual([
      ['/run/uwsgi/%i.sock', true],
      ['/tmp/%i.sock', true],
    ]);
  });

  it('skips ExecStart prefixes, honours a reset, and reads uvicorn', () => {
    const file = '/etc/systemd/system/fastapi.service';
    const text = ['[Service]', 'ExecStart=/usr/bin/false', 'ExecStart=', 'ExecStart=-/srv/venv/bin/uvicorn main:app --host 0.0.0.0 --port 8001 --timeout-keep-alive 65', ''].join('\n');
    const result = readSystemdUnit(file, text);
    expect(result.listeners).toEqual([
      {
        kind: 'uvicorn',
        name: 'fastapi',
        protocol: 'http',
        transport: 'tcp',
        host: '0.0.0.0',
        port: 8001,
        source: where(file, text, '8001'),
        idleTimeout: { value: 65_000, source: where(file, text, '65') },
      },
    ]);
    expect(result.units?.[0]?.source).toEqual(where(file, text, '/srv/venv/bin/uvicorn main:app --host 0.0.0.0 --port 8001 --timeout-keep-alive 65'));
  });

  it('never throws', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: fc.constantFrom('[Service]', '[Socket]', 'ExecStart=', 'ListenStream=', 'PrivateTmp=', 'Environment=', 'gunicorn', ' -b ', 'unix:', '%', '$', '"', "'", '\\', '\n', ':', '8', '/tmp/') }),
        fc.constantFrom('/x/a.service', '/x/a.socket', '/x/a.service.d/o.conf', '/x/unit'),
        (s, file) => {
          readSystemdUnit(file, s);
        },
      ),
    );
  });
});
