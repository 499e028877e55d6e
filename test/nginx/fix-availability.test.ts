/**
 * nginx judges fastcgi-missing-script-filename's fixes: the broken configuration loads (the route answers 404 or an
 * empty page, it does not fail to load), the fix adds SCRIPT_FILENAME or switches the include to fastcgi.conf, and
 * the result must pass `nginx -t`, settle after one round and touch only the expected lines, never the shared
 * fastcgi_params file.
 */
import { describe, it } from 'vitest';
import rule from '../../rules/fastcgi-missing-script-filename/index.js';
import { judgeFix } from '../harness/fix-judge.js';
import { nginxSkipReason } from '../harness/nginx.js';

const reason = nginxSkipReason();

/** Debian's /etc/nginx/fastcgi_params (abridged): no SCRIPT_FILENAME. */
const FASTCGI_PARAMS = [
  'fastcgi_param  QUERY_STRING       $query_string;',
  'fastcgi_param  REQUEST_METHOD     $request_method;',
  'fastcgi_param  CONTENT_TYPE       $content_type;',
  'fastcgi_param  CONTENT_LENGTH     $content_length;',
  'fastcgi_param  SCRIPT_NAME        $fastcgi_script_name;',
  'fastcgi_param  REQUEST_URI        $request_uri;',
  'fastcgi_param  DOCUMENT_ROOT      $document_root;',
  'fastcgi_param  SERVER_PROTOCOL    $server_protocol;',
  '',
].join('\n');
/** Debian's /etc/nginx/fastcgi.conf: the same plus SCRIPT_FILENAME. */
const FASTCGI_CONF = 'fastcgi_param  SCRIPT_FILENAME    $document_root$fastcgi_script_name;\n' + FASTCGI_PARAMS;

/** Line 1 `events {}`, 2 `http {`, 3 `server {`, 4 listen, then the server's lines from line 5. */
const conf = (server: readonly string[]): string =>
  ['events {}', 'http {', '    server {', '        listen 127.0.0.1:18082;', ...server.map((l) => `        ${l}`), '    }', '}', ''].join('\n');

describe.skipIf(reason !== undefined)(`fastcgi-missing-script-filename fixes load in nginx${reason ? ` (skipped: ${reason})` : ''}`, () => {
  it('include fastcgi_params with fastcgi.conf next to it: the include is switched', () =>
    judgeFix(rule, {
      name: 'switch include',
      files: {
        'nginx.conf': conf(['location ~ \\.php$ {', '    include fastcgi_params;', '    fastcgi_pass 127.0.0.1:9000;', '}', 'location = /ping { include fastcgi.conf; fastcgi_pass 127.0.0.1:9000; }']),
        fastcgi_params: FASTCGI_PARAMS,
        'fastcgi.conf': FASTCGI_CONF,
      },
      touches: { 'nginx.conf': [6] },
    }));
  it('include fastcgi_params alone: the param goes after the include, not into fastcgi_params', () =>
    judgeFix(rule, {
      name: 'add after include',
      files: { 'nginx.conf': conf(['location ~ \\.php$ {', '    include fastcgi_params;', '    fastcgi_pass 127.0.0.1:9000;', '}']), fastcgi_params: FASTCGI_PARAMS },
      touches: { 'nginx.conf': [6] },
    }));
  it('a location with its own fastcgi_param does not inherit the server-level fastcgi.conf', () =>
    judgeFix(rule, {
      name: 'own params',
      files: {
        'nginx.conf': conf(['include fastcgi.conf;', 'location ~ \\.php$ {', '    fastcgi_param APP_ENV prod;', '    fastcgi_pass 127.0.0.1:9000;', '}']),
        'fastcgi.conf': FASTCGI_CONF,
      },
      touches: { 'nginx.conf': [7] },
    }));
  it('no params at all, the pass in an included snippet', () =>
    judgeFix(rule, {
      name: 'no params',
      files: {
        'nginx.conf': conf(['location ~ \\.php$ {', '    include snippets/php.conf;', '}']),
        'snippets/php.conf': 'fastcgi_pass unix:/run/php/php8.2-fpm.sock;\n',
      },
      touches: { 'nginx.conf': [6] },
    }));
});
