/**
 * What each argument of a directive must look like, where that is certain: flags, sizes, times and plain
 * numbers, the values nginx's standard slot handlers parse (`ngx_conf_set_flag_slot`, `_size_slot`,
 * `_off_slot`, `_msec_slot`, `_sec_slot`, `_num_slot`, `_bufs_slot`).
 *
 * Two sources:
 * - {@link VERIFIED}: every directive of Debian's nginx 1.22.1 (its static and dynamic modules) whose syntax
 *   names such a value, with the exact parser and message nginx uses, found by running `nginx -t` on each
 *   argument position with good and bad values;
 * - {@link deriveKinds}: for directives that build does not have (NGINX Plus, newer modules), the kinds are
 *   read from the documented syntax, only when it is unambiguous (one syntax line, plain placeholders such
 *   as `proxy_buffer_size size;`, `keepalive connections;`, `timeout [header_timeout]`), and checked
 *   leniently (a `size` may be any size or offset, a `time` may be in either unit).
 */
import { parseFlag, parseOffset, parseSize, parseTime, type DirectiveVariant } from '../../src/rule-api.js';

/**
 * - `flag`: `on` / `off`, case-insensitive;
 * - `size`: `ngx_parse_size` (`k`, `m`); `offset`: `ngx_parse_offset` (also `g`);
 * - `msec`: `ngx_parse_time(.., 0)` (no `M`, `y`); `sec`: `ngx_parse_time(.., 1)` (no `ms`); `time`: either;
 * - `number`: `ngx_atoi` (digits only); `signed`: an optional `-` or `+` before the digits (`worker_priority`);
 * - `count` / `bufsize`: a number / size that must not be 0 (`ngx_conf_set_bufs_slot`).
 */
export type ArgKind = 'flag' | 'size' | 'offset' | 'msec' | 'sec' | 'time' | 'number' | 'signed' | 'count' | 'bufsize';

/** Which of nginx's wordings a bad value gets. */
export type ValueMessage =
  /** `"x" directive invalid value` (size, off, msec, sec and bufs slots) */
  | 'value'
  /** `"x" directive invalid number` (num slot) */
  | 'number'
  /** `invalid value "v" in "x" directive, it must be "on" or "off"` (flag slot) */
  | 'flag'
  /** `invalid value "v" in "x" directive` (upstream keepalive) */
  | 'valueIn'
  /** `invalid number "v"` (worker_connections) */
  | 'numberQuoted';

export interface ArgCheck {
  readonly kind: ArgKind;
  readonly message: ValueMessage;
}

export function isValid(kind: ArgKind, value: string): boolean {
  switch (kind) {
    case 'flag':
      return parseFlag(value).ok;
    case 'size':
      return parseSize(value).ok;
    case 'offset':
      return parseOffset(value).ok;
    case 'msec':
      return parseTime(value, 'ms').ok;
    case 'sec':
      return parseTime(value, 's').ok;
    case 'time':
      return parseTime(value, 'ms').ok || parseTime(value, 's').ok;
    case 'number':
      return /^[0-9]+$/.test(value);
    case 'signed':
      return /^[-+]?[0-9]+$/.test(value);
    case 'count':
      return /^[0-9]+$/.test(value) && !/^0+$/.test(value);
    case 'bufsize': {
      const size = parseSize(value);
      return size.ok && size.value > 0;
    }
  }
}

/** Placeholders of the documented syntax that always stand for one kind of value. */
const PLACEHOLDER_KIND: Readonly<Record<string, ArgKind>> = {
  size: 'offset',
  length: 'offset',
  rate: 'offset',
  time: 'time',
  timeout: 'time',
  header_timeout: 'time',
  number: 'number',
  connections: 'number',
};

/** The default wording of a kind (the standard slot handlers'). */
export function defaultMessage(kind: ArgKind): ValueMessage {
  return kind === 'flag' ? 'flag' : kind === 'number' || kind === 'signed' ? 'number' : 'value';
}

/**
 * Per-position kinds read from a variant's documented syntax; undefined where nothing is certain. Only a
 * single syntax line counts, and only leading plain placeholders (`number size`), optionally followed by
 * optional plain ones (`timeout [header_timeout]`); the first anything else ends the list.
 */
