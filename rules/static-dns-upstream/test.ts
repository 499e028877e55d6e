import rule from './index.js';
import { runRuleTests } from '../../test/harness/rule-tester.js';

const http = (body: string) => `events {}\nhttp {\n${body}\n}\n`;

runRuleTests(rule, {
  valid: [
    http('    server {\n        location / { proxy_pass http://127.0.0.1:8080; }\n    }'),
    { name: 'localhost is localhost-dual-stack\'s', code: http('    server {\n        location / { proxy_pass http://localhost:8080; }\n    }') },
    { name: 'an upstream{} name', code: http('    upstream app { server 10.0.0.5:8080; }\n    server {\n        location / { proxy_pass http://app; }\n    }') },
    { name: 'a variable (resolved per request)', code: http('    resolver 10.0.0.2 valid=30s;\n    server {\n        location / { set $api api.example.com; proxy_pass https://$api; }\n    }') },
    {
      name: 'server ... resolve on 1.27.3',
      nginxVersion: '1.27.3',
      code: http('    resolver 10.0.0.2;\n    upstream api {\n        zone api 64k;\n        server api.example.com:443 resolve;\n    }\n    server {\n        location / { proxy_pass https://api; }\n    }'),
    },
    { name: 'template placeholders and host.docker.internal', code: http('    upstream a { server ${BACKEND}:8000; server <PHP_SOCKET>; }\n    server {\n        location / { proxy_pass http://host.docker.internal:8088; }\n    }') },
    { name: 'a typo of an upstream name is upstream-definition-errors\' finding', code: http('    upstream api_backend { server 10.0.0.1:80; }\n    server {\n        location / { proxy_pass http://api-backend; }\n    }') },
    { name: 'unix sockets and IPv6 literals', code: http('    upstream u { server unix:/run/app.sock; server [2001:db8::1]:80; }\n    server {\n        location / { proxy_pass http://u; }\n        location /x { fastcgi_pass [::1]:9000; }\n    }') },
  ],
  invalid: [
    {
      name: 'an ELB name in proxy_pass on 1.22 (variable + resolver template)',
      nginxVersion: '1.22.1',
      code: http('    server {\n        location / { proxy_pass https://my-lb-123.eu-west-1.elb.amazonaws.com; }\n    }'),
      errors: [
        {
          messageId: 'volatileName',
          line: 4,
          column: 33,
          endLine: 4,
          endColumn: 78,
          message:
            '"my-lb-123.eu-west-1.elb.amazonaws.com" is a cloud load balancer name whose addresses change without notice, but nginx resolves it only at start or reload: after a change, requests fail with "connect() failed (111: Connection refused) while connecting to upstream" (502) or "upstream timed out (110: Connection timed out) while connecting to upstream" (504); before nginx 1.27.3 ("resolve" is rejected with invalid parameter "resolve"), put the name in a variable and add a resolver: "resolver <dns> valid=30s; set $my_lb_123 my-lb-123.eu-west-1.elb.amazonaws.com; proxy_pass http://$my_lb_123:443;" (a variable changes how the URI is passed: review it)',
        },
      ],
    },
    {
      name: 'a Docker service name in proxy_pass on 1.30 (upstream + resolve template)',
      code: http('    server {\n        location /api/ { proxy_pass http://app:8000/; }\n    }'),
      errors: [
        {
          messageId: 'staticName',
          line: 4,
          column: 37,
          endLine: 4,
          endColumn: 53,
          message:
            'nginx resolves "app" once, at start or reload, and keeps its addresses until the next reload: when they change, requests fail with "connect() failed (111: Connection refused) while connecting to upstream" (502) or time out (504); on nginx >= 1.27.3 re-resolve it: "upstream app { zone app 64k; server app:8000 resolve; }" with a "resolver" in http or the upstream block',
        },
      ],
    },
    {
      name: 'a Kubernetes service in an included upstream; the resolve suggestion is never applied',
      nginxVersion: '1.27.3',
      files: {
        'nginx.conf': http('    include upstreams.conf;\n    server {\n        location / { grpc_pass grpc://backend; }\n    }'),
        'upstreams.conf': 'upstream backend {\n    server api.default.svc.cluster.local:50051 max_fails=3;\n    server 10.0.0.9:50051 backup;\n}\n',
      },
      output: null,
      errors: [{ messageId: 'volatileName', line: 2, column: 12, endLine: 2, endColumn: 47, file: 'upstreams.conf' }],
    },
    {
      name: 'fastcgi_pass and uwsgi_pass hostnames',
      code: http('    server {\n        location ~ \\.php$ { fastcgi_pass php-fpm:9000; }\n        location /py { uwsgi_pass uwsgi://django:3031; }\n    }'),
      errors: [
        { messageId: 'staticName', line: 4, column: 42, endLine: 4, endColumn: 54 },
        { messageId: 'staticName', line: 5, column: 35, endLine: 5, endColumn: 54 },
      ],
    },
  ],
});
