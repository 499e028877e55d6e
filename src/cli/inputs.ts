import * as path from 'node:path';
import { isStdinPath, type Host } from '../include/index.js';

/** A path as it goes into a message: quoted and escaped when it holds a line break or another control character. */
function shown(input: string): string {
  return /[\u0000-\u001f\u007f]/.test(input) ? JSON.stringify(input) : input;
}

/**
 * Expands command-line paths: a directory means its nginx.conf, else every *.conf directly in it.
 * `/dev/stdin` (and `/dev/fd/0`) is standard input; any other non-regular file (a FIFO, a socket, a
 * device) is refused here, since reading one can block forever.
 */
export function expandInputs(inputs: readonly string[], cwd: string, host: Host): { files: string[]; errors: string[] } {
  const files: string[] = [];
  const errors: string[] = [];
  for (const input of inputs) {
    const abs = path.resolve(cwd, input);
    if (isStdinPath(abs)) {
      files.push(abs);
      continue;
    }
    const st = host.stat(abs);
    if (st === undefined) errors.push(`${shown(input)}: no such file or directory`);
    else if (st.kind === 'file') files.push(abs);
    else if (st.kind === 'directory') {
      const main = path.join(abs, 'nginx.conf');
      if (host.stat(main)?.kind === 'file') files.push(main);
      else {
        const confs = host.glob(path.join(abs, '*.conf')).filter((p) => host.stat(p)?.kind === 'file');
        if (confs.length === 0) errors.push(`${shown(input)}: is a directory with no nginx.conf and no *.conf files in it`);
        files.push(...confs);
      }
    } else if (st.code !== undefined) errors.push(`${shown(input)}: cannot open (${st.what ?? st.code})`);
    else errors.push(`${shown(input)}: not a regular file (${st.what ?? 'special file'}); pipe a stream in with --stdin --stdin-filename PATH`);
  }
  return { files, errors };
}
