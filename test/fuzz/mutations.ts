/**
 * Byte-level mutations of configuration files: the damage editors, merges, templating and bad copies do
 * (flipped bytes, truncation, duplicated or deleted ranges, stray punctuation), plus structure nginx
 * configs rarely see (deep nesting, huge tokens, include directives anywhere) and directives with the
 * odd values rules must survive. Offsets are taken modulo the file's length, so any mutation applies to
 * any file and shrinking stays meaningful.
 */
import fc from 'fast-check';

/** Where an insertion goes: `at` modulo the length; `snap` moves it past the next `;`, `{`, `}` or newline. */
interface At {
  readonly at: number;
  readonly snap: boolean;
}

export type Mutation =
  | { readonly kind: 'flip'; readonly at: number; readonly mask: number }
  | { readonly kind: 'truncate'; readonly at: number }
  | { readonly kind: 'duplicate'; readonly from: number; readonly length: number; readonly to: number }
  | { readonly kind: 'delete'; readonly from: number; readonly length: number }
  | ({ readonly kind: 'insert'; readonly text: string } & At)
  | ({ readonly kind: 'bytes'; readonly bytes: readonly number[] } & At)
  | ({ readonly kind: 'nest'; readonly depth: number; readonly close: boolean } & At)
  | ({ readonly kind: 'long'; readonly shape: 'token' | 'args' | 'quoted' | 'comment' | 'line'; /** Characters; statements for `line`. */ readonly length: number } & At)
  | ({ readonly kind: 'include'; readonly target: string } & At)
  | ({ readonly kind: 'directive'; readonly text: string } & At)
  | ({ readonly kind: 'suppress'; readonly text: string } & At)
  /** The `nth` block directive (modulo their number) gets another name: a typo, or a block in the wrong place. */
  | { readonly kind: 'rename'; readonly nth: number; readonly to: string }
  /** The whole file's line endings rewritten: CRLF (Windows editors) or CR. */
  | { readonly kind: 'eol'; readonly to: '\r\n' | '\r' };

/** The characters the lexer treats specially, and a few sequences built from them. */
export const SPECIALS = ['{', '}', '"', "'", ';', '#', '$', '\\', '${', '\r', '\n', '\r\n', '\t', ' ', '}}}}', '{{{{', '"a b"c ', '{{ .Var }}', '[[', 'content_by_lua_block {'];

/** Raw bytes that are not valid UTF-8 on their own, NUL, and BOMs. */
const RAW_BYTES: readonly (readonly number[])[] = [[0xff], [0xc3], [0x00], [0x80], [0xef, 0xbb, 0xbf], [0xff, 0xfe], [0xfe, 0xff], [0xed, 0xa0, 0x80]];

/**
 * Include targets: the files a case provides (relative and absolute), globs, itself (a cycle), missing
 * files, directories, a backend file that is not nginx syntax, and malformed globs.
 */
export const INCLUDE_TARGETS = [
  'conf.d/*.conf',
  '/etc/nginx/conf.d/*.conf',
  'conf.d/app.conf',
  'nginx.conf',
  '/etc/nginx/nginx.conf',
  'snippets/server.conf',
  'snippets/location.conf',
  'snippets/*.conf',
  'missing.conf',
  '/nonexistent/*.conf',
  '/etc/nginx',
  'conf.d',
  '*',
  '**',
  'conf.d/[a-',
  'conf.d/[!a]*.conf',
  'etc/php/8.2/fpm/pool.d/www.conf',
  'docker-compose.yml',
  '"conf.d/app.conf"',
  "'snippets/*.conf'",
  '$var.conf',
  '',
  'a b',
];

/** Directive names the rules look at, with values chosen to stress value parsers and rule logic. */
const DIRECTIVE_NAMES = [
  'proxy_pass', 'fastcgi_pass', 'uwsgi_pass', 'grpc_pass', 'scgi_pass', 'memcached_pass', 'upstream', 'server', 'location',
  'listen', 'resolver', 'proxy_read_timeout', 'proxy_connect_timeout', 'fastcgi_read_timeout', 'keepalive', 'keepalive_timeout',
  'keepalive_requests', 'proxy_buffer_size', 'proxy_buffers', 'proxy_busy_buffers_size', 'fastcgi_buffer_size', 'fastcgi_buffers',
  'proxy_http_version', 'proxy_set_header', 'fastcgi_param', 'fastcgi_keep_conn', 'proxy_next_upstream', 'proxy_next_upstream_tries',
  'proxy_ssl_server_name', 'proxy_ssl_name', 'proxy_ssl_verify', 'proxy_ssl_trusted_certificate', 'worker_connections',
  'worker_rlimit_nofile', 'error_page', 'set_real_ip_from', 'real_ip_header', 'http2', 'max_fails', 'include', 'map', 'if', 'return',
  'rewrite', 'set', 'user', 'events', 'http', 'stream', 'proxy_temp_file_write_size', 'proxy_max_temp_file_size', 'client_header_buffer_size',
  'large_client_header_buffers', 'uwsgi_buffer_size', 'send_timeout', 'server_name', 'root', 'ssl_certificate',
];

