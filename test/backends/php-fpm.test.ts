import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mergePhpFpmPools, parseFpmListen, parseFpmTimeMs, parsePhpFpm, poolListener, readPhpFpm } from '../../src/backends/readers/php-fpm.js';
import type { Listener } from '../../src/backends/types.js';
import { where } from './readers-where.js';

const listenersOf = (file: string, text: string): readonly Listener[] => readPhpFpm(file, text).listeners ?? [];

/** An excerpt of Debian's php8.2-fpm /etc/php/8.2/fpm/pool.d/www.conf (comments shortened). */
const DEBIAN_WWW = `; Start a new pool named 'www'.
; the variable $pool can be used in any directive and will be replaced by the
; pool name ('www' here)
[www]

; Unix user/group of processes
user = www-data
group = www-data

; The address on which to accept FastCGI requests.
; Valid syntaxes are:
;   'ip.add.re.ss:port'    - to listen on a TCP socket to a specific IPv4 address on
;                            a specific port;
;   '[ip:6:addr:ess]:port' - to listen on a TCP socket to a specific IPv6 address on
;                            a specific port;
;   'port'                 - to listen on a TCP socket to all addresses
;                            (IPv6 and IPv4-mapped) on a specific port;
;   '/path/to/unix/socket' - to listen on a unix socket.
; Note: This value is mandatory.
listen = /run/php/php8.2-fpm.sock

; Set listen(2) backlog.
; Default Value: 511 (-1 on Linux, FreeBSD and OpenBSD)
;listen.backlog = 511

; Set permissions for unix socket, if one is used.
; Default Values: Owner is set to the master process running user. If the group
;                 is not set, the owner's group is used. Mode is set to 0660.
listen.owner = www-data
listen.group = www-data
;listen.mode = 0660

; When POSIX Access Control Lists are supported you can set them using
; these options, value is a comma separated list of user/group names.
; When set, listen.owner and listen.group are ignored
;listen.acl_users =
;listen.acl_groups =

; List of addresses (IPv4/IPv6) of FastCGI clients which are allowed to connect.
; Default Value: any
;listen.allowed_clients = 127.0.0.1

pm = dynamic
pm.max_children = 5
pm.start_servers = 2
pm.min_spare_servers = 1
pm.max_spare_servers = 3

; Default Value: 0
;request_terminate_timeout = 0
`;

