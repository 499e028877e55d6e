import rule from './index.js';
import { runRuleTests } from '../../test/harness/rule-tester.js';

/** A main nginx.conf: `user` line (or none), then http with the sites from conf.d. */
const main = (user: string | null) => `${user === null ? '' : `${user}\n`}events {}\nhttp {\n    include conf.d/*.conf;\n}\n`;
const site = (pass: string) => `server {\n    listen 80;\n    location ~ \\.php$ {\n        include fastcgi_params;\n        ${pass}\n    }\n}\n`;
const PARAMS = { fastcgi_params: 'fastcgi_param QUERY_STRING $query_string;\n' };
const SOCK = 'unix:/run/php/php8.2-fpm.sock';
const pool = (lines: string) => ({ '/etc/php/8.2/fpm/pool.d/www.conf': `[www]\nuser = www-data\ngroup = www-data\nlisten = /run/php/php8.2-fpm.sock\n${lines}` });
const DEBIAN_POOL = pool('listen.owner = www-data\nlisten.group = www-data\nlisten.mode = 0660\n');
const group = (text: string) => ({ '/etc/group': `root:x:0:\n${text}` });
const files = (user: string | null, extra: Record<string, string>, pass = `fastcgi_pass ${SOCK};`) => ({ 'nginx.conf': main(user), 'conf.d/php.conf': site(pass), ...PARAMS, ...extra });

