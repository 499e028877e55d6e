#!/usr/bin/env node
// Builds src/model/directives.generated.json from the official nginx reference
// data shipped in the npm package `@nginx/reference-lib`.
//
//   npm run build:directives                            (writes the file)
//   node scripts/build-directives.mjs --check           (exit 1 if it is stale)
//
// The generated file is committed, so tests and the linter never need the
// reference library at run time; rerun this script after bumping the package.
//
// Output shape (see src/model/directives.ts for the typed view):
//
//   {
//     "source": "@nginx/reference-lib@<version>",
//     "contexts": [ ...every ContextName... ],
//     "directives": {
//       "<name>": [ <variant>, ... ],   // one variant per module defining <name>
//       ...
//     }
//   }
//
// A variant is an object with these keys (false/empty values are omitted to
// keep the file small):
//
//   m  module name ("Core functionality" is written as "ngx_core_module")
//   f  family: "core" | "http" | "stream" | "mail" | "mgmt"
//   c  contexts the directive may appear in, normalised (see CONTEXT_MAP)
//   a  [minArgs, maxArgs], maxArgs null = unbounded; the "{...}" of a block
//      directive is not an argument
//   b  1 if the directive takes a block
//   o  for blocks: the context its body opens ("if" is resolved by the
//      loader from the parent context, so it has no "o")
//   r  1 if the directive may appear more than once in the same block
//   d  default value as documented (verbatim, whitespace-normalised)
//   s  syntax strings as plain text (HTML stripped), for diagnostics
//
// Contexts: the reference writes the bare name "server" for the http, stream
// and mail server blocks, and "upstream" for http and stream upstreams; the
// family of the defining module (ngx_http_* / ngx_stream_* / ngx_mail_*)
// disambiguates them into server / stream-server / mail-server and
// upstream / stream-upstream.  "if" means both if-in-server and
// if-in-location; "if in location" is if-in-location only.  The empty
// context (only `include`) means "any context".

import { getDirectives } from '@nginx/reference-lib';
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
const outFile = join(root, 'src', 'model', 'directives.generated.json');

// ---------------------------------------------------------------------------
// Contexts

/** Contexts whose bodies hold directives listed in the reference. */
const DIRECTIVE_CONTEXTS = [
  'main', 'events',
  'http', 'server', 'location', 'if-in-server', 'if-in-location', 'limit_except', 'upstream',
  'stream', 'stream-server', 'stream-upstream',
  'mail', 'mail-server',
  'mgmt', 'acme_issuer', 'oidc_provider',
];
/**
 * Contexts opened by blocks whose bodies are free-form tables, not directives
 * (map, geo, types, ...).  The reference lists no directive in them; only
 * `include` (allowed anywhere) may appear there.
 */
const FREEFORM_CONTEXTS = [
  'types', 'map', 'geo', 'num_map', 'split_clients', 'charset_map', 'match', 'otel_exporter',
];
const ALL_CONTEXTS = [...DIRECTIVE_CONTEXTS, ...FREEFORM_CONTEXTS];

/** Raw reference context -> normalised context(s), per module family. */
const CONTEXT_MAP = {
  main: { any: ['main'] },
  events: { any: ['events'] },
  http: { any: ['http'] },
  stream: { any: ['stream'] },
  mail: { any: ['mail'] },
  mgmt: { any: ['mgmt'] },
  acme_issuer: { any: ['acme_issuer'] },
  oidc_provider: { any: ['oidc_provider'] },
  location: { any: ['location'] },
  limit_except: { any: ['limit_except'] },
  'if in location': { any: ['if-in-location'] },
  'if in server': { any: ['if-in-server'] },
  if: { any: ['if-in-server', 'if-in-location'] },
  server: {
    http: ['server'],
    stream: ['stream-server'],
    mail: ['mail-server'],
    // error_log (core) lists "server" next to http, stream and mail
    core: ['server', 'stream-server', 'mail-server'],
  },
  upstream: { http: ['upstream'], stream: ['stream-upstream'] },
  '': { any: ALL_CONTEXTS },
};

function familyOf(module) {
  if (module === 'Core functionality' || module === 'ngx_google_perftools_module') return 'core';
  if (module === 'ngx_otel_module') return 'http';
  if (module === 'ngx_mgmt_module') return 'mgmt';
  const m = /^ngx_(http|stream|mail)_/.exec(module);
  if (m) return m[1];
  throw new Error(`cannot tell the family of module ${JSON.stringify(module)}`);
}