const VALUES = [
  '', '0', '-1', '1', '65535', '65536', '99999999999999999999', '1k', '0k', '1m', '1g', '9223372036854775807', '4 8k', '1ms', '0s', '75s',
  '1h30m', '1y', '999999999d', 'on', 'off', 'nan', 'Infinity', '1e9', 'localhost', 'localhost:0', 'localhost:99999', '127.0.0.1:9000',
  '[::1]:8080', '[::1', '::1', '[]:80', 'unix:', 'unix:/run/php/php-fpm.sock', 'unix:/tmp/x.sock:/path', 'unix:/tmp/x.sock', 'http://',
  'http://up', 'https://up', 'https://backend.internal:443/path', 'http://$host', 'http://$upstream:8080', 'http://[::1]:9000/',
  'grpc://127.0.0.1:50051', 'grpcs://up', 'suwsgi://up', 'up', 'up:8080', 'down', 'backup', 'max_conns=0', 'max_fails=0', 'weight=0',
  'fail_timeout=0', 'resolve', 'error', 'timeout', 'invalid_header', 'http_502', 'non_idempotent', 'off', '502', '=200', '/50x.html',
  '@fallback', '~', '~*', '^~', '=', '/', '\\.php$', 'HTTP/1.0', 'Connection', '""', 'close', 'SCRIPT_FILENAME', '$document_root$fastcgi_script_name',
  'X-Forwarded-For', '10.0.0.0/8', '0.0.0.0/0', 'ssl', 'http2', 'proxy_protocol', 'default_server', 'reuseport', 'ipv6only=on',
  'valid=30s', 'ipv6=off', '$var', '${var}', '"a;b"', "'x y'", '{', '}', ';', '\\', 'é', '😀',
];

const directiveText: fc.Arbitrary<string> = fc
  .tuple(fc.constantFrom(...DIRECTIVE_NAMES), fc.array(fc.constantFrom(...VALUES), { maxLength: 4 }), fc.constantFrom(';', ' {', ' { }', '', ';\n'))
  .map(([name, args, end]) => `\n${[name, ...args].join(' ')}${end}\n`);

const RULE_NAMES = ['upstream-timeout-missing', 'no-custom-502-page', 'localhost-dual-stack', 'unknown-directive', 'syntax-error', 'invalid-arguments', 'include-not-found', 'no-such-rule', ''];

/** `# ngxlint-...` suppression comments, well-formed or not, inline or on their own line. */
const suppressText: fc.Arbitrary<string> = fc
  .tuple(
    fc.constantFrom(' ', '\n'),
    fc.constantFrom('disable-next-line', 'disable-line', 'disable', 'enable', 'disable-file', 'disabled', 'DISABLE'),
    fc.array(fc.constantFrom(...RULE_NAMES), { maxLength: 3 }),
    fc.constantFrom('', ' -- reason', ' --', ','),
  )
  .map(([lead, keyword, rules, tail]) => `${lead}#${lead === ' ' ? '' : ' '}ngxlint-${keyword} ${rules.join(', ')}${tail}\n`);

const at = { at: fc.nat(), snap: fc.boolean() };

/** Block names that break the nesting: typos (unknown blocks) and contexts that do not belong there. */
const RENAMES = ['locaton', 'sserver', 'htp', 'http', 'server', 'location /', 'events', 'stream', 'mail', 'upstream u', 'map $a $b', 'types', 'if ($x)', 'limit_except GET', 'geo $g', 'split_clients $s $c'];

/** How big the structural mutations get: `npm test` keeps them small, `npm run fuzz` goes further. */
export interface Limits {
  /** Longest inserted token, argument list or comment, in characters. */
  readonly longMax: number;
  /** Most statements inserted on one line (each can bring a finding, each finding a code frame of that line). */
  readonly lineMax: number;
  /** Deepest inserted nesting of `location / {` (the parser keeps 200 levels). */
  readonly nestMax: number;
}

export const QUICK: Limits = { longMax: 20_000, lineMax: 300, nestMax: 260 };
export const LONG: Limits = { longMax: 200_000, lineMax: 3_000, nestMax: 1_000 };

export function mutationArb(limits: Limits): fc.Arbitrary<Mutation> {
  return fc.oneof(
    { weight: 3, arbitrary: fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), mask: fc.integer({ min: 1, max: 255 }) }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('duplicate' as const), from: fc.nat(), length: fc.integer({ min: 1, max: 600 }), to: fc.nat() }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('delete' as const), from: fc.nat(), length: fc.integer({ min: 1, max: 300 }) }) },
    { weight: 4, arbitrary: fc.record({ kind: fc.constant('insert' as const), text: fc.constantFrom(...SPECIALS), ...at }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('bytes' as const), bytes: fc.constantFrom(...RAW_BYTES), ...at }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('nest' as const), depth: fc.integer({ min: 1, max: limits.nestMax }), close: fc.boolean(), ...at }) },
    {
      weight: 1,
      arbitrary: fc.oneof(
        fc.record({ kind: fc.constant('long' as const), shape: fc.constantFrom('token' as const, 'args' as const, 'quoted' as const, 'comment' as const), length: fc.integer({ min: 1, max: limits.longMax }), ...at }),
        fc.record({ kind: fc.constant('long' as const), shape: fc.constant('line' as const), length: fc.integer({ min: 1, max: limits.lineMax }), ...at }),
      ),
    },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('include' as const), target: fc.constantFrom(...INCLUDE_TARGETS), ...at }) },
    { weight: 4, arbitrary: fc.record({ kind: fc.constant('directive' as const), text: directiveText, ...at }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('suppress' as const), text: suppressText, ...at }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('rename' as const), nth: fc.nat(), to: fc.constantFrom(...RENAMES) }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('eol' as const), to: fc.constantFrom('\r\n' as const, '\r\n' as const, '\r' as const) }) },
  );
}

