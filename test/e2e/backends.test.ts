/**
 * Real servers, real 502s. With the real nginx and real backends on 127.0.0.1 or unix sockets in a temp dir:
 * (a) a php8.2-fpm pool on php8.2-fpm.sock while nginx points at php7.4-fpm.sock: 502; ngxlint reads the pool
 *     file (--backend) and reports unix-socket-path-mismatch at both places; --fix --unsafe-fixes; a reload; 200.
 * (b) an HTTP backend on the port an Apache-style ports.conf declares, nginx on the old port: the same cycle
 *     with upstream-port-mismatch.
 * (c) a socket nginx's worker user may not open (root-owned, 0600, `user nobody;`): 502 with 13: Permission
 *     denied; ngxlint reports unix-socket-permission. Needs root (to run workers as another user).
 * (d) --probe against a closed port, a live one and a missing socket: upstream-unreachable reports exactly the
 *     dead ones, with the very line nginx wrote to its error log.
 * Every process started here is stopped by its PID; everything lives in a temp dir or on 127.0.0.1.
 */
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../harness/cli.js';
import { nginxSkipReason } from '../harness/nginx.js';
import {
  e2eDir,
  findPhpFpm,
  freePort,
  get,
  indent,
  isRoot,
  nginxMainConf,
  nobodyGroup,
  readLog,
  startChild,
  startHttpServer,
  startNginx,
  stopChild,
  stopHttpServer,
  waitFor,
  waitForNginx,
  type Child,
  type Response,
} from './helpers.js';

const nginxReason = nginxSkipReason();
const phpFpm = findPhpFpm();
/** Without php-fpm the FastCGI cases are skipped locally, but fail under CI (.ci/run installs php8.2-fpm). */
const phpReason = phpFpm !== undefined || process.env.CI ? undefined : 'php-fpm not found (install Debian package "php8.2-fpm" to run it)';
/** Workers as another user than the socket's owner need a root master; CI runs as root, so there it must run. */
const rootReason = isRoot ? undefined : process.env.CI ? undefined : 'needs root: nginx must start its workers as "nobody" while the socket belongs to root';

const skipped = (...reasons: (string | undefined)[]): string => {
  const reason = reasons.find((r) => r !== undefined);
  return reason === undefined ? '' : ` (skipped: ${reason})`;
};

function write(dir: string, rel: string, text: string, mode = 0o644): string {
  const file = path.join(dir, rel);
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o755 });
  fs.writeFileSync(file, text);
  fs.chmodSync(file, mode);
  return file;
}

/** A main config attached to its parent (`daemon off`) whose master reloads on SIGHUP. */
function nginxConf(dir: string, port: number, main: readonly string[], locations: Readonly<Record<string, readonly string[]>>): string {
  return nginxMainConf(dir, {
    main,
    http: ['server {', `    listen 127.0.0.1:${port};`, ...Object.entries(locations).flatMap(([where, body]) => [`    location ${where} {`, ...indent(body, 2), '    }']), '}'],
  });
}

/** fastcgi_pass to `socket`, running `script`. */
const fastcgi = (socket: string, script: string): string[] => [
  `fastcgi_pass unix:${socket};`,
  `fastcgi_param SCRIPT_FILENAME ${script};`,
  'fastcgi_param REQUEST_METHOD $request_method;',
  'fastcgi_param QUERY_STRING $query_string;',
  'fastcgi_param SERVER_PROTOCOL $server_protocol;',
];

/** php-fpm in the foreground with one pool, everything in `dir`; the pool file is where ngxlint reads it. */
async function startPhpFpm(dir: string, poolFile: string, socket: string): Promise<Child> {
  if (phpFpm === undefined) throw new Error('php-fpm not found, but CI is set: .ci/run must install php8.2-fpm');
  const conf = write(dir, 'php-fpm.conf', ['[global]', `pid = ${dir}/php-fpm.pid`, `error_log = ${dir}/php-fpm.log`, 'daemonize = no', `include = ${poolFile}`, ''].join('\n'));
  const fpm = startChild(phpFpm, ['-F', '-y', conf, '-p', dir]);
  const ready = await waitFor(async () => (fpm.exited() ? 'exited' : fs.existsSync(socket) ? 'up' : undefined));
  if (ready !== 'up') {
    await stopChild(fpm);
    throw new Error(`php-fpm did not start (${ready ?? 'timeout'}):\n${fpm.output()}\n${readLog(path.join(dir, 'php-fpm.log'))}`);
  }
  return fpm;
}

