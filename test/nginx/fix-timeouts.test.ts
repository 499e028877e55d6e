/**
 * nginx judges the timeout rules' fixes: each broken configuration is fixed, `nginx -t` must accept the
 * result, a second --fix must change nothing, and only the listed lines may change. The suggestion of
 * upstream-read-timeout-too-short is never applied by --fix, so its edits are applied here by hand and
 * judged the same way.
 */
import { describe, expect, it } from 'vitest';
import upstreamTimeoutMissing from '../../rules/upstream-timeout-missing/index.js';
import connectTimeoutOver75s from '../../rules/connect-timeout-over-75s/index.js';
import upstreamReadTimeoutTooShort from '../../rules/upstream-read-timeout-too-short/index.js';
import { judgeFix, touchedLines } from '../harness/fix-judge.js';
import { lintCase } from '../harness/rule-tester.js';
import { nginxSkipReason, nginxTest, removeDir } from '../harness/nginx.js';
import { applyEdits } from '../../src/fix/index.js';

const reason = nginxSkipReason();
const skipped = reason ? ` (skipped: ${reason})` : '';

/**
 * A complete config: `events {}`, `http {` (line 2), `httpBody`, then a server on 127.0.0.1:18080 with
 * `location /`, whose body `inner` starts on line 6 + the lines of httpBody.
 */
const conf = (inner: string, httpBody = '', location = 'location /'): string =>
  `events {}\nhttp {\n${httpBody}    server {\n        listen 127.0.0.1:18080;\n        ${location} {\n${inner}        }\n    }\n}\n`;

const FASTCGI_PARAMS = 'fastcgi_param QUERY_STRING $query_string;\nfastcgi_param REQUEST_METHOD $request_method;\n';

describe.skipIf(reason !== undefined)(`upstream-timeout-missing fixes load in nginx${skipped}`, () => {
  const rule = upstreamTimeoutMissing;
  it('proxy_pass in a location: the three timeouts are written after it', () =>
    judgeFix(rule, { name: 'proxy', files: { 'nginx.conf': conf('            proxy_pass http://127.0.0.1:18081;\n') }, touches: { 'nginx.conf': [6] } }));
  it('uwsgi_pass in an if, connect timeout inherited from http: send and read go into the location', () =>
    judgeFix(rule, {
      name: 'inherited',
      files: {
        'nginx.conf': conf('            root /srv;\n            if ($arg_debug) {\n                uwsgi_pass 127.0.0.1:13031;\n            }\n', '    uwsgi_connect_timeout 5s;\n'),
      },
      touches: { 'nginx.conf': [7] },
    }));
  it('fastcgi_pass from an included snippet in a location of a conf.d server', () =>
    judgeFix(rule, {
      name: 'included',
      files: {
        'nginx.conf': 'events {}\nhttp {\n    include conf.d/*.conf;\n}\n',
        'conf.d/app.conf': 'server {\n    listen 127.0.0.1:18080;\n    location ~ \\.php$ {\n        include snippets/php.conf;\n    }\n}\n',
        'snippets/php.conf': 'include fastcgi_params;\nfastcgi_pass 127.0.0.1:19000;\n',
        fastcgi_params: FASTCGI_PARAMS,
      },
      touches: { 'conf.d/app.conf': [4] },
    }));
  it('grpc_pass and scgi_pass on one-line locations', () =>
    judgeFix(rule, {
      name: 'one-line',
      files: {
        'nginx.conf':
          'events {}\nhttp {\n    server {\n        listen 127.0.0.1:18080;\n        location /g { grpc_pass grpc://127.0.0.1:50051; }\n        location /s { scgi_pass 127.0.0.1:14000; }\n    }\n}\n',
      },
      touches: { 'nginx.conf': [5, 6] },
    }));
  it('two passes in one location (one in an if): written once, no duplicate directive', () =>
    judgeFix(rule, {
      name: 'two passes',
      files: { 'nginx.conf': conf('            if ($arg_v2) {\n                proxy_pass http://127.0.0.1:18082;\n            }\n            proxy_pass http://127.0.0.1:18081;\n') },
      touches: { 'nginx.conf': [5] },
    }));
  it('proxy_pass in limit_except', () =>
    judgeFix(rule, {
      name: 'limit_except',
      files: { 'nginx.conf': conf('            limit_except GET {\n                proxy_pass http://127.0.0.1:18081;\n            }\n') },
      touches: { 'nginx.conf': [5] },
    }));
});

