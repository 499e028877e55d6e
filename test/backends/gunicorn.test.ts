import { describe, expect, it } from 'vitest';
import { parseGunicornAddress, pythonAssignments, readGunicornConf } from '../../src/backends/readers/gunicorn.js';
import { at, valueAt } from './positions.js';

const FILE = '/srv/app/gunicorn.conf.py';
const DEFAULT = { file: FILE, line: 1, column: 1, endColumn: 1 };

describe('readGunicornConf', () => {
  it('reads a realistic gunicorn.conf.py', () => {
    const text = [
      '# Gunicorn configuration file',
      'import multiprocessing',
      'import os',
      '',
      'bind = "0.0.0.0:8000"',
      'workers = multiprocessing.cpu_count() * 2 + 1',
      'worker_class = "gthread"',
      'threads = 4',
      'timeout = 120  # seconds',
      'keepalive = 5',
      'accesslog = "-"',
      '',
      'def post_fork(server, worker):',
      '    server.log.info("Worker spawned (pid: %s)", worker.pid)',
      '',
    ].join('\n');
    const { listeners } = readGunicornConf(FILE, text);
    expect(listeners).toEqual([
      {
        kind: 'gunicorn',
        name: 'gunicorn',
        protocol: 'http',
        transport: 'tcp',
        host: '0.0.0.0',
        port: 8000,
        source: at(FILE, text, '"0.0.0.0:8000"'),
        requestTimeout: { value: 120_000, source: valueAt(FILE, text, 'timeout = ', '120') },
        idleTimeout: { value: 5_000, source: valueAt(FILE, text, 'keepalive = ', '5') },
      },
    ]);
    expect(valueAt(FILE, text, 'keepalive = ', '5')).toEqual({ file: FILE, line: 10, column: 13, endColumn: 14 });
  });

  it('applies the defaults (bind 127.0.0.1:8000, timeout 30s) at line 1, column 1', () => {
    const { listeners } = readGunicornConf(FILE, 'workers = 3\n');
    expect(listeners).toEqual([
      { kind: 'gunicorn', name: 'gunicorn', protocol: 'http', transport: 'tcp', host: '127.0.0.1', port: 8000, source: DEFAULT, requestTimeout: { value: 30_000, source: DEFAULT } },
    ]);
    expect(readGunicornConf(FILE, '')).toEqual({ listeners: [expect.objectContaining({ host: '127.0.0.1', port: 8000, source: DEFAULT })] });
  });

  it('gives the sync worker no keep-alive, other workers the 2s default', () => {
    expect(readGunicornConf(FILE, 'keepalive = 10\n').listeners?.[0]?.idleTimeout).toBeUndefined();
    expect(readGunicornConf(FILE, 'worker_class = "sync"\n').listeners?.[0]?.idleTimeout).toBeUndefined();
    expect(readGunicornConf(FILE, 'worker_class = "gevent"\n').listeners?.[0]?.idleTimeout).toEqual({ value: 2000, source: DEFAULT });
    expect(readGunicornConf(FILE, 'worker_class = "uvicorn.workers.UvicornWorker"\n').listeners?.[0]?.idleTimeout).toEqual({ value: 2000, source: DEFAULT });
    // sync with threads > 1 is gthread.
    expect(readGunicornConf(FILE, 'threads = 2\nkeepalive = 4\n').listeners?.[0]?.idleTimeout).toEqual({ value: 4000, source: { file: FILE, line: 2, column: 13, endColumn: 14 } });
    // An unknown worker class: the keep-alive is symbolic.
    expect(readGunicornConf(FILE, 'worker_class = os.environ["WORKER"]\n').listeners?.[0]?.idleTimeout).toEqual({ value: 2000, source: DEFAULT, symbolic: true });
  });

  it('reads list binds (unix and tcp), across lines and as tuples', () => {
    const text = 'bind = [\n    "unix:/run/gunicorn.sock",  # for nginx\n    "0.0.0.0:8000",\n]\ntimeout = 60\n';
    const { listeners } = readGunicornConf(FILE, text);
    expect(listeners).toHaveLength(2);
    expect(listeners?.[0]).toMatchObject({ transport: 'unix', path: '/run/gunicorn.sock', source: at(FILE, text, '"unix:/run/gunicorn.sock"') });
    expect(listeners?.[0]?.host).toBeUndefined();
    expect(listeners?.[1]).toMatchObject({ transport: 'tcp', host: '0.0.0.0', port: 8000, source: at(FILE, text, '"0.0.0.0:8000"') });
    expect(listeners?.[1]?.requestTimeout).toEqual({ value: 60_000, source: valueAt(FILE, text, 'timeout = ', '60') });

    const tuple = readGunicornConf(FILE, "bind = ('127.0.0.1:8001', 'unix:///tmp/app.sock')\n").listeners;
    expect(tuple?.map((l) => [l.transport, l.host ?? l.path, l.port])).toEqual([
      ['tcp', '127.0.0.1', 8001],
      ['unix', '/tmp/app.sock', undefined],
    ]);
  });

  it('reads unix binds with single quotes and raw strings', () => {
    const text = "bind = r'unix:/run/myapp/gunicorn.sock'\n";
    expect(readGunicornConf(FILE, text).listeners).toEqual([
      expect.objectContaining({ transport: 'unix', path: '/run/myapp/gunicorn.sock', source: at(FILE, text, "r'unix:/run/myapp/gunicorn.sock'") }),
    ]);
  });

  it('keeps environment-dependent values symbolic', () => {
    const text = [
      'import os',
      'bind = "0.0.0.0:" + os.environ.get("PORT", "8000")',
      'timeout = int(os.environ.get("GUNICORN_TIMEOUT", "90"))',
      'keepalive = os.getenv("KEEPALIVE")',
      'worker_class = "gthread"',
    ].join('\n');
    const [l] = readGunicornConf(FILE, text).listeners ?? [];
    expect(l).toMatchObject({ transport: 'tcp', host: '0.0.0.0', symbolic: true, source: at(FILE, text, '"0.0.0.0:" + os.environ.get("PORT", "8000")') });
    expect(l?.port).toBeUndefined();
    // A written default is the best guess for a limit; still symbolic.
    expect(l?.requestTimeout).toEqual({ value: 90_000, source: at(FILE, text, 'int(os.environ.get("GUNICORN_TIMEOUT", "90"))'), symbolic: true });
    // Nothing known: no value (not the default either: the file does set it).
    expect(l?.idleTimeout).toBeUndefined();

    const f = readGunicornConf(FILE, 'bind = f"{HOST}:{PORT}"\n').listeners?.[0];
    expect(f).toMatchObject({ transport: 'tcp', symbolic: true });
    expect(f?.host).toBeUndefined();
    expect(f?.port).toBeUndefined();

    const whole = readGunicornConf(FILE, 'bind = os.environ["BIND"]\n').listeners?.[0];
    expect(whole).toMatchObject({ symbolic: true, source: { line: 1, column: 8, endColumn: 26 } });
  });

  it('evaluates arithmetic on literals', () => {
    expect(readGunicornConf(FILE, 'timeout = 60 * 5\n').listeners?.[0]?.requestTimeout?.value).toBe(300_000);
    expect(readGunicornConf(FILE, 'timeout = 0\n').listeners?.[0]?.requestTimeout?.value).toBe(0);
  });

  it('treats binds inside if/else as possible, symbolic listeners', () => {
    const text = 'import os\nif os.environ.get("DEV"):\n    bind = "0.0.0.0:8000"\nelse:\n    bind = "unix:/run/app.sock"\n';
    const listeners = readGunicornConf(FILE, text).listeners ?? [];
    expect(listeners.map((l) => [l.transport, l.port ?? l.path, l.symbolic])).toEqual([
      ['tcp', 8000, true],
      ['unix', '/run/app.sock', true],
    ]);
  });

  it('uses the last top-level bind, proc_name, and certfile (TLS)', () => {
    const text = 'bind = "127.0.0.1:8000"\nbind = "127.0.0.1:9000"\nproc_name = "shop"\ncertfile = "/etc/ssl/shop.pem"\n';
    expect(readGunicornConf(FILE, text).listeners).toEqual([expect.objectContaining({ name: 'shop', port: 9000, tls: true, source: at(FILE, text, '"127.0.0.1:9000"') })]);
    expect(readGunicornConf(FILE, 'certfile = None\n').listeners?.[0]?.tls).toBeUndefined();
  });

  it('ignores assignments in comments and strings', () => {
    const text = '# bind = "0.0.0.0:1"\nx = """\nbind = "0.0.0.0:2"\n"""\n';
    expect(readGunicornConf(FILE, text).listeners?.[0]).toMatchObject({ host: '127.0.0.1', port: 8000, source: DEFAULT });
  });

  it('handles CRLF and a BOM', () => {
    const text = '\ufeffbind = "0.0.0.0:5000"\r\ntimeout = 45\r\n';
    const [l] = readGunicornConf(FILE, text).listeners ?? [];
    // Columns count from after the BOM, as an editor shows them.
    expect(l?.source).toEqual({ file: FILE, line: 1, column: 8, endColumn: 22 });
    expect(l?.requestTimeout).toEqual({ value: 45_000, source: { file: FILE, line: 2, column: 11, endColumn: 13 } });
  });

  it('never throws on broken input', () => {
    for (const text of ['bind = (', 'bind = "unterminated', 'bind = [1, 2', ')))', 'bind = {"a": 1}', 'bind = lambda: 1', '\u0000\uffff', 'bind = 1 if x else 2', 'timeout = "abc" * 3']) {
      expect(() => readGunicornConf(FILE, text)).not.toThrow();
      expect(readGunicornConf(FILE, text).listeners?.length).toBeGreaterThanOrEqual(0);
    }
  });
});