function normaliseContexts(raw, family, name) {
  const out = new Set();
  for (const c of raw) {
    const entry = CONTEXT_MAP[c];
    const mapped = entry && (entry[family] ?? entry.any);
    if (!mapped) throw new Error(`unknown context ${JSON.stringify(c)} of ${name} (${family})`);
    for (const x of mapped) out.add(x);
  }
  return ALL_CONTEXTS.filter((c) => out.has(c));
}

/** Context opened by a block directive's body, by name and family. */
function opensContext(name, family) {
  switch (name) {
    case 'http': case 'events': case 'stream': case 'mail': case 'mgmt':
    case 'location': case 'limit_except': case 'acme_issuer': case 'oidc_provider':
      return name;
    case 'server':
      return family === 'stream' ? 'stream-server' : family === 'mail' ? 'mail-server' : 'server';
    case 'upstream':
      return family === 'stream' ? 'stream-upstream' : 'upstream';
    case 'if':
      return undefined; // if-in-server or if-in-location, depending on the parent
    default:
      if (FREEFORM_CONTEXTS.includes(name)) return name;
      throw new Error(`block directive ${name} (${family}) opens an unknown context`);
  }
}

// ---------------------------------------------------------------------------
// Syntax strings -> argument counts
//
// The reference writes syntax as HTML: <code>literal</code>,
// <em><code>placeholder</code></em>, "[...]" optional parts, " | "
// alternatives, "&hellip;" repetition and <code>{...}</code> for a block.
// Whitespace separates arguments; brackets and "|" glued to a word
// ("address[:port]", "ipv6only=on|off") stay inside one argument.

const ENTITIES = { '&hellip;': '…', '&lsquo;': '‘', '&rsquo;': '’', '&lt;': '<', '&gt;': '>', '&amp;': '&', '&quot;': '"', '&nbsp;': ' ' };

export function syntaxToText(html) {
  return html
    .replace(/<[^>]*>/g, '')
    .replace(/&\w+;/g, (e) => {
      if (!(e in ENTITIES)) throw new Error(`unknown entity ${e}`);
      return ENTITIES[e];
    })
    .replace(/\s+/g, ' ')
    .trim();
}

const INF = Infinity;

/** Placeholders that stand for several arguments although written once. */
const PLURAL_PLACEHOLDERS = new Set(['parameters']);

/**
 * Argument bounds of one plain-text syntax string: { min, max } with
 * max = Infinity when unbounded.  Throws on a string it cannot parse.
 */
