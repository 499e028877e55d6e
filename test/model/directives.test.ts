import { execFileSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it, vi } from 'vitest';
import {
  CONTEXT_NAMES,
  allDirectiveNames,
  argCountFits,
  childContext,
  directiveTableSource,
  getDirective,
  getDirectiveIn,
  isFreeformContext,
  variantFor,
  type ContextName,
  type DirectiveSpec,
  type DirectiveVariant,
} from '../../src/model/directives.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const jsonPath = fileURLToPath(new URL('../../src/model/directives.generated.json', import.meta.url));

function spec(name: string): DirectiveSpec {
  const s = getDirective(name);
  if (!s) throw new Error(`no directive ${name}`);
  return s;
}

function variant(name: string, context: ContextName): DirectiveVariant {
  const v = getDirectiveIn(name, context);
  if (!v) throw new Error(`${name} is not allowed in ${context}`);
  return v;
}

function bounds(v: { minArgs: number; maxArgs: number | null }): [number, number | null] {
  return [v.minArgs, v.maxArgs];
}

describe('loading', () => {
  it('reads the table on the first lookup, not on import', async () => {
    vi.resetModules();
    const fresh = await import('../../src/model/directives.js');
    expect(fresh.isLoaded()).toBe(false);
    expect(fresh.getDirective('proxy_pass')).toBeDefined();
    expect(fresh.isLoaded()).toBe(true);
  });

  it('keeps the generated JSON small', () => {
    expect(statSync(jsonPath).size).toBeLessThan(300 * 1024);
  });

  it('holds the whole reference', () => {
    const names = allDirectiveNames();
    expect(names.length).toBeGreaterThan(750);
    const variants = names.reduce((n, name) => n + spec(name).variants.length, 0);
    expect(variants).toBeGreaterThan(900);
    expect([...names]).toEqual([...names].sort());
    expect(directiveTableSource()).toMatch(/^@nginx\/reference-lib@\d+\.\d+\.\d+$/);
  });

  it('only uses known contexts and sane bounds', () => {
    for (const name of allDirectiveNames()) {
      for (const v of spec(name).variants) {
        expect(v.contexts.length, name).toBeGreaterThan(0);
        for (const c of v.contexts) expect(CONTEXT_NAMES, name).toContain(c);
        expect(v.minArgs, name).toBeGreaterThanOrEqual(0);
        if (v.maxArgs !== null) expect(v.maxArgs, name).toBeGreaterThanOrEqual(v.minArgs);
      }
    }
  });

  it('does not know third-party directives', () => {
    expect(getDirective('more_set_headers')).toBeUndefined();
    expect(getDirective('content_by_lua_block')).toBeUndefined();
  });

  it('is in sync with @nginx/reference-lib', () => {
    const out = execFileSync(process.execPath, ['scripts/build-directives.mjs', '--check'], {
      cwd: root,
      encoding: 'utf8',
    });
    expect(out).toMatch(/up to date/);
  });
});

describe('contexts', () => {
  it('proxy_pass: http location, if in location, limit_except; stream server', () => {
    const s = spec('proxy_pass');
    expect(s.modules).toEqual(['ngx_http_proxy_module', 'ngx_stream_proxy_module']);
    expect(s.contexts).toEqual(['location', 'if-in-location', 'limit_except', 'stream-server']);
    expect(variantFor(s, 'server')).toBeUndefined();
    expect(variantFor(s, 'if-in-server')).toBeUndefined();
    expect(variant('proxy_pass', 'location').module).toBe('ngx_http_proxy_module');
    expect(variant('proxy_pass', 'stream-server').module).toBe('ngx_stream_proxy_module');
  });

  it('plain "if" means both if-in-server and if-in-location', () => {
    expect(spec('rewrite').contexts).toEqual(['server', 'location', 'if-in-server', 'if-in-location']);
    expect(spec('return').contexts).toContain('if-in-server');
    expect(spec('add_header').contexts).toEqual(['http', 'server', 'location', 'if-in-location']);
  });

  it('keeps upstream and server apart by family', () => {
    expect(variant('keepalive', 'upstream').module).toBe('ngx_http_upstream_module');
    expect(getDirectiveIn('keepalive', 'stream-upstream')).toBeUndefined();
    expect(variant('keepalive_timeout', 'upstream').module).toBe('ngx_http_upstream_module');
    expect(variant('keepalive_timeout', 'server').module).toBe('ngx_http_core_module');
    expect(variant('listen', 'stream-server').module).toBe('ngx_stream_core_module');
    expect(variant('listen', 'mail-server').module).toBe('ngx_mail_core_module');
    expect(variant('hash', 'stream-upstream').module).toBe('ngx_stream_upstream_module');
  });

  it('error_log is allowed in every kind of server', () => {
    const s = spec('error_log');
    for (const c of ['main', 'http', 'server', 'location', 'stream', 'stream-server', 'mail', 'mail-server'] as const) {
      expect(s.contexts).toContain(c);
    }
  });

  it('include is allowed everywhere, free-form bodies too', () => {
    expect([...spec('include').contexts].sort()).toEqual([...CONTEXT_NAMES].sort());
  });

  it('main and events', () => {
    expect(spec('worker_processes').contexts).toEqual(['main']);
    expect(spec('worker_connections').contexts).toEqual(['events']);
    expect(spec('worker_connections').modules).toEqual(['ngx_core_module']);
  });
});

