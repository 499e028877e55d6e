/**
 * DNS under --probe: lookups run in a child process that is killed when the probe ends, so that a name
 * server that never answers holds neither the probe nor the exit of ngxlint, and blocked lookups do not hold
 * up the others. The end-to-end case runs the compiled probe in its own network and mount namespaces (root
 * and util-linux `unshare`), where /etc/resolv.conf names a loopback "name server" that takes queries and
 * never answers; no query leaves the namespace.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startSystemResolver } from '../../src/probe/index.js';
import { ROOT, ensureBuilt, waitFor } from '../e2e/helpers.js';

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('startSystemResolver', () => {
  it('resolves through getaddrinfo (localhost from /etc/hosts) and is killed by close(), failing what is left', async () => {
    const resolver = startSystemResolver(4);
    expect(await resolver.ready).toBe(true);
    const pid = resolver.pid as number;
    expect(alive(pid)).toBe(true);
    expect(await resolver.lookup('localhost')).toContain('127.0.0.1');
    resolver.close();
    await expect(resolver.lookup('localhost')).rejects.toMatchObject({ code: 'ECANCELLED' });
    expect(await waitFor(async () => (alive(pid) ? undefined : true))).toBe(true);
  });

});

describe('a name server that never answers, then none at all', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ngxlint-dns-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  const isolated = (): string | undefined => {
    if (process.getuid?.() !== 0) return 'needs root for unshare -mn (a private /etc/resolv.conf and network)';
    const check = spawnSync('unshare', ['-mn', 'sh', '-c', 'ip link set lo up && mount --bind /dev/null /etc/hostname'], { encoding: 'utf8' });
    return check.status === 0 ? undefined : `unshare -mn is not available here: ${(check.error?.message ?? check.stderr).trim()}`;
  };

  it('holds neither the probe nor the process exit, and lookups do not queue behind blocked ones', (ctx) => {
    const skip = isolated();
    if (skip) return ctx.skip(skip);
    ensureBuilt(['src/probe/probe.ts', 'src/probe/resolver.ts']);
    // glibc would wait 30s × 2 attempts for each of the eight names.
    fs.writeFileSync(path.join(dir, 'resolv.conf'), 'nameserver 127.0.0.1\noptions timeout:30 attempts:2\n');
    const socket = path.join(dir, 'app.sock');
    const script = path.join(dir, 'probe.mjs');
    fs.writeFileSync(
      script,
      [
        "import * as dgram from 'node:dgram';",
        "import * as net from 'node:net';",
        `import { probe } from ${JSON.stringify(new URL(`file://${path.join(ROOT, 'dist/src/probe/index.js')}`).href)};`,
        "const dns = dgram.createSocket('udp4');",
        "await new Promise((resolve) => dns.bind(53, '127.0.0.1', resolve));",
        'dns.unref();',
        'const server = net.createServer((c) => c.destroy());',
        `await new Promise((resolve) => server.listen(${JSON.stringify(socket)}, resolve));`,
        'server.unref();',
        'const web = net.createServer((c) => c.destroy());',
        "await new Promise((resolve) => web.listen(8080, '127.0.0.1', resolve));",
        'web.unref();',
        "const names = Array.from({ length: 8 }, (_, i) => ({ kind: 'tcp', host: `never${i}.test`, port: 80 }));",
        // localhost comes from /etc/hosts, but getaddrinfo still needs a free thread to read it.
        `const results = await probe([...names, { kind: 'tcp', host: 'localhost', port: 8080 }, { kind: 'unix', path: ${JSON.stringify(socket)} }], { timeoutMs: 500, hostsFile: '' });`,
        'console.log(JSON.stringify([...results.values()].map((r) => ({ key: r.key, status: r.status, dnsError: r.dnsError, stat: r.stat?.kind, ok: r.addresses.filter((a) => a.outcome === "ok").map((a) => a.address) }))));',
        // Then no name server at all (ICMP port unreachable): getaddrinfo's error comes back through the child.
        'dns.close();',
        "const gone = await probe([{ kind: 'tcp', host: 'gone.test', port: 80 }], { timeoutMs: 5000, hostsFile: '' });",
        "console.log(gone.get('gone.test:80').dnsError);",
        "process.on('beforeExit', () => console.log('nothing left to wait for'));",
        '',
      ].join('\n'),
    );
    const run = spawnSync('unshare', ['-mn', 'sh', '-c', `ip link set lo up && mount --bind ${dir}/resolv.conf /etc/resolv.conf && exec "${process.execPath}" ${script}`], {
      encoding: 'utf8',
      // A safety net far below glibc's 60s per name: if getaddrinfo held the exit, the run would be cut here.
      timeout: 30_000,
      killSignal: 'SIGKILL',
    });
    expect(run.signal, `${run.stdout}${run.stderr}`).toBeNull();
    expect(run.status, run.stderr).toBe(0);
    const [json, gone, last] = run.stdout.trim().split('\n');
    const results = JSON.parse(json as string) as { key: string; status: string; dnsError?: string; stat?: string; ok: string[] }[];
    expect(results.filter((r) => r.key.startsWith('never'))).toEqual(Array.from({ length: 8 }, (_, i) => ({ key: `never${i}.test:80`, status: 'unresolved', dnsError: 'no answer within 500ms', ok: [] })));
    // Resolved while eight getaddrinfo calls were blocked, and connected to.
    const local = results.find((r) => r.key === 'localhost:8080');
    expect(local?.dnsError, JSON.stringify(local)).toBeUndefined();
    expect(local?.ok).toEqual(['127.0.0.1:8080']);
    expect(results.find((r) => r.key === `unix:${socket}`)).toEqual({ key: `unix:${socket}`, status: 'ok', stat: 'socket', ok: [`unix:${socket}`] });
    expect(gone).toBe('temporary failure in name resolution');
    expect(last).toBe('nothing left to wait for');
  }, 60_000);
});