export function syntaxArity(text) {
  // a quoted Perl sub ('sub { … }') is one argument
  let s = text.replace(/‘[^’]*’/g, 'QUOTED');
  // the block marker is not an argument
  s = s.replace(/\{\.\.\.\}/g, ' ').trim();
  let i = 0;
  const isWs = (ch) => ch === ' ';

  // Seq: array of items { kind: 'word'|'opt'|'ell', ws: boolean, text?, alt? }
  function parseAlt(closing) {
    const seqs = [parseSeq(closing)];
    while (i < s.length && s[i] === '|') {
      i++;
      seqs.push(parseSeq(closing));
    }
    return seqs;
  }
  function parseSeq(closing) {
    const items = [];
    let ws = true;
    for (;;) {
      if (i >= s.length) {
        if (closing) throw new Error(`unclosed "[" in ${JSON.stringify(text)}`);
        return items;
      }
      const ch = s[i];
      if (isWs(ch)) { ws = true; i++; continue; }
      if (ch === ']') {
        if (!closing) throw new Error(`unbalanced "]" in ${JSON.stringify(text)}`);
        return items;
      }
      if (ch === '|') {
        const gluedBefore = i > 0 && !isWs(s[i - 1]) && s[i - 1] !== '[';
        const gluedAfter = i + 1 < s.length && !isWs(s[i + 1]) && s[i + 1] !== ']';
        if (gluedBefore && gluedAfter) {
          // "on|off" inside one argument
          items.push({ kind: 'word', ws, text: '|' });
          ws = false; i++; continue;
        }
        return items; // an alternative separator
      }
      if (ch === '[') {
        i++;
        const alt = parseAlt(true);
        if (s[i] !== ']') throw new Error(`unclosed "[" in ${JSON.stringify(text)}`);
        i++;
        items.push({ kind: 'opt', ws, alt });
        ws = false; continue;
      }
      if (ch === '…') {
        items.push({ kind: 'ell', ws });
        ws = false; i++;
        // "..." in the middle of a word is not expected
        continue;
      }
      let j = i;
      while (j < s.length && !' []|…'.includes(s[j])) j++;
      items.push({ kind: 'word', ws, text: s.slice(i, j) });
      ws = false; i = j;
    }
  }

  function altArity(seqs) {
    let min = INF, max = 0;
    for (const seq of seqs) {
      const a = seqArity(seq);
      min = Math.min(min, a.min);
      max = Math.max(max, a.max);
    }
    return { min, max };
  }
  function seqArity(items) {
    // group glued items into clusters (one argument each, roughly)
    const clusters = [];
    for (const it of items) {
      if (it.kind === 'ell') {
        const last = clusters[clusters.length - 1];
        if (!last) throw new Error(`"…" with nothing to repeat in ${JSON.stringify(text)}`);
        last.repeat = true;
        continue;
      }
      if (it.ws || clusters.length === 0 || clusters[clusters.length - 1].repeat) {
        clusters.push({ items: [it], repeat: false });
      } else {
        clusters[clusters.length - 1].items.push(it);
      }
    }
    let min = 0, max = 0;
    for (const cl of clusters) {
      let cmin, cmax;
      const words = cl.items.filter((x) => x.kind === 'word');
      const opts = cl.items.filter((x) => x.kind === 'opt').map((x) => altArity(x.alt));
      if (words.length > 0) {
        const plural = words.length === 1 && cl.items.length === 1 && PLURAL_PLACEHOLDERS.has(words[0].text);
        cmin = 1;
        cmax = plural ? INF : 1 + opts.reduce((n, o) => n + Math.max(0, o.max - 1), 0);
      } else {
        // only optional parts, glued together: at most one argument unless an
        // optional part itself spans several
        cmin = 0;
        cmax = Math.max(1, ...opts.map((o) => o.max));
        if (opts.length === 1) cmax = opts[0].max;
      }
      if (cl.repeat) cmax = INF;
      min += cmin;
      max += cmax;
    }
    return { min, max };
  }

  const alt = parseAlt(false);
  if (i !== s.length) throw new Error(`trailing text at ${i} in ${JSON.stringify(text)}`);
  let min = INF, max = 0;
  for (const seq of alt) {
    const a = seqArity(seq);
    // The docs write "one or more of these" as a row of optional parts
    // ("[TLSv1] [TLSv1.1] [TLSv1.2]") and bracket one alternative of several
    // ("off | [shared:name:size]"); nginx requires an argument in both.  A
    // single optional part standing alone ("[parameters]") is optional.
    if (a.min === 0 && seq.length > 0 && (alt.length > 1 || seq.filter((x) => x.ws).length > 1)) a.min = 1;
    min = Math.min(min, a.min);
    max = Math.max(max, a.max);
  }
  return { min, max };
}

/**
 * nginx counts arguments with fixed masks: exactly 0..7 (NOARGS, TAKE1..7),
 * 1-2, 1-3, 2-3, 1-4, 0-2 or open-ended (1MORE, 2MORE, ANY).  A documented
 * range it cannot express (e.g. "listen" with its 17 optional parameters) is
 * open-ended in nginx's eyes, so is written as unbounded here.
 */
export function toNginxMask(min, max) {
  if (max === INF) return { min, max };
  if (min === max) return max > 7 ? { min, max: INF } : { min, max };
  if (max > 4) return { min, max: INF };
  return { min, max };
}

// ---------------------------------------------------------------------------
// Overrides
//
// Keys are a directive name, or "name@family" for one family only.  They
// were settled by running `nginx -t` (Debian's nginx 1.22 with the stream,
// mail, geoip, image_filter, perl and xslt modules) over generated configs:
// argument counts against nginx's own "invalid number of arguments" check,
// repetition against "is duplicate" and against what a second occurrence
// does.  Directives that nginx build does not know (NGINX Plus, njs, newer
// modules) rely on the documented syntax and the heuristics alone.

/** Argument bounds where the documented syntax disagrees with nginx. */
const ARITY_OVERRIDES = {
  // "(condition)" is several tokens: if ($a = b) -> "($a", "=", "b)"
  if: [1, null],
  // documented "file [level] [json]", but nginx takes any number (1MORE)
  error_log: [1, null],
  // documented without arguments; nginx still accepts the old "stub_status on"
  stub_status: [0, 1],
  // documented "users:permissions …", nginx takes at most three (TAKE123)
  dav_access: [1, 3],
  fastcgi_store_access: [1, 3],
  proxy_store_access: [1, 3],
  scgi_store_access: [1, 3],
  uwsgi_store_access: [1, 3],
  // documented with "…", nginx caps the count
  proxy_cookie_flags: [1, 4],
  keepalive_disable: [1, 2],
  userid_flags: [1, 3],
  // an undocumented second argument ("utf8") is accepted
  geoip_country: [1, 2],
  geoip_city: [1, 2],
  geoip_org: [1, 2],
  // NGINX Plus only; the optional-parts rule below would require one argument
  usage_report: [0, 2],
};

