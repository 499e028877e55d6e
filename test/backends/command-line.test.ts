import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { analyzeCommandLine, readCommandLine } from '../../src/backends/readers/command-line.js';
import type { Listener } from '../../src/backends/types.js';
import { where } from './readers-where.js';

const F = 'Procfile';
/** Listeners of a command written at line 1, column 1 of F. */
const read = (cmd: string, env?: Record<string, string>): Listener[] => readCommandLine(F, 1, 1, cmd, env ? { env: new Map(Object.entries(env)) } : {});
/** The source of `value` written right after `prefix` in `cmd`. */
const after = (cmd: string, prefix: string, value: string) => {
  const w = where(F, cmd, prefix + value);
  return { ...w, column: w.column + prefix.length };
};
const addr = (l: Listener | undefined) => l && { transport: l.transport, host: l.host, port: l.port, path: l.path, symbolic: l.symbolic };

describe('readCommandLine: gunicorn', () => {
  it('uses the defaults: 127.0.0.1:8000, timeout 30 s, no keep-alive for the sync worker', () => {
    const cmd = 'gunicorn app.wsgi:application';
    expect(read(cmd)).toEqual([
      {
        kind: 'gunicorn',
        name: 'gunicorn',
        protocol: 'http',
        transport: 'tcp',
        host: '127.0.0.1',
        port: 8000,
        source: where(F, cmd, 'gunicorn'),
        requestTimeout: { value: 30_000, source: where(F, cmd, 'gunicorn') },
      },
    ]);
  });

  it('reads every bind form, repeated binds, the timeout and the keep-alive of async workers', () => {
    const cmd = 'gunicorn -w 4 -k uvicorn.workers.UvicornWorker -b 127.0.0.1:8000 --bind [::1]:8000 --bind=unix:/run/app.sock -bunix:///tmp/x.sock --bind :9000 --bind localhost -t 90 --keep-alive 75 main:app';
    const ls = read(cmd);
    expect(ls.map(addr)).toEqual([
      { transport: 'tcp', host: '127.0.0.1', port: 8000, path: undefined, symbolic: undefined },
      { transport: 'tcp', host: '::1', port: 8000, path: undefined, symbolic: undefined },
      { transport: 'unix', host: undefined, port: undefined, path: '/run/app.sock', symbolic: undefined },
      { transport: 'unix', host: undefined, port: undefined, path: '/tmp/x.sock', symbolic: undefined },
      { transport: 'tcp', host: undefined, port: 9000, path: undefined, symbolic: undefined },
      { transport: 'tcp', host: 'localhost', port: 8000, path: undefined, symbolic: undefined },
    ]);
    expect(ls.map((l) => l.source)).toEqual([
      where(F, cmd, '127.0.0.1:8000'),
      where(F, cmd, '[::1]:8000'),
      where(F, cmd, 'unix:/run/app.sock'),
      where(F, cmd, 'unix:///tmp/x.sock'),
      where(F, cmd, ':9000'),
      where(F, cmd, 'localhost'),
    ]);
    for (const l of ls) {
      expect(l.requestTimeout).toEqual({ value: 90_000, source: after(cmd, '-t ', '90') });
      expect(l.idleTimeout).toEqual({ value: 75_000, source: after(cmd, '--keep-alive ', '75') });
    }
  });

  it('switches sync to gthread with --threads (keep-alive default 2 s); takes PORT; honours -c', () => {
    expect(read('gunicorn --threads 4 app:app')[0]?.idleTimeout?.value).toBe(2_000);
    expect(read('gunicorn -k sync app:app')[0]?.idleTimeout).toBeUndefined();

    const cmd = 'PORT=5000 gunicorn app:app';
    expect(read(cmd)[0]).toMatchObject({ host: '0.0.0.0', port: 5000, source: where(F, cmd, '5000') });
    expect(read('gunicorn app:app', { PORT: '5001' })[0]).toMatchObject({ host: '0.0.0.0', port: 5001 });

    // The config file decides: no assumed listener or timeout.
    expect(read('gunicorn -c /etc/gunicorn.conf.py app:app')).toEqual([]);
    expect(read('gunicorn -c gunicorn.conf.py -b 0.0.0.0:80 app:app')).toEqual([
      { kind: 'gunicorn', name: 'gunicorn', protocol: 'http', transport: 'tcp', host: '0.0.0.0', port: 80, source: where(F, 'gunicorn -c gunicorn.conf.py -b 0.0.0.0:80 app:app', '0.0.0.0:80') },
    ]);
  });

  it('reads unix socket ownership: -u/-g, --umask', () => {
    const cmd = 'gunicorn --umask 007 -u www-data -g www-data -b unix:/run/gunicorn/app.sock --certfile /etc/ssl/c.pem app:app';
    const [l] = read(cmd);
    expect(l).toMatchObject({
      transport: 'unix',
      path: '/run/gunicorn/app.sock',
      tls: true,
      owner: { value: 'www-data', source: where(F, cmd, 'www-data') },
      group: { value: 'www-data', source: where(F, cmd, 'www-data', 1) },
      mode: { value: 0o770, source: where(F, cmd, '007') },
    });
  });

  it('leaves unknown variables symbolic and uses ${VAR:-default} as a guess', () => {
    const a = 'gunicorn --bind 0.0.0.0:$PORT app:app';
    expect(read(a).map(addr)).toEqual([{ transport: 'tcp', host: '0.0.0.0', port: undefined, path: undefined, symbolic: true }]);
    expect(read(a)[0]?.source).toEqual(where(F, a, '0.0.0.0:$PORT'));
    const b = 'gunicorn --bind "0.0.0.0:${PORT:-8000}" app:app';
    expect(read(b).map(addr)).toEqual([{ transport: 'tcp', host: '0.0.0.0', port: 8000, path: undefined, symbolic: true }]);
    expect(read(b)[0]?.source).toEqual(where(F, b, '0.0.0.0:${PORT:-8000}'));
    expect(read(b, { PORT: '8123' }).map(addr)).toEqual([{ transport: 'tcp', host: '0.0.0.0', port: 8123, path: undefined, symbolic: undefined }]);
  });
});

