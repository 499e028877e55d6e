/**
 * Which files the pre-commit hooks (and the action, by default) pass to ngxlint: the `files` and `exclude`
 * patterns of .pre-commit-hooks.yaml, checked on typical layouts and on the real-world corpus.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { NGINX_EXCLUDE, NGINX_FILES, fromPythonVerbose, isNginxConfigPath } from '../../action/nginx-files.mjs';
import { ROOT, hookById } from './helpers.js';

const CORPUS = path.resolve(ROOT, '../shared/corpus');

const NGINX: readonly string[] = [
  'nginx.conf',
  'deploy/nginx.conf',
  'nginx-ssl.conf',
  'services/seafile.nginx.conf',
  'image/config/nginx_main_d_default.conf',
  'site.nginx',
  'example.com.vhost',
  'etc/nginx/conf.d/default.conf',
  'etc/nginx/conf.d/include/proxy.conf',
  'etc/nginx/snippets/fastcgi-php.conf',
  'etc/nginx/sites-available/default',
  'etc/nginx/sites-enabled/example.com',
  'etc/nginx/mime.types',
  'docker/nginx/default.conf',
  'docker-nginx/app.conf',
  '.nginx/app.conf',
  'nginx-conf/app.conf',
  'openresty/lua.conf',
  'conf.d/app.conf',
  'deploy/conf.d/app.conf',
  'snippets/ssl.conf',
  'sites-available/shop',
  'fastcgi_params',
  'nginx/uwsgi_params',
  'proxy_params',
];

const NOT_NGINX: readonly string[] = [
  'README.md',
  'docker/nginx/Dockerfile',
  'docker/nginx/htpasswd',
  'nginx.conf.template',
  'templates/nginx.conf.j2',
  'etc/nginx/sites-available/default.bak',
  'etc/nginx/sites-available/default~',
  'etc/nginx/sites-available/.default.swp',
  'etc/nginx/sites-available/README.md',
  'etc/nginx/sites-enabled/default.dpkg-dist',
  'etc/apache2/sites-available/000-default.conf',
  'etc/apache2/sites-enabled/000-default.conf',
  'etc/httpd/conf.d/ssl.conf',
  'docker/supervisor/conf.d/worker.conf',
  'etc/php/8.2/fpm/pool.d/www.conf',
  'etc/php/8.2/fpm/conf.d/10-opcache.conf',
  'etc/postgresql/16/main/conf.d/tuning.conf',
  'etc/fonts/conf.d/10-hinting.conf',
  'app.conf',
  'mime.types',
  'nginx-flask-mysql/redis/redis.conf',
  'etc/systemd/journald.conf.d/size.conf',
];

describe('the hooks\' file patterns', () => {
  it('are the same in .pre-commit-hooks.yaml and in the action', () => {
    for (const id of ['ngxlint', 'ngxlint-fix']) {
      expect(hookById(id).files).toBe(NGINX_FILES);
      expect(hookById(id).exclude).toBe(NGINX_EXCLUDE);
    }
  });

  it('match nginx configurations where they usually live', () => {
    expect(NGINX.filter((p) => !isNginxConfigPath(p))).toEqual([]);
  });

  it('leave out other programs\' files, templates, backups and editor files', () => {
    expect(NOT_NGINX.filter((p) => isNginxConfigPath(p))).toEqual([]);
  });

  it('leave out every non-nginx file of the corpus (PHP-FPM pools, compose files, Apache)', () => {
    const rows = fs.readFileSync(path.join(CORPUS, 'SOURCES.tsv'), 'utf8').trim().split('\n').slice(1).map((l) => l.split('\t'));
    const others = rows.filter((r) => /PHP-FPM|docker-compose|Apache httpd/.test(r[5] ?? '') && !/nginx server-level snippet/.test(r[5] ?? '')).map((r) => r[2] as string);
    expect(others.length).toBeGreaterThan(10);
    expect(others.filter((p) => isNginxConfigPath(p))).toEqual([]);
  });

  // pre-commit applies the patterns with Python's re.search; the JavaScript translation must agree with it.
  const python = spawnSync('python3', ['--version']).status === 0;
  it.skipIf(!python)('mean the same to Python, as pre-commit reads them (skipped without python3)', () => {
    const paths = [...NGINX, ...NOT_NGINX];
    const script = [
      'import json, re, sys',
      'd = json.load(sys.stdin)',
      'f, e = re.compile(d["files"]), re.compile(d["exclude"])',
      'print(json.dumps([bool(f.search(p)) and not e.search(p) for p in d["paths"]]))',
    ].join('\n');
    const r = spawnSync('python3', ['-c', script], { input: JSON.stringify({ files: NGINX_FILES, exclude: NGINX_EXCLUDE, paths }), encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toEqual(paths.map((p) => isNginxConfigPath(p)));
  });

  it('translate Python verbose patterns without their whitespace and comments', () => {
    expect(fromPythonVerbose('(?x)(\n  a  # first\n | b\\.c\n)\n').source).toBe('(a|b\\.c)');
  });
});
