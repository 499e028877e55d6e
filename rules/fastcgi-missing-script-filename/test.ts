import rule from './index.js';
import { runRuleTests } from '../../test/harness/rule-tester.js';

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

/** Line 1 events, 2 http {, 3 server {, then the server's lines. */
const conf = (server: readonly string[]): string => ['events {}', 'http {', '    server {', ...server.map((l) => `        ${l}`), '    }', '}', ''].join('\n');

runRuleTests(rule, {
  valid: [
    { name: 'include fastcgi.conf', files: { 'nginx.conf': conf(['location ~ \\.php$ {', '    include fastcgi.conf;', '    fastcgi_pass unix:/run/php/php8.2-fpm.sock;', '}']), 'fastcgi.conf': FASTCGI_CONF } },
    {
      name: 'fastcgi_params plus an explicit SCRIPT_FILENAME (the Debian default site)',
      files: {
        'nginx.conf': conf(['location ~ \\.php$ {', '    include fastcgi_params;', '    fastcgi_param SCRIPT_FILENAME $document_root$fastcgi_script_name;', '    fastcgi_pass 127.0.0.1:9000;', '}']),
        'fastcgi_params': FASTCGI_PARAMS,
      },
    },
    {
      name: 'inherited from server level',
      files: { 'nginx.conf': conf(['include fastcgi.conf;', 'location ~ \\.php$ {', '    fastcgi_pass 127.0.0.1:9000;', '}']), 'fastcgi.conf': FASTCGI_CONF },
    },
    { name: 'snippets/fastcgi-php.conf not loaded: known to provide it', code: conf(['location ~ \\.php$ {', '    include snippets/fastcgi-php.conf;', '    fastcgi_pass 127.0.0.1:9000;', '}']) },
    {
      name: 'a Django (flup) FastCGI app with hand-written params: not PHP',
      code: conf(['location / {', '    fastcgi_pass unix:/srv/app/django.sock;', '    fastcgi_param PATH_INFO $fastcgi_script_name;', '    fastcgi_param REQUEST_METHOD $request_method;', '}']),
    },
    { name: 'an unknown include that was not loaded', code: conf(['location ~ \\.php$ {', '    include /opt/app/php.conf;', '    fastcgi_pass 127.0.0.1:9000;', '}']) },
  ],
  invalid: [
    {
      name: 'include fastcgi_params alone; fastcgi.conf known next to it: switch the include',
      files: {
        'nginx.conf': conf(['location ~ \\.php$ {', '    include fastcgi_params;', '    fastcgi_pass 127.0.0.1:9000;', '}', 'location /other.php { include fastcgi.conf; fastcgi_pass 127.0.0.1:9000; }']),
        'fastcgi_params': FASTCGI_PARAMS,
        'fastcgi.conf': FASTCGI_CONF,
      },
      errors: [
        {
          messageId: 'missing',
          line: 6,
          column: 13,
          endLine: 6,
          endColumn: 41,
          message: 'the FastCGI parameters in effect here (set in this location, from fastcgi_params) have no SCRIPT_FILENAME: PHP-FPM answers 404 "File not found." and logs "Primary script unknown"',
        },
      ],
      output: {
        'nginx.conf': conf(['location ~ \\.php$ {', '    include fastcgi.conf;', '    fastcgi_pass 127.0.0.1:9000;', '}', 'location /other.php { include fastcgi.conf; fastcgi_pass 127.0.0.1:9000; }']),
        'fastcgi_params': FASTCGI_PARAMS,
        'fastcgi.conf': FASTCGI_CONF,
      },
    },
    {
      name: 'include fastcgi_params alone, fastcgi.conf unknown: add the param after the include',
      files: { 'nginx.conf': conf(['location ~ \\.php$ {', '    include fastcgi_params;', '    fastcgi_pass 127.0.0.1:9000;', '}']), 'fastcgi_params': FASTCGI_PARAMS },
      errors: [{ messageId: 'missing', line: 6, column: 13, endLine: 6, endColumn: 41 }],
      output: {
        'nginx.conf': conf(['location ~ \\.php$ {', '    include fastcgi_params;', '    fastcgi_param SCRIPT_FILENAME $document_root$fastcgi_script_name;', '    fastcgi_pass 127.0.0.1:9000;', '}']),
        'fastcgi_params': FASTCGI_PARAMS,
      },
    },
    {
      name: 'a location with its own fastcgi_param does not inherit fastcgi.conf from the server',
      files: {
        'nginx.conf': conf(['include fastcgi.conf;', 'location ~ \\.php$ {', '    fastcgi_param APP_ENV prod;', '    fastcgi_pass 127.0.0.1:9000;', '}']),
        'fastcgi.conf': FASTCGI_CONF,
      },
      errors: [{ messageId: 'missing', line: 7, column: 13, endLine: 7, endColumn: 41 }],
      output: {
        'nginx.conf': conf(['include fastcgi.conf;', 'location ~ \\.php$ {', '    fastcgi_param APP_ENV prod;', '    fastcgi_param SCRIPT_FILENAME $document_root$fastcgi_script_name;', '    fastcgi_pass 127.0.0.1:9000;', '}']),
        'fastcgi.conf': FASTCGI_CONF,
      },
    },
    {
      name: 'no params at all: empty 200',
      code: conf(['location ~ \\.php$ {', '    fastcgi_pass unix:/run/php/php8.2-fpm.sock;', '}']),
      errors: [{ messageId: 'none', line: 5, column: 13, endLine: 5, endColumn: 56 }],
      output: conf(['location ~ \\.php$ {', '    fastcgi_pass unix:/run/php/php8.2-fpm.sock;', '    fastcgi_param SCRIPT_FILENAME $document_root$fastcgi_script_name;', '}']),
    },
    {
      name: 'fastcgi_params not loaded, inherited from the server by two locations: one fix at the server level',
      code: conf(['include fastcgi_params;', 'location ~ \\.php$ { fastcgi_pass 127.0.0.1:9000; }', 'location /status { fastcgi_pass 127.0.0.1:9000; }']),
      errors: [
        { messageId: 'missing', line: 5, column: 29, endLine: 5, endColumn: 57, message: 'the FastCGI parameters in effect here (inherited from the server level, from fastcgi_params) have no SCRIPT_FILENAME: PHP-FPM answers 404 "File not found." and logs "Primary script unknown"' },
        { messageId: 'missing', line: 6, column: 28, endLine: 6, endColumn: 56 },
      ],
      output: conf(['include fastcgi_params;', 'fastcgi_param SCRIPT_FILENAME $document_root$fastcgi_script_name;', 'location ~ \\.php$ { fastcgi_pass 127.0.0.1:9000; }', 'location /status { fastcgi_pass 127.0.0.1:9000; }']),
    },
  ],
});