/**
 * Names that may repeat in one block although the heuristic does not see it
 * (values accumulate or each occurrence defines another named object).
 */
const REPEATABLE = new Set([
  'include', 'listen', 'server', 'server_name', 'error_page', 'access_log', 'error_log', 'log_format',
  'env', 'load_module', 'rewrite', 'set_real_ip_from', 'index', 'ssl_certificate_key',
  'allow', 'deny', 'debug_connection', 'geoip_proxy', 'thread_pool', 'valid_referers',
  'ssl_session_ticket_key', 'perl_modules', 'fastcgi_catch_stderr', 'auth_http_header',
  'modern_browser', 'ancient_browser', 'image_filter', 'keepalive_disable', 'dav_methods',
  'userid_flags', 'gzip_proxied', 'gzip_disable', 'imap_auth', 'pop3_auth', 'smtp_auth',
]);
/**
 * Name patterns of list-valued directives whose occurrences accumulate:
 * header lists, MIME type lists, cache conditions, bit masks of keywords.
 */
const REPEATABLE_PATTERNS = [
  /_(hide|pass)_header$/, /_ignore_headers$/, /_(no_cache|cache_bypass)$/, /(?<!open_file)_cache_valid$/,
  /_cache_(methods|use_stale)$/, /_next_upstream$/, /(^|_)types$/, /(^|_)ssl_protocols$/,
  /_capabilities$/,
];
/** Never repeatable, whatever the heuristics say. */
const NOT_REPEATABLE = new Set([
  'server_name@mail', // a plain string in mail, a list in http and stream
  'resolver', 'try_files',
  'acme_shared_zone', // sizes the module's single zone
]);
/** Blocks that may appear only once per parent. */
const SINGLETON_BLOCKS = new Set(['http', 'events', 'stream', 'mail', 'mgmt', 'limit_except', 'otel_exporter']);