describe('readCommandLine: uvicorn, fastapi', () => {
  it('uses the defaults 127.0.0.1:8000 and a 5 s keep-alive', () => {
    const cmd = 'uvicorn main:app';
    expect(read(cmd)).toEqual([
      { kind: 'uvicorn', name: 'uvicorn', protocol: 'http', transport: 'tcp', host: '127.0.0.1', port: 8000, source: where(F, cmd, 'uvicorn'), idleTimeout: { value: 5_000, source: where(F, cmd, 'uvicorn') } },
    ]);
  });

  it('reads --host, --port, --timeout-keep-alive, --uds, --ssl-certfile', () => {
    const cmd = 'uvicorn main:app --host :: --port=8443 --timeout-keep-alive 65 --ssl-certfile cert.pem --ssl-keyfile key.pem';
    expect(read(cmd)).toEqual([
      {
        kind: 'uvicorn',
        name: 'uvicorn',
        protocol: 'http',
        transport: 'tcp',
        host: '::',
        port: 8443,
        tls: true,
        source: where(F, cmd, '8443'),
        idleTimeout: { value: 65_000, source: where(F, cmd, '65') },
      },
    ]);
    const uds = 'uvicorn main:app --uds /run/uvicorn.sock';
    expect(read(uds).map(addr)).toEqual([{ transport: 'unix', host: undefined, port: undefined, path: '/run/uvicorn.sock', symbolic: undefined }]);
    expect(read('uvicorn main:app', { UVICORN_PORT: '9001' })[0]).toMatchObject({ host: '127.0.0.1', port: 9001 });
  });

  it('reads python -m uvicorn, poetry run, and fastapi run/dev', () => {
    expect(read('python3 -m uvicorn app.main:app --port 8010')[0]).toMatchObject({ kind: 'uvicorn', port: 8010 });
    expect(read('poetry run uvicorn app.main:app --port 8011')[0]).toMatchObject({ kind: 'uvicorn', port: 8011 });
    expect(read('fastapi run app/main.py')[0]).toMatchObject({ kind: 'uvicorn', name: 'fastapi', host: '0.0.0.0', port: 8000 });
    expect(read('fastapi dev --port 8001')[0]).toMatchObject({ host: '127.0.0.1', port: 8001 });
  });
});

