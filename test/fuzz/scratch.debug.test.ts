import { it } from 'vitest';
import { createMemoryHost } from '../../src/include/index.js';
import { fixFiles } from '../../src/fix/index.js';
import { caseConfig } from './world.js';
import { allRules } from '../../rules/index.js';

it('crlf', () => {
  const text = "events {}\r\nhttp {\r\n    server {\r\n        listen 80;\r\n        location / {\r\n            proxy_pass http://localhost:8080;\r\n        }\r\n    }\r\n}\r\n";
  const host = createMemoryHost({ '/etc/nginx/nginx.conf': text });
  const out = fixFiles({ files: ['/etc/nginx/nginx.conf'], host, config: caseConfig('ngxlint:strict'), rules: allRules, nginxVersion: '1.22.1' }, { unsafe: true });
  console.log('converged', out.converged, out.applied.map((f) => f.ruleId));
  for (const [, ch] of out.changes) console.log(JSON.stringify(ch.after));
});
