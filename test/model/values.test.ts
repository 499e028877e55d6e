import { describe, expect, it } from 'vitest';
import {
  PASS_DIRECTIVES,
  closestMatches,
  containsVariables,
  editDistance,
  isIPv4Literal,
  isIPv6Literal,
  parseAddress,
  parseFlag,
  parseOffset,
  parseSize,
  parseTime,
  parseUpstreamUrl,
  passKindOf,
  scanVariables,
  type Result,
  type UpstreamUrl,
} from '../../src/model/values.js';

function value<T>(result: Result<T>): T {
  if (!result.ok) throw new Error(`expected ok, got error: ${result.error}`);
  return result.value;
}

function error<T>(result: Result<T>): string {
  if (result.ok) throw new Error(`expected an error, got ${JSON.stringify(result.value)}`);
  return result.error;
}

describe('parseSize (ngx_parse_size)', () => {
  it.each([
    ['0', 0],
    ['1', 1],
    ['512', 512],
    ['4k', 4096],
    ['4K', 4096],
    ['1m', 1048576],
    ['1M', 1048576],
    ['16M', 16 * 1048576],
    ['007', 7],
    ['9223372036854775807', 9223372036854775807],
    ['9007199254740991k', 9007199254740991 * 1024],
    ['8796093022207m', 8796093022207 * 1048576],
  ])('%s = %d bytes', (text, bytes) => {
    expect(value(parseSize(text))).toBe(bytes);
  });

  it.each(['', '10g', '1G', '-1', '+1', '1.5m', 'k', 'm', '1kb', '1 k', ' 1', '1 ', 'abc', '1t', '0x10', '１'])(
    'rejects %j',
    (text) => {
      expect(error(parseSize(text))).toBe(`invalid value "${text}"`);
    },
  );

  it('rejects overflow of a 64-bit ssize_t, before and after scaling', () => {
    expect(parseSize('9223372036854775808').ok).toBe(false);
    expect(parseSize('9007199254740992k').ok).toBe(false);
    expect(parseSize('8796093022208m').ok).toBe(false);
    expect(parseSize('99999999999999999999999').ok).toBe(false);
  });
});

describe('parseOffset (ngx_parse_offset)', () => {
  it.each([
    ['0', 0],
    ['100', 100],
    ['8k', 8192],
    ['1M', 1048576],
    ['10g', 10 * 1073741824],
    ['10G', 10 * 1073741824],
    ['8589934591g', 8589934591 * 1073741824],
  ])('%s = %d bytes', (text, bytes) => {
    expect(value(parseOffset(text))).toBe(bytes);
  });

  it.each(['', '1t', '1T', '1.5g', '-1g', 'g', '8589934592g', '1gg'])('rejects %j', (text) => {
    expect(error(parseOffset(text))).toBe(`invalid value "${text}"`);
  });

  it('g is accepted by offsets only', () => {
    expect(parseSize('10g').ok).toBe(false);
    expect(parseOffset('10g').ok).toBe(true);
  });
});