describe('blocks', () => {
  it('upstream is a block in http and stream', () => {
    const http = variant('upstream', 'http');
    expect(http.block).toBe(true);
    expect(bounds(http)).toEqual([1, 1]);
    expect(childContext(http, 'http')).toBe('upstream');
    expect(childContext(variant('upstream', 'stream'), 'stream')).toBe('stream-upstream');
  });

  it('server is a block except inside upstream', () => {
    expect(spec('server').block).toBe('depends');
    const inHttp = variant('server', 'http');
    expect(inHttp.block).toBe(true);
    expect(bounds(inHttp)).toEqual([0, 0]);
    expect(childContext(inHttp, 'http')).toBe('server');
    expect(childContext(variant('server', 'stream'), 'stream')).toBe('stream-server');
    expect(childContext(variant('server', 'mail'), 'mail')).toBe('mail-server');

    const inUpstream = variant('server', 'upstream');
    expect(inUpstream.block).toBe(false);
    expect(bounds(inUpstream)).toEqual([1, null]);
    expect(inUpstream.repeatable).toBe(true);
    expect(variant('server', 'stream-upstream').block).toBe(false);
  });

  it('location is a block with an optional modifier', () => {
    const s = spec('location');
    expect(s.block).toBe('always');
    expect(s.contexts).toEqual(['server', 'location']);
    expect(bounds(s)).toEqual([1, 2]);
    expect(childContext(variant('location', 'server'), 'server')).toBe('location');
  });

  it('if opens if-in-server or if-in-location', () => {
    const v = variant('if', 'server');
    expect(v.opens).toBeNull();
    expect(childContext(v, 'server')).toBe('if-in-server');
    expect(childContext(v, 'location')).toBe('if-in-location');
    expect(bounds(v)).toEqual([1, null]);
  });

  it('map, geo and types bodies are free-form', () => {
    for (const [name, parent] of [['map', 'http'], ['geo', 'stream'], ['types', 'location'], ['split_clients', 'http']] as const) {
      const c = childContext(variant(name, parent), parent);
      expect(c).toBeDefined();
      expect(isFreeformContext(c as ContextName), name).toBe(true);
    }
    expect(isFreeformContext('location')).toBe(false);
  });

  it('simple directives do not open a context', () => {
    expect(childContext(variant('proxy_pass', 'location'), 'location')).toBeUndefined();
    expect(spec('proxy_pass').block).toBe('never');
  });
});