describe('parseGunicornAddress', () => {
  it('follows gunicorn.util.parse_address', () => {
    expect(parseGunicornAddress('127.0.0.1:8000')).toEqual({ transport: 'tcp', host: '127.0.0.1', port: 8000, symbolic: false });
    expect(parseGunicornAddress('[::1]:8001')).toEqual({ transport: 'tcp', host: '::1', port: 8001, symbolic: false });
    expect(parseGunicornAddress(':8002')).toEqual({ transport: 'tcp', port: 8002, symbolic: false });
    expect(parseGunicornAddress('localhost')).toEqual({ transport: 'tcp', host: 'localhost', port: 8000, symbolic: false });
    expect(parseGunicornAddress('tcp://0.0.0.0:80')).toEqual({ transport: 'tcp', host: '0.0.0.0', port: 80, symbolic: false });
    expect(parseGunicornAddress('unix:/run/g.sock')).toEqual({ transport: 'unix', path: '/run/g.sock', symbolic: false });
    expect(parseGunicornAddress('fd://3')).toBeUndefined();
  });
});

describe('pythonAssignments', () => {
  it('finds top-level and indented assignments', () => {
    const a = pythonAssignments('a = 1\nb: int = 2\nc = d = "x"\nif y:\n    e = 3\n');
    expect(a.map((x) => [x.name, x.conditional])).toEqual([
      ['a', false],
      ['b', false],
      ['c', false],
      ['d', false],
      ['e', true],
    ]);
  });
});
