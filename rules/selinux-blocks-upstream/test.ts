import { describe, expect, it } from 'vitest';
import rule from './index.js';
import { runRuleTests } from '../../test/harness/rule-tester.js';
import { readHostState } from '../../src/probe/index.js';

const enforcing = { selinux: 'enforcing', httpdCanNetworkConnect: false } as const;
const conf = 'events {}\nhttp {\n    upstream app {\n        server 127.0.0.1:8080;\n        server 127.0.0.1:9000;\n    }\n    server {\n        location / { proxy_pass http://app; }\n        location /api/ { proxy_pass http://10.0.0.5:3000; }\n        location /php/ { fastcgi_pass unix:/run/php/php8.2-fpm.sock; }\n        location /web/ { proxy_pass http://127.0.0.1; }\n    }\n}\n';

runRuleTests(rule, {
  valid: [
    { name: 'no --probe: nothing is known about the host', code: conf },
    { name: 'SELinux permissive', code: conf, hostState: { selinux: 'permissive', httpdCanNetworkConnect: false } },
    { name: 'httpd_can_network_connect on', code: conf, hostState: { selinux: 'enforcing', httpdCanNetworkConnect: true } },
    { name: 'boolean unknown', code: conf, hostState: { selinux: 'enforcing' } },
    { name: 'only http_port_t ports and sockets', code: 'http { server { location / { proxy_pass http://127.0.0.1:8443; fastcgi_pass 127.0.0.1:9000; } } }', hostState: enforcing },
  ],
  invalid: [
    {
      name: 'ports outside http_port_t, in an upstream and a direct pass',
      code: conf,
      hostState: enforcing,
      errors: [
        { messageId: 'denied', line: 4, column: 16, endLine: 4, endColumn: 30 },
        { messageId: 'denied', line: 9, column: 37, endLine: 9, endColumn: 57 },
      ],
    },
  ],
});

describe('readHostState', () => {
  it('reads getenforce and getsebool, and knows nothing without them', () => {
    const run = (answers: Record<string, string | undefined>) => (command: string) => answers[command];
    expect(readHostState(run({ getenforce: 'Enforcing\n', getsebool: 'httpd_can_network_connect --> off\n' }))).toEqual({ selinux: 'enforcing', httpdCanNetworkConnect: false });
    expect(readHostState(run({ getenforce: 'Permissive\n', getsebool: 'httpd_can_network_connect --> on\n' }))).toEqual({ selinux: 'permissive', httpdCanNetworkConnect: true });
    expect(readHostState(run({}))).toEqual({});
  });
});
