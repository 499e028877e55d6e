import { defineRule, type IncludeProblem } from '../../src/rule-api.js';

/** The model words a directory like a failed open(); nginx's open() succeeds on it and its read fails. */
const IS_DIRECTORY = /^open\(\) "(.*)" failed \(21: Is a directory\)$/s;

/**
 * Conf directories of installed nginx builds (distribution packages, the default source build, Homebrew,
 * OpenResty). A configuration linted there is the one nginx loads, so every path it names can be checked.
 */
const INSTALLED_PREFIXES: ReadonlySet<string> = new Set([
  '/etc/nginx',
  '/usr/local/nginx/conf',
  '/usr/local/etc/nginx',
  '/opt/homebrew/etc/nginx',
  '/etc/openresty',
  '/usr/local/openresty/nginx/conf',
]);

/** Files nginx (or its distribution package) installs into the conf directory. */
const STOCK_FILES: ReadonlySet<string> = new Set([
  'mime.types',
  'fastcgi_params',
  'fastcgi.conf',
  'scgi_params',
  'uwsgi_params',
  'koi-utf',
  'koi-win',
  'win-utf',
  'proxy_params',
]);

export default defineRule({
  name: 'include-not-found',
  category: 'load',
  severity: 'error',
  description: 'An `include` names a file that does not exist, a directory, a file nginx cannot read, or a binary file.',
  messages: {
    /** Missing (ENOENT), or another open() failure such as EACCES. */
    openFailed: '{{message}}',
    isDirectory: 'pread() "{{path}}" failed (21: Is a directory): "include" takes files; "{{path}}/*.conf" includes the files in the directory',
    binary: '{{message}}',
  },
  create(context) {
    const tree = context.tree;
    const model = context.model;

    /** The include's argument as written, by file and offset. */
    const written = new Map<string, string>();
    const patternOf = (problem: IncludeProblem): string | undefined => {
      if (written.size === 0) {
        for (const node of model.byName('include')) {
          const arg = node.directive.args[0];
          if (arg !== undefined) written.set(`${node.file.path}\u0000${node.directive.span.start}`, arg.value);
        }
      }
      return written.get(`${problem.file}\u0000${problem.span.start}`);
    };

    /**
     * Whether a missing file can be judged from what is linted. A configuration checked out of a repository
     * is deployed elsewhere: its absolute paths outside its own tree, and the stock files nginx installs next
     * to nginx.conf, exist on the target host only. A lone snippet has no known conf directory at all, so its
     * relative paths cannot be resolved the way nginx will.
     */
    const judgeable = (problem: IncludeProblem): boolean => {
      const installed = INSTALLED_PREFIXES.has(tree.prefix);
      const pattern = patternOf(problem) ?? problem.target;
      const relative = !pattern.startsWith('/');
      if (relative && model.root.kind !== 'main') return false;
      if (installed) return true;
      if (!relative && !problem.target.startsWith(`${tree.prefix}/`)) return false;
      const base = problem.target.slice(problem.target.lastIndexOf('/') + 1);
      return !STOCK_FILES.has(base);
    };

    return {
      'tree:exit'() {
        for (const problem of tree.problems) {
          if (problem.kind === 'cycle') continue;
          const file = tree.files.get(problem.file);
          if (file === undefined) continue;
          const at = { file, span: problem.span };
          const directory = problem.kind === 'unreadable' ? IS_DIRECTORY.exec(problem.message) : null;
          if (directory !== null) {
            context.report({ messageId: 'isDirectory', data: { path: directory[1] ?? problem.target }, at });
          } else if (problem.kind === 'binary') {
            context.report({ messageId: 'binary', data: { message: problem.message }, at });
          } else if (problem.kind === 'unreadable' || judgeable(problem)) {
            context.report({ messageId: 'openFailed', data: { message: problem.message }, at });
          }
        }
      },
    };
  },
});
