import * as path from 'node:path';
import type { Host } from '../include/index.js';

/** Expands command-line paths: a directory means its nginx.conf, else every *.conf directly in it. */
export function expandInputs(inputs: readonly string[], cwd: string, host: Host): { files: string[]; errors: string[] } {
  const files: string[] = [];
  const errors: string[] = [];
  for (const input of inputs) {
    const abs = path.resolve(cwd, input);
    const st = host.stat(abs);
    if (st === undefined) errors.push(`${input}: no such file or directory`);
    else if (st.kind === 'file') files.push(abs);
    else if (st.kind === 'directory') {
      const main = path.join(abs, 'nginx.conf');
      if (host.stat(main)?.kind === 'file') files.push(main);
      else {
        const confs = host.glob(path.join(abs, '*.conf')).filter((p) => host.stat(p)?.kind === 'file');
        if (confs.length === 0) errors.push(`${input}: directory has no nginx.conf and no *.conf files`);
        files.push(...confs);
      }
    } else errors.push(`${input}: not a regular file`);
  }
  return { files, errors };
}
