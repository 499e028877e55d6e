import { describe, expect, it } from 'vitest';
import { parseUwsgiAddress, readUwsgiIni } from '../../src/backends/readers/uwsgi.js';
import { at, valueAt } from './positions.js';

const FILE = '/etc/uwsgi/apps-enabled/myapp.ini';
const DEFAULT = { file: FILE, line: 1, column: 1, endColumn: 1 };

describe('readUwsgiIni', () => {
  it('reads a realistic Debian-style app ini (unix socket, owner, mode, limits)', () => {
    const text = [
      '[uwsgi]',
      'plugins = python3',
      'chdir = /srv/myapp',
      'module = myapp.wsgi:application',
      'master = true',
      'processes = 5',
      '',
      '; nginx talks to this socket',
      'socket = /run/uwsgi/app/myapp/socket',
      'chmod-socket = 660',
      'chown-socket = www-data:www-data',
      'vacuum = true',
      'die-on-term',
      'harakiri = 30',
      'buffer-size = 32768',
      '',
    ].join('\n');
    expect(readUwsgiIni(FILE, text)).toEqual({
      listeners: [
        {
          kind: 'uwsgi',
          name: 'myapp',
          protocol: 'uwsgi',
          transport: 'unix',
          path: '/run/uwsgi/app/myapp/socket',
          source: valueAt(FILE, text, 'socket = ', '/run/uwsgi/app/myapp/socket'),
          owner: { value: 'www-data', source: valueAt(FILE, text, 'chown-socket = ', 'www-data') },
          group: { value: 'www-data', source: valueAt(FILE, text, 'chown-socket = www-data:', 'www-data') },
          mode: { value: 0o660, source: valueAt(FILE, text, 'chmod-socket = ', '660') },
          requestTimeout: { value: 30_000, source: valueAt(FILE, text, 'harakiri = ', '30') },
          bufferSize: { value: 32768, source: valueAt(FILE, text, 'buffer-size = ', '32768') },
        },
      ],
    });
  });

  it('tells the uwsgi protocol from HTTP, and reads every socket option', () => {
    const text = [
      '[uwsgi]',
      'socket = 127.0.0.1:3031',
      'uwsgi-socket = :3032',
      'http-socket = 0.0.0.0:8080',
      'http = :9090',
      'https = :8443,foo.crt,foo.key',
      'fastcgi-socket = /run/app-fcgi.sock',
      'scgi-socket = 127.0.0.1:4000',
    ].join('\n');
    const listeners = readUwsgiIni(FILE, text).listeners ?? [];
    expect(listeners.map((l) => [l.protocol, l.transport, l.host, l.port ?? l.path, l.tls])).toEqual([
      ['uwsgi', 'tcp', '127.0.0.1', 3031, undefined],
      ['uwsgi', 'tcp', undefined, 3032, undefined],
      ['http', 'tcp', '0.0.0.0', 8080, undefined],
      ['http', 'tcp', undefined, 9090, undefined],
      ['http', 'tcp', undefined, 8443, true],
      ['fastcgi', 'unix', undefined, '/run/app-fcgi.sock', undefined],
      ['scgi', 'tcp', '127.0.0.1', 4000, undefined],
    ]);
    // The address only, not the certificate options after it.
    expect(listeners[4]?.source).toEqual(valueAt(FILE, text, 'https = ', ':8443'));
    // Defaults: buffer-size 4096 (at line 1, column 1); harakiri off; no mode on TCP sockets.
    expect(listeners[0]?.bufferSize).toEqual({ value: 4096, source: DEFAULT });
    expect(listeners[0]?.requestTimeout).toBeUndefined();
    expect(listeners[0]?.mode).toBeUndefined();
  });

  it('follows `protocol =` for plain `socket`', () => {
    const l = readUwsgiIni(FILE, '[uwsgi]\nprotocol = http\nsocket = :8000\n').listeners?.[0];
    expect(l).toMatchObject({ protocol: 'http', port: 8000 });
  });

  it('takes a bare chmod-socket as 666', () => {
    const text = '[uwsgi]\nsocket = /tmp/app.sock\nchmod-socket\n';
    expect(readUwsgiIni(FILE, text).listeners?.[0]?.mode).toEqual({ value: 0o666, source: at(FILE, text, 'chmod-socket') });
  });

  it('expands %(name) from earlier options and the file name; leaves the rest symbolic', () => {
    const text = [
      '[uwsgi]',
      'project = shop',
      'base = /var/www/%(project)',
      'socket = /run/uwsgi/%(project).sock',
      'http-socket = :$(PORT)',
      'uwsgi-socket = %(later)/x.sock',
      'fastcgi-socket = /run/%n.sock',
      'later = /tmp',
    ].join('\n');
    const listeners = readUwsgiIni(FILE, text).listeners ?? [];
    expect(listeners[0]).toMatchObject({ transport: 'unix', path: '/run/uwsgi/shop.sock', source: valueAt(FILE, text, 'socket = ', '/run/uwsgi/%(project).sock') });
    expect(listeners[0]?.symbolic).toBeUndefined();
    expect(listeners[1]).toMatchObject({ transport: 'tcp', protocol: 'http', symbolic: true });
    expect(listeners[1]?.port).toBeUndefined();
    expect(listeners[2]).toMatchObject({ transport: 'unix', path: '%(later)/x.sock', symbolic: true });
    expect(listeners[3]).toMatchObject({ transport: 'unix', path: '/run/myapp.sock' });
    expect(listeners[3]?.symbolic).toBeUndefined();
  });

  it('reads only [uwsgi] sections; no section, no listeners', () => {
    expect(readUwsgiIni(FILE, '[other]\nsocket = :1\n[uwsgi]\nsocket = :2\n').listeners?.map((l) => l.port)).toEqual([2]);
    expect(readUwsgiIni(FILE, 'socket = :1\n')).toEqual({ listeners: [] });
    expect(readUwsgiIni(FILE, '')).toEqual({ listeners: [] });
  });

  it('accepts underscores, comments, CRLF, a relative socket (symbolic) and ini includes', () => {
    const text = '\ufeff[uwsgi]\r\n# comment\r\nchmod_socket = 664\r\nsocket = app.sock\r\nini = /etc/uwsgi/base.ini\r\n';
    const r = readUwsgiIni(FILE, text);
    expect(r.listeners?.[0]).toMatchObject({ transport: 'unix', path: 'app.sock', symbolic: true, mode: { value: 0o664 }, source: { line: 4, column: 10, endColumn: 18 } });
    expect(r.includes).toEqual(['/etc/uwsgi/base.ini']);
  });

  it('never throws on broken input', () => {
    for (const text of ['[uwsgi', '[uwsgi]\n=\n', '[uwsgi]\nsocket =\n', '[uwsgi]\nsocket = :notaport\nharakiri = x\nbuffer-size = 32k\n', '\u0000']) {
      expect(() => readUwsgiIni(FILE, text)).not.toThrow();
    }
    const odd = readUwsgiIni(FILE, '[uwsgi]\nsocket = :notaport\nharakiri = x\nbuffer-size = 32k\n').listeners?.[0];
    expect(odd).toMatchObject({ transport: 'tcp', symbolic: true });
    expect(odd?.requestTimeout).toBeUndefined();
    expect(odd?.bufferSize).toBeUndefined();
  });
});

describe('parseUwsgiAddress', () => {
  it('reads TCP, IPv6, unix and abstract addresses', () => {
    expect(parseUwsgiAddress('[::1]:3031')).toEqual({ transport: 'tcp', host: '::1', port: 3031, symbolic: false });
    expect(parseUwsgiAddress('*:3031')).toEqual({ transport: 'tcp', port: 3031, symbolic: false });
    expect(parseUwsgiAddress('@app')).toEqual({ transport: 'unix', path: '@app', symbolic: false });
    expect(parseUwsgiAddress('=0')).toBeUndefined();
  });
});
