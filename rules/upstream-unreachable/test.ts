import rule from './index.js';
import { runRuleTests } from '../../test/harness/rule-tester.js';
import { errnoInfo, formatHostPort, nginxConnectLog, type AddressProbe, type ProbeResult, type SocketStat } from '../../src/probe/index.js';

/** What --probe would have found: one address per entry, `ok`, an errno code, or `timeout`. */
function tcp(host: string, port: number, outcomes: Readonly<Record<string, string>>, extra: Partial<ProbeResult> = {}): ProbeResult {
  const addresses: AddressProbe[] = Object.entries(outcomes).map(([ip, outcome]) => {
    const address = formatHostPort(ip, port);
    if (outcome === 'ok') return { address, outcome: 'ok' };
    if (outcome === 'timeout') return { address, outcome: 'timeout', error: errnoInfo('ETIMEDOUT'), log: nginxConnectLog(address, 'tcp', 'timeout') };
    const error = errnoInfo(outcome);
    return { address, outcome: 'failed', error, log: nginxConnectLog(address, 'tcp', error) };
  });
  const failed = addresses.filter((a) => a.outcome !== 'ok').length;
  const status = failed === 0 ? 'ok' : failed === addresses.length ? 'unreachable' : 'partial';
  return { key: formatHostPort(host, port), target: { kind: 'tcp', host, port }, status, addresses, ms: 1, ...extra };
}

function unix(path: string, outcome: string, stat: SocketStat): ProbeResult {
  const address = `unix:${path}`;
  const error = errnoInfo(outcome);
  const probe: AddressProbe = outcome === 'ok' ? { address, outcome: 'ok' } : { address, outcome: 'failed', error, log: nginxConnectLog(address, 'unix', error) };
  return { key: address, target: { kind: 'unix', path }, status: outcome === 'ok' ? 'ok' : 'unreachable', addresses: [probe], stat, ms: 1 };
}

function unresolved(host: string, port: number, extra: Partial<ProbeResult> = {}): ProbeResult {
  return { key: formatHostPort(host, port), target: { kind: 'tcp', host, port }, status: 'unresolved', addresses: [], dnsError: 'host not found', ms: 1, ...extra };
}

const refused9000 = tcp('127.0.0.1', 9000, { '127.0.0.1': 'ECONNREFUSED' });
const live8080 = tcp('127.0.0.1', 8080, { '127.0.0.1': 'ok' });

/** A main config: `events {}`, `http {` on line 2, the body from line 3. */
const http = (body: string): string => `events {}\nhttp {\n${body}}\n`;
/** A server whose location holds `inner` on line 5. */
const site = (inner: string, before = ''): string => http(`${before}    server {\n        location / {\n            ${inner}\n        }\n    }\n`);