describe('readPhpFpm', () => {
  it("reads Debian's default www pool: a unix socket owned by www-data, 5 children", () => {
    const file = '/etc/php/8.2/fpm/pool.d/www.conf';
    const result = readPhpFpm(file, DEBIAN_WWW);
    expect(result.includes).toEqual([]);
    expect(result.listeners).toEqual([
      {
        kind: 'php-fpm',
        name: 'www',
        protocol: 'fastcgi',
        transport: 'unix',
        path: '/run/php/php8.2-fpm.sock',
        source: where(file, DEBIAN_WWW, '/run/php/php8.2-fpm.sock'),
        owner: { value: 'www-data', source: where(file, DEBIAN_WWW, 'www-data', 2) },
        group: { value: 'www-data', source: where(file, DEBIAN_WWW, 'www-data', 3) },
        maxChildren: { value: 5, source: { ...where(file, DEBIAN_WWW, 'pm.max_children = 5'), column: 19 } },
      },
    ]);
  });

  it('reads TCP pools: ip:port, [v6]:port, a bare port, *:port', () => {
    const file = '/etc/php-fpm.d/pools.conf';
    const text = [
      '[api]',
      'listen = 127.0.0.1:9000',
      'listen.allowed_clients = 127.0.0.1, 10.0.0.5,',
      'listen.backlog = -1',
      'pm.max_children = 40',
      'request_terminate_timeout = 120s',
      '',
      '[v6]',
      'listen = [::1]:9001',
      '',
      '[docker]',
      'listen = 9000',
      '',
      '[star]',
      'listen = *:9002',
      '',
    ].join('\n');
    const [api, v6, docker, star] = listenersOf(file, text);
    expect(api).toEqual({
      kind: 'php-fpm',
      name: 'api',
      protocol: 'fastcgi',
      transport: 'tcp',
      host: '127.0.0.1',
      port: 9000,
      source: where(file, text, '127.0.0.1:9000'),
      allowedClients: { value: ['127.0.0.1', '10.0.0.5'], source: where(file, text, '127.0.0.1, 10.0.0.5,') },
      backlog: { value: -1, source: where(file, text, '-1') },
      maxChildren: { value: 40, source: where(file, text, '40') },
      requestTimeout: { value: 120_000, source: where(file, text, '120s') },
    });
    expect(v6).toMatchObject({ name: 'v6', transport: 'tcp', host: '::1', port: 9001, source: where(file, text, '[::1]:9001') });
    expect(docker).toMatchObject({ name: 'docker', transport: 'tcp', port: 9000, source: where(file, text, '9000', 1) });
    expect(docker?.host).toBeUndefined();
    expect(star).toMatchObject({ name: 'star', transport: 'tcp', port: 9002 });
    expect(star?.host).toBeUndefined();
  });

  it('substitutes $pool in the pool values, keeping the source of the written value', () => {
    const file = '/etc/php/8.1/fpm/pool.d/shop.conf';
    const text = '[shop]\nuser = $pool\nlisten = /run/php/php8.1-fpm-$pool.sock\nlisten.owner = $pool\nlisten.group = www-data\nlisten.mode = 0660\n';
    expect(listenersOf(file, text)).toEqual([
      {
        kind: 'php-fpm',
        name: 'shop',
        protocol: 'fastcgi',
        transport: 'unix',
        path: '/run/php/php8.1-fpm-shop.sock',
        source: where(file, text, '/run/php/php8.1-fpm-$pool.sock'),
        owner: { value: 'shop', source: where(file, text, '$pool', 2) },
        group: { value: 'www-data', source: where(file, text, 'www-data') },
        mode: { value: 0o660, source: where(file, text, '0660') },
      },
    ]);
  });

  it('keeps ${ENV} values symbolic', () => {
    const file = '/app/php-fpm.conf';
    const text = [
      '[a]',
      'listen = ${FPM_PORT}',
      'listen.owner = ${FPM_USER}',
      'pm.max_children = ${WEB_CONCURRENCY}',
      '[b]',
      'listen = 127.0.0.1:${FPM_PORT}',
      '[c]',
      'listen = "/tmp/fpm.${PORT}.sock"',
      '[d]',
      "listen = '/tmp/literal.${PORT}.sock'",
      '',
    ].join('\n');
    const [a, b, c, d] = listenersOf(file, text);
    expect(a).toMatchObject({ name: 'a', transport: 'tcp', symbolic: true, source: where(file, text, '${FPM_PORT}') });
    expect(a?.port).toBeUndefined();
    expect(a?.owner).toEqual({ value: '${FPM_USER}', source: where(file, text, '${FPM_USER}'), symbolic: true });
    expect(a?.maxChildren?.symbolic).toBe(true);
    expect(a?.maxChildren?.value).toBeNaN();
    expect(b).toMatchObject({ name: 'b', transport: 'tcp', host: '127.0.0.1', symbolic: true });
    expect(b?.port).toBeUndefined();
    expect(c).toMatchObject({ name: 'c', transport: 'unix', path: '/tmp/fpm.${PORT}.sock', symbolic: true, source: where(file, text, '/tmp/fpm.${PORT}.sock') });
    // Single quotes are raw in PHP's INI scanner: no expansion.
    expect(d).toMatchObject({ name: 'd', transport: 'unix', path: '/tmp/literal.${PORT}.sock' });
    expect(d?.symbolic).toBeUndefined();
  });

  it('returns includes as absolute patterns; relative ones against the file directory; symbolic ones are left out', () => {
    const file = '/etc/php/8.2/fpm/php-fpm.conf';
    const text = [
      '[global]',
      'pid = /run/php/php8.2-fpm.pid',
      'error_log = /var/log/php8.2-fpm.log',
      'include=/etc/php/8.2/fpm/pool.d/*.conf',
      'include = extra/../conf.d/*.conf',
      'include=${CONF_DIR}/*.conf',
      '',
    ].join('\n');
    expect(readPhpFpm(file, text)).toEqual({ listeners: [], includes: ['/etc/php/8.2/fpm/pool.d/*.conf', '/etc/php/8.2/fpm/conf.d/*.conf'] });
  });

  it('handles quotes, ; and # comments, inline comments, CRLF, odd spacing and case', () => {
    const file = '/etc/php-fpm.d/q.conf';
    const text = [
      '# a hash comment',
      '; a semicolon comment',
      '[Quoted]',
      ';listen = /run/commented.sock',
      'LISTEN   =   "/run/php/with space.sock"   ; the socket',
      "Listen.Mode='0666'",
      'listen.acl_users = "www-data,nginx"',
      'listen.acl_groups = web , admins',
      'request_terminate_timeout = 5m ; five minutes',
      '',
    ].join('\r\n');
    const [l] = listenersOf(file, text);
    expect(l).toEqual({
      kind: 'php-fpm',
      name: 'Quoted',
      protocol: 'fastcgi',
      transport: 'unix',
      path: '/run/php/with space.sock',
      source: where(file, text, '/run/php/with space.sock'),
      mode: { value: 0o666, source: where(file, text, '0666') },
      aclUsers: { value: ['www-data', 'nginx'], source: where(file, text, 'www-data,nginx') },
      aclGroups: { value: ['web', 'admins'], source: where(file, text, 'web , admins') },
      requestTimeout: { value: 300_000, source: where(file, text, '5m') },
    });
  });

  it('separates pools from [global], merges a pool written twice (last value wins)', () => {
    const file = '/etc/php-fpm.conf';
    const text = ['listen = /run/before-any-section.sock', '[global]', 'listen = /run/global.sock', '[www]', 'listen = /run/a.sock', 'pm.max_children = 5', '[other]', 'listen = 9001', '[www]', 'listen = /run/b.sock', ''].join('\n');
    const ls = listenersOf(file, text);
    expect(ls.map((l) => [l.name, l.path ?? l.port])).toEqual([
      ['www', '/run/b.sock'],
      ['other', 9001],
    ]);
    expect(ls[0]?.maxChildren?.value).toBe(5);
    expect(parsePhpFpm(file, text).global.get('listen')?.value).toBe('/run/global.sock');
  });

  it('merges a pool across files like Docker zz-docker.conf overriding www.conf', () => {
    const www = parsePhpFpm('/usr/local/etc/php-fpm.d/www.conf', '[www]\nuser = www-data\nlisten = 127.0.0.1:9000\npm.max_children = 5\n');
    const docker = parsePhpFpm('/usr/local/etc/php-fpm.d/zz-docker.conf', '[global]\ndaemonize = no\n\n[www]\nlisten = 9000\n');
    const [pool] = mergePhpFpmPools([www, docker]);
    const l = pool && poolListener(pool);
    expect(l).toMatchObject({ name: 'www', transport: 'tcp', port: 9000, maxChildren: { value: 5 } });
    expect(l?.host).toBeUndefined();
    expect(l?.source.file).toBe('/usr/local/etc/php-fpm.d/zz-docker.conf');
  });

  it('skips what php-fpm would reject and never throws', () => {
    const file = '/x.conf';
    const text = ['[bad-port]', 'listen = 127.0.0.1:99999', '[zero]', 'listen = 0', '[no-listen]', 'pm.max_children = 3', '[unterminated]', 'listen = "/run/x.sock', '[', 'garbage line', '=', '[empty]', 'listen =', ''].join('\n');
    expect(listenersOf(file, text)).toEqual([]);
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom('[', ']', '=', ';', '#', '"', "'", '$', '{', '}', ':', '/', 'a', '1', ' ', '\n', '\r', 'listen', 'pool', 'include') }), (s) => {
        readPhpFpm('/f.conf', s);
      }),
    );
  });

  it('reads php-fpm time values', () => {
    expect(parseFpmTimeMs('0')).toBe(0);
    expect(parseFpmTimeMs('30')).toBe(30_000);
    expect(parseFpmTimeMs('30s')).toBe(30_000);
    expect(parseFpmTimeMs('2m')).toBe(120_000);
    expect(parseFpmTimeMs('1h')).toBe(3_600_000);
    expect(parseFpmTimeMs('1d')).toBe(86_400_000);
    expect(parseFpmTimeMs('1.5s')).toBeUndefined();
    expect(parseFpmTimeMs('10ms')).toBeUndefined();
    expect(parseFpmTimeMs('')).toBeUndefined();
  });

  it('classifies listen values like fpm_sockets_domain_from_address()', () => {
    expect(parseFpmListen('/run/php/php8.2-fpm.sock')).toEqual({ transport: 'unix', path: '/run/php/php8.2-fpm.sock' });
    expect(parseFpmListen('php.sock')).toEqual({ transport: 'unix', path: 'php.sock' });
    expect(parseFpmListen('9000')).toEqual({ transport: 'tcp', port: 9000 });
    expect(parseFpmListen('0.0.0.0:9000')).toEqual({ transport: 'tcp', host: '0.0.0.0', port: 9000 });
    expect(parseFpmListen('[::]:9000')).toEqual({ transport: 'tcp', host: '::', port: 9000 });
    expect(parseFpmListen('localhost:9000')).toEqual({ transport: 'tcp', host: 'localhost', port: 9000 });
    expect(parseFpmListen('127.0.0.1:')).toBeUndefined();
    expect(parseFpmListen('@{PHP_FPM_LISTEN}')).toEqual({ transport: 'tcp', symbolic: true });
  });
});
