/**
 * Which files of a repository are nginx configurations: the `files` and `exclude` patterns of the pre-commit
 * hooks (.pre-commit-hooks.yaml explains the choice; a test keeps the two copies identical). The action lints
 * these files when its `files` input is empty. The patterns are Python verbose regular expressions, as
 * pre-commit reads them; `fromPythonVerbose` turns them into JavaScript ones.
 */

export const NGINX_FILES = `(?x)(
    (^|/)[^/]*nginx[^/]*\\.conf$
  | \\.(nginx|nginxconf|vhost)$
  | (^|/)\\.?([^/]*[-_])?(nginx|openresty|tengine)([-_.]?(conf|config|configs|d))?/(.+/)?([^/]+\\.conf|mime\\.types)$
  | (^|/)(conf\\.d|snippets)/(.+/)?[^/]+\\.conf$
  | (^|/)sites-(available|enabled)/[^/]+$
  | (^|/)(fastcgi|proxy|scgi|uwsgi)_params$
)
`;

export const NGINX_EXCLUDE = `(?x)(
    (^|/)(apache|apache2|httpd|lighttpd|php[0-9.]*|php[0-9.]*-fpm|php-fpm\\.d|pool\\.d|supervisor|supervisord|postgres|postgresql|mysql|mariadb|fonts|fontconfig|fail2ban)/(.+/)?(conf\\.d|sites-(available|enabled))/
  | (^|/)sites-(available|enabled)/([^/]*\\.(bak|old|orig|save|swp|disabled|dist|md|txt|dpkg-[a-z]+|rpm[a-z]+)|[^/]*~|\\.[^/]*)$
)
`;

/**
 * A Python `(?x)` pattern as a JavaScript RegExp: whitespace and `#` comments dropped. Enough for patterns
 * that keep spaces and `#` out of character classes and escapes, as the two above do.
 */
export function fromPythonVerbose(pattern) {
  const body = pattern.replace(/^\(\?x\)/, '');
  return new RegExp(body.replace(/#[^\n]*/g, '').replace(/\s+/g, ''));
}

const files = fromPythonVerbose(NGINX_FILES);
const exclude = fromPythonVerbose(NGINX_EXCLUDE);

/** Whether pre-commit would pass this path (relative, with forward slashes) to the hooks. */
export function isNginxConfigPath(relativePath) {
  return files.test(relativePath) && !exclude.test(relativePath);
}
