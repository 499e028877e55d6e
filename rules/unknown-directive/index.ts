import { isTemplateFile, allDirectiveNames, closestMatches, defineRule, editDistance, getDirective, getDirectiveIn, type DirectiveNode, type Scope } from '../../src/rule-api.js';

/**
 * Placeholders of the template languages nginx configs are generated with: Go/Jinja/Mustache
 * (`{{ x }}`, `{% if %}`), envsubst and shell (`${VAR}`), ERB (`<%= x %>`), `%%var%%` / `%VAR%`
 * (home-assistant, tempio), autoconf (`@VAR@`), Cloud Foundry buildpacks (`@{VAR}`). nginx never sees
 * these; the rendered file is what loads.
 */
const TEMPLATE = /\{\{|\}\}|\{%|%\}|[$@]\{|<%|%>|%[A-Za-z_][\w.]*%|@[A-Za-z_]\w*@/;

/** Directives of lua-nginx-module, the heart of OpenResty: their presence marks an OpenResty build. */
const LUA_DIRECTIVE = /_by_lua(_block|_file)?$|^lua_/;
/**
 * Directives of the third-party modules OpenResty bundles (lua, headers-more, set-misc, echo, srcache,
 * memc, redis2, rds, array-var, encrypted-session, form-input, iconv, xss, drizzle, postgres). In a
 * configuration that uses Lua they are known; elsewhere stock nginx rejects them.
 */
const OPENRESTY_DIRECTIVE =
  /_by_lua(_block|_file)?$|^lua_|^more_(set|clear)_(input_)?headers$|^set_(unescape_uri|escape_uri|quote_sql_str|quote_pgsql_str|quote_json_str|md5|sha1|base32|decode_base32|encode_base64|decode_base64|encode_base64url|decode_base64url|hex|encode_hex|decode_hex|hmac_sha1|hmac_sha256|random|secure_random_alphanum|secure_random_lcalpha|rotate|local_today|formatted_gmt_time|formatted_local_time|if_empty|misc_base32_padding|base32_alphabet|encrypt_session|decrypt_session|form_input|form_input_multi|iconv|hashed_upstream)$|^(echo|srcache|memc|redis2|rds|array|encrypted_session|form_input|iconv|xss|drizzle|postgres)(_|$)/;

/** A directive name that nginx could never define: a template placeholder or a variable. */
function looksLikeTemplate(name: string): boolean {
  return TEMPLATE.test(name) || name.includes('$') || /^[{}%@<]/.test(name);
}

/** Inside a block whose own directive nginx does not know: its contents are the module's business. */
function insideUnknownBlock(scope: Scope): boolean {
  for (let s: Scope | null = scope; s !== null; s = s.parent) if (s.kind === null) return true;
  return false;
}

/**
 * The best "did you mean" for `name`: the closest known name (edit distance up to 2, 1 for short names),
 * and among equally close ones the first that is allowed where the directive stands.
 */
function suggest(node: DirectiveNode): string | undefined {
  const name = node.name;
  const lower = name.toLowerCase();
  // nginx compares names case-sensitively: `Proxy_Pass` is unknown, `proxy_pass` is what was meant.
  if (lower !== name && getDirective(lower) !== undefined) return lower;
  const max = name.length <= 4 ? 1 : 2;
  const kind = node.scope.kind;
  const ranked = closestMatches(name, allDirectiveNames(), max)
    .filter((m) => getDirective(m) !== undefined)
    .map((m, order) => ({
      m,
      order,
      distance: editDistance(name, m, max),
      fits: kind !== null && getDirectiveIn(m, kind) !== undefined ? 0 : 1,
    }))
    .sort((a, b) => a.distance - b.distance || a.fits - b.fits || a.order - b.order);
  return ranked[0]?.m;
}

export default defineRule({
  name: 'unknown-directive',
  category: 'load',
  severity: 'error',
  description: 'A directive nginx does not know: a typo, or a module that is not loaded; nginx refuses the whole configuration.',
  messages: {
    unknown: 'unknown directive "{{name}}"',
    unknownSuggest: 'unknown directive "{{name}}" (did you mean "{{suggestion}}"?)',
  },
  create(context) {
    const suggestions = new Map<string, string | undefined>();
    let openresty: boolean | undefined;
    /** An OpenResty configuration: some directive of the expanded configuration is a Lua one (a scan, done when first asked). */
    const isOpenresty = (): boolean => (openresty ??= context.model.nodes.some((n) => LUA_DIRECTIVE.test(n.name)));
    return {
      directives: {
        '*'(node) {
          const name = node.name;
          if (node.variant !== undefined || getDirective(name) !== undefined || context.extraDirectives.has(name)) return;
          if (looksLikeTemplate(name) || insideUnknownBlock(node.scope) || isTemplateFile(node.file)) return;
          if (OPENRESTY_DIRECTIVE.test(name) && isOpenresty()) return;
          const key = `${node.scope.kind ?? ''}\u0000${name}`;
          let suggestion = suggestions.get(key);
          if (!suggestions.has(key)) suggestions.set(key, (suggestion = suggest(node)));
          const at = { node, span: node.directive.nameSpan };
          if (suggestion === undefined) context.report({ messageId: 'unknown', data: { name }, at });
          else context.report({ messageId: 'unknownSuggest', data: { name, suggestion }, at });
        },
      },
    };
  },
});