describe('argument counts', () => {
  const cases: [string, ContextName, number, number | null][] = [
    ['proxy_pass', 'location', 1, 1],
    ['proxy_pass', 'stream-server', 1, 1],
    ['proxy_buffers', 'location', 2, 2],
    ['listen', 'server', 1, null],
    ['listen', 'stream-server', 1, null],
    ['add_header', 'location', 2, 3],
    ['proxy_set_header', 'location', 2, 2],
    ['keepalive', 'upstream', 1, 2],
    ['gzip', 'http', 1, 1], // on | off
    ['error_page', 'server', 2, null], // code ... [=[response]] uri
    ['try_files', 'location', 2, null],
    ['return', 'location', 1, 2], // code [text] | code URL | URL
    ['break', 'location', 0, 0],
    ['internal', 'location', 0, 0],
    ['ip_hash', 'upstream', 0, 0],
    ['random', 'upstream', 0, 2], // [two [method]]
    ['ssl_protocols', 'server', 1, null], // [TLSv1] [TLSv1.1] ...: at least one
    ['ssl_session_cache', 'server', 1, 2], // off | none | [builtin[:size]] [shared:name:size]
    ['log_format', 'http', 2, null],
    ['js_import', 'http', 1, 3], // module.js | export_name from module.js
    ['perl_set', 'http', 2, 2], // $variable module::function|'sub { ... }'
    ['limit_except', 'location', 1, null],
    ['error_log', 'main', 1, null],
    ['worker_processes', 'main', 1, 1],
  ];
  it.each(cases)('%s in %s takes %i..%s', (name, context, min, max) => {
    expect(bounds(variant(name, context))).toEqual([min, max]);
  });

  it('merges bounds over variants', () => {
    // upstream `server address [parameters]` and the argument-less `server { }` blocks
    expect(bounds(spec('server'))).toEqual([0, null]);
  });

  it('argCountFits', () => {
    const v = variant('add_header', 'server');
    expect(argCountFits(v, 1)).toBe(false);
    expect(argCountFits(v, 2)).toBe(true);
    expect(argCountFits(v, 3)).toBe(true);
    expect(argCountFits(v, 4)).toBe(false);
    expect(argCountFits(variant('listen', 'server'), 30)).toBe(true);
  });
});

describe('repetition', () => {
  it.each([
    'add_header',
    'proxy_set_header',
    'fastcgi_param',
    'include',
    'allow',
    'deny',
    'location',
    'set',
    'rewrite',
    'error_page',
    'proxy_hide_header',
    'fastcgi_next_upstream',
    'limit_req_zone',
    'proxy_cache_path',
    'ssl_certificate',
    'ssl_certificate_key',
    'sub_filter',
    'map',
    'if',
  ])('%s may repeat', (name) => {
    expect(spec(name).repeatable).toBe('always');
  });

  it('listen repeats in every kind of server', () => {
    for (const c of ['server', 'stream-server', 'mail-server'] as const) expect(variant('listen', c).repeatable).toBe(true);
  });

  it.each(['proxy_pass', 'root', 'alias', 'try_files', 'resolver', 'proxy_buffers', 'keepalive', 'worker_processes', 'expires'])(
    '%s may not repeat',
    (name) => {
      expect(spec(name).repeatable).toBe('never');
    },
  );

  it('singleton blocks', () => {
    for (const name of ['http', 'events', 'stream', 'mail', 'limit_except']) expect(spec(name).repeatable, name).toBe('never');
  });

  it('depends on the family where modules differ', () => {
    // a list in http, a single string in mail
    expect(variant('server_name', 'server').repeatable).toBe(true);
    expect(variant('server_name', 'mail-server').repeatable).toBe(false);
    expect(spec('server_name').repeatable).toBe('depends');
    // a bit mask in http, a flag in stream
    expect(variant('proxy_next_upstream', 'location').repeatable).toBe(true);
    expect(variant('proxy_next_upstream', 'stream-server').repeatable).toBe(false);
  });
});

describe('defaults and syntax', () => {
  it('keeps documented defaults per variant', () => {
    expect(variant('proxy_buffers', 'location').default).toBe('8 4k|8k');
    expect(variant('keepalive_timeout', 'server').default).toBe('75s');
    expect(variant('keepalive_timeout', 'upstream').default).toBe('60s');
    expect(spec('keepalive_timeout').defaults).toEqual(['75s', '60s']);
    expect(variant('proxy_pass', 'location').default).toBeNull();
  });

  it('keeps plain-text syntax lines', () => {
    expect(variant('proxy_buffers', 'location').syntax).toEqual(['number size']);
    expect(variant('add_header', 'location').syntax).toEqual(['name value [always]']);
    expect(variant('break', 'location').syntax).toEqual([]);
  });
});
