/**
 * End to end, with the real nginx and the real CLI: an upstream of two Node backends that answer 500, with
 * `proxy_next_upstream error timeout http_500` and `max_fails=1 fail_timeout=30s`. The 500s count as failures,
 * both peers are ejected, and nginx answers its own 502 with "no live upstreams while connecting to upstream".
 * ngxlint (upstream-all-unavailable) reports the directive; the documented fix (remove http_500) is applied, nginx
 * reloads, and from then on the backends' own 500 reaches the client and no "no live upstreams" is logged.
 * Everything listens on 127.0.0.1; every process is stopped by its PID.
 */
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { nginxSkipReason } from '../harness/nginx.js';
import { e2eDir, ensureBuilt, freePort, get, indent, nginxMainConf, readLog, runCliProcess, sleep, startHttpServer, startNginx, stopChild, stopHttpServer, waitFor, waitForNginx, type Child, type Response } from './helpers.js';

const LOG_LINE = 'no live upstreams while connecting to upstream';
const BACKEND_BODY = 'backend says 500';
const RULE_SOURCES = ['rules/upstream-all-unavailable/index.ts', 'rules/index.ts'];
const BROKEN = 'proxy_next_upstream error timeout http_500;';
const FIXED = 'proxy_next_upstream error timeout;';

const nginxReason = nginxSkipReason();

function nginxConf(dir: string, port: number, backends: readonly number[]): string {
  return nginxMainConf(dir, {
    http: [
      'upstream app {',
      ...indent(backends.map((p) => `server 127.0.0.1:${p} max_fails=1 fail_timeout=30s;`)),
      '}',
      'server {',
      `    listen 127.0.0.1:${port};`,
      '    location / {',
      `        ${BROKEN}`,
      '        proxy_pass http://app;',
      '    }',
      '}',
    ],
  });
}

const count = (text: string, needle: string): number => text.split(needle).length - 1;

function startBackend(): Promise<{ server: http.Server; port: number }> {
  return startHttpServer((_req, res) => {
    res.statusCode = 500;
    res.setHeader('Content-Type', 'text/plain');
    res.end(`${BACKEND_BODY}\n`);
  });
}

beforeAll(() => {
  if (nginxReason === undefined) ensureBuilt(RULE_SOURCES);
}, 180_000);

describe.skipIf(nginxReason !== undefined)(`e2e: no live upstreams from http_500 in proxy_next_upstream${nginxReason ? ` (skipped: ${nginxReason})` : ''}`, () => {
  it('502 "no live upstreams" while http_500 ejects both peers; the backend\'s own 500 after the fix', async () => {
    const dir = e2eDir();
    const conf = path.join(dir, 'nginx.conf');
    const errorLog = path.join(dir, 'error.log');
    let a: http.Server | undefined;
    let b: http.Server | undefined;
    let nginx: Child | undefined;
    try {
      const first = await startBackend();
      a = first.server;
      const second = await startBackend();
      b = second.server;
      const port = await freePort();
      fs.writeFileSync(conf, nginxConf(dir, port, [first.port, second.port]));
      nginx = startNginx(dir, conf);
      await waitForNginx(nginx, dir, port);

      // The broken behaviour: after the first 500s eject both peers, nginx answers its own 502.
      const broken: Response[] = [];
      for (let i = 0; i < 4; i++) broken.push(await get(port));
      const statuses = broken.map((r) => r.status);
      expect(statuses, `statuses before the fix; error.log:\n${readLog(errorLog)}`).toContain(502);
      const bad = broken.find((r) => r.status === 502);
      expect(bad?.body).not.toContain(BACKEND_BODY);
      expect(readLog(errorLog)).toContain(LOG_LINE);

      // ngxlint names the cause.
      const lint = runCliProcess(['-f', 'compact', conf], dir);
      expect(lint.stdout, lint.stderr).toMatch(/upstream-all-unavailable/);
      expect(lint.stdout).toMatch(/proxy_next_upstream.*http_500/);

      // The documented fix: remove http_500, so 500s no longer count toward max_fails.
      const before = fs.readFileSync(conf, 'utf8');
      const after = before.replace(BROKEN, FIXED);
      expect(after).not.toBe(before);
      fs.writeFileSync(conf, after);
      const relint = runCliProcess(['-f', 'compact', conf], dir);
      expect(relint.stdout).not.toMatch(/upstream-all-unavailable/);

      // Reload. The old workers' ejections end with them: wait until the new workers answer with the backend's 500.
      const logBefore = count(readLog(errorLog), LOG_LINE);
      process.kill(nginx.pid, 'SIGHUP');
      const fixed = await waitFor<Response>(async () => {
        const res = await get(port);
        return res.status === 500 && res.body.includes(BACKEND_BODY) ? res : undefined;
      }, 5000);
      expect(fixed?.status, `expected the backend's 500 after the reload; error.log:\n${readLog(errorLog)}\n${nginx.output()}`).toBe(500);
      await sleep(200);
      const logAfterReload = count(readLog(errorLog), LOG_LINE);
      const later: Response[] = [];
      for (let i = 0; i < 6; i++) later.push(await get(port));
      expect(later.map((r) => r.status)).toEqual([500, 500, 500, 500, 500, 500]);
      for (const r of later) expect(r.body).toContain(BACKEND_BODY);
      expect(count(readLog(errorLog), LOG_LINE), 'no new "no live upstreams" after the fix').toBe(logAfterReload);
      expect(logAfterReload).toBeGreaterThanOrEqual(logBefore);
    } finally {
      await stopChild(nginx);
      await stopHttpServer(a);
      await stopHttpServer(b);
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