describe('parseTime (ngx_parse_time)', () => {
  const sec = (text: string): number => value(parseTime(text, 's')).seconds;
  const ms = (text: string): number => value(parseTime(text, 'ms')).ms;

  it('reads seconds-slot values', () => {
    expect(sec('0')).toBe(0);
    expect(sec('30')).toBe(30);
    expect(sec('30s')).toBe(30);
    expect(sec('1m')).toBe(60);
    expect(sec('1h')).toBe(3600);
    expect(sec('1h30m')).toBe(5400);
    expect(sec('1h 30m')).toBe(5400);
    expect(sec('1h   30m')).toBe(5400);
    expect(sec('1d12h')).toBe(129600);
    expect(sec('2w')).toBe(1209600);
    expect(sec('1M')).toBe(30 * 86400);
    expect(sec('1y')).toBe(365 * 86400);
    expect(sec('1y1M1w1d1h1m1s')).toBe(31536000 + 2592000 + 604800 + 86400 + 3600 + 60 + 1);
    expect(sec('1m30')).toBe(90);
    expect(sec('30s ')).toBe(30);
  });

  it('reads milliseconds-slot values', () => {
    expect(ms('500ms')).toBe(500);
    expect(ms('30s')).toBe(30000);
    expect(ms('30')).toBe(30000);
    expect(ms('1s500ms')).toBe(1500);
    expect(ms('1s 500ms')).toBe(1500);
    expect(ms('1m')).toBe(60000);
    expect(ms('1h 30m')).toBe(5400000);
    expect(ms('2w')).toBe(1209600000);
    expect(ms('25d')).toBe(25 * 86400000);
    expect(ms('0')).toBe(0);
  });

  it('returns both milliseconds and seconds', () => {
    expect(value(parseTime('1500ms', 'ms'))).toEqual({ ms: 1500, seconds: 1.5 });
    expect(value(parseTime('90', 's'))).toEqual({ ms: 90000, seconds: 90 });
    expect(value(parseTime('60s'))).toEqual({ ms: 60000, seconds: 60 });
  });

  it('reproduces the space quirk: a space right after a number ends a seconds part', () => {
    expect(sec('1 2')).toBe(3);
    expect(parseTime('30 s', 's').ok).toBe(false);
    expect(parseTime('5 m', 'ms').ok).toBe(false);
  });

  it.each(['12h1d', '1m1h', '30s1m', '1h1h', '1s1s', '500ms1s', '1ms1ms', '1d1w'])(
    'rejects out-of-order or repeated units: %j',
    (text) => {
      expect(error(parseTime(text, 's'))).toBe(`invalid value "${text}"`);
      expect(parseTime(text, 'ms').ok).toBe(false);
    },
  );

  it.each(['', ' ', '1.5s', '1,5s', '-1s', '+1s', ' 30s', 's', 'ms', 'h', '1x', '1S', '1H', '1 h', '1\t2', '1sec', '1min'])(
    'rejects %j',
    (text) => {
      expect(parseTime(text, 's').ok).toBe(false);
      expect(error(parseTime(text, 'ms'))).toBe(`invalid value "${text}"`);
    },
  );

  it('rejects ms in seconds slots', () => {
    expect(parseTime('500ms', 's').ok).toBe(false);
    expect(parseTime('1s500ms', 's').ok).toBe(false);
  });

  it('rejects years and months in milliseconds slots', () => {
    expect(parseTime('1y', 'ms').ok).toBe(false);
    expect(parseTime('1M', 'ms').ok).toBe(false);
    expect(parseTime('1y', 's').ok).toBe(true);
  });

  it('rejects 64-bit overflow', () => {
    expect(parseTime('9223372036854775807', 's').ok).toBe(true);
    expect(parseTime('9223372036854775808', 's').ok).toBe(false);
    expect(parseTime('292471208677y', 's').ok).toBe(true);
    expect(parseTime('292471208678y', 's').ok).toBe(false);
    expect(parseTime('9223372036854775807', 'ms').ok).toBe(false);
    expect(parseTime('9223372036854775s', 'ms').ok).toBe(true);
    expect(parseTime('9223372036854776s', 'ms').ok).toBe(false);
  });

  it('defaults to the seconds unit', () => {
    expect(parseTime('500ms').ok).toBe(false);
    expect(value(parseTime('1m')).seconds).toBe(60);
  });
});

describe('parseFlag (ngx_conf_set_flag_slot)', () => {
  it.each([
    ['on', true],
    ['off', false],
    ['ON', true],
    ['Off', false],
    ['oN', true],
  ])('%s', (text, flag) => {
    expect(value(parseFlag(text))).toBe(flag);
  });

  it.each(['yes', 'no', 'true', '1', '', 'on ', ' off', 'o', 'onn'])('rejects %j', (text) => {
    expect(error(parseFlag(text))).toBe(`invalid value "${text}", it must be "on" or "off"`);
  });

  it("uses nginx's full message when given the directive", () => {
    expect(error(parseFlag('yes', 'proxy_buffering'))).toBe(
      'invalid value "yes" in "proxy_buffering" directive, it must be "on" or "off"',
    );
  });
});

describe('IP literals', () => {
  it.each(['127.0.0.1', '0.0.0.0', '255.255.255.255', '010.0.0.1', '1..2.3'])('IPv4 %s', (text) => {
    expect(isIPv4Literal(text)).toBe(true);
  });

  it.each(['', '1.2.3', '1.2.3.4.5', '256.0.0.1', '1.2.3.256', 'a.b.c.d', '1.2.3.4 ', 'localhost', '::1'])(
    'not IPv4 %j',
    (text) => {
      expect(isIPv4Literal(text)).toBe(false);
    },
  );

  // Each verdict below was checked against `nginx -t` (1.22.1) with `proxy_pass http://[...]:80`.
  it.each([
    '::1',
    '::',
    '0:0::0',
    '1::',
    '1:2:3:4:5:6:7:8',
    'FFFF::1',
    'fe80::1',
    '::ffff:1.2.3.4',
    '::1.2.3.4',
    '1:2:3:4:5:6:1.2.3.4',
    '::1:2:3:4:5:6:7',
    '::1:',
  ])('IPv6 %s', (text) => {
    expect(isIPv6Literal(text)).toBe(true);
  });

  it.each([
    '',
    '1:2:3:4:5:6:7:8:9',
    '1::2::3',
    ':1',
    '1:',
    '12345::',
    '1:2:3:4:5:6:7::',
    '1:2:3:4:5:6:7:1.2.3.4',
    'g::',
    '1.2.3.4',
    '::1.2.3',
    '::1.2.3.256',
    ':::',
  ])('not IPv6 %j', (text) => {
    expect(isIPv6Literal(text)).toBe(false);
  });
});