const encoder = new TextEncoder();

function position(bytes: Uint8Array, m: At): number {
  let pos = bytes.length === 0 ? 0 : m.at % (bytes.length + 1);
  if (m.snap) {
    while (pos < bytes.length) {
      const b = bytes[pos++] as number;
      if (b === 0x3b || b === 0x7b || b === 0x7d || b === 0x0a) break;
    }
  }
  return pos;
}

function splice(bytes: Uint8Array, pos: number, remove: number, insert: Uint8Array): Uint8Array {
  const out = new Uint8Array(bytes.length - remove + insert.length);
  out.set(bytes.subarray(0, pos), 0);
  out.set(insert, pos);
  out.set(bytes.subarray(pos + remove), pos + insert.length);
  return out;
}

function longText(shape: 'token' | 'args' | 'quoted' | 'comment' | 'line', length: number): string {
  switch (shape) {
    case 'token':
      return ` ${'a'.repeat(length)} `;
    case 'args':
      return `\nproxy_set_header${' x'.repeat(Math.floor(length / 2))};\n`;
    case 'quoted':
      return ` "${'q \\" '.repeat(Math.floor(length / 5))}" `;
    case 'comment':
      return `#${'c'.repeat(length)}\n`;
    case 'line':
      return 'a b; '.repeat(length);
  }
}

export function applyMutation(bytes: Uint8Array, m: Mutation): Uint8Array {
  const mod = (n: number): number => (bytes.length === 0 ? 0 : n % (bytes.length + 1));
  switch (m.kind) {
    case 'flip': {
      if (bytes.length === 0) return bytes;
      const out = bytes.slice();
      const i = m.at % bytes.length;
      out[i] = ((out[i] as number) ^ m.mask) & 0xff;
      return out;
    }
    case 'truncate':
      return bytes.slice(0, mod(m.at));
    case 'duplicate': {
      const from = mod(m.from);
      return splice(bytes, mod(m.to), 0, bytes.slice(from, from + m.length));
    }
    case 'delete': {
      const from = mod(m.from);
      return splice(bytes, from, Math.min(m.length, bytes.length - from), new Uint8Array());
    }
    case 'insert':
      return splice(bytes, position(bytes, m), 0, encoder.encode(m.text));
    case 'bytes':
      return splice(bytes, position(bytes, m), 0, Uint8Array.from(m.bytes));
    case 'nest':
      return splice(bytes, position(bytes, m), 0, encoder.encode('\nlocation / {'.repeat(m.depth) + (m.close ? '}'.repeat(m.depth) : '') + '\n'));
    case 'long':
      return splice(bytes, position(bytes, m), 0, encoder.encode(longText(m.shape, m.length)));
    case 'include':
      return splice(bytes, position(bytes, m), 0, encoder.encode(`\ninclude ${m.target};\n`));
    case 'directive':
    case 'suppress':
      return splice(bytes, position(bytes, m), 0, encoder.encode(m.text));
    case 'rename': {
      // latin1 keeps one character per byte, so offsets in the string are offsets in the bytes.
      const text = Buffer.from(bytes).toString('latin1');
      const blocks = [...text.matchAll(/(?<![\w$])(location|server|http|if|limit_except|upstream|events)(?=[ \t\r\n(][^;{}]*\{|\s*\{)/g)];
      const hit = blocks[m.nth % Math.max(1, blocks.length)];
      if (hit === undefined) return bytes;
      const start = hit.index;
      // `location /x {` loses its arguments too when the new name brings its own.
      const end = /\s/.test(m.to) ? text.indexOf('{', start) : start + (hit[1] as string).length;
      return splice(bytes, start, end - start, encoder.encode(/\s/.test(m.to) ? `${m.to} ` : m.to));
    }
    case 'eol': {
      const out: number[] = [];
      const to = m.to === '\r' ? [0x0d] : [0x0d, 0x0a];
      for (let i = 0; i < bytes.length; i++) {
        const b = bytes[i] as number;
        if (b === 0x0d && bytes[i + 1] === 0x0a) continue;
        if (b === 0x0a || b === 0x0d) out.push(...to);
        else out.push(b);
      }
      return Uint8Array.from(out);
    }
  }
}

export function applyMutations(bytes: Uint8Array, mutations: readonly Mutation[]): Uint8Array {
  return mutations.reduce(applyMutation, bytes);
}
