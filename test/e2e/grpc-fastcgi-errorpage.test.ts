/**
 * End to end, with the real nginx 1.22 and the real CLI, three rules that each break a request:
 *  1. fastcgi-missing-script-filename: `include fastcgi_params;` (Debian's, without SCRIPT_FILENAME) in front of a
 *     real php-fpm pool: php-fpm answers 404 "File not found." and nginx logs "Primary script unknown";
 *     `ngxlint --fix` adds SCRIPT_FILENAME and, after a reload, the script's output comes back with 200.
 *  2. grpc-without-http2: a plaintext server with grpc_pass but no `listen ... http2`: an HTTP/2 (h2c prior
 *     knowledge) client cannot even open the connection; `ngxlint --fix --unsafe-fixes` adds `http2` to the listen
 *     and, after a reload, the same HTTP/2 request reaches nginx (502 from the closed gRPC backend port).
 *  3. no-custom-502-page: a dead backend gives nginx's stock "502 Bad Gateway" page; `--rule no-custom-502-page:warn
 *     --fix --unsafe-fixes` adds error_page and a /50x.html location, and after a reload the 502 carries our page.
 * Everything listens on 127.0.0.1 or a unix socket in a temp dir; every process is stopped by its PID.
 */
import * as fs from 'node:fs';
import * as http2 from 'node:http2';
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
  lintJson,
  nginxMainConf,
  nobodyGroup,
  readLog,
  runCliProcess,
  startChild,
  startNginx,
  stopChild,
  waitFor,
  waitForNginx,
  type Child,
  type Response,
} from './helpers.js';

const RULE_SOURCES = ['rules/fastcgi-missing-script-filename/index.ts', 'rules/grpc-without-http2/index.ts', 'rules/no-custom-502-page/index.ts', 'rules/index.ts'];

const nginxReason = nginxSkipReason();
const phpFpm = findPhpFpm();
/** Without php-fpm the FastCGI case is skipped locally, but fails under CI (.ci/run installs php8.2-fpm). */
const phpReason = phpFpm !== undefined || process.env.CI ? undefined : 'php-fpm not found (install Debian package "php8.2-fpm" to run it)';

/** Debian's fastcgi_params: everything but SCRIPT_FILENAME. */
const FASTCGI_PARAMS = [
  'fastcgi_param  QUERY_STRING       $query_string;',
  'fastcgi_param  REQUEST_METHOD     $request_method;',
  'fastcgi_param  CONTENT_TYPE       $content_type;',
  'fastcgi_param  CONTENT_LENGTH     $content_length;',
  'fastcgi_param  SCRIPT_NAME        $fastcgi_script_name;',
  'fastcgi_param  REQUEST_URI        $request_uri;',
  'fastcgi_param  DOCUMENT_URI       $document_uri;',
  'fastcgi_param  DOCUMENT_ROOT      $document_root;',
  'fastcgi_param  SERVER_PROTOCOL    $server_protocol;',
  'fastcgi_param  REQUEST_SCHEME     $scheme;',
  'fastcgi_param  GATEWAY_INTERFACE  CGI/1.1;',
  'fastcgi_param  SERVER_SOFTWARE    nginx/$nginx_version;',
  'fastcgi_param  REMOTE_ADDR        $remote_addr;',
  'fastcgi_param  REMOTE_PORT        $remote_port;',
  'fastcgi_param  SERVER_ADDR        $server_addr;',
  'fastcgi_param  SERVER_PORT        $server_port;',
  'fastcgi_param  SERVER_NAME        $server_name;',
  'fastcgi_param  REDIRECT_STATUS    200;',
  '',
].join('\n');
/** Debian's fastcgi.conf: the same plus SCRIPT_FILENAME. */
const FASTCGI_CONF = 'fastcgi_param  SCRIPT_FILENAME    $document_root$fastcgi_script_name;\n' + FASTCGI_PARAMS;

function nginxConf(dir: string, server: readonly string[]): string {
  return nginxMainConf(dir, { http: ['server {', ...indent(server), '}'] });
}

/** An h2c (HTTP/2 prior knowledge) GET: the status, or the error that ended the session or stream. */
function h2Get(port: number, urlPath = '/'): Promise<{ status?: number; error?: string }> {
  return new Promise((resolve) => {
    const session = http2.connect(`http://127.0.0.1:${port}`);
    let settled = false;
    const done = (r: { status?: number; error?: string }): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      session.destroy();
      resolve(r);
    };
    const timer = setTimeout(() => done({ error: 'timeout' }), 5000);
    session.on('error', (e: NodeJS.ErrnoException) => done({ error: e.code ?? e.message }));
    session.on('close', () => done({ error: 'session closed' }));
    const req = session.request({ ':method': 'POST', ':path': urlPath, 'content-type': 'application/grpc', te: 'trailers' });
    req.on('response', (headers) => done({ status: Number(headers[':status']) }));
    req.on('error', (e: NodeJS.ErrnoException) => done({ error: e.code ?? e.message }));
    req.end();
  });
}