describe('parseAddress (listen, upstream server)', () => {
  it('unix sockets', () => {
    expect(value(parseAddress('unix:/run/php/php8.2-fpm.sock'))).toEqual({
      kind: 'unix',
      path: '/run/php/php8.2-fpm.sock',
    });
    expect(value(parseAddress('UNIX:/tmp/a.sock'))).toEqual({ kind: 'unix', path: '/tmp/a.sock' });
    // No URI part outside proxy_pass: the whole rest is the path.
    expect(value(parseAddress('unix:/tmp/a.sock:/x', { mode: 'upstream' }))).toEqual({
      kind: 'unix',
      path: '/tmp/a.sock:/x',
    });
  });

  it('unix socket errors', () => {
    expect(error(parseAddress('unix:'))).toBe('no path in the unix domain socket in "unix:" of the "listen" directive');
    const long = `/${'a'.repeat(107)}`;
    expect(parseAddress(`unix:${long.slice(0, 107)}`).ok).toBe(true);
    expect(error(parseAddress(`unix:${long}`, { mode: 'upstream' }))).toBe(
      `too long path in the unix domain socket in upstream "unix:${long}"`,
    );
  });

  it('host:port and host', () => {
    expect(value(parseAddress('127.0.0.1:9000'))).toEqual({
      kind: 'ipv4',
      host: '127.0.0.1',
      port: 9000,
      portExplicit: true,
      lastPort: undefined,
      wildcard: false,
    });
    expect(value(parseAddress('localhost'))).toEqual({
      kind: 'hostname',
      host: 'localhost',
      port: 80,
      portExplicit: false,
      lastPort: undefined,
      wildcard: false,
    });
    expect(value(parseAddress('backend.internal:8080', { mode: 'upstream' }))).toMatchObject({
      kind: 'hostname',
      host: 'backend.internal',
      port: 8080,
      portExplicit: true,
    });
    expect(value(parseAddress('10.0.0.5'))).toMatchObject({ kind: 'ipv4', port: 80, portExplicit: false });
    expect(value(parseAddress('0.0.0.0:80'))).toMatchObject({ kind: 'ipv4', wildcard: true });
  });

  it('default port', () => {
    expect(value(parseAddress('localhost', 8000))).toMatchObject({ port: 8000, portExplicit: false });
    expect(value(parseAddress('localhost', { defaultPort: 443 }))).toMatchObject({ port: 443 });
    expect(value(parseAddress('localhost:81', 8000))).toMatchObject({ port: 81, portExplicit: true });
  });

  it('IPv6', () => {
    expect(value(parseAddress('[::1]:8080'))).toEqual({
      kind: 'ipv6',
      host: '::1',
      port: 8080,
      portExplicit: true,
      lastPort: undefined,
      wildcard: false,
    });
    expect(value(parseAddress('[::1]'))).toMatchObject({ kind: 'ipv6', host: '::1', port: 80, portExplicit: false });
    expect(value(parseAddress('[::]:80'))).toMatchObject({ kind: 'ipv6', host: '::', wildcard: true });
    expect(error(parseAddress('[::1'))).toBe('invalid host in "[::1" of the "listen" directive');
    expect(error(parseAddress('[::1]x'))).toBe('invalid host in "[::1]x" of the "listen" directive');
    expect(error(parseAddress('[zz]:80'))).toBe('invalid IPv6 address in "[zz]:80" of the "listen" directive');
    expect(error(parseAddress('[]:80'))).toBe('no host in "[]:80" of the "listen" directive');
    expect(error(parseAddress('[::1]:'))).toBe('invalid port in "[::1]:" of the "listen" directive');
    expect(error(parseAddress('[::1]/x'))).toBe('invalid host in "[::1]/x" of the "listen" directive');
  });

  it('listen: bare port, *:port, *', () => {
    expect(value(parseAddress('8080'))).toEqual({
      kind: 'ipv4',
      host: '*',
      port: 8080,
      portExplicit: true,
      lastPort: undefined,
      wildcard: true,
    });
    expect(value(parseAddress('*:8080'))).toMatchObject({ kind: 'ipv4', host: '*', port: 8080, wildcard: true });
    expect(value(parseAddress('*'))).toMatchObject({ host: '*', port: 80, portExplicit: false, wildcard: true });
  });

  it('listen: port ranges', () => {
    expect(value(parseAddress('8000-8010'))).toMatchObject({ port: 8000, lastPort: 8010, wildcard: true });
    expect(value(parseAddress('127.0.0.1:8000-8010'))).toMatchObject({ host: '127.0.0.1', port: 8000, lastPort: 8010 });
    expect(value(parseAddress('[::1]:8000-8001'))).toMatchObject({ port: 8000, lastPort: 8001 });
    expect(error(parseAddress('8010-8000'))).toBe('invalid port range in "8010-8000" of the "listen" directive');
    expect(error(parseAddress('8000-99999'))).toBe('invalid port in "8000-99999" of the "listen" directive');
    // Not a port: a hostname (which nginx then fails to resolve).
    expect(value(parseAddress('8000-'))).toMatchObject({ kind: 'hostname', host: '8000-' });
    expect(value(parseAddress('abc-def'))).toMatchObject({ kind: 'hostname', host: 'abc-def' });
  });

  it('upstream mode: a bare number is a hostname, * is not special, no ranges', () => {
    expect(value(parseAddress('8080', { mode: 'upstream' }))).toMatchObject({
      kind: 'hostname',
      host: '8080',
      port: 80,
      portExplicit: false,
      wildcard: false,
    });
    expect(value(parseAddress('*', { mode: 'upstream' }))).toMatchObject({ kind: 'hostname', wildcard: false });
    expect(error(parseAddress('127.0.0.1:8000-8001', { mode: 'upstream' }))).toBe(
      'invalid port in upstream "127.0.0.1:8000-8001"',
    );
  });

  it.each([
    ['localhost:99999', 'invalid port'],
    ['localhost:0', 'invalid port'],
    ['localhost:', 'invalid port'],
    ['localhost:http', 'invalid port'],
    ['localhost:-1', 'invalid port'],
    ['0', 'invalid port'],
    ['65536', 'invalid port'],
    ['::1', 'invalid port'],
    [':80', 'no host'],
    ['', 'no host'],
    ['127.0.0.1:80/x', 'invalid host'],
    ['127.0.0.1?x', 'invalid host'],
  ])('listen %j: %s', (text, reason) => {
    expect(error(parseAddress(text))).toBe(`${reason} in "${text}" of the "listen" directive`);
  });

  it('port 65535 is the maximum', () => {
    expect(value(parseAddress('localhost:65535'))).toMatchObject({ port: 65535 });
    expect(value(parseAddress('65535'))).toMatchObject({ port: 65535 });
    expect(value(parseAddress('localhost:1'))).toMatchObject({ port: 1 });
  });

  it('upstream-mode errors', () => {
    expect(error(parseAddress('localhost:99999', { mode: 'upstream' }))).toBe('invalid port in upstream "localhost:99999"');
    expect(error(parseAddress('127.0.0.1:9000/x', { mode: 'upstream' }))).toBe('invalid host in upstream "127.0.0.1:9000/x"');
  });
});

