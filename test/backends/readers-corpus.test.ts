/**
 * The php-fpm, Apache, systemd, /etc/group and command-line readers over the real backend files of
 * ../shared/corpus (found through the notes in SOURCES.tsv), and over every other corpus file to show
 * that they never throw on text that is not theirs.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readApache } from '../../src/backends/readers/apache.js';
import { analyzeCommandLine, readCommandLine } from '../../src/backends/readers/command-line.js';
import { readEtcGroup } from '../../src/backends/readers/etc-group.js';
import { readPhpFpm } from '../../src/backends/readers/php-fpm.js';
import { readSystemdUnit } from '../../src/backends/readers/systemd.js';
import { where } from './readers-where.js';

const CORPUS = path.resolve(__dirname, '../../../shared/corpus');

interface Row {
  readonly file: string;
  readonly notes: string;
}

function rows(): Row[] {
  return fs
    .readFileSync(path.join(CORPUS, 'SOURCES.tsv'), 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => line.split('\t'))
    .map((cols) => ({ file: path.join(CORPUS, (cols[0] ?? '').replace('/', '__'), cols[2] ?? ''), notes: cols[5] ?? '' }))
    .filter((r) => fs.existsSync(r.file));
}

const byNote = (note: string): string[] => rows().filter((r) => r.notes.includes(note)).map((r) => r.file).sort();
const read = (file: string): string => fs.readFileSync(file, 'utf8');
const rel = (file: string): string => path.relative(CORPUS, file);

describe('backend readers on the corpus', () => {
  it('reads every PHP-FPM config of the corpus', () => {
    const files = byNote('PHP-FPM config');
    expect(files.map(rel)).toEqual([
      'cloudfoundry__php-buildpack/defaults/config/php/8.3.x/php-fpm.conf',
      'heroku__heroku-buildpack-php/conf/php/php-fpm.conf',
      'heroku__heroku-buildpack-php/test/fixtures/bootopts/conf/fpm.include.conf',
      'webdevops__Dockerfile/provisioning/php/alpine/etc/php/fpm/pool.d/application.conf',
    ]);
    const [cloudfoundry, heroku, herokuInclude, webdevops] = files as [string, string, string, string];

    // Cloud Foundry: `listen = @{PHP_FPM_LISTEN}` is filled in by the buildpack: symbolic; the
    // `@{PHP_FPM_CONF_INCLUDE}` line is not INI and is skipped.
    const cfText = read(cloudfoundry);
    expect(readPhpFpm(cloudfoundry, cfText)).toEqual({
      listeners: [
        {
          kind: 'php-fpm',
          name: 'www',
          protocol: 'fastcgi',
          transport: 'tcp',
          symbolic: true,
          source: where(cloudfoundry, cfText, '@{PHP_FPM_LISTEN}'),
          allowedClients: { value: ['127.0.0.1'], source: { ...where(cloudfoundry, cfText, 'listen.allowed_clients = 127.0.0.1'), column: 26 } },
          maxChildren: { value: 5, source: { ...where(cloudfoundry, cfText, 'pm.max_children = 5'), column: 19 } },
        },
      ],
      includes: [],
    });

    // Heroku: a socket under /tmp named after ${PORT}, mode 0666, max_children from the environment,
    // request_terminate_timeout = 30s; `include=${HEROKU_PHP_FPM_CONFIG_INCLUDE}` cannot be expanded.
    const hText = read(heroku);
    const [h] = readPhpFpm(heroku, hText).listeners ?? [];
    expect(h).toMatchObject({
      name: 'www',
      transport: 'unix',
      path: '/tmp/heroku.fcgi.${PORT}.sock',
      symbolic: true,
      source: where(heroku, hText, '/tmp/heroku.fcgi.${PORT}.sock'),
      mode: { value: 0o666, source: { ...where(heroku, hText, 'listen.mode = 0666'), column: 15 } },
      maxChildren: { symbolic: true, source: where(heroku, hText, '${WEB_CONCURRENCY}') },
      requestTimeout: { value: 30_000, source: { ...where(heroku, hText, 'request_terminate_timeout = 30s'), column: 29 } },
    });
    expect(h?.maxChildren?.value).toBeNaN();
    expect(h?.owner).toBeUndefined();
    expect(readPhpFpm(heroku, hText).includes).toEqual([]);

    // A three-line include fragment without a section or a listen.
    expect(readPhpFpm(herokuInclude, read(herokuInclude))).toEqual({ listeners: [], includes: [] });

    // webdevops: the classic 127.0.0.1:9000 pool.
    const wText = read(webdevops);
    expect(readPhpFpm(webdevops, wText).listeners).toEqual([
      {
        kind: 'php-fpm',
        name: 'www',
        protocol: 'fastcgi',
        transport: 'tcp',
        host: '127.0.0.1',
        port: 9000,
        source: where(webdevops, wText, '127.0.0.1:9000'),
        maxChildren: { value: 5, source: { ...where(webdevops, wText, 'pm.max_children = 5'), column: 19 } },
      },
    ]);
  });

  it('reads the Apache files of the corpus: ports.conf listens on 8080 (and 443 with TLS), the vhost file on nothing', () => {
    const files = byNote('Apache httpd config');
    expect(files.map(rel)).toEqual(['Important-Bash__nginx-as-reverse-proxy-for-apache/000-default.conf', 'Important-Bash__nginx-as-reverse-proxy-for-apache/ports.conf']);
    const [vhost, ports] = files as [string, string];
    expect(readApache(vhost, read(vhost))).toEqual({ listeners: [], includes: [] });
    const text = read(ports);
    expect(readApache(ports, text)).toEqual({
      listeners: [
        { kind: 'apache', name: 'apache', protocol: 'http', transport: 'tcp', port: 8080, source: where(ports, text, '8080') },
        { kind: 'apache', name: 'apache', protocol: 'http', transport: 'tcp', port: 443, tls: true, source: where(ports, text, '443') },
      ],
      includes: [],
    });
    // The nginx side next to it proxies to 127.0.0.1:8080, which this listener serves.
    expect(read(path.join(path.dirname(ports), 'default'))).toContain('proxy_pass http://127.0.0.1:8080;');
  });

  it('reads the single-line `command:` of the corpus compose files', () => {
    const files = byNote('docker-compose file');
    expect(files.length).toBeGreaterThan(5);
    const commands: { file: string; line: number; column: number; command: string }[] = [];
    for (const file of files) {
      read(file)
        .split('\n')
        .forEach((text, i) => {
          const m = /^(\s*command:\s*)(\S.*?)\s*$/.exec(text);
          if (m === null) return;
          let command = m[2] as string;
          let column = (m[1] as string).length + 1;
          if (/^'.*'$|^".*"$/.test(command)) {
            command = command.slice(1, -1);
            column++;
          }
          commands.push({ file, line: i + 1, column, command });
        });
    }
    expect(commands.length).toBeGreaterThan(10);
    const found = commands.map((c) => ({ c, runs: analyzeCommandLine(c.file, c.line, c.column, c.command) }));

    const flask = found.find((f) => f.c.command === 'gunicorn -w 3 -t 60 -b 0.0.0.0:8000 app:app');
    expect(flask).toBeDefined();
    const f = flask?.c as { file: string; line: number; column: number; command: string };
    expect(rel(f.file)).toBe('docker__awesome-compose/nginx-wsgi-flask/compose.yaml');
    const col = (needle: string) => f.column + f.command.indexOf(needle);
    expect(readCommandLine(f.file, f.line, f.column, f.command)).toEqual([
      {
        kind: 'gunicorn',
        name: 'gunicorn',
        protocol: 'http',
        transport: 'tcp',
        host: '0.0.0.0',
        port: 8000,
        source: { file: f.file, line: f.line, column: col('0.0.0.0:8000'), endColumn: col('0.0.0.0:8000') + 12 },
        requestTimeout: { value: 60_000, source: { file: f.file, line: f.line, column: col('60'), endColumn: col('60') + 2 } },
      },
    ]);

    // `/bin/bash -c "envsubst < ... && nginx -g 'daemon off;'"` runs nginx and opens no backend listener.
    const mongo = found.find((x) => x.c.command.includes('envsubst'));
    expect(mongo?.runs.map((r) => r.program)).toEqual(['envsubst', 'nginx']);
    expect(mongo?.runs.flatMap((r) => r.listeners)).toEqual([]);

    // Nothing else in the corpus commands is a backend this reader knows (mysql flags, celery, bench...).
    const others = found.filter((x) => x !== flask).flatMap((x) => x.runs.flatMap((r) => r.listeners));
    expect(others).toEqual([]);
  });

  it('never throws on any corpus file, whatever reader reads it', () => {
    const all = rows().map((r) => r.file);
    expect(all.length).toBeGreaterThan(100);
    for (const file of all) {
      const text = read(file);
      expect(() => {
        readPhpFpm(file, text);
        readApache(file, text);
        readSystemdUnit(file, text);
        readSystemdUnit(file + '.service', text);
        readEtcGroup(file, text);
        for (const line of text.split('\n').slice(0, 400)) readCommandLine(file, 1, 1, line);
      }, rel(file)).not.toThrow();
    }
  });
});