runRuleTests(rule, {
  valid: [
    { name: 'no backend data: silent', files: files('user nginx;', {}) },
    { name: 'Debian: nginx runs as www-data, the socket is www-data 0660', root: '/', files: files('user www-data;', { ...DEBIAN_POOL, ...group('www-data:x:33:\n') }) },
    { name: 'the group given explicitly', root: '/', files: files('user nginx www-data;', { ...DEBIAN_POOL, ...group('www-data:x:33:\n') }) },
    { name: 'nginx is a member of the socket group (/etc/group)', root: '/', files: files('user nginx;', { ...DEBIAN_POOL, ...group('www-data:x:33:nginx\nnginx:x:101:\n') }) },
    { name: 'membership unknown without /etc/group: silent', root: '/', files: files('user nginx;', DEBIAN_POOL) },
    { name: 'mode 0666', root: '/', files: files('user nginx;', { ...pool('listen.owner = www-data\nlisten.group = www-data\nlisten.mode = 0666\n'), ...group('www-data:x:33:\n') }) },
    { name: 'nginx runs as root', root: '/', files: files('user root;', { ...pool('listen.mode = 0600\n'), ...group('') }) },
    { name: 'ACL lists the nginx user (RHEL)', root: '/', files: files('user nginx;', { ...pool('listen.acl_users = apache,nginx\n'), ...group('') }) },
    { name: 'ACL group with nginx as a member', root: '/', files: files('user nginx;', { ...pool('listen.acl_groups = web\n'), ...group('web:x:900:nginx\n') }) },
    { name: 'a symbolic ACL: owner and group are ignored, the ACL is unknown', root: '/', files: files('user nginx;', { ...pool('listen.owner = www-data\nlisten.mode = 0600\nlisten.acl_users = ${FPM_USERS}\n'), ...group('') }) },
    { name: 'ACL group unknown without /etc/group: silent', root: '/', files: files('user nginx;', pool('listen.acl_groups = web\n')) },
    { name: 'the socket is owned by nginx', root: '/', files: files('user nginx;', { ...pool('listen.owner = nginx\nlisten.mode = 0600\n'), ...group('') }) },
    { name: 'symbolic owner', root: '/', files: files('user nginx;', { ...pool('listen.owner = ${SOCK_USER}\nlisten.mode = 0660\n'), ...group('') }) },
    { name: 'a snippet linted alone: the worker user is unknown', root: '/', rootContext: 'http', files: { 'nginx.conf': site(`fastcgi_pass ${SOCK};`), ...PARAMS, ...DEBIAN_POOL, ...group('') } },
    { name: 'another socket path: unix-socket-path-mismatch', root: '/', files: files('user nginx;', { ...DEBIAN_POOL, ...group('') }, 'fastcgi_pass unix:/run/php/php7.4-fpm.sock;') },
    { name: 'a TCP pass', root: '/', files: files('user nginx;', { ...DEBIAN_POOL, ...group('') }, 'fastcgi_pass 127.0.0.1:9000;') },
    {
      name: 'gunicorn socket without ownership data',
      root: '/',
      backends: ['/srv/app/gunicorn.conf.py'],
      files: { ...files('user nginx;', group(''), 'proxy_pass http://unix:/run/app/gunicorn.sock;'), '/srv/app/gunicorn.conf.py': 'bind = "unix:/run/app/gunicorn.sock"\n' },
    },
    {
      name: 'systemd socket: SocketMode defaults to 0666',
      root: '/',
      files: { ...files('user nginx;', group(''), 'proxy_pass http://unix:/run/app.sock;'), '/etc/systemd/system/app.socket': '[Socket]\nListenStream=/run/app.sock\nSocketUser=app\n' },
    },
  ],
  invalid: [
    {
      name: 'nginx (RHEL/official image user) against a www-data 0660 socket',
      root: '/',
      files: files('user nginx;', { ...DEBIAN_POOL, ...group('www-data:x:33:\nnginx:x:101:\n') }),
      errors: [
        {
          messageId: 'denied',
          file: 'conf.d/php.conf',
          line: 5,
          column: 22,
          endLine: 5,
          endColumn: 51,
          message:
            'nginx\'s workers run as "nginx", which may not connect to "/run/php/php8.2-fpm.sock": the socket is www-data:www-data 0660 ("nginx" is neither its owner nor in the group "www-data", and the mode lacks o+w); nginx logs "connect() to unix:/run/php/php8.2-fpm.sock failed (13: Permission denied) while connecting to upstream" and answers 502. Set listen.owner/listen.group (or the socket\'s owner) to nginx\'s user, or add "nginx" to the group "www-data"; never 0777',
        },
      ],
      output: null,
    },
    {
      name: "no user directive: nginx's build default nobody",
      root: '/',
      files: files(null, { ...DEBIAN_POOL, ...group('www-data:x:33:\nnogroup:x:65534:\n') }),
      errors: [{ messageId: 'denied', file: 'conf.d/php.conf', line: 5, column: 22, endLine: 5, endColumn: 51 }],
    },
    {
      name: 'pool without listen.owner: root:root 0660',
      root: '/',
      files: files('user www-data;', { ...pool(''), ...group('www-data:x:33:\n') }),
      errors: [
        {
          messageId: 'denied',
          file: 'conf.d/php.conf',
          line: 5,
          column: 22,
          endLine: 5,
          endColumn: 51,
          message:
            'nginx\'s workers run as "www-data", which may not connect to "/run/php/php8.2-fpm.sock": the socket is root:root 0660 ("www-data" is neither its owner nor in the group "root", and the mode lacks o+w); nginx logs "connect() to unix:/run/php/php8.2-fpm.sock failed (13: Permission denied) while connecting to upstream" and answers 502. Set listen.owner/listen.group (or the socket\'s owner) to nginx\'s user, or add "www-data" to the group "root"; never 0777',
        },
      ],
    },
    {
      name: 'owner but no u+w',
      root: '/',
      files: files('user nginx;', { ...pool('listen.owner = nginx\nlisten.mode = 0466\n'), ...group('') }),
      errors: [{ messageId: 'denied', file: 'conf.d/php.conf', line: 5, column: 22, endLine: 5, endColumn: 51 }],
    },
    {
      name: 'decidable without /etc/group: 0600 owned by www-data',
      root: '/',
      files: files('user nginx;', pool('listen.owner = www-data\nlisten.mode = 0600\n')),
      errors: [
        {
          messageId: 'denied',
          file: 'conf.d/php.conf',
          line: 5,
          column: 22,
          endLine: 5,
          endColumn: 51,
          message:
            'nginx\'s workers run as "nginx", which may not connect to "/run/php/php8.2-fpm.sock": the socket is www-data:www-data 0600 ("nginx" does not own it, and the mode gives neither the group nor others write permission); nginx logs "connect() to unix:/run/php/php8.2-fpm.sock failed (13: Permission denied) while connecting to upstream" and answers 502. Set listen.owner/listen.group (or the socket\'s owner) to nginx\'s user, or add "nginx" to the group "www-data"; never 0777',
        },
      ],
    },
    {
      name: 'RHEL ACL without nginx (Apache only); the owner line is ignored',
      root: '/',
      files: { ...files('user nginx;', group('nginx:x:993:\n'), 'fastcgi_pass unix:/run/php-fpm/www.sock;'), '/etc/php-fpm.d/www.conf': '[www]\nlisten = /run/php-fpm/www.sock\nlisten.owner = nginx\nlisten.acl_users = apache\n' },
      errors: [
        {
          messageId: 'aclDenied',
          file: 'conf.d/php.conf',
          line: 5,
          column: 22,
          endLine: 5,
          endColumn: 48,
          message:
            'nginx\'s workers run as "nginx", which may not connect to "/run/php-fpm/www.sock": the PHP-FPM pool "www" grants access by ACL only to the user "apache" (listen.owner and listen.group are ignored when ACLs are set); nginx logs "connect() to unix:/run/php-fpm/www.sock failed (13: Permission denied) while connecting to upstream" and answers 502. Add "nginx" to listen.acl_users',
        },
      ],
    },
    {
      name: 'an upstream block with a unix server, a systemd socket with SocketMode=0660',
      root: '/',
      files: {
        'nginx.conf': main('user nginx;'),
        'conf.d/app.conf': 'upstream app {\n    server unix:/run/app/app.sock max_fails=0;\n}\nserver {\n    listen 80;\n    location / { proxy_pass http://app; }\n}\n',
        ...group('app:x:900:\n'),
        '/etc/systemd/system/app.socket': '[Socket]\nListenStream=/run/app/app.sock\nSocketUser=app\nSocketGroup=app\nSocketMode=0660\n',
      },
      errors: [{ messageId: 'denied', file: 'conf.d/app.conf', line: 2, column: 12, endLine: 2, endColumn: 34 }],
    },
  ],
});