runRuleTests(rule, {
  valid: [
    { name: 'no --probe: silent even for a dead address', code: site('fastcgi_pass 127.0.0.1:9000;') },
    { name: 'a live address', code: site('proxy_pass http://127.0.0.1:8080;'), probes: [live8080] },
    { name: 'a result for another address', code: site('proxy_pass http://127.0.0.1:8080;'), probes: [refused9000] },
    {
      name: 'a down server is never connected to',
      code: site('proxy_pass http://app;', '    upstream app {\n        server 127.0.0.1:9000 down;\n        server 127.0.0.1:8080;\n    }\n'),
      probes: [refused9000, live8080],
    },
    { name: 'a variable pass is not probed', code: site('proxy_pass http://$host:9000;'), probes: [refused9000] },
    { name: 'a live socket', code: site('fastcgi_pass unix:/run/php/php8.2-fpm.sock;'), probes: [unix('/run/php/php8.2-fpm.sock', 'ok', { kind: 'socket', mode: 0o660 })] },
    {
      name: 'a name skipped by the deadline',
      code: site('proxy_pass http://api.internal:8080;'),
      probes: [{ key: 'api.internal:8080', target: { kind: 'tcp', host: 'api.internal', port: 8080 }, status: 'skipped', addresses: [], ms: 1 }],
    },
    {
      name: 'a name in /etc/hosts without "resolve" is resolved by the system resolver, as at startup',
      code: site('proxy_pass http://app;', '    upstream app {\n        server api.internal:8080;\n    }\n'),
      probes: [tcp('api.internal', 8080, { '10.0.0.5': 'ok' }, { inHostsFile: true })],
    },
  ],
  invalid: [
    {
      name: 'fastcgi_pass to a closed port',
      code: site('fastcgi_pass 127.0.0.1:9000;'),
      probes: [refused9000],
      errors: [
        {
          messageId: 'unreachable',
          line: 5,
          column: 26,
          endLine: 5,
          endColumn: 40,
          message: 'nothing accepts connections at 127.0.0.1:9000 (--probe): nginx logs "connect() failed (111: Connection refused) while connecting to upstream" and answers 502',
        },
      ],
    },
    {
      name: 'a missing php-fpm socket',
      code: site('fastcgi_pass unix:/run/php/php7.4-fpm.sock;'),
      probes: [unix('/run/php/php7.4-fpm.sock', 'ENOENT', { kind: 'missing', error: errnoInfo('ENOENT') })],
      errors: [
        {
          messageId: 'unreachable',
          line: 5,
          column: 26,
          endLine: 5,
          endColumn: 55,
          message:
            'nothing accepts connections at unix:/run/php/php7.4-fpm.sock (--probe): nginx logs "connect() to unix:/run/php/php7.4-fpm.sock failed (2: No such file or directory) while connecting to upstream" and answers 502',
        },
      ],
    },
    {
      name: 'a socket the probe may not open, and a regular file where the socket should be',
      code: http(
        '    upstream php {\n        server unix:/srv/app/fpm.sock;\n        server unix:/srv/app/notasocket;\n    }\n    server {\n        location / {\n            fastcgi_pass php;\n        }\n    }\n',
      ),
      probes: [
        unix('/srv/app/fpm.sock', 'EACCES', { kind: 'socket', mode: 0o600, uid: 0, gid: 0 }),
        unix('/srv/app/notasocket', 'ECONNREFUSED', { kind: 'file', mode: 0o644 }),
      ],
      errors: [
        {
          messageId: 'unreachable',
          line: 4,
          column: 16,
          endLine: 4,
          endColumn: 38,
          message:
            'nothing accepts connections at unix:/srv/app/fpm.sock (--probe): nginx logs "connect() to unix:/srv/app/fpm.sock failed (13: Permission denied) while connecting to upstream" and answers 502',
        },
        {
          messageId: 'unreachable',
          line: 5,
          column: 16,
          endLine: 5,
          endColumn: 40,
          message:
            'nothing accepts connections at unix:/srv/app/notasocket (--probe: the path is a regular file, not a socket): nginx logs "connect() to unix:/srv/app/notasocket failed (111: Connection refused) while connecting to upstream" and answers 502',
        },
      ],
    },
    {
      name: 'a stale socket file',
      code: site('uwsgi_pass unix:/run/app.sock;'),
      probes: [unix('/run/app.sock', 'ECONNREFUSED', { kind: 'socket', mode: 0o666 })],
      errors: [
        {
          messageId: 'unreachable',
          line: 5,
          column: 24,
          endLine: 5,
          endColumn: 42,
          message:
            'nothing accepts connections at unix:/run/app.sock (--probe: a stale socket file, no process listens on it): nginx logs "connect() to unix:/run/app.sock failed (111: Connection refused) while connecting to upstream" and answers 502',
        },
      ],
    },
    {
      name: 'a timeout is a 504; a proxy_pass URL with a path',
      code: site('proxy_pass http://10.1.2.3:8080/api/;'),
      probes: [tcp('10.1.2.3', 8080, { '10.1.2.3': 'timeout' })],
      errors: [
        {
          messageId: 'unreachable',
          line: 5,
          column: 24,
          endLine: 5,
          endColumn: 49,
          message: 'nothing accepts connections at 10.1.2.3:8080 (--probe): nginx logs "upstream timed out (110: Connection timed out) while connecting to upstream" and answers 504',
        },
      ],
    },
    {
      name: 'localhost: ::1 refuses, 127.0.0.1 accepts',
      code: site('proxy_pass http://localhost:3000;'),
      probes: [tcp('localhost', 3000, { '::1': 'ECONNREFUSED', '127.0.0.1': 'ok' })],
      errors: [
        {
          messageId: 'partlyUnreachable',
          line: 5,
          column: 24,
          endLine: 5,
          endColumn: 45,
          message:
            'localhost resolves to [::1]:3000 and 127.0.0.1:3000, and [::1]:3000 does not accept connections (--probe): nginx logs "connect() failed (111: Connection refused) while connecting to upstream" for each request it sends there and tries the next address; with retries off (*_next_upstream off or *_next_upstream_tries 1) that request answers 502',
        },
      ],
    },
    {
      name: 'a name that resolves to two addresses, neither accepts',
      code: site('proxy_pass http://localhost:3000;'),
      probes: [tcp('localhost', 3000, { '::1': 'ECONNREFUSED', '127.0.0.1': 'ECONNREFUSED' })],
      errors: [
        {
          messageId: 'unreachable',
          line: 5,
          column: 24,
          endLine: 5,
          endColumn: 45,
          message:
            'nothing accepts connections at localhost:3000 (--probe: none of [::1]:3000, 127.0.0.1:3000 accepts): nginx logs "connect() failed (111: Connection refused) while connecting to upstream" and answers 502',
        },
      ],
    },
    {
      name: 'a hostname is named as written, with the address it resolved to',
      code: site('proxy_pass http://app.internal:8080;'),
      probes: [tcp('app.internal', 8080, { '10.0.0.7': 'EHOSTUNREACH' })],
      errors: [
        {
          messageId: 'unreachable',
          line: 5,
          column: 24,
          endLine: 5,
          endColumn: 48,
          message:
            'nothing accepts connections at app.internal:8080 (10.0.0.7:8080) (--probe): nginx logs "connect() failed (113: No route to host) while connecting to upstream" and answers 502',
        },
      ],
    },
    {
      name: 'an upstream server that does not resolve; related: the pass that uses it',
      code: http('    upstream api {\n        server api.internal:8080;\n    }\n    server {\n        location / {\n            proxy_pass http://api;\n        }\n    }\n'),
      probes: [unresolved('api.internal', 8080)],
      errors: [
        {
          messageId: 'unresolved',
          line: 4,
          column: 16,
          endLine: 4,
          endColumn: 33,
          message: 'host not found in upstream "api.internal:8080" (--probe: host not found from the system resolver): nginx refuses to start or reload with this configuration',
        },
      ],
    },
    {
      name: '"resolve" with a name from /etc/hosts; and one the resolver cannot find at all',
      code: http(
        '    resolver 127.0.0.53;\n    upstream api {\n        zone api 64k;\n        server api.internal:8080 resolve;\n        server gone.internal:8080 resolve;\n    }\n    server {\n        location / {\n            proxy_pass http://api;\n        }\n    }\n',
      ),
      nginxVersion: '1.28.0',
      probes: [tcp('api.internal', 8080, { '10.0.0.5': 'ok' }, { inHostsFile: true }), unresolved('gone.internal', 8080, { inHostsFile: false })],
      errors: [
        {
          messageId: 'resolveIgnoresHosts',
          line: 6,
          column: 16,
          endLine: 6,
          endColumn: 33,
          message:
            'api.internal is listed in /etc/hosts, but "resolve" makes nginx look it up again with its own resolver, which never reads /etc/hosts: unless DNS knows the name too, nginx logs "api.internal could not be resolved (3: Host not found)" and the server has no address to connect to',
        },
        {
          messageId: 'unresolved',
          line: 7,
          column: 16,
          endLine: 7,
          endColumn: 34,
          message:
            'host not found in upstream "gone.internal:8080" (--probe: host not found from the system resolver): the server gets no address, and while no other server is up nginx answers 502 ("no live upstreams")',
        },
      ],
    },
    {
      name: 'a stream upstream: the client connection is closed',
      code: 'events {}\nstream {\n    upstream db {\n        server 127.0.0.1:9000;\n    }\n    server {\n        listen 127.0.0.1:15432;\n        proxy_pass db;\n    }\n}\n',
      probes: [refused9000],
      errors: [
        {
          messageId: 'unreachable',
          line: 4,
          column: 16,
          endLine: 4,
          endColumn: 30,
          message: 'nothing accepts connections at 127.0.0.1:9000 (--probe): nginx logs "connect() failed (111: Connection refused) while connecting to upstream" and closes the client connection',
        },
      ],
    },
    {
      name: 'an IPv6 literal, and the same dead address at two sites',
      code: http('    server {\n        location /a {\n            proxy_pass http://[::1]:9000;\n        }\n        location /b {\n            grpc_pass grpc://[::1]:9000;\n        }\n    }\n'),
      probes: [tcp('::1', 9000, { '::1': 'ECONNREFUSED' })],
      errors: [
        { messageId: 'unreachable', line: 5, column: 24, endLine: 5, endColumn: 41 },
        { messageId: 'unreachable', line: 8, column: 23, endLine: 8, endColumn: 40 },
      ],
    },
  ],
});