describe('parseUpstreamUrl', () => {
  const target = (text: string, kind: Parameters<typeof parseUpstreamUrl>[1] = 'proxy'): UpstreamUrl =>
    value(parseUpstreamUrl(text, kind));

  describe('proxy_pass', () => {
    it('http://[::1]:8080/x', () => {
      expect(target('http://[::1]:8080/x')).toEqual({
        passKind: 'proxy',
        scheme: 'http',
        ssl: false,
        hasVariables: false,
        kind: 'ipv6',
        host: '::1',
        hostText: '::1',
        upstreamName: '[::1]',
        port: 8080,
        portText: '8080',
        defaultPort: 80,
        effectivePort: 8080,
        noPort: false,
        requiresUpstreamBlock: false,
        unixPath: undefined,
        uri: '/x',
        isIpLiteral: true,
      });
    });

    it('http://unix:/run/app.sock:/api/ (the : after the path ends it)', () => {
      expect(target('http://unix:/run/app.sock:/api/')).toMatchObject({
        scheme: 'http',
        kind: 'unix',
        unixPath: '/run/app.sock',
        uri: '/api/',
        host: undefined,
        port: undefined,
        effectivePort: undefined,
        isIpLiteral: false,
        requiresUpstreamBlock: false,
      });
    });

    it('http://unix:/run/app.sock (no trailing colon: the path is the whole rest)', () => {
      expect(target('http://unix:/run/app.sock')).toMatchObject({ kind: 'unix', unixPath: '/run/app.sock', uri: undefined });
      expect(target('http://unix:/run/app.sock:')).toMatchObject({ unixPath: '/run/app.sock', uri: undefined });
      expect(target('HTTP://UNIX:/tmp/x.sock')).toMatchObject({ scheme: 'http', unixPath: '/tmp/x.sock' });
    });

    it('http://app_upstream (a hostname or an upstream{} name)', () => {
      expect(target('http://app_upstream')).toMatchObject({
        kind: 'hostname',
        host: 'app_upstream',
        upstreamName: 'app_upstream',
        port: undefined,
        defaultPort: 80,
        effectivePort: 80,
        noPort: true,
        requiresUpstreamBlock: false,
        uri: undefined,
        isIpLiteral: false,
        hasVariables: false,
      });
    });

    it('https://example.com:8443', () => {
      expect(target('https://example.com:8443')).toMatchObject({
        scheme: 'https',
        ssl: true,
        kind: 'hostname',
        host: 'example.com',
        port: 8443,
        defaultPort: 443,
        effectivePort: 8443,
        uri: undefined,
      });
      expect(target('https://example.com')).toMatchObject({ effectivePort: 443, noPort: true });
    });

    it('URI parts', () => {
      expect(target('http://x/').uri).toBe('/');
      expect(target('http://x').uri).toBeUndefined();
      expect(target('http://127.0.0.1:8080/api/v1').uri).toBe('/api/v1');
      expect(target('http://127.0.0.1?a=1')).toMatchObject({ host: '127.0.0.1', uri: '?a=1', noPort: true });
      // A ':' after the URI start is not a port.
      expect(target('http://127.0.0.1/a:b')).toMatchObject({ host: '127.0.0.1', port: undefined, uri: '/a:b' });
      expect(target('http://[::1]/x')).toMatchObject({ host: '::1', noPort: true, uri: '/x' });
    });

    it('scheme is case-insensitive and required', () => {
      expect(target('HTTP://127.0.0.1').scheme).toBe('http');
      expect(target('HttpS://127.0.0.1').scheme).toBe('https');
      expect(error(parseUpstreamUrl('localhost:8080', 'proxy'))).toBe('invalid URL prefix in "localhost:8080"');
      expect(error(parseUpstreamUrl('ftp://x', 'proxy'))).toBe('invalid URL prefix in "ftp://x"');
      expect(error(parseUpstreamUrl('127.0.0.1', 'proxy'))).toBe('invalid URL prefix in "127.0.0.1"');
      expect(error(parseUpstreamUrl('http:/x', 'proxy'))).toBe('invalid URL prefix in "http:/x"');
      expect(error(parseUpstreamUrl('', 'proxy'))).toBe('invalid URL prefix in ""');
    });

    it.each([
      ['http://', 'no host in upstream ""'],
      ['http://:80', 'no host in upstream ":80"'],
      ['http://localhost:99999', 'invalid port in upstream "localhost:99999"'],
      ['http://127.0.0.1:', 'invalid port in upstream "127.0.0.1:"'],
      ['http://127.0.0.1:0', 'invalid port in upstream "127.0.0.1:0"'],
      ['http://127.0.0.1:8080-8081', 'invalid port in upstream "127.0.0.1:8080-8081"'],
      ['http://[::1', 'invalid host in upstream "[::1"'],
      ['http://[::1]junk', 'invalid host in upstream "[::1]junk"'],
      ['http://[zz]:80', 'invalid IPv6 address in upstream "[zz]:80"'],
      ['http://[]:80', 'no host in upstream "[]:80"'],
      ['http://unix:', 'no path in the unix domain socket in upstream "unix:"'],
      ['http://unix::/x', 'no path in the unix domain socket in upstream "unix::/x"'],
    ])('%s: %s', (text, message) => {
      expect(error(parseUpstreamUrl(text, 'proxy'))).toBe(message);
    });

    it('IP literal flag', () => {
      expect(target('http://127.0.0.1:8080').isIpLiteral).toBe(true);
      expect(target('http://[::1]').isIpLiteral).toBe(true);
      expect(target('http://localhost:8080').isIpLiteral).toBe(false);
      expect(target('http://1..2.3').kind).toBe('ipv4');
    });
  });

  describe('proxy_pass with variables', () => {
    it('http://$backend: scheme known, host not', () => {
      expect(target('http://$backend')).toEqual({
        passKind: 'proxy',
        scheme: 'http',
        ssl: false,
        hasVariables: true,
        kind: undefined,
        host: undefined,
        hostText: '$backend',
        upstreamName: undefined,
        port: undefined,
        portText: undefined,
        defaultPort: 80,
        effectivePort: undefined,
        noPort: true,
        requiresUpstreamBlock: false,
        unixPath: undefined,
        uri: undefined,
        isIpLiteral: false,
      });
    });

    it('extracts the literal parts', () => {
      expect(target('http://127.0.0.1:8080$request_uri')).toMatchObject({
        hasVariables: true,
        kind: 'ipv4',
        host: '127.0.0.1',
        port: undefined,
        portText: '8080$request_uri',
        effectivePort: undefined,
      });
      expect(target('http://127.0.0.1:8080/$1')).toMatchObject({
        kind: 'ipv4',
        host: '127.0.0.1',
        port: 8080,
        effectivePort: 8080,
        uri: '/$1',
        isIpLiteral: true,
      });
      expect(target('https://${name}.internal/x')).toMatchObject({
        scheme: 'https',
        ssl: true,
        kind: undefined,
        host: undefined,
        hostText: '${name}.internal',
        uri: '/x',
      });
      expect(target('http://backend:$port/')).toMatchObject({ kind: 'hostname', host: 'backend', port: undefined });
      expect(target('http://unix:$sock:/x')).toMatchObject({ kind: 'unix', unixPath: '$sock', uri: '/x' });
    });

    it('a variable scheme', () => {
      expect(target('$scheme://backend:8080/x')).toMatchObject({
        scheme: undefined,
        ssl: undefined,
        defaultPort: undefined,
        host: 'backend',
        port: 8080,
        effectivePort: 8080,
        uri: '/x',
      });
      expect(target('$scheme://backend')).toMatchObject({ host: 'backend', effectivePort: undefined });
      expect(target('$upstream_url')).toMatchObject({
        hasVariables: true,
        scheme: undefined,
        kind: undefined,
        host: undefined,
        hostText: undefined,
      });
      expect(target('http$tls://x')).toMatchObject({ scheme: undefined, host: 'x' });
    });

    it('literal parts that can never work are errors', () => {
      expect(error(parseUpstreamUrl('ftp://$host', 'proxy'))).toBe('invalid URL prefix in "ftp://$host"');
      expect(error(parseUpstreamUrl('localhost:$port', 'proxy'))).toBe('invalid URL prefix in "localhost:$port"');
      expect(error(parseUpstreamUrl('http://127.0.0.1:99999/$uri', 'proxy'))).toBe(
        'invalid port in upstream "127.0.0.1:99999/$uri"',
      );
    });

    it('malformed variable references fail like ngx_http_script_compile()', () => {
      expect(error(parseUpstreamUrl('http://$', 'proxy'))).toBe('invalid variable name');
      expect(error(parseUpstreamUrl('http://${x', 'proxy'))).toBe('the closing bracket in "x" variable is missing');
      expect(error(parseUpstreamUrl('http://$-x', 'proxy'))).toBe('invalid variable name');
      expect(target('http://$1').hasVariables).toBe(true);
    });
  });

  describe('fastcgi_pass, scgi_pass', () => {
    it('127.0.0.1:9000', () => {
      expect(target('127.0.0.1:9000', 'fastcgi')).toMatchObject({
        passKind: 'fastcgi',
        scheme: undefined,
        ssl: false,
        kind: 'ipv4',
        host: '127.0.0.1',
        port: 9000,
        defaultPort: undefined,
        effectivePort: 9000,
        noPort: false,
        requiresUpstreamBlock: false,
        uri: undefined,
        isIpLiteral: true,
      });
    });

    it('unix:/run/php/php8.2-fpm.sock', () => {
      expect(target('unix:/run/php/php8.2-fpm.sock', 'fastcgi')).toMatchObject({
        kind: 'unix',
        unixPath: '/run/php/php8.2-fpm.sock',
        requiresUpstreamBlock: false,
        effectivePort: undefined,
      });
      // No URI part: a ':' belongs to the path.
      expect(target('unix:/tmp/a.sock:/x', 'fastcgi')).toMatchObject({ unixPath: '/tmp/a.sock:/x', uri: undefined });
    });

    it('no port: only valid as an upstream{} name', () => {
      expect(target('127.0.0.1', 'fastcgi')).toMatchObject({
        noPort: true,
        effectivePort: undefined,
        requiresUpstreamBlock: true,
        upstreamName: '127.0.0.1',
      });
      expect(target('php_backend', 'fastcgi')).toMatchObject({ requiresUpstreamBlock: true, upstreamName: 'php_backend' });
    });

    it('no scheme and no URI', () => {
      expect(error(parseUpstreamUrl('http://127.0.0.1:9000', 'fastcgi'))).toBe(
        'invalid host in upstream "http://127.0.0.1:9000"',
      );
      expect(error(parseUpstreamUrl('127.0.0.1:9000/x', 'fastcgi'))).toBe('invalid host in upstream "127.0.0.1:9000/x"');
      expect(error(parseUpstreamUrl('scgi://127.0.0.1:4000', 'scgi'))).toBe(
        'invalid host in upstream "scgi://127.0.0.1:4000"',
      );
      expect(error(parseUpstreamUrl('localhost:99999', 'scgi'))).toBe('invalid port in upstream "localhost:99999"');
    });

    it('variables', () => {
      expect(target('$fpm', 'fastcgi')).toMatchObject({ hasVariables: true, kind: undefined, hostText: '$fpm' });
      expect(target('localhost:$port', 'fastcgi')).toMatchObject({ hasVariables: true, host: 'localhost', port: undefined });
      expect(target('unix:$sock', 'scgi')).toMatchObject({ kind: 'unix', unixPath: '$sock' });
    });
  });

  describe('grpc_pass', () => {
    it('schemes are optional', () => {
      expect(target('grpc://127.0.0.1:50051', 'grpc')).toMatchObject({ scheme: 'grpc', ssl: false, port: 50051 });
      expect(target('grpcs://api.internal:443', 'grpc')).toMatchObject({ scheme: 'grpcs', ssl: true, host: 'api.internal' });
      expect(target('127.0.0.1:50051', 'grpc')).toMatchObject({ scheme: undefined, ssl: false, port: 50051 });
      expect(target('GRPC://[::1]:50051', 'grpc')).toMatchObject({ scheme: 'grpc', kind: 'ipv6', host: '::1' });
      expect(target('grpc://unix:/run/g.sock', 'grpc')).toMatchObject({ kind: 'unix', unixPath: '/run/g.sock' });
    });

    it('has no default port and no URI part', () => {
      expect(target('grpc://127.0.0.1', 'grpc')).toMatchObject({ defaultPort: undefined, requiresUpstreamBlock: true });
      expect(error(parseUpstreamUrl('grpc://127.0.0.1:50051/x', 'grpc'))).toBe('invalid host in upstream "127.0.0.1:50051/x"');
      expect(error(parseUpstreamUrl('http://127.0.0.1:50051', 'grpc'))).toBe(
        'invalid host in upstream "http://127.0.0.1:50051"',
      );
    });

    it('variables', () => {
      expect(target('grpc://$backend', 'grpc')).toMatchObject({ scheme: 'grpc', hasVariables: true, kind: undefined });
      expect(target('$target', 'grpc')).toMatchObject({ scheme: undefined, ssl: undefined, hostText: '$target' });
    });
  });

  describe('uwsgi_pass', () => {
    it('schemes are optional', () => {
      expect(target('uwsgi://127.0.0.1:3031', 'uwsgi')).toMatchObject({ scheme: 'uwsgi', ssl: false, port: 3031 });
      expect(target('suwsgi://127.0.0.1:3031', 'uwsgi')).toMatchObject({ scheme: 'suwsgi', ssl: true });
      expect(target('127.0.0.1:3031', 'uwsgi')).toMatchObject({ scheme: undefined, port: 3031 });
      expect(target('unix:/run/uwsgi/app.sock', 'uwsgi')).toMatchObject({ kind: 'unix' });
      expect(target('uwsgi://127.0.0.1', 'uwsgi')).toMatchObject({ requiresUpstreamBlock: true });
    });
  });

  describe('memcached_pass', () => {
    it('takes no scheme and no variables', () => {
      expect(target('127.0.0.1:11211', 'memcached')).toMatchObject({ kind: 'ipv4', port: 11211, hasVariables: false });
      expect(target('127.0.0.1', 'memcached')).toMatchObject({ requiresUpstreamBlock: true });
      // nginx takes "$mc" literally as a hostname (and fails to resolve it).
      expect(target('$mc:11211', 'memcached')).toMatchObject({ hasVariables: false, kind: 'hostname', host: '$mc' });
    });
  });

  it('maps directives to pass kinds', () => {
    expect(passKindOf('proxy_pass')).toBe('proxy');
    expect(passKindOf('grpc_pass')).toBe('grpc');
    expect(passKindOf('proxy_redirect')).toBeUndefined();
    expect(PASS_DIRECTIVES.fastcgi).toBe('fastcgi_pass');
  });
});