export function deriveKinds(syntax: readonly string[]): (ArgKind | undefined)[] {
  if (syntax.length !== 1) return [];
  const text = syntax[0] as string;
  if (text === 'on | off') return ['flag'];
  const tokens = text.split(' ');
  // top-level alternatives (`number | auto`): a position may hold a keyword instead
  if (tokens.includes('|')) return [];
  const kinds: (ArgKind | undefined)[] = [];
  let optional = false;
  for (const token of tokens) {
    const opt = /^\[([a-z_]+)\]$/.exec(token);
    const word = opt ? opt[1] : /^[a-z_]+$/.test(token) ? token : undefined;
    if (word === undefined) break;
    // a required argument after an optional one: positions are no longer fixed
    if (opt === null && optional) break;
    if (opt !== null) optional = true;
    kinds.push(Object.hasOwn(PLACEHOLDER_KIND, word) ? PLACEHOLDER_KIND[word] : undefined);
  }
  return kinds;
}

/**
 * The argument checks of every directive of Debian's nginx 1.22.1 (static and dynamic modules) whose
 * documented syntax names a flag, size, time or number, as `nginx -t` showed them: for each position, good
 * and bad values (`8x`, `yes`, `0`, `-1`, `1g`, `1y`, `500ms`, `1.5s`, ...) were tried and the parser and
 * wording that nginx used recorded. Positions are separated by spaces; `-` is not checked; `kind:message`
 * overrides the kind's default wording ({@link defaultMessage}); an empty string means nothing is checked
 * (the obsolete `http2_*` directives accept anything, `limit_conn` and `zone` use their own wording).
 * Keys are the directive name for http and core directives, `name@stream` / `name@mail` for the others.
 */