describe('readCommandLine: uWSGI', () => {
  it('reads sockets with their protocols, chmod, chown, harakiri and buffer-size', () => {
    const cmd = 'uwsgi --master --socket /run/uwsgi/app.sock --chmod-socket=660 --chown-socket www-data:www-data --http-socket :9090 --http 0.0.0.0:8000 --fastcgi-socket 127.0.0.1:9001 --harakiri 60 --buffer-size 32768 --module app.wsgi';
    const ls = read(cmd);
    expect(ls.map((l) => [l.protocol, l.transport, l.host, l.port, l.path])).toEqual([
      ['uwsgi', 'unix', undefined, undefined, '/run/uwsgi/app.sock'],
      ['http', 'tcp', undefined, 9090, undefined],
      ['http', 'tcp', '0.0.0.0', 8000, undefined],
      ['fastcgi', 'tcp', '127.0.0.1', 9001, undefined],
    ]);
    expect(ls[0]).toMatchObject({
      source: where(F, cmd, '/run/uwsgi/app.sock'),
      mode: { value: 0o660, source: where(F, cmd, '660') },
      owner: { value: 'www-data', source: where(F, cmd, 'www-data') },
      group: { value: 'www-data', source: where(F, cmd, 'www-data', 1) },
    });
    for (const l of ls) {
      expect(l.requestTimeout).toEqual({ value: 60_000, source: after(cmd, '--harakiri ', '60') });
      expect(l.bufferSize).toEqual({ value: 32768, source: where(F, cmd, '32768') });
    }
    expect(ls[1]?.mode).toBeUndefined();
  });

  it('bare --chmod-socket is 666, --protocol changes --socket, --https is TLS, the default buffer is 4096 unless a config is loaded', () => {
    const cmd = 'uwsgi -s /tmp/uwsgi.sock --chmod-socket --protocol=http --https :8443,foo.crt,foo.key';
    const ls = read(cmd);
    expect(ls.map((l) => [l.protocol, l.transport, l.port, l.path, l.tls, l.mode?.value])).toEqual([
      ['http', 'unix', undefined, '/tmp/uwsgi.sock', undefined, 0o666],
      ['http', 'tcp', 8443, undefined, true, undefined],
    ]);
    expect(ls[0]?.mode?.source).toEqual(where(F, cmd, '--chmod-socket'));
    expect(ls[1]?.source).toEqual(where(F, cmd, ':8443'));
    expect(ls[0]?.bufferSize).toEqual({ value: 4096, source: where(F, cmd, 'uwsgi') });
    expect(read('uwsgi --ini /etc/uwsgi/app.ini --socket :3031')[0]?.bufferSize).toBeUndefined();
    expect(read('uwsgi --ini /etc/uwsgi/app.ini')).toEqual([]);
  });
});

describe('readCommandLine: Node', () => {
  it('needs a port: PORT= prefix, env, --port; none means no listener', () => {
    expect(read('node server.js')).toEqual([]);
    const cmd = 'PORT=3000 node server.js';
    expect(read(cmd)).toEqual([
      { kind: 'node', name: 'node', protocol: 'http', transport: 'tcp', port: 3000, source: where(F, cmd, '3000'), idleTimeout: { value: 5_000, source: where(F, cmd, 'node') } },
    ]);
    const opt = 'node --require dotenv/config dist/main.js --port 4000';
    expect(read(opt)[0]).toMatchObject({ port: 4000, source: where(F, opt, '4000') });
    expect(read('/usr/bin/env NODE_ENV=production PORT=8080 node index.js')[0]).toMatchObject({ port: 8080 });
    expect(read('npm start', { PORT: '3001' })[0]).toMatchObject({ kind: 'node', port: 3001 });
    expect(read('npm run start -- --port 3002')[0]).toMatchObject({ port: 3002 });
    expect(read('npm install')).toEqual([]);
    expect(read('npx next start')[0]).toMatchObject({ kind: 'node', name: 'next', port: 3000 });
    expect(read('next start -p 3005 -H 127.0.0.1 --keepAliveTimeout 70000')[0]).toMatchObject({ host: '127.0.0.1', port: 3005, idleTimeout: { value: 70_000 } });
    expect(read('node -e "require(\'http\').createServer().listen(1)"')).toEqual([]);
  });
});