describe('variables', () => {
  it.each(['$host', '${host}', '$1', 'http://$backend', 'a${b}c', '$request_uri?x', 'x$9'])('%s has variables', (text) => {
    expect(containsVariables(text)).toBe(true);
  });

  it.each(['', 'plain', 'http://app', 'a b', '100%', '$', 'x$', '${', '${}', '$-', '${a'])('%j has none', (text) => {
    expect(containsVariables(text)).toBe(false);
  });

  it('scans references with positions', () => {
    expect(scanVariables('http://$host:${port}/$1x')).toEqual({
      refs: [
        { kind: 'named', name: 'host', start: 7, end: 12 },
        { kind: 'named', name: 'port', start: 13, end: 20 },
        { kind: 'capture', name: '1', start: 21, end: 23 },
      ],
      error: undefined,
    });
    // $10 is capture 1 followed by "0"; $0 is a named variable.
    expect(scanVariables('$10').refs).toEqual([{ kind: 'capture', name: '1', start: 0, end: 2 }]);
    expect(scanVariables('$0').refs).toEqual([{ kind: 'named', name: '0', start: 0, end: 2 }]);
    expect(scanVariables('$a-b').refs).toEqual([{ kind: 'named', name: 'a', start: 0, end: 2 }]);
  });

  it("reports nginx's errors for malformed references", () => {
    expect(scanVariables('$').error).toBe('invalid variable name');
    expect(scanVariables('a$').error).toBe('invalid variable name');
    expect(scanVariables('${').error).toBe('invalid variable name');
    expect(scanVariables('${}').error).toBe('invalid variable name');
    expect(scanVariables('$ x').error).toBe('invalid variable name');
    expect(scanVariables('${abc').error).toBe('the closing bracket in "abc" variable is missing');
    expect(scanVariables('${a-b}').error).toBe('the closing bracket in "a" variable is missing');
    const partial = scanVariables('$ok$');
    expect(partial.refs).toHaveLength(1);
    expect(partial.error).toBe('invalid variable name');
  });
});

