import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readApache } from '../../src/backends/readers/apache.js';
import { where } from './readers-where.js';

/** Debian's /etc/apache2/ports.conf. */
const DEBIAN_PORTS = `# If you just change the port or add more ports here, you will likely also
# have to change the VirtualHost statement in
# /etc/apache2/sites-enabled/000-default.conf

Listen 80

<IfModule ssl_module>
\tListen 443
</IfModule>

<IfModule mod_gnutls.c>
\tListen 443
</IfModule>

# vim: syntax=apache ts=4 sw=4 sts=4 sr noet
`;

describe('readApache', () => {
  it("reads Debian's ports.conf, keeping Listen inside <IfModule> once", () => {
    const file = '/etc/apache2/ports.conf';
    expect(readApache(file, DEBIAN_PORTS)).toEqual({
      listeners: [
        { kind: 'apache', name: 'apache', protocol: 'http', transport: 'tcp', port: 80, source: where(file, DEBIAN_PORTS, '80') },
        { kind: 'apache', name: 'apache', protocol: 'http', transport: 'tcp', port: 443, tls: true, source: where(file, DEBIAN_PORTS, '443') },
      ],
      includes: [],
    });
  });

  it('reads addresses, protocols, case-insensitive names, Define variables and continuations', () => {
    const file = '/etc/httpd/conf.d/listen.conf';
    const text = [
      'Listen 127.0.0.1:8081',
      'listen [::1]:8080',
      'LISTEN 8443 https',
      'Listen 0.0.0.0:443 http',
      '  # Listen 9999',
      'Define APP_PORT 8082',
      'Listen ${APP_PORT}',
      'Listen ${APACHE_PORT}',
      'Listen \\',
      '   8085',
      'Listen 70000',
      'Listen',
      '',
    ].join('\n');
    const ls = readApache(file, text).listeners ?? [];
    expect(ls.map((l) => ({ host: l.host, port: l.port, tls: l.tls, symbolic: l.symbolic, line: l.source.line }))).toEqual([
      { host: '127.0.0.1', port: 8081, tls: undefined, symbolic: undefined, line: 1 },
      { host: '::1', port: 8080, tls: undefined, symbolic: undefined, line: 2 },
      { host: undefined, port: 8443, tls: true, symbolic: undefined, line: 3 },
      { host: '0.0.0.0', port: 443, tls: undefined, symbolic: undefined, line: 4 },
      { host: undefined, port: 8082, tls: undefined, symbolic: undefined, line: 7 },
      { host: undefined, port: undefined, tls: undefined, symbolic: true, line: 8 },
      { host: undefined, port: 8085, tls: undefined, symbolic: undefined, line: 10 },
    ]);
    expect(ls[0]?.source).toEqual(where(file, text, '127.0.0.1:8081'));
    expect(ls[1]?.source).toEqual(where(file, text, '[::1]:8080'));
    expect(ls[4]?.source).toEqual(where(file, text, '${APP_PORT}', 0));
    expect(ls[6]?.source).toEqual(where(file, text, '8085'));
  });

  it('returns Include paths relative to ServerRoot, else to the file directory', () => {
    const debian = [
      '# Global configuration',
      '#ServerRoot "/etc/apache2"',
      'Include ports.conf',
      'IncludeOptional mods-enabled/*.load',
      'IncludeOptional "sites-enabled/*.conf"',
      'Include ${APACHE_CONFDIR}/extra.conf',
      '',
    ].join('\n');
    expect(readApache('/etc/apache2/apache2.conf', debian).includes).toEqual(['/etc/apache2/ports.conf', '/etc/apache2/mods-enabled/*.load', '/etc/apache2/sites-enabled/*.conf']);

    const rhel = ['ServerRoot "/etc/httpd"', '', 'Listen 80', '', 'Include conf.modules.d/*.conf', 'IncludeOptional conf.d/*.conf', 'Include /opt/app/httpd.conf', ''].join('\n');
    const result = readApache('/etc/httpd/conf/httpd.conf', rhel);
    expect(result.includes).toEqual(['/etc/httpd/conf.modules.d/*.conf', '/etc/httpd/conf.d/*.conf', '/opt/app/httpd.conf']);
    expect(result.listeners).toEqual([{ kind: 'apache', name: 'apache', protocol: 'http', transport: 'tcp', port: 80, source: where('/etc/httpd/conf/httpd.conf', rhel, '80') }]);
  });

  it('finds no listener in a VirtualHost file', () => {
    const text = '<VirtualHost 127.0.0.1:8080>\n    ServerAdmin admin@example.org\n    DocumentRoot /var/www/html\n</VirtualHost>\n';
    expect(readApache('/etc/apache2/sites-enabled/000-default.conf', text)).toEqual({ listeners: [], includes: [] });
  });

  it('never throws', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom('Listen', 'Include', 'Define', 'ServerRoot', ' ', '\n', '\\', '"', "'", '$', '{', '}', '[', ']', ':', '8', '<', '>', '#') }), (s) => {
        readApache('/etc/apache2/ports.conf', s);
      }),
    );
  });
});