function escapeRe(s) {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Heuristic: may `d` (of `family`) appear more than once in the same block? */
function isRepeatable(d, family, syntaxTexts) {
  const name = d.name;
  if (NOT_REPEATABLE.has(name) || NOT_REPEATABLE.has(`${name}@${family}`)) return false;
  if (REPEATABLE.has(name) || REPEATABLE.has(`${name}@${family}`)) return true;
  if (d.isBlock) return !SINGLETON_BLOCKS.has(name);
  // (but not where the same name is a plain flag, as stream's
  // "proxy_next_upstream on | off")
  if (REPEATABLE_PATTERNS.some((re) => re.test(name)) && !syntaxTexts.every((t) => t === 'on | off')) return true;
  const desc = d.description ?? '';
  const n = escapeRe(name);
  // "Several `add_header` directives can be specified", "There could be
  // several ... directives", "if and only if there are no proxy_set_header
  // directives defined on the current level" (array-valued directives)
  const code = `(?:<code>)?${n}(?:</code>)?`;
  if (new RegExp(`\\b(?:several|multiple)\\s+(?:<a [^>]*>)?${code}(?:</a>)?\\s+directives`, 'i').test(desc)) return true;
  if (new RegExp(`if and only if there are no\\s+(?:<a [^>]*>)?${code}(?:</a>)?\\s+directives`, 'i').test(desc)) return true;
  if (/this directive can be specified multiple times/i.test(desc)) return true;
  const topLevel = d.contexts.every((c) => ['main', 'http', 'stream', 'mail'].includes(c));
  for (const t of syntaxTexts) {
    // declares a variable ("set $variable value", "js_set $variable ...")
    if (/^\$variable\b/.test(t)) return true;
    // declares a named shared zone / cache at the top of http or stream
    // ("limit_req_zone key zone=name:size", "proxy_cache_path path keys_zone=...")
    if (topLevel && /(?:^|\s)(?:keys_)?zone=name:size\b/.test(t) && !/\[(?:keys_)?zone=name:size/.test(t)) return true;
  }
  return false;
}

// ---------------------------------------------------------------------------

function normaliseDefault(s) {
  return (s ?? '').replace(/\s+/g, ' ').trim();
}

function moduleName(m) {
  return m === 'Core functionality' ? 'ngx_core_module' : m;
}

function build() {
  const raw = getDirectives(); // HTML format: descriptions keep <code> markup
  const problems = [];
  /** @type {Map<string, object[]>} */
  const table = new Map();
  for (const d of raw) {
    const family = familyOf(d.module);
    const contexts = normaliseContexts(d.contexts, family, d.name);
    const texts = d.syntax.map(syntaxToText);
    let min = INF, max = 0;
    for (const t of texts) {
      let a;
      try {
        a = syntaxArity(t);
      } catch (e) {
        problems.push(`${d.name} (${d.module}): ${e.message}`);
        a = { min: 0, max: INF };
      }
      min = Math.min(min, a.min);
      max = Math.max(max, a.max);
    }
    if (texts.length === 0) { min = 0; max = 0; }
    ({ min, max } = toNginxMask(min, max));
    const ov = ARITY_OVERRIDES[`${d.name}@${family}`] ?? ARITY_OVERRIDES[d.name];
    if (ov) { min = ov[0]; max = ov[1] ?? INF; }
    if (d.isBlock !== texts.some((t) => t.includes('{...}'))) {
      problems.push(`${d.name} (${d.module}): isBlock=${d.isBlock} disagrees with its syntax`);
    }
    const v = { m: moduleName(d.module), f: family, c: contexts, a: [min, max === INF ? null : max] };
    if (d.isBlock) {
      v.b = 1;
      const o = opensContext(d.name, family);
      if (o) v.o = o;
    }
    if (isRepeatable(d, family, texts)) v.r = 1;
    const def = normaliseDefault(d.default);
    if (def) v.d = def;
    const syn = texts.filter((t) => t !== '');
    if (syn.length) v.s = syn;
    const list = table.get(d.name) ?? [];
    list.push(v);
    table.set(d.name, list);
  }

  // Overlapping contexts between variants of one name would make the
  // per-context lookup ambiguous; report them.
  for (const [name, vs] of table) {
    const seen = new Map();
    for (const v of vs) {
      for (const c of v.c) {
        const prev = seen.get(c);
        if (prev && JSON.stringify({ ...prev, m: 0, c: 0 }) !== JSON.stringify({ ...v, m: 0, c: 0 })) {
          problems.push(`${name}: ${prev.m} and ${v.m} both allow context ${c} with different data`);
        }
        seen.set(c, v);
      }
    }
  }

  const names = [...table.keys()].sort();
  const require = createRequire(import.meta.url);
  let version = 'unknown';
  try {
    const pkgPath = require.resolve('@nginx/reference-lib/package.json');
    version = JSON.parse(readFileSync(pkgPath, 'utf8')).version;
  } catch {
    // the package's exports may hide package.json; fall back to a path walk
    const p = join(root, 'node_modules', '@nginx', 'reference-lib', 'package.json');
    version = JSON.parse(readFileSync(p, 'utf8')).version;
  }

  // One directive per line keeps diffs readable after an update.
  const lines = names.map((n) => `    ${JSON.stringify(n)}: ${JSON.stringify(table.get(n))}`);
  const json =
    '{\n' +
    `  "source": ${JSON.stringify(`@nginx/reference-lib@${version}`)},\n` +
    `  "contexts": ${JSON.stringify(DIRECTIVE_CONTEXTS)},\n` +
    `  "freeformContexts": ${JSON.stringify(FREEFORM_CONTEXTS)},\n` +
    '  "directives": {\n' +
    lines.join(',\n') +
    '\n  }\n}\n';
  JSON.parse(json); // sanity
  const variants = [...table.values()].reduce((n, vs) => n + vs.length, 0);
  return { json, names: names.length, variants, problems };
}

function main() {
  const check = process.argv.includes('--check');
  const { json, names, variants, problems } = build();
  const size = Buffer.byteLength(json);
  const where = relative(process.cwd(), outFile);
  if (problems.length) {
    console.log(`${problems.length} note(s):`);
    for (const p of problems) console.log(`  - ${p}`);
  }
  if (check) {
    let current = '';
    try {
      current = readFileSync(outFile, 'utf8');
    } catch {
      // missing: reported below
    }
    if (current !== json) {
      console.error(`${where} is out of date with @nginx/reference-lib: run npm run build:directives`);
      process.exit(1);
    }
    console.log(`${where} is up to date (${names} directives, ${variants} variants, ${size} bytes)`);
    return;
  }
  writeFileSync(outFile, json);
  console.log(
    `wrote ${where}: ${names} directives, ${variants} variants, ` +
      `${size} bytes (${(size / 1024).toFixed(1)} KiB)`,
  );
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main();
}
