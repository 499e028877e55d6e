/**
 * End to end, with the real nginx and the real CLI: a backend sends an 8 KB Set-Cookie, nginx answers 502 and
 * logs "upstream sent too big header while reading response header from upstream"; `ngxlint --fix` rewrites
 * the config (upstream-header-buffer-too-small); after a reload (SIGHUP) the same request gets 200 and the
 * cookie. Once with proxy_pass to a Node HTTP backend, once with fastcgi_pass to a real php-fpm pool.
 * Everything listens on 127.0.0.1 or a unix socket in a temp dir; every process is stopped by its PID.
 */
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { nginxSkipReason } from '../harness/nginx.js';
import {
  e2eDir,
  ensureBuilt,
  findPhpFpm,
  freePort,
  get,
  indent,
  isRoot,
  listen,
  nginxMainConf,
  nobodyGroup,
  readLog,
  runCliProcess,
  startChild,
  startNginx,
  stopChild,
  stopHttpServer,
  waitFor,
  waitForNginx,
  type Child,
  type Response,
} from './helpers.js';

const LOG_LINE = 'upstream sent too big header while reading response header from upstream';
const COOKIE_BYTES = 8192;
const RULE_SOURCES = ['rules/upstream-header-buffer-too-small/index.ts', 'rules/index.ts'];

const nginxReason = nginxSkipReason();
const phpFpm = findPhpFpm();
/** Without php-fpm the FastCGI case is skipped locally, but fails under CI (.ci/run installs php8.2-fpm). */
const phpReason = phpFpm !== undefined || process.env.CI ? undefined : 'php-fpm not found (install Debian package "php8.2-fpm" to run it)';

/** A main config that stays attached to its parent (`daemon off`) with a master that reloads on SIGHUP. */
function nginxConf(dir: string, port: number, location: readonly string[]): string {
  return nginxMainConf(dir, {
    http: [
      '# Clients may send big cookies; nothing raised the upstream header buffer.',
      'large_client_header_buffers 4 16k;',
      'server {',
      `    listen 127.0.0.1:${port};`,
      '    location / {',
      ...indent(location, 2),
      '    }',
      '}',
    ],
  });
}

/**
 * The shared story: 502 plus the log line, `ngxlint --fix` changes the file, SIGHUP, 200 with the cookie.
 */
async function breakFixReload(dir: string, nginx: Child, port: number, expectedFix: RegExp): Promise<void> {
  const conf = path.join(dir, 'nginx.conf');
  const errorLog = path.join(dir, 'error.log');
  await waitForNginx(nginx, dir, port);

  const broken = await get(port);
  expect(broken.status, `expected 502 before the fix; error.log:\n${readLog(errorLog)}`).toBe(502);
  expect(readLog(errorLog)).toContain(LOG_LINE);

  const before = fs.readFileSync(conf, 'utf8');
  const cli = runCliProcess(['--fix', conf], dir);
  expect(cli.status, `ngxlint --fix exit code\n${cli.stdout}\n${cli.stderr}`).toBe(0);
  const after = fs.readFileSync(conf, 'utf8');
  expect(after, 'ngxlint --fix must change the file').not.toBe(before);
  expect(after).toMatch(expectedFix);

  process.kill(nginx.pid, 'SIGHUP');
  const fixed = await waitFor<Response>(async () => {
    const res = await get(port);
    return res.status === 200 ? res : undefined;
  }, 5000);
  expect(fixed?.status, `expected 200 after the reload; error.log:\n${readLog(errorLog)}\n${nginx.output()}\nconfig:\n${after}`).toBe(200);
  const cookies = fixed?.headers['set-cookie'] ?? [];
  expect(cookies.some((c) => c.startsWith('big=') && c.length >= COOKIE_BYTES)).toBe(true);
}

beforeAll(() => {
  if (nginxReason === undefined) ensureBuilt(RULE_SOURCES);
}, 180_000);