const VERIFIED: Readonly<Record<string, string>> = {
  absolute_redirect: 'flag',
  accept_mutex: 'flag',
  accept_mutex_delay: 'msec',
  aio_write: 'flag',
  auth_delay: 'msec',
  'auth_http_pass_client_cert@mail': 'flag',
  'auth_http_timeout@mail': 'msec',
  autoindex: 'flag',
  autoindex_exact_size: 'flag',
  autoindex_localtime: 'flag',
  chunked_transfer_encoding: 'flag',
  client_body_buffer_size: 'size',
  client_body_in_single_buffer: 'flag',
  client_body_timeout: 'msec',
  client_header_buffer_size: 'size',
  client_header_timeout: 'msec',
  client_max_body_size: 'offset',
  connection_pool_size: 'size',
  create_full_put_path: 'flag',
  daemon: 'flag',
  directio_alignment: 'offset',
  etag: 'flag',
  fastcgi_buffer_size: 'size',
  fastcgi_buffering: 'flag',
  fastcgi_buffers: 'count bufsize',
  fastcgi_busy_buffers_size: 'size',
  fastcgi_cache_background_update: 'flag',
  fastcgi_cache_lock: 'flag',
  fastcgi_cache_lock_age: 'msec',
  fastcgi_cache_lock_timeout: 'msec',
  fastcgi_cache_max_range_offset: 'offset',
  fastcgi_cache_min_uses: 'number',
  fastcgi_cache_revalidate: 'flag',
  fastcgi_connect_timeout: 'msec',
  fastcgi_force_ranges: 'flag',
  fastcgi_ignore_client_abort: 'flag',
  fastcgi_intercept_errors: 'flag',
  fastcgi_keep_conn: 'flag',
  fastcgi_limit_rate: 'size',
  fastcgi_max_temp_file_size: 'size',
  fastcgi_next_upstream_timeout: 'msec',
  fastcgi_next_upstream_tries: 'number',
  fastcgi_pass_request_body: 'flag',
  fastcgi_pass_request_headers: 'flag',
  fastcgi_read_timeout: 'msec',
  fastcgi_request_buffering: 'flag',
  fastcgi_send_lowat: 'size',
  fastcgi_send_timeout: 'msec',
  fastcgi_socket_keepalive: 'flag',
  fastcgi_temp_file_write_size: 'size',
  geoip_proxy_recursive: 'flag',
  grpc_buffer_size: 'size',
  grpc_connect_timeout: 'msec',
  grpc_intercept_errors: 'flag',
  grpc_next_upstream_timeout: 'msec',
  grpc_next_upstream_tries: 'number',
  grpc_read_timeout: 'msec',
  grpc_send_timeout: 'msec',
  grpc_socket_keepalive: 'flag',
  grpc_ssl_server_name: 'flag',
  grpc_ssl_session_reuse: 'flag',
  grpc_ssl_verify: 'flag',
  grpc_ssl_verify_depth: 'number',
  gunzip: 'flag',
  gunzip_buffers: 'count bufsize',
  gzip: 'flag',
  gzip_buffers: 'count bufsize',
  gzip_min_length: 'size',
  gzip_vary: 'flag',
  http2_body_preread_size: 'size',
  http2_chunk_size: 'size',
  http2_idle_timeout: '',
  http2_max_concurrent_pushes: 'number',
  http2_max_concurrent_streams: 'number',
  http2_max_field_size: '',
  http2_max_header_size: '',
  http2_max_requests: '',
  http2_push_preload: 'flag',
  http2_recv_buffer_size: 'size',
  http2_recv_timeout: '',
  ignore_invalid_headers: 'flag',
  image_filter_buffer: 'size',
  image_filter_interlace: 'flag',
  'imap_client_buffer@mail': 'size',
  keepalive: 'count:valueIn',
  keepalive_requests: 'number',
  keepalive_time: 'msec',
  keepalive_timeout: 'msec sec',
  large_client_header_buffers: 'count bufsize',
  limit_conn: '',
  'limit_conn@stream': '',
  limit_conn_dry_run: 'flag',
  'limit_conn_dry_run@stream': 'flag',
  limit_rate: 'size',
  limit_rate_after: 'size',
  limit_req_dry_run: 'flag',
  lingering_time: 'msec',
  lingering_timeout: 'msec',
  log_not_found: 'flag',
  log_subrequest: 'flag',
  map_hash_bucket_size: 'number',
  'map_hash_bucket_size@stream': 'number',
  map_hash_max_size: 'number',
  'map_hash_max_size@stream': 'number',
  master_process: 'flag',
  'max_errors@mail': 'number',
  max_headers: 'number',
  max_ranges: 'number',
  memcached_buffer_size: 'size',
  memcached_connect_timeout: 'msec',
  memcached_next_upstream_timeout: 'msec',
  memcached_next_upstream_tries: 'number',
  memcached_read_timeout: 'msec',
  memcached_send_timeout: 'msec',
  memcached_socket_keepalive: 'flag',
  merge_slashes: 'flag',
  min_delete_depth: 'number',
  mirror_request_body: 'flag',
  mp4_buffer_size: 'size',
  mp4_max_buffer_size: 'size',
  mp4_start_key_frame: 'flag',
  msie_padding: 'flag',
  msie_refresh: 'flag',
  multi_accept: 'flag',
  open_file_cache_errors: 'flag',
  open_file_cache_min_uses: 'number',
  open_file_cache_valid: 'sec',
  output_buffers: 'count bufsize',
  override_charset: 'flag',
  pcre_jit: 'flag',
  port_in_redirect: 'flag',
  postpone_output: 'size',
  'preread_buffer_size@stream': 'size',
  'preread_timeout@stream': 'msec',
  'proxy_buffer@mail': 'size',
  proxy_buffer_size: 'size',
  'proxy_buffer_size@stream': 'size',
  proxy_buffering: 'flag',
  proxy_buffers: 'count bufsize',
  proxy_busy_buffers_size: 'size',
  proxy_cache_background_update: 'flag',
  proxy_cache_convert_head: 'flag',
  proxy_cache_lock: 'flag',
  proxy_cache_lock_age: 'msec',
  proxy_cache_lock_timeout: 'msec',
  proxy_cache_max_range_offset: 'offset',
  proxy_cache_min_uses: 'number',
  proxy_cache_revalidate: 'flag',
  proxy_connect_timeout: 'msec',
  'proxy_connect_timeout@stream': 'msec',
  'proxy_download_rate@stream': 'size',
  proxy_force_ranges: 'flag',
  'proxy_half_close@stream': 'flag',
  proxy_headers_hash_bucket_size: 'number',
  proxy_headers_hash_max_size: 'number',
  proxy_ignore_client_abort: 'flag',
  proxy_intercept_errors: 'flag',
  proxy_limit_rate: 'size',
  proxy_max_temp_file_size: 'size',
  'proxy_next_upstream@stream': 'flag',
  proxy_next_upstream_timeout: 'msec',
  'proxy_next_upstream_timeout@stream': 'msec',
  proxy_next_upstream_tries: 'number',
  'proxy_next_upstream_tries@stream': 'number',
  'proxy_pass_error_message@mail': 'flag',
  proxy_pass_request_body: 'flag',
  proxy_pass_request_headers: 'flag',
  'proxy_protocol_timeout@stream': 'msec',
  proxy_read_timeout: 'msec',
  proxy_request_buffering: 'flag',
  'proxy_requests@stream': 'number',
  'proxy_responses@stream': 'number',
  proxy_send_lowat: 'size',
  proxy_send_timeout: 'msec',
  'proxy_smtp_auth@mail': 'flag',
  proxy_socket_keepalive: 'flag',
  'proxy_socket_keepalive@stream': 'flag',
  'proxy_ssl@stream': 'flag',
  proxy_ssl_server_name: 'flag',
  'proxy_ssl_server_name@stream': 'flag',
  proxy_ssl_session_reuse: 'flag',
  'proxy_ssl_session_reuse@stream': 'flag',
  proxy_ssl_verify: 'flag',
  'proxy_ssl_verify@stream': 'flag',
  proxy_ssl_verify_depth: 'number',
  'proxy_ssl_verify_depth@stream': 'number',
  proxy_temp_file_write_size: 'size',
  'proxy_timeout@mail': 'msec',
  'proxy_timeout@stream': 'msec',
  'proxy_upload_rate@stream': 'size',
  random_index: 'flag',
  read_ahead: 'size',
  real_ip_recursive: 'flag',
  recursive_error_pages: 'flag',
  referer_hash_bucket_size: 'number',
  referer_hash_max_size: 'number',
  request_pool_size: 'size',
  reset_timedout_connection: 'flag',
  resolver_timeout: 'msec',
  'resolver_timeout@mail': 'msec',
  'resolver_timeout@stream': 'msec',
  rewrite_log: 'flag',
  scgi_buffer_size: 'size',
  scgi_buffering: 'flag',
  scgi_buffers: 'count bufsize',
  scgi_busy_buffers_size: 'size',
  scgi_cache_background_update: 'flag',
  scgi_cache_lock: 'flag',
  scgi_cache_lock_age: 'msec',
  scgi_cache_lock_timeout: 'msec',
  scgi_cache_max_range_offset: 'offset',
  scgi_cache_min_uses: 'number',
  scgi_cache_revalidate: 'flag',
  scgi_connect_timeout: 'msec',
  scgi_force_ranges: 'flag',
  scgi_ignore_client_abort: 'flag',
  scgi_intercept_errors: 'flag',
  scgi_limit_rate: 'size',
  scgi_max_temp_file_size: 'size',
  scgi_next_upstream_timeout: 'msec',
  scgi_next_upstream_tries: 'number',
  scgi_pass_request_body: 'flag',
  scgi_pass_request_headers: 'flag',
  scgi_read_timeout: 'msec',
  scgi_request_buffering: 'flag',
  scgi_send_timeout: 'msec',
  scgi_socket_keepalive: 'flag',
  scgi_temp_file_write_size: 'size',
  send_lowat: 'size',
  send_timeout: 'msec',
  sendfile: 'flag',
  sendfile_max_chunk: 'size',
  server_name_in_redirect: 'flag',
  server_names_hash_bucket_size: 'number',
  server_names_hash_max_size: 'number',
  slice: 'size',
  'smtp_client_buffer@mail': 'size',
  'smtp_greeting_delay@mail': 'msec',
  ssi: 'flag',
  ssi_last_modified: 'flag',
  ssi_min_file_chunk: 'size',
  ssi_silent_errors: 'flag',
  ssi_value_length: 'size',
  ssl: 'flag',
  'ssl@mail': 'flag',
  ssl_buffer_size: 'size',
  ssl_early_data: 'flag',
  'ssl_handshake_timeout@stream': 'msec',
  ssl_prefer_server_ciphers: 'flag',
  'ssl_prefer_server_ciphers@mail': 'flag',
  'ssl_prefer_server_ciphers@stream': 'flag',
  'ssl_preread@stream': 'flag',
  ssl_reject_handshake: 'flag',
  ssl_session_tickets: 'flag',
  'ssl_session_tickets@mail': 'flag',
  'ssl_session_tickets@stream': 'flag',
  ssl_session_timeout: 'sec',
  'ssl_session_timeout@mail': 'sec',
  'ssl_session_timeout@stream': 'sec',
  ssl_stapling: 'flag',
  ssl_stapling_verify: 'flag',
  ssl_verify_depth: 'number',
  'ssl_verify_depth@mail': 'number',
  'ssl_verify_depth@stream': 'number',
  sub_filter_last_modified: 'flag',
  sub_filter_once: 'flag',
  subrequest_output_buffer_size: 'size',
  tcp_nodelay: 'flag',
  'tcp_nodelay@stream': 'flag',
  tcp_nopush: 'flag',
  'timeout@mail': 'msec',
  types_hash_bucket_size: 'number',
  types_hash_max_size: 'number',
  underscores_in_headers: 'flag',
  uninitialized_variable_warn: 'flag',
  userid_service: 'number',
  uwsgi_buffer_size: 'size',
  uwsgi_buffering: 'flag',
  uwsgi_buffers: 'count bufsize',
  uwsgi_busy_buffers_size: 'size',
  uwsgi_cache_background_update: 'flag',
  uwsgi_cache_lock: 'flag',
  uwsgi_cache_lock_age: 'msec',
  uwsgi_cache_lock_timeout: 'msec',
  uwsgi_cache_max_range_offset: 'offset',
  uwsgi_cache_min_uses: 'number',
  uwsgi_cache_revalidate: 'flag',
  uwsgi_connect_timeout: 'msec',
  uwsgi_force_ranges: 'flag',
  uwsgi_ignore_client_abort: 'flag',
  uwsgi_intercept_errors: 'flag',
  uwsgi_limit_rate: 'size',
  uwsgi_max_temp_file_size: 'size',
  uwsgi_modifier1: 'number',
  uwsgi_modifier2: 'number',
  uwsgi_next_upstream_timeout: 'msec',
  uwsgi_next_upstream_tries: 'number',
  uwsgi_pass_request_body: 'flag',
  uwsgi_pass_request_headers: 'flag',
  uwsgi_read_timeout: 'msec',
  uwsgi_request_buffering: 'flag',
  uwsgi_send_timeout: 'msec',
  uwsgi_socket_keepalive: 'flag',
  uwsgi_ssl_server_name: 'flag',
  uwsgi_ssl_session_reuse: 'flag',
  uwsgi_ssl_verify: 'flag',
  uwsgi_ssl_verify_depth: 'number',
  uwsgi_temp_file_write_size: 'size',
  variables_hash_bucket_size: 'number',
  'variables_hash_bucket_size@stream': 'number',
  variables_hash_max_size: 'number',
  'variables_hash_max_size@stream': 'number',
  worker_aio_requests: 'number',
  worker_connections: 'number:numberQuoted',
  worker_priority: 'signed',
  worker_rlimit_core: 'offset',
  worker_rlimit_nofile: 'number',
  worker_shutdown_timeout: 'msec',
  'xclient@mail': 'flag',
  xslt_last_modified: 'flag',
  zone: '',
  'zone@stream': '',
};

const cache = new WeakMap<DirectiveVariant, readonly (ArgCheck | undefined)[]>();

function parseSpec(spec: string): (ArgCheck | undefined)[] {
  if (spec === '') return [];
  return spec.split(' ').map((part) => {
    if (part === '-') return undefined;
    const [kind, message] = part.split(':') as [ArgKind, ValueMessage | undefined];
    return { kind, message: message ?? defaultMessage(kind) };
  });
}

/**
 * The checks for each argument position of directive `name` in `variant`: nginx 1.22.1's behaviour where
 * known, else what the documented syntax implies.
 */
export function argumentChecks(name: string, variant: DirectiveVariant): readonly (ArgCheck | undefined)[] {
  let checks = cache.get(variant);
  if (checks === undefined) {
    const family = variant.family;
    const key = family === 'stream' || family === 'mail' ? `${name}@${family}` : name;
    const verified = Object.hasOwn(VERIFIED, key) ? VERIFIED[key] : undefined;
    checks =
      verified !== undefined
        ? parseSpec(verified)
        : deriveKinds(variant.syntax).map((kind) => (kind === undefined ? undefined : { kind, message: defaultMessage(kind) }));
    cache.set(variant, checks);
  }
  return checks;
}