describe('readCommandLine: shell syntax', () => {
  it('handles quotes, sh -c, wrappers, separators, redirections, exported variables', () => {
    const q = `gunicorn --bind "127.0.0.1:8001" 'app:create_app()'`;
    expect(read(q)[0]?.source).toEqual(where(F, q, '127.0.0.1:8001'));

    const sh = `sh -c 'cd /app && exec gunicorn -b "0.0.0.0:\${PORT:-8000}" app:app'`;
    const [l] = read(sh);
    expect(addr(l)).toEqual({ transport: 'tcp', host: '0.0.0.0', port: 8000, path: undefined, symbolic: true });
    expect(l?.source).toEqual(where(F, sh, '0.0.0.0:${PORT:-8000}'));

    expect(read('exec gosu app gunicorn -b :8002 app:app').map((x) => x.port)).toEqual([8002]);
    expect(read('nohup uvicorn main:app --port 9000 > /var/log/app.log 2>&1 &').map((x) => x.port)).toEqual([9000]);
    expect(read('export PORT=7000; node server.js').map((x) => x.port)).toEqual([7000]);
    expect(read('sudo -u app -E /srv/venv/bin/gunicorn -b 127.0.0.1:8003 app:app').map((x) => x.port)).toEqual([8003]);
    expect(read('bash -ec "python manage.py migrate && gunicorn -b 0.0.0.0:8004 proj.wsgi"').map((x) => x.port)).toEqual([8004]);
    expect(read("gunicorn --bind 'unix:/run/my app.sock' app:app").map((x) => x.path)).toEqual(['/run/my app.sock']);
    expect(read('gunicorn --bind unix:/run/my\\ app.sock app:app').map((x) => x.path)).toEqual(['/run/my app.sock']);
  });

  it('follows backslash-newline continuations, with positions on the right line and column', () => {
    const cmd = 'gunicorn \\\n  --workers 3 \\\n  --bind 0.0.0.0:8000 \\\n  app:app';
    const [l] = readCommandLine('/etc/systemd/system/app.service', 7, 11, cmd);
    expect(l?.source).toEqual({ file: '/etc/systemd/system/app.service', line: 9, column: 10, endColumn: 22 });
    expect(l?.requestTimeout?.source).toEqual({ file: '/etc/systemd/system/app.service', line: 7, column: 11, endColumn: 19 });
  });

  it('recognises php-fpm, nginx and apache without listeners', () => {
    expect(readCommandLine(F, 1, 1, 'php-fpm8.2 -F')).toEqual([]);
    expect(analyzeCommandLine(F, 1, 1, 'php-fpm8.2 -F').map((r) => [r.program, r.kind])).toEqual([['php-fpm8.2', 'php-fpm']]);
    expect(analyzeCommandLine(F, 1, 1, 'php-fpm -F -R').map((r) => r.kind)).toEqual(['php-fpm']);
    expect(analyzeCommandLine(F, 1, 1, `nginx -g 'daemon off;'`).map((r) => [r.program, r.kind])).toEqual([['nginx', undefined]]);
    expect(analyzeCommandLine(F, 1, 1, 'apache2ctl -D FOREGROUND').map((r) => r.kind)).toEqual(['apache']);
  });

  it('uses the listener name given', () => {
    expect(readCommandLine(F, 1, 1, 'gunicorn app:app', { name: 'web' })[0]?.name).toBe('web');
  });

  it('never throws', () => {
    for (const s of ['"unterminated', "'unterminated", '$(', '${', '${PORT', '`', '\\', 'gunicorn -b', 'uwsgi --socket', 'uvicorn --port', 'node', '&&&&', '> >', '2>&', 'sh -c', 'sh -c "sh -c \\"sh -c gunicorn\\""']) {
      expect(() => readCommandLine(F, 1, 1, s)).not.toThrow();
    }
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom('gunicorn', 'uwsgi', 'uvicorn', 'node', 'sh', ' -c ', ' -b ', ' --bind ', ' --socket ', ' --port ', 'PORT=', '"', "'", '\\', '\n', '$', '{', '}', '(', ')', ':', '8', '/tmp/x', '&', '|', ';', '>', '%') }), (s) => {
        readCommandLine(F, 1, 1, s);
        readCommandLine(F, 1, 1, s, { specifier: () => undefined });
      }),
    );
  });
});
