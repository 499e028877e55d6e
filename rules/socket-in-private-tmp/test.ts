import rule from './index.js';
import { runRuleTests } from '../../test/harness/rule-tester.js';

const http = (body: string) => `events {}\nhttp {\n${body}\n}\n`;
const loc = (body: string, path = '/') => http(`    server {\n        listen 80;\n        location ${path} {\n${body}        }\n    }`);
const fpmUnit = (version: string, privateTmp: string | null) => ({
  [`/lib/systemd/system/php${version}-fpm.service`]: `[Unit]\nDescription=The PHP ${version} FastCGI Process Manager\n\n[Service]\nType=notify\nExecStart=/usr/sbin/php-fpm${version} --nodaemonize --fpm-config /etc/php/${version}/fpm/php-fpm.conf\n${privateTmp === null ? '' : `PrivateTmp=${privateTmp}\n`}\n[Install]\nWantedBy=multi-user.target\n`,
});
const pool = (version: string, listen: string) => ({ [`/etc/php/${version}/fpm/pool.d/www.conf`]: `[www]\nuser = www-data\nlisten = ${listen}\n` });
const GUNICORN_UNIT = (privateTmp: string, bind = 'unix:/tmp/app.sock') => ({
  '/etc/systemd/system/app.service': `[Unit]\nDescription=app\n\n[Service]\nUser=app\nExecStart=/srv/app/venv/bin/gunicorn --workers 3 --bind ${bind} app.wsgi:application\nPrivateTmp=${privateTmp}\n`,
});
const NGINX_UNIT = (privateTmp: string) => ({
  '/etc/systemd/system/nginx.service': `[Unit]\nDescription=The nginx HTTP and reverse proxy server\n\n[Service]\nType=forking\nPIDFile=/run/nginx.pid\nExecStartPre=/usr/sbin/nginx -t\nExecStart=/usr/sbin/nginx\nPrivateTmp=${privateTmp}\n`,
});

runRuleTests(rule, {
  valid: [
    { name: 'no backend data: silent', code: loc('            proxy_pass http://unix:/tmp/app.sock;\n') },
    { name: 'the socket is under /run', root: '/', files: { 'nginx.conf': loc('            proxy_pass http://unix:/run/app/app.sock;\n'), ...GUNICORN_UNIT('true', 'unix:/run/app/app.sock') } },
    { name: 'a unit without PrivateTmp', root: '/', files: { 'nginx.conf': loc('            proxy_pass http://unix:/tmp/app.sock;\n'), ...GUNICORN_UNIT('false') } },
    {
      name: 'socket activation: systemd creates the socket outside the private /tmp',
      root: '/',
      files: {
        'nginx.conf': loc('            proxy_pass http://unix:/tmp/app.sock;\n'),
        '/etc/systemd/system/app.socket': '[Socket]\nListenStream=/tmp/app.sock\n',
        '/etc/systemd/system/app.service': '[Service]\nExecStart=/srv/app/venv/bin/gunicorn app.wsgi\nPrivateTmp=true\n',
      },
    },
    {
      name: 'the pool of PHP 8.2 runs under a unit without PrivateTmp (7.4 has it)',
      root: '/',
      files: { 'nginx.conf': loc('            fastcgi_pass unix:/tmp/php-fpm.sock;\n', '~ \\.php$'), ...pool('8.2', '/tmp/php-fpm.sock'), ...fpmUnit('8.2', null), ...fpmUnit('7.4', 'true') },
    },
    { name: 'no unit known for the pool', root: '/', files: { 'nginx.conf': loc('            fastcgi_pass unix:/tmp/php-fpm.sock;\n', '~ \\.php$'), ...pool('8.2', '/tmp/php-fpm.sock') } },
    { name: 'no listener known and nginx not private', root: '/', files: { 'nginx.conf': loc('            proxy_pass http://unix:/tmp/other.sock;\n'), ...GUNICORN_UNIT('true'), ...NGINX_UNIT('no') } },
    { name: "nginx's PrivateTmp does not matter for /run", root: '/', files: { 'nginx.conf': loc('            proxy_pass http://unix:/run/app.sock;\n'), ...NGINX_UNIT('true') } },
  ],
  invalid: [
    {
      name: 'gunicorn unit with PrivateTmp=true binding /tmp/app.sock',
      root: '/',
      files: { 'nginx.conf': loc('            proxy_pass http://unix:/tmp/app.sock;\n'), ...GUNICORN_UNIT('true') },
      errors: [
        {
          messageId: 'backendPrivateTmp',
          line: 6,
          column: 24,
          endLine: 6,
          endColumn: 49,
          message:
            '"/tmp/app.sock" is under /tmp, but "app" runs with PrivateTmp= (app.service): it creates the socket in a private /tmp that nginx does not see; nginx logs "connect() to unix:/tmp/app.sock failed (2: No such file or directory) while connecting to upstream" and answers 502; move the socket to /run/<app>/ (RuntimeDirectory=) on both sides',
        },
      ],
      output: null,
    },
    {
      name: "PHP's shipped php-fpm.service has PrivateTmp=true; the pool listens under /tmp",
      root: '/',
      files: { 'nginx.conf': loc('            fastcgi_pass unix:/tmp/php-fpm.sock;\n', '~ \\.php$'), ...pool('8.2', '/tmp/php-fpm.sock'), ...fpmUnit('8.2', 'true') },
      errors: [
        {
          messageId: 'backendPrivateTmp',
          line: 6,
          column: 26,
          endLine: 6,
          endColumn: 48,
          message:
            '"/tmp/php-fpm.sock" is under /tmp, but the PHP-FPM pool "www" runs with PrivateTmp= (php8.2-fpm.service): it creates the socket in a private /tmp that nginx does not see; nginx logs "connect() to unix:/tmp/php-fpm.sock failed (2: No such file or directory) while connecting to upstream" and answers 502; move the socket to /run/<app>/ (RuntimeDirectory=) on both sides',
        },
      ],
    },
    {
      name: "nginx's own unit with PrivateTmp (upstream block in an include, /var/tmp)",
      root: '/',
      files: {
        'nginx.conf': http('    include conf.d/*.conf;'),
        'conf.d/app.conf': 'upstream app {\n    server unix:/var/tmp/app.sock;\n}\nserver {\n    listen 80;\n    location / { proxy_pass http://app; }\n}\n',
        ...NGINX_UNIT('true'),
      },
      errors: [
        {
          messageId: 'nginxPrivateTmp',
          file: 'conf.d/app.conf',
          line: 2,
          column: 12,
          endLine: 2,
          endColumn: 34,
          message:
            'nginx runs with PrivateTmp= (nginx.service), so it looks for "/var/tmp/app.sock" in a private /var/tmp where no backend creates sockets; nginx logs "connect() to unix:/var/tmp/app.sock failed (2: No such file or directory) while connecting to upstream" and answers 502; move the socket to /run/<app>/ (RuntimeDirectory=) on both sides',
        },
      ],
    },
  ],
});