describe.skipIf(reason !== undefined)(`connect-timeout-over-75s fixes load in nginx${skipped}`, () => {
  const rule = connectTimeoutOver75s;
  it('proxy_connect_timeout 300 in the location', () =>
    judgeFix(rule, {
      name: 'location',
      files: { 'nginx.conf': conf('            proxy_connect_timeout 300;\n            proxy_pass http://127.0.0.1:18081;\n') },
      touches: { 'nginx.conf': [6] },
    }));
  it('inherited from http into a fastcgi location', () =>
    judgeFix(rule, {
      name: 'inherited',
      files: {
        'nginx.conf': conf('            include fastcgi_params;\n            fastcgi_pass 127.0.0.1:19000;\n', '    fastcgi_connect_timeout 2m;\n', 'location ~ \\.php$'),
        fastcgi_params: FASTCGI_PARAMS,
      },
      touches: { 'nginx.conf': [3] },
    }));
  it('in an included proxy_params file', () =>
    judgeFix(rule, {
      name: 'included',
      files: {
        'nginx.conf': conf('            include proxy_params;\n            proxy_pass http://127.0.0.1:18081;\n'),
        proxy_params: 'proxy_set_header Host $host;\nproxy_connect_timeout   90;\nproxy_read_timeout      90;\n',
      },
      touches: { proxy_params: [2] },
    }));
  it('grpc, uwsgi and scgi at server level', () =>
    judgeFix(rule, {
      name: 'server',
      files: {
        'nginx.conf':
          'events {}\nhttp {\n    server {\n        listen 127.0.0.1:18080;\n        grpc_connect_timeout 1h;\n        uwsgi_connect_timeout 76s;\n        scgi_connect_timeout 90s;\n        location / { grpc_pass grpc://127.0.0.1:50051; }\n    }\n}\n',
      },
      touches: { 'nginx.conf': [5, 6, 7] },
    }));
});

describe.skipIf(reason !== undefined)(`upstream-read-timeout-too-short suggestions load in nginx${skipped}`, () => {
  const rule = upstreamReadTimeoutTooShort;
  /** Applies every suggestion's edits once; the result must load, be clean, and touch only `touches`. */
  const judgeSuggestion = (files: Record<string, string>, touches: Record<string, number[]>): void => {
    const found = lintCase(rule, { files });
    expect(found.length, 'the config must be reported').toBeGreaterThan(0);
    const edits = found.flatMap((f) => {
      expect(f.fix?.applicability).toBe('suggestion');
      return f.fix?.edits ?? [];
    });
    const abs = (name: string) => `/etc/nginx/${name}`;
    const fixed = applyEdits(new Map(Object.entries(files).map(([name, text]) => [abs(name), text])), edits);
    const texts = Object.fromEntries(Object.keys(files).map((name) => [name, fixed.get(abs(name)) as string]));
    const nginx = nginxTest(texts);
    removeDir(nginx.dir);
    expect(nginx.ok, `nginx -t rejects the fixed config:\n${nginx.output}`).toBe(true);
    expect(lintCase(rule, { files: texts })).toEqual([]);
    for (const [name, text] of Object.entries(texts)) {
      const original = files[name] as string;
      if (text === original) continue;
      for (const line of touchedLines(original, text)) expect(touches[name], `${name}: line ${line} changed`).toContain(line);
    }
  };
  it('proxy_read_timeout 5s in the location', () =>
    judgeSuggestion({ 'nginx.conf': conf('            proxy_read_timeout 5s;\n            proxy_pass http://127.0.0.1:18081;\n') }, { 'nginx.conf': [6] }));
  it('inherited from the server into a fastcgi location', () =>
    judgeSuggestion(
      { 'nginx.conf': conf('            include fastcgi_params;\n            fastcgi_pass 127.0.0.1:19000;\n', '    fastcgi_read_timeout 3;\n', 'location ~ \\.php$'), fastcgi_params: FASTCGI_PARAMS },
      { 'nginx.conf': [3] },
    ));
  it('in an included proxy_params file', () =>
    judgeSuggestion(
      { 'nginx.conf': conf('            include proxy_params;\n            proxy_pass http://127.0.0.1:18081;\n'), proxy_params: 'proxy_set_header Host $host;\nproxy_read_timeout 5;\n' },
      { proxy_params: [2] },
    ));
});