/** The lines of a pool: an unprivileged pool user when we are root (php-fpm refuses root workers). */
function poolLines(socket: string, socketAccess: readonly string[]): string[] {
  return [
    '[www]',
    ...(isRoot ? ['user = nobody', `group = ${nobodyGroup()}`] : []),
    `listen = ${socket}`,
    ...socketAccess,
    'pm = static',
    'pm.max_children = 1',
    '',
  ];
}

async function startHttpBackend(port: number): Promise<http.Server> {
  const { server } = await startHttpServer(
    (_req, res) => {
      res.setHeader('Content-Type', 'text/plain');
      res.end('backend ok\n');
    },
    '127.0.0.1',
    port,
  );
  return server;
}

/** One finding of `--format json` (see the README), with its file. */
interface Finding {
  readonly filePath: string;
  readonly ruleId: string;
  readonly message: string;
  readonly line: number;
  readonly related: readonly { readonly filePath: string; readonly line: number; readonly message: string }[];
}

/** ngxlint in-process, with the JSON report parsed. */
async function ngxlint(dir: string, args: string[]): Promise<{ code: number; findings: Finding[]; stderr: string; stdout: string }> {
  const result = await runCli(['--format', 'json', ...args], { cwd: dir });
  let findings: Finding[] = [];
  try {
    const report = JSON.parse(result.stdout) as { filePath: string; messages: Omit<Finding, 'filePath'>[] }[];
    findings = report.flatMap((f) => f.messages.map((m) => ({ ...m, filePath: f.filePath })));
  } catch {
    throw new Error(`ngxlint ${args.join(' ')} printed no JSON report (exit ${result.code}):\n${result.stdout}\n${result.stderr}`);
  }
  return { code: result.code, findings, stderr: result.stderr, stdout: result.stdout };
}

/** The fix cycle shared by (a) and (b): 502 and the log line, ngxlint reports, --fix --unsafe-fixes, SIGHUP, 200. */
async function reportFixReload(
  dir: string,
  nginx: Child,
  port: number,
  expected: { logLine: string; ruleId: string; backendArgs: string[]; mentions: readonly string[]; directive: RegExp; backendFile: string; fixed: RegExp; body: RegExp },
): Promise<void> {
  const conf = path.join(dir, 'nginx.conf');
  const errorLog = path.join(dir, 'error.log');
  await waitForNginx(nginx, dir, port, '/nginx-up');

  const broken = await get(port);
  expect(broken.status, `expected 502 before the fix; error.log:\n${readLog(errorLog)}`).toBe(502);
  expect(readLog(errorLog)).toContain(expected.logLine);

  const lintRun = await ngxlint(dir, [...expected.backendArgs, 'nginx.conf']);
  const found = lintRun.findings.filter((f) => f.ruleId === expected.ruleId);
  expect(found, `${expected.ruleId} expected\n${lintRun.stdout}\n${lintRun.stderr}`).toHaveLength(1);
  const finding = found[0] as Finding;
  for (const m of expected.mentions) expect(finding.message).toContain(m);
  expect(lintRun.code).toBe(1);
  expect(lintRun.stderr).toContain('backend files read');
  // Both places: the nginx directive, and the line in the backend's own file.
  expect(finding.filePath).toBe(conf);
  expect(fs.readFileSync(conf, 'utf8').split('\n')[finding.line - 1]).toMatch(expected.directive);
  const backendSide = finding.related.find((r) => r.filePath === expected.backendFile);
  expect(backendSide, `a related location in ${expected.backendFile}: ${JSON.stringify(finding.related)}`).toBeDefined();
  expect(fs.readFileSync(expected.backendFile, 'utf8').split('\n')[(backendSide?.line ?? 0) - 1]).toMatch(/^\s*(listen|Listen)\b/);

  const before = fs.readFileSync(conf, 'utf8');
  const fixRun = await runCli(['--fix', '--unsafe-fixes', ...expected.backendArgs, 'nginx.conf'], { cwd: dir });
  expect(fixRun.code, `ngxlint --fix exit code\n${fixRun.stdout}\n${fixRun.stderr}`).not.toBe(2);
  const after = fs.readFileSync(conf, 'utf8');
  expect(after, 'ngxlint --fix must change the file').not.toBe(before);
  expect(after).toMatch(expected.fixed);
  const again = await ngxlint(dir, [...expected.backendArgs, 'nginx.conf']);
  expect(again.findings.filter((f) => f.ruleId === expected.ruleId)).toEqual([]);

  process.kill(nginx.pid, 'SIGHUP');
  const fixed = await waitFor<Response>(async () => {
    const res = await get(port);
    return res.status === 200 ? res : undefined;
  }, 5000);
  expect(fixed?.status, `expected 200 after the reload; error.log:\n${readLog(errorLog)}\n${nginx.output()}\nconfig:\n${after}`).toBe(200);
  expect(fixed?.body).toMatch(expected.body);
}

