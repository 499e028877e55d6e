import rule from './index.js';
import { runRuleTests } from '../../test/harness/rule-tester.js';

const http = (body: string) => `events {}\nhttp {\n${body}\n}\n`;
const loc = (body: string) => http(`    server {\n        listen 80;\n        location / {\n${body}        }\n    }`);
const compose = (services: string) => `services:\n  web:\n    image: nginx:1.27\n    ports:\n      - "80:80"\n${services}`;
const APP = '  app:\n    build: ./app\n    expose:\n      - "3000"\n';
const PUBLISHED = '  api:\n    image: example/api\n    ports:\n      - "8081:8080"\n';

runRuleTests(rule, {
  valid: [
    { name: 'no compose file: silent', code: loc('            proxy_pass http://127.0.0.1:3000;\n') },
    { name: 'the service name', files: { 'nginx.conf': loc('            proxy_pass http://app:3000;\n'), 'docker-compose.yml': compose(APP) } },
    { name: 'the container port of a published pair', files: { 'nginx.conf': loc('            proxy_pass http://api:8080/;\n'), 'docker-compose.yml': compose(PUBLISHED) } },
    { name: 'nginx uses the host network', files: { 'nginx.conf': loc('            proxy_pass http://127.0.0.1:8081;\n'), 'docker-compose.yml': compose(PUBLISHED).replace('    ports:\n      - "80:80"\n', '    network_mode: host\n') } },
    {
      name: 'a service that shares nginx\'s network namespace is on its loopback',
      files: { 'nginx.conf': loc('            proxy_pass http://127.0.0.1:3000;\n'), 'docker-compose.yml': compose('  app:\n    build: ./app\n    network_mode: "service:web"\n    expose:\n      - "3000"\n') },
    },
    {
      name: 'loopback to a port nginx itself listens on',
      files: {
        'nginx.conf': http('    server {\n        listen 3000;\n        return 204;\n    }\n    server {\n        listen 80;\n        location / { proxy_pass http://127.0.0.1:3000; }\n    }'),
        'docker-compose.yml': compose(APP),
      },
    },
    { name: 'a port no service has', files: { 'nginx.conf': loc('            proxy_pass http://127.0.0.1:4000;\n'), 'docker-compose.yml': compose(APP) } },
    {
      name: 'two nginx services: which one runs this configuration is not known',
      files: { 'nginx.conf': loc('            proxy_pass http://127.0.0.1:3000;\n'), 'docker-compose.yml': compose(`${APP}  static:\n    image: nginx:alpine\n`) },
    },
    { name: 'a run-time target', files: { 'nginx.conf': loc('            set $up app;\n            proxy_pass http://$up:3000;\n'), 'docker-compose.yml': compose(APP) } },
    {
      name: 'a backend bound to every address',
      files: { 'nginx.conf': loc('            proxy_pass http://app:8000;\n'), 'docker-compose.yml': compose('  app:\n    build: .\n    command: uvicorn main:app --host 0.0.0.0 --port 8000\n') },
    },
  ],
  invalid: [
    {
      name: "localhost inside nginx's container: use the service name",
      files: { 'nginx.conf': loc('            proxy_pass http://localhost:3000/api/;\n'), 'docker-compose.yml': compose(APP) },
      errors: [
        {
          messageId: 'loopback',
          line: 6,
          column: 24,
          endLine: 6,
          endColumn: 50,
          message:
            'nginx runs in the compose service "web", where localhost is that container\'s own loopback, but port 3000 belongs to the service "app": nginx logs "connect() failed (111: Connection refused) while connecting to upstream" and answers 502; connect to app:3000',
        },
      ],
      output: loc('            proxy_pass http://app:3000/api/;\n'),
    },
    {
      name: "127.0.0.1 and another service's host port: the service name and its container port",
      files: { 'nginx.conf': loc('            proxy_pass http://127.0.0.1:8081;\n'), 'docker-compose.yml': compose(PUBLISHED) },
      errors: [
        {
          messageId: 'loopback',
          line: 6,
          column: 24,
          endLine: 6,
          endColumn: 45,
          message:
            'nginx runs in the compose service "web", where 127.0.0.1 is that container\'s own loopback, but port 8081 belongs to the host port published by "api", which the container cannot reach through its loopback: nginx logs "connect() failed (111: Connection refused) while connecting to upstream" and answers 502; connect to api:8080',
        },
      ],
      output: loc('            proxy_pass http://api:8080;\n'),
    },
    {
      name: 'an upstream server in an included file',
      files: {
        'nginx.conf': http('    include conf.d/*.conf;'),
        'conf.d/app.conf': 'upstream app_backend {\n    server 127.0.0.1:3000 max_fails=2;\n    keepalive 8;\n}\nserver {\n    listen 80;\n    location / { proxy_pass http://app_backend; }\n}\n',
        'docker-compose.yml': compose(APP),
      },
      errors: [{ messageId: 'loopback', file: 'conf.d/app.conf', line: 2, column: 12, endLine: 2, endColumn: 26 }],
      output: { 'conf.d/app.conf': 'upstream app_backend {\n    server app:3000 max_fails=2;\n    keepalive 8;\n}\nserver {\n    listen 80;\n    location / { proxy_pass http://app_backend; }\n}\n' },
    },
    {
      name: 'two services expose the port: reported without a fix',
      files: { 'nginx.conf': loc('            proxy_pass http://127.0.0.1:3000;\n'), 'docker-compose.yml': compose(`${APP}  admin:\n    build: ./admin\n    expose:\n      - "3000"\n`) },
      errors: [{ messageId: 'loopback', line: 6, column: 24, endLine: 6, endColumn: 45 }],
      output: null,
    },
    {
      name: 'fastcgi_pass to the published port of the php service',
      files: {
        'nginx.conf': http('    server {\n        listen 80;\n        location ~ \\.php$ {\n            fastcgi_pass php:9001;\n        }\n    }'),
        'docker-compose.yml': compose('  php:\n    image: php:8.2-fpm\n    ports:\n      - "9001:9000"\n'),
      },
      errors: [
        {
          messageId: 'publishedPort',
          line: 6,
          column: 26,
          endLine: 6,
          endColumn: 34,
          message:
            '9001 is the port the compose service "php" publishes on the host ("9001:9000"); on the compose network the container listens on 9000: nginx logs "connect() failed (111: Connection refused) while connecting to upstream" and answers 502; connect to php:9000',
        },
      ],
      output: http('    server {\n        listen 80;\n        location ~ \\.php$ {\n            fastcgi_pass php:9000;\n        }\n    }'),
    },
    {
      name: "uvicorn's default host is the backend container's loopback",
      files: { 'nginx.conf': loc('            proxy_pass http://app:8000;\n'), 'docker-compose.yml': compose('  app:\n    build: .\n    command: uvicorn main:app --port 8000\n') },
      errors: [{ messageId: 'backendLoopback', line: 6, column: 24, endLine: 6, endColumn: 39 }],
      output: null,
    },
  ],
});
