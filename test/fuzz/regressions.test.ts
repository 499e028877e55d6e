/**
 * Inputs the fuzzers found, kept as plain tests so each bug stays fixed (see fuzz.test.ts for the
 * properties they broke).
 */
import { describe, expect, it } from 'vitest';
import { createMemoryHost } from '../../src/include/index.js';
import { fixFiles } from '../../src/fix/index.js';
import { lint, type LintRequest } from '../../src/engine/lint.js';
import { allRules } from '../../rules/index.js';
import { caseConfig, MAIN } from './world.js';
import { checkEachFix, checkFix } from './checks.js';

function request(files: Record<string, string>, options: Record<string, Record<string, unknown>>): LintRequest {
  return { files: [MAIN], host: createMemoryHost(files), config: caseConfig('ngxlint:strict', options), rules: allRules, nginxVersion: '1.22.1' };
}

/** Runs the fuzz checks of the fix property on one input; returns the fixed main file. */
function fixChecked(files: Record<string, string>, options: Record<string, Record<string, unknown>> = {}): string {
  const req = request(files, options);
  const first = lint(req);
  checkEachFix(req, first, 20);
  const outcome = fixFiles(req, { unsafe: true });
  checkFix(req, first, outcome, true);
  return outcome.changes.get(MAIN)?.after ?? (files[MAIN] as string);
}

describe('fuzz regressions', () => {
  it.each([
    ['a misspelt block', '        locaton / {'],
    ['a misplaced http block', '        http\n        location / {'],
  ])('no-custom-502-page: a pass inside %s gets no fix that cannot reach it (it looped, writing 10 error_page lines)', (_, open) => {
    const text = `events {}\nhttp {\n    server {\n        listen 80;\n${open}\n            proxy_pass http://127.0.0.1:8080;\n        }\n    }\n}\n`;
    const fixed = fixChecked({ [MAIN]: text });
    expect(fixed.match(/error_page/g) ?? []).toHaveLength(0);
  });

  it('proxy-pass-variable-needs-resolver: no http-level resolver fix for a pass inside a misspelt server block (it looped)', () => {
    const text = 'events {}\nhttp {\n    sserver {\n        location / {\n            set $h legacy.internal;\n            proxy_pass http://$h:8080;\n        }\n    }\n}\n';
    const fixed = fixChecked({ [MAIN]: text }, { 'proxy-pass-variable-needs-resolver': { nameserver: '127.0.0.11' } });
    expect(fixed.match(/resolver/g) ?? []).toHaveLength(0);
  });

  it('fixer: when one fix of a pass is dropped, the others are applied at their own offsets, not shifted by the fixes kept before them', () => {
    // unix-socket-path-mismatch's fix brings a permission error and is dropped; the three fixes after the
    // 502 page used to be applied at offsets shifted by its insertion ("unknown directive "locat"").
    const nginx = [
      'events {}',
      'http {',
      '    upstream app {',
      '        server 127.0.0.1:8080;',
      '    }',
      '    upstream php {',
      '        server unix:/run/php/php8.2-fpm.sock;',
      '    }',
      '    server {',
      '        listen 80;',
      '        location / {',
      '            proxy_pass http://app;',
      '        }',
      '        location ~ \\.php$ {',
      '            fastcgi_pass php;',
      '        }',
      '    }',
      '}',
      '',
    ].join('\n');
    const pool = '[www]\nlisten = /run/php-fpm/www.sock\nlisten.acl_users = apache\n';
    const fixed = fixChecked({ [MAIN]: nginx, '/etc/nginx/etc/php/8.2/fpm/pool.d/www.conf': pool });
    expect(fixed).toContain('            proxy_pass http://app;\n            proxy_connect_timeout 60s;');
    expect(fixed).toContain('            fastcgi_pass php;\n');
    expect(fixed).toContain('fastcgi_param SCRIPT_FILENAME $document_root$fastcgi_script_name;');
  });
});
