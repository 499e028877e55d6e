import rule from './index.js';
import { runRuleTests } from '../../test/harness/rule-tester.js';

const http = (body: string) => `events {}\nhttp {\n${body}\n}\n`;

runRuleTests(rule, {
  valid: [
    http('    server {\n        location / { proxy_pass http://127.0.0.1:8080$request_uri; }\n    }'),
    { name: 'a resolver at http level, inherited', code: http('    resolver 10.0.0.2 valid=30s;\n    server {\n        location / { set $b api.internal; proxy_pass http://$b:8080; }\n    }') },
    { name: 'a set IP literal', code: http('    server {\n        location / { set $b 10.0.0.7; proxy_pass http://$b:8080; }\n    }') },
    {
      name: 'a map whose values are all upstream names or IPs',
      code: http('    upstream blue { server 10.0.0.1:80; }\n    upstream green { server 10.0.0.2:80; }\n    map $cookie_slot $pool {\n        default blue;\n        b green;\n        c 10.0.0.3;\n    }\n    server {\n        location / { proxy_pass http://$pool; }\n    }'),
    },
    { name: 'a literal upstream name with a variable URI', code: http('    upstream app { server 10.0.0.1:80; }\n    server {\n        location / { proxy_pass http://app$request_uri; }\n    }') },
    { name: 'a unix socket with a variable URI', code: http('    server {\n        location / { proxy_pass http://unix:/run/app.sock:$request_uri; }\n    }') },
    { name: 'a variable set outside this config (js_set, envsubst placeholder)', code: http('    server {\n        location / { proxy_pass http://$FLASK_SERVER_ADDR; }\n    }') },
    { name: 'no variables: static-dns-upstream\'s business', code: http('    server {\n        location / { proxy_pass http://api.internal:8080; }\n    }') },
  ],
  invalid: [
    {
      name: 'set to localhost: no resolver (the e2e case)',
      code: http('    server {\n        location / {\n            set $backend localhost;\n            proxy_pass http://$backend:8080;\n        }\n    }'),
      errors: [
        {
          messageId: 'noResolver',
          line: 6,
          column: 24,
          endLine: 6,
          endColumn: 44,
          message:
            'proxy_pass uses variables, so nginx resolves "localhost" per request, but no "resolver" is in effect here: every request logs "no resolver defined to resolve localhost" and gets a 502; add "resolver <dns> valid=30s;" (nginx\'s resolver does not read /etc/hosts)',
        },
      ],
    },
    {
      name: 'a nameserver option gives a safe fix at http level',
      code: http('    server {\n        location / {\n            set $backend api.internal;\n            proxy_pass http://$backend:8080;\n        }\n    }'),
      options: { nameserver: '10.0.0.2' },
      unsafe: false,
      output: http('    resolver 10.0.0.2 valid=30s;\n    server {\n        location / {\n            set $backend api.internal;\n            proxy_pass http://$backend:8080;\n        }\n    }'),
      errors: [{ messageId: 'noResolver', line: 6, column: 24, endLine: 6, endColumn: 44 }],
    },
    {
      name: 'a typo of an upstream name: did you mean',
      code: http('    upstream backend { server 10.0.0.1:80; }\n    server {\n        location / { set $u backnd; proxy_pass http://$u; }\n    }'),
      errors: [
        {
          messageId: 'didYouMean',
          line: 5,
          column: 48,
          endLine: 5,
          endColumn: 57,
          message:
            'proxy_pass uses variables, so nginx resolves "backnd" per request, but no "resolver" is in effect here: every request logs "no resolver defined to resolve backnd" and gets a 502; did you mean the upstream "backend"?',
        },
      ],
    },
    {
      name: 'a map with one hostname among upstream names; a whole-URL variable; the resolver only in another server',
      code: http(
        '    upstream blue { server 10.0.0.1:80; }\n    map $http_x_env $target {\n        default http://blue;\n        staging http://staging.example.com;\n    }\n    server {\n        resolver 10.0.0.2;\n    }\n    server {\n        location / { proxy_pass $target; }\n    }',
      ),
      errors: [{ messageId: 'noResolver', line: 12, column: 33, endLine: 12, endColumn: 40 }],
    },
    {
      name: 'a built-in variable host, grpc and fastcgi kinds, from an included snippet',
      files: {
        'nginx.conf': http('    server {\n        location / { include snippets/pass.conf; }\n    }'),
        'snippets/pass.conf': 'set $fpm_host $http_x_fpm;\ngrpc_pass grpc://$http_x_backend:50051;\nfastcgi_pass $fpm_host:9000;\n',
      },
      errors: [
        { messageId: 'unknownValue', line: 2, column: 11, endLine: 2, endColumn: 39, file: 'snippets/pass.conf' },
        { messageId: 'unknownValue', line: 3, column: 14, endLine: 3, endColumn: 28, file: 'snippets/pass.conf' },
      ],
    },
    {
      name: 'a literal hostname with a variable URI needs a resolver too',
      code: http('    server {\n        location / { proxy_pass http://api.internal:8080$request_uri; }\n    }'),
      errors: [{ messageId: 'noResolver', line: 4, column: 33, endLine: 4, endColumn: 69 }],
    },
  ],
});