beforeAll(() => {
  if (nginxReason === undefined) ensureBuilt(RULE_SOURCES);
}, 180_000);

describe.skipIf(nginxReason !== undefined || phpReason !== undefined)(
  `e2e: fastcgi-missing-script-filename with a real php-fpm${nginxReason ? ` (skipped: ${nginxReason})` : phpReason ? ` (skipped: ${phpReason})` : ''}`,
  () => {
    it('404 "File not found." and "Primary script unknown" with fastcgi_params; the script runs after ngxlint --fix', async () => {
      if (phpFpm === undefined) throw new Error('php-fpm not found, but CI is set: .ci/run must install php8.2-fpm');
      const dir = e2eDir();
      const conf = path.join(dir, 'nginx.conf');
      const errorLog = path.join(dir, 'error.log');
      const socket = path.join(dir, 'php-fpm.sock');
      const www = path.join(dir, 'www');
      fs.mkdirSync(www);
      fs.chmodSync(www, 0o755);
      fs.writeFileSync(path.join(www, 'hello.php'), '<?php\necho "hello from php " . PHP_VERSION . "\\n";\n');
      fs.chmodSync(path.join(www, 'hello.php'), 0o644);
      fs.writeFileSync(path.join(dir, 'fastcgi_params'), FASTCGI_PARAMS);
      fs.writeFileSync(path.join(dir, 'fastcgi.conf'), FASTCGI_CONF);
      const pool = isRoot ? ['user = nobody', `group = ${nobodyGroup()}`, 'listen.owner = nobody', `listen.group = ${nobodyGroup()}`] : [];
      fs.writeFileSync(
        path.join(dir, 'php-fpm.conf'),
        ['[global]', `pid = ${dir}/php-fpm.pid`, `error_log = ${dir}/php-fpm.log`, 'daemonize = no', '[e2e]', `listen = ${socket}`, 'listen.mode = 0666', ...pool, 'pm = static', 'pm.max_children = 1', ''].join('\n'),
      );
      let fpm: Child | undefined;
      let nginx: Child | undefined;
      try {
        fpm = startChild(phpFpm, ['-F', '-y', path.join(dir, 'php-fpm.conf'), '-p', dir]);
        const ready = await waitFor(async () => (fpm?.exited() ? 'exited' : fs.existsSync(socket) ? 'up' : undefined));
        if (ready !== 'up') throw new Error(`php-fpm did not start (${ready ?? 'timeout'}):\n${fpm.output()}\n${readLog(path.join(dir, 'php-fpm.log'))}`);
        const port = await freePort();
        fs.writeFileSync(
          conf,
          nginxConf(dir, [
            `listen 127.0.0.1:${port};`,
            `root ${www};`,
            'location ~ \\.php$ {',
            '    include fastcgi_params;',
            `    fastcgi_pass unix:${socket};`,
            '}',
          ]),
        );
        nginx = startNginx(dir);
        await waitForNginx(nginx, dir, async () => (await get(port, '/')).status || undefined);

        // Broken: php-fpm gets no SCRIPT_FILENAME.
        const broken = await get(port, '/hello.php');
        expect(broken.status, `expected 404 before the fix; error.log:\n${readLog(errorLog)}`).toBe(404);
        expect(broken.body).toContain('File not found.');
        expect(broken.body).not.toContain('hello from php');
        expect(readLog(errorLog)).toMatch(/\[error\] \d+#\d+: \*\d+ FastCGI sent in stderr: "Primary script unknown" while reading response header from upstream, client: 127\.0\.0\.1, server: , request: "GET \/hello\.php HTTP\/1\.1", upstream: "fastcgi:\/\/unix:[^"]+php-fpm\.sock:"/);

        const findings = lintJson(conf, dir);
        const finding = findings.find((f) => f.ruleId === 'fastcgi-missing-script-filename');
        expect(finding, JSON.stringify(findings, null, 2)).toBeDefined();
        expect(finding?.message).toMatch(/no SCRIPT_FILENAME/);
        expect(finding?.message).toMatch(/fastcgi_params/);

        const before = fs.readFileSync(conf, 'utf8');
        const cli = runCliProcess(['--fix', conf], dir);
        expect(cli.status, `ngxlint --fix exit code\n${cli.stdout}\n${cli.stderr}`).toBe(0);
        const after = fs.readFileSync(conf, 'utf8');
        expect(after).not.toBe(before);
        // The fix adds the parameter after the include (fastcgi.conf next to fastcgi_params is not loaded, so the
        // rule does not switch the include); the shared fastcgi_params stays untouched.
        expect(after).toMatch(/include fastcgi_params;\s+fastcgi_param SCRIPT_FILENAME \$document_root\$fastcgi_script_name;\s+fastcgi_pass unix:/);
        expect(fs.readFileSync(path.join(dir, 'fastcgi_params'), 'utf8')).toBe(FASTCGI_PARAMS);
        expect(lintJson(conf, dir).some((f) => f.ruleId === 'fastcgi-missing-script-filename')).toBe(false);

        process.kill(nginx.pid, 'SIGHUP');
        const fixed = await waitFor<Response>(async () => {
          const res = await get(port, '/hello.php');
          return res.status === 200 ? res : undefined;
        });
        expect(fixed?.status, `expected 200 after the reload; error.log:\n${readLog(errorLog)}\n${nginx.output()}\nconfig:\n${after}`).toBe(200);
        expect(fixed?.body).toMatch(/^hello from php 8\.\d+/);
      } finally {
        await stopChild(nginx);
        await stopChild(fpm);
        fs.rmSync(dir, { recursive: true, force: true });
      }
    }, 60_000);
  },
);

describe.skipIf(nginxReason !== undefined)(`e2e: no-custom-502-page with a dead backend${nginxReason ? ` (skipped: ${nginxReason})` : ''}`, () => {
  it('the stock "502 Bad Gateway" page before, our /50x.html after ngxlint --fix --unsafe-fixes', async () => {
    const dir = e2eDir();
    const conf = path.join(dir, 'nginx.conf');
    const errorLog = path.join(dir, 'error.log');
    const html = path.join(dir, 'html');
    fs.mkdirSync(html);
    fs.chmodSync(html, 0o755);
    const PAGE_BODY = 'custom 50x page from the e2e test';
    fs.writeFileSync(path.join(html, '50x.html'), `<html><body>${PAGE_BODY}</body></html>\n`);
    fs.chmodSync(path.join(html, '50x.html'), 0o644);
    let nginx: Child | undefined;
    try {
      const port = await freePort();
      const deadPort = await freePort(); // closed: nothing listens there
      fs.writeFileSync(conf, nginxConf(dir, [`listen 127.0.0.1:${port};`, 'location / {', `    proxy_pass http://127.0.0.1:${deadPort};`, '}']));
      nginx = startNginx(dir);
      await waitForNginx(nginx, dir, async () => (await get(port)).status || undefined);

      const broken = await get(port);
      expect(broken.status, readLog(errorLog)).toBe(502);
      expect(broken.body).toMatch(/<title>502 Bad Gateway<\/title>/);
      expect(broken.body).toMatch(/<center>nginx\/1\.\d+\.\d+<\/center>/);
      expect(readLog(errorLog)).toMatch(
        new RegExp(`\\[error\\] \\d+#\\d+: \\*\\d+ connect\\(\\) failed \\(111: Connection refused\\) while connecting to upstream, client: 127\\.0\\.0\\.1, server: , request: "GET / HTTP/1\\.1", upstream: "http://127\\.0\\.0\\.1:${deadPort}/"`),
      );

      // Off by default: only with --rule does it report.
      expect(lintJson(conf, dir).some((f) => f.ruleId === 'no-custom-502-page')).toBe(false);
      const findings = lintJson(conf, dir, ['--rule', 'no-custom-502-page:warn']);
      const finding = findings.find((f) => f.ruleId === 'no-custom-502-page');
      expect(finding, JSON.stringify(findings, null, 2)).toBeDefined();
      expect(finding?.message).toMatch(/"proxy_pass http:\/\/127\.0\.0\.1:\d+" has no error_page for 502 in effect/);

      // The fix is unsafe: --fix alone leaves the file alone.
      const before = fs.readFileSync(conf, 'utf8');
      runCliProcess(['--rule', 'no-custom-502-page:warn', '--fix', conf], dir);
      expect(fs.readFileSync(conf, 'utf8')).toBe(before);
      const cli = runCliProcess(['--rule', 'no-custom-502-page:warn', '--fix', '--unsafe-fixes', conf], dir);
      expect(cli.status, `ngxlint --fix --unsafe-fixes\n${cli.stdout}\n${cli.stderr}`).toBe(0);
      const fixedConf = fs.readFileSync(conf, 'utf8');
      expect(fixedConf).toMatch(/error_page 502 503 504 \/50x\.html;/);
      expect(fixedConf).toMatch(/location = \/50x\.html \{\s*internal;\s*root \/usr\/share\/nginx\/html;\s*\}/);
      // The fix points the page at the distribution's /usr/share/nginx/html. The test writes nothing outside its
      // temp dir, so this copy's root is rewritten to the temp dir's html/ (which holds our 50x.html) before the reload.
      const served = fixedConf.replace('root /usr/share/nginx/html;', `root ${html};`);
      expect(served).not.toBe(fixedConf);
      fs.writeFileSync(conf, served);

      process.kill(nginx.pid, 'SIGHUP');
      const fixed = await waitFor<Response>(async () => {
        const res = await get(port);
        return res.status === 502 && res.body.includes(PAGE_BODY) ? res : undefined;
      });
      expect(fixed?.status, `expected our 502 page after the reload; error.log:\n${readLog(errorLog)}\n${nginx.output()}\nconfig:\n${served}`).toBe(502);
      expect(fixed?.body).not.toMatch(/502 Bad Gateway/);
      expect(fixed?.body).not.toMatch(/<center>nginx/);
      // The page itself is internal: a direct request does not get it. Polled, because for a moment after the
      // reload the old worker (old config: /50x.html goes to the dead backend) may still take a connection.
      const direct = await waitFor(async () => {
        const res = await get(port, '/50x.html');
        return res.status === 404 ? res : undefined;
      });
      expect(direct?.status).toBe(404);
    } finally {
      await stopChild(nginx);
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});

describe.skipIf(nginxReason !== undefined)(`e2e: grpc-without-http2, an h2c client against a plaintext server${nginxReason ? ` (skipped: ${nginxReason})` : ''}`, () => {
  it('the HTTP/2 connection fails without http2; after ngxlint --fix --unsafe-fixes it reaches nginx (502 from the closed backend)', async () => {
    const dir = e2eDir();
    const conf = path.join(dir, 'nginx.conf');
    const errorLog = path.join(dir, 'error.log');
    let nginx: Child | undefined;
    try {
      const port = await freePort();
      const deadPort = await freePort(); // no gRPC backend: the HTTP/2 connection to nginx is what is tested
      fs.writeFileSync(conf, nginxConf(dir, [`listen 127.0.0.1:${port};`, 'location / {', `    grpc_pass grpc://127.0.0.1:${deadPort};`, '}']));
      nginx = startNginx(dir);
      await waitForNginx(nginx, dir, async () => (await get(port)).status || undefined);

      const broken = await h2Get(port);
      expect(broken.status, `h2c request before the fix: ${JSON.stringify(broken)}`).toBeUndefined();
      // nginx reads the h2 preface ("PRI * HTTP/2.0") as a bad HTTP/1.x request and closes: Node reports a
      // protocol error. nginx logs that only at info level, so error.log has no line for it; the request never
      // reaches the grpc_pass (no "HTTP/2.0" request line is logged). Only the HTTP/1.1 readiness probe was passed on.
      expect(broken.error).toBe('ERR_HTTP2_ERROR');
      expect(readLog(errorLog)).not.toMatch(/HTTP\/2\.0/);
      expect(readLog(errorLog)).toMatch(/request: "GET \/ HTTP\/1\.1", upstream: "grpc:\/\/127\.0\.0\.1:\d+"/);

      const findings = lintJson(conf, dir, ['--nginx-version', '1.22.1']);
      const finding = findings.find((f) => f.ruleId === 'grpc-without-http2');
      expect(finding, JSON.stringify(findings, null, 2)).toBeDefined();
      expect(finding?.message).toMatch(/"grpc_pass" in a server without HTTP\/2 \(no "listen \.\.\. http2"\)/);

      // Plaintext before 1.25.1: the fix is unsafe (the port stops answering HTTP/1.x), so --fix alone does nothing.
      const before = fs.readFileSync(conf, 'utf8');
      runCliProcess(['--nginx-version', '1.22.1', '--fix', conf], dir);
      expect(fs.readFileSync(conf, 'utf8')).toBe(before);
      const cli = runCliProcess(['--nginx-version', '1.22.1', '--fix', '--unsafe-fixes', conf], dir);
      expect(cli.status, `ngxlint --fix --unsafe-fixes\n${cli.stdout}\n${cli.stderr}`).toBe(0);
      const after = fs.readFileSync(conf, 'utf8');
      expect(after).toContain(`listen 127.0.0.1:${port} http2;`);

      process.kill(nginx.pid, 'SIGHUP');
      const fixed = await waitFor(async () => {
        const res = await h2Get(port);
        return res.status !== undefined ? res : undefined;
      });
      expect(fixed?.status, `expected an HTTP/2 answer after the reload; error.log:\n${readLog(errorLog)}\n${nginx.output()}\nconfig:\n${after}`).toBe(502);
      expect(readLog(errorLog)).toMatch(
        new RegExp(`connect\\(\\) failed \\(111: Connection refused\\) while connecting to upstream, client: 127\\.0\\.0\\.1, server: , request: "POST / HTTP/2\\.0", upstream: "grpc://127\\.0\\.0\\.1:${deadPort}"`),
      );
    } finally {
      await stopChild(nginx);
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