describe.skipIf(nginxReason !== undefined || phpReason !== undefined)(`e2e (a): php7.4-fpm.sock after an upgrade to php8.2${skipped(nginxReason, phpReason)}`, () => {
  it('502; unix-socket-path-mismatch names both sockets; --fix --unsafe-fixes; 200', async () => {
    const dir = e2eDir('backends');
    const sock82 = path.join(dir, 'run/php/php8.2-fpm.sock');
    const sock74 = path.join(dir, 'run/php/php7.4-fpm.sock');
    fs.mkdirSync(path.dirname(sock82), { recursive: true, mode: 0o755 });
    const script = write(dir, 'www/index.php', '<?php echo "php " . PHP_MAJOR_VERSION . "." . PHP_MINOR_VERSION . " ok\\n";\n');
    const pool = write(dir, 'etc/php/8.2/fpm/pool.d/www.conf', poolLines(sock82, ['listen.mode = 0666']).join('\n'));
    let fpm: Child | undefined;
    let nginx: Child | undefined;
    try {
      fpm = await startPhpFpm(dir, pool, sock82);
      const port = await freePort();
      write(dir, 'nginx.conf', nginxConf(dir, port, [], { '/': fastcgi(sock74, script), '= /nginx-up': ['return 204;'] }));
      nginx = startNginx(dir);
      await reportFixReload(dir, nginx, port, {
        logLine: `connect() to unix:${sock74} failed (2: No such file or directory) while connecting to upstream`,
        ruleId: 'unix-socket-path-mismatch',
        backendArgs: ['--backend', path.relative(dir, pool)],
        mentions: [sock74, sock82],
        directive: /fastcgi_pass unix:/,
        backendFile: pool,
        fixed: new RegExp(`fastcgi_pass unix:${sock82.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')};`),
        body: /^php 8\.\d+ ok/,
      });
    } finally {
      await stopChild(nginx);
      await stopChild(fpm);
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe.skipIf(nginxReason !== undefined)(`e2e (b): the app moved to the port in ports.conf, nginx kept the old one${skipped(nginxReason)}`, () => {
  it('502; upstream-port-mismatch names ports.conf; --fix --unsafe-fixes; 200', async () => {
    const dir = e2eDir('backends');
    let backend: http.Server | undefined;
    let nginx: Child | undefined;
    try {
      const oldPort = await freePort();
      const newPort = await freePort();
      backend = await startHttpBackend(newPort);
      const ports = write(dir, 'etc/apache2/ports.conf', [
        '# If you just change the port or add more ports here, you will likely also',
        '# have to change the VirtualHost statement in /etc/apache2/sites-enabled/000-default.conf',
        '',
        `Listen ${newPort}`,
        '',
        '<IfModule ssl_module>',
        '\tListen 443',
        '</IfModule>',
        '',
      ].join('\n'));
      const port = await freePort();
      write(dir, 'nginx.conf', nginxConf(dir, port, [], { '/': [`proxy_pass http://127.0.0.1:${oldPort};`], '= /nginx-up': ['return 204;'] }));
      nginx = startNginx(dir);
      await reportFixReload(dir, nginx, port, {
        logLine: 'connect() failed (111: Connection refused) while connecting to upstream',
        ruleId: 'upstream-port-mismatch',
        backendArgs: ['--backend', path.relative(dir, ports)],
        mentions: [`127.0.0.1:${oldPort}`, String(newPort)],
        directive: /proxy_pass http:/,
        backendFile: ports,
        fixed: new RegExp(`proxy_pass http://127\\.0\\.0\\.1:${newPort};`),
        body: /^backend ok/,
      });
    } finally {
      await stopChild(nginx);
      await stopHttpServer(backend);
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe.skipIf(nginxReason !== undefined || phpReason !== undefined || rootReason !== undefined)(
  `e2e (c): a socket nginx's worker user may not open${skipped(nginxReason, phpReason, rootReason)}`,
  () => {
    it('502 with 13: Permission denied; unix-socket-permission reports it', async () => {
      if (!isRoot) throw new Error('CI is set but the tests do not run as root: (c) needs root to start workers as nobody');
      const dir = e2eDir('backends');
      const socket = path.join(dir, 'run/php/php8.2-fpm.sock');
      fs.mkdirSync(path.dirname(socket), { recursive: true, mode: 0o755 });
      const script = write(dir, 'www/index.php', '<?php echo "ok\\n";\n');
      // The socket belongs to root, mode 0600: the pool's workers (nobody) are not the ones connecting.
      const pool = write(dir, 'etc/php/8.2/fpm/pool.d/www.conf', poolLines(socket, ['listen.owner = root', 'listen.group = root', 'listen.mode = 0600']).join('\n'));
      let fpm: Child | undefined;
      let nginx: Child | undefined;
      try {
        fpm = await startPhpFpm(dir, pool, socket);
        const st = fs.statSync(socket);
        expect({ uid: st.uid, mode: st.mode & 0o777 }).toEqual({ uid: 0, mode: 0o600 });
        const port = await freePort();
        write(dir, 'nginx.conf', nginxConf(dir, port, [`user nobody ${nobodyGroup()};`], { '/': fastcgi(socket, script), '= /nginx-up': ['return 204;'] }));
        nginx = startNginx(dir);
        await waitForNginx(nginx, dir, port, '/nginx-up');
        const res = await get(port);
        expect(res.status, readLog(path.join(dir, 'error.log'))).toBe(502);
        expect(readLog(path.join(dir, 'error.log'))).toContain(`connect() to unix:${socket} failed (13: Permission denied) while connecting to upstream`);

        const run = await ngxlint(dir, ['--backend', path.relative(dir, pool), 'nginx.conf']);
        const found = run.findings.filter((f) => f.ruleId === 'unix-socket-permission');
        expect(found, `${run.stdout}\n${run.stderr}`).toHaveLength(1);
        expect(found[0]?.message).toContain('nobody');
        expect(found[0]?.message).toContain('13: Permission denied');
        expect(run.code).toBe(1);
      } finally {
        await stopChild(nginx);
        await stopChild(fpm);
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });
  },
);

describe.skipIf(nginxReason !== undefined)(`e2e (d): --probe against a closed port, a live one and a missing socket${skipped(nginxReason)}`, () => {
  it('upstream-unreachable reports exactly the dead targets, with the line nginx logs', async () => {
    const dir = e2eDir('backends');
    let backend: http.Server | undefined;
    let nginx: Child | undefined;
    try {
      const livePort = await freePort();
      const deadPort = await freePort();
      backend = await startHttpBackend(livePort);
      const missing = path.join(dir, 'run/app.sock');
      const port = await freePort();
      write(
        dir,
        'nginx.conf',
        nginxConf(dir, port, [], {
          '/live': [`proxy_pass http://127.0.0.1:${livePort};`],
          '/dead': [`proxy_pass http://127.0.0.1:${deadPort};`],
          '/sock': [`proxy_pass http://unix:${missing};`],
          '/dyn': [`proxy_pass http://127.0.0.1:$arg_port;`],
          '= /nginx-up': ['return 204;'],
        }),
      );
      nginx = startNginx(dir);
      await waitForNginx(nginx, dir, port, '/nginx-up');
      expect((await get(port, '/live')).status).toBe(200);
      expect((await get(port, '/dead')).status).toBe(502);
      expect((await get(port, '/sock')).status).toBe(502);
      const errorLog = readLog(path.join(dir, 'error.log'));

      let accepted = 0;
      backend.on('connection', () => accepted++);
      const run = await ngxlint(dir, ['--probe', '--probe-timeout', '2s', 'nginx.conf']);
      const found = run.findings.filter((f) => f.ruleId === 'upstream-unreachable');
      expect(found.map((f) => f.message).sort(), `${run.stdout}\n${run.stderr}`).toHaveLength(2);
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(/probed 3 addresses in \d+ms: 2 with problems/);
      // The probe opened one connection to the live backend, and nothing else there.
      expect(accepted).toBe(1);

      const dead = found.find((f) => f.message.includes(`127.0.0.1:${deadPort}`));
      const sock = found.find((f) => f.message.includes(`unix:${missing}`));
      const conf = fs.readFileSync(path.join(dir, 'nginx.conf'), 'utf8').split('\n');
      expect(conf[(dead?.line ?? 0) - 1]).toContain(`proxy_pass http://127.0.0.1:${deadPort};`);
      expect(conf[(sock?.line ?? 0) - 1]).toContain(`proxy_pass http://unix:${missing};`);
      // The probe predicts nginx's own error.log lines, word for word.
      const logged = (f: Finding | undefined): string => /nginx logs "([^"]+)"/.exec(f?.message ?? '')?.[1] ?? '<none>';
      expect(logged(dead)).toBe('connect() failed (111: Connection refused) while connecting to upstream');
      expect(logged(sock)).toBe(`connect() to unix:${missing} failed (2: No such file or directory) while connecting to upstream`);
      expect(errorLog).toContain(logged(dead));
      expect(errorLog).toContain(logged(sock));

      // Without --probe the rule is silent.
      const quiet = await ngxlint(dir, ['nginx.conf']);
      expect(quiet.findings.filter((f) => f.ruleId === 'upstream-unreachable')).toEqual([]);
    } finally {
      await stopChild(nginx);
      await stopHttpServer(backend);
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