describe.skipIf(nginxReason !== undefined)(`e2e: too big upstream header, proxy_pass to Node${nginxReason ? ` (skipped: ${nginxReason})` : ''}`, () => {
  it('502 with the default proxy_buffer_size, 200 after ngxlint --fix and a reload', async () => {
    const dir = e2eDir();
    const backend = http.createServer((_req, res) => {
      res.setHeader('Set-Cookie', `big=${'n'.repeat(COOKIE_BYTES)}; Path=/`);
      res.setHeader('Content-Type', 'text/plain');
      res.end('ok\n');
    });
    let nginx: Child | undefined;
    try {
      const { port: backendPort } = await listen(backend);
      const port = await freePort();
      fs.writeFileSync(path.join(dir, 'nginx.conf'), nginxConf(dir, port, [`proxy_pass http://127.0.0.1:${backendPort};`]));
      nginx = startNginx(dir);
      await breakFixReload(dir, nginx, port, /proxy_buffer_size 16k;\s+proxy_buffers 8 16k;\s+proxy_busy_buffers_size 32k;/);
    } finally {
      await stopChild(nginx);
      await stopHttpServer(backend);
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe.skipIf(nginxReason !== undefined || phpReason !== undefined)(
  `e2e: too big upstream header, fastcgi_pass to php-fpm${nginxReason ? ` (skipped: ${nginxReason})` : phpReason ? ` (skipped: ${phpReason})` : ''}`,
  () => {
    it('502 with the default fastcgi_buffer_size, 200 after ngxlint --fix and a reload', async () => {
      if (phpFpm === undefined) throw new Error('php-fpm not found, but CI is set: .ci/run must install php8.2-fpm');
      const dir = e2eDir();
      const socket = path.join(dir, 'php-fpm.sock');
      const script = path.join(dir, 'cookie.php');
      fs.writeFileSync(script, `<?php\nheader('Set-Cookie: big=' . str_repeat('p', ${COOKIE_BYTES}) . '; Path=/');\necho "ok\\n";\n`);
      fs.chmodSync(script, 0o644);
      // A minimal php-fpm: everything in the temp dir; an unprivileged pool user only when we are root.
      const pool = isRoot ? ['user = nobody', `group = ${nobodyGroup()}`, 'listen.owner = nobody', `listen.group = ${nobodyGroup()}`] : [];
      fs.writeFileSync(
        path.join(dir, 'php-fpm.conf'),
        [
          '[global]',
          `pid = ${dir}/php-fpm.pid`,
          `error_log = ${dir}/php-fpm.log`,
          'daemonize = no',
          '[e2e]',
          `listen = ${socket}`,
          'listen.mode = 0666',
          ...pool,
          'pm = static',
          'pm.max_children = 1',
          '',
        ].join('\n'),
      );
      // Now that php-fpm.conf exists, tell the linter it is the backend.
      fs.writeFileSync(path.join(dir, '.ngxlintrc.json'), JSON.stringify({ root: '.', backends: ['php-fpm.conf'] }) + '\n');
      let fpm: Child | undefined;
      let nginx: Child | undefined;
      try {
        fpm = startChild(phpFpm, ['-F', '-y', path.join(dir, 'php-fpm.conf'), '-p', dir]);
        const ready = await waitFor(async () => (fpm?.exited() ? 'exited' : fs.existsSync(socket) ? 'up' : undefined));
        if (ready !== 'up') throw new Error(`php-fpm did not start (${ready ?? 'timeout'}):\n${fpm.output()}\n${readLog(path.join(dir, 'php-fpm.log'))}`);
        const port = await freePort();
        fs.writeFileSync(
          path.join(dir, 'nginx.conf'),
          nginxConf(dir, port, [
            `fastcgi_pass unix:${socket};`,
            `fastcgi_param SCRIPT_FILENAME ${script};`,
            'fastcgi_param REQUEST_METHOD $request_method;',
            'fastcgi_param QUERY_STRING $query_string;',
            'fastcgi_param SERVER_PROTOCOL $server_protocol;',
          ]),
        );
        nginx = startNginx(dir);
        await breakFixReload(dir, nginx, port, /fastcgi_buffer_size 32k;\s+fastcgi_buffers 16 16k;\s+fastcgi_busy_buffers_size 64k;/);
      } finally {
        await stopChild(nginx);
        await stopChild(fpm);
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });
  },
);