describe('editDistance', () => {
  it.each([
    ['', '', 0],
    ['abc', 'abc', 0],
    ['', 'abc', 3],
    ['abc', '', 3],
    ['kitten', 'sitting', 3],
    ['proxy_pass', 'proxy_pas', 1],
    ['proxy_pass', 'proxy_passs', 1],
    ['proxy_pass', 'proxy_bass', 1],
    ['proxy_pass', 'porxy_pass', 1],
    ['listen', 'lsiten', 1],
    ['ca', 'abc', 3],
    ['flaw', 'lawn', 2],
  ])('%j vs %j = %d', (a, b, distance) => {
    expect(editDistance(a, b)).toBe(distance);
    expect(editDistance(b, a)).toBe(distance);
  });

  it('is bounded', () => {
    expect(editDistance('kitten', 'sitting', 3)).toBe(3);
    expect(editDistance('kitten', 'sitting', 2)).toBe(3);
    expect(editDistance('kitten', 'sitting', 0)).toBe(1);
    expect(editDistance('a', 'abcdefgh', 2)).toBe(3);
    expect(editDistance('proxy_read_timeout', 'client_max_body_size', 3)).toBe(4);
    expect(editDistance('same', 'same', 0)).toBe(0);
  });

  it('suggests close candidates, closest first', () => {
    const names = ['proxy_pass', 'proxy_read_timeout', 'proxy_redirect', 'fastcgi_pass', 'grpc_pass'];
    expect(closestMatches('proxy_pas', names)).toEqual(['proxy_pass']);
    expect(closestMatches('proxy_read_timout', names)).toEqual(['proxy_read_timeout']);
    expect(closestMatches('grpc_pas', names)).toEqual(['grpc_pass']);
    expect(closestMatches('zzz', names)).toEqual([]);
    expect(closestMatches('proxy_pass', names)).toEqual([]);
    // listen is 1 away; list and lsten are both 2 away: ties keep the candidates' order.
    expect(closestMatches('lisen', ['lsten', 'listen', 'list'], 2)).toEqual(['listen', 'lsten', 'list']);
    expect(closestMatches('lisen', ['list', 'lsten', 'listen'], 2)).toEqual(['listen', 'list', 'lsten']);
  });
});
