/**
 * The nginx version rules reason about: `--nginx-version`, config `nginxVersion`, else what `nginx -v`
 * on PATH says, else the current stable release.
 */
import { spawnSync } from 'node:child_process';

/** The newest stable nginx branch this ngxlint knows about (stable releases come each April: 1.26, 1.28, 1.30). */
export const CURRENT_STABLE = '1.30.0';

export class NginxVersion {
  readonly major: number;
  readonly minor: number;
  readonly patch: number;
  /** Where the version came from, for messages. */
  readonly source: 'option' | 'config' | 'binary' | 'default';

  private constructor(parts: [number, number, number], source: NginxVersion['source']) {
    [this.major, this.minor, this.patch] = parts;
    this.source = source;
  }

  /** Parses `1.27.3` (or `1.27`); undefined when malformed. */
  static parse(text: string, source: NginxVersion['source'] = 'option'): NginxVersion | undefined {
    const m = /^(\d+)\.(\d+)(?:\.(\d+))?$/.exec(text.trim());
    if (m === null) return undefined;
    return new NginxVersion([Number(m[1]), Number(m[2]), Number(m[3] ?? 0)], source);
  }

  /** True when this version is `other` or newer. */
  atLeast(other: string): boolean {
    // Rules ask with a handful of literal versions, once per directive: parse each once.
    let o = parsedLiterals.get(other);
    if (o === undefined) {
      o = NginxVersion.parse(other);
      if (o === undefined) throw new Error(`invalid version "${other}"`);
      parsedLiterals.set(other, o);
    }
    return compare(this, o) >= 0;
  }

  toString(): string {
    return `${this.major}.${this.minor}.${this.patch}`;
  }
}

const parsedLiterals = new Map<string, NginxVersion>();

function compare(a: NginxVersion, b: NginxVersion): number {
  return a.major - b.major || a.minor - b.minor || a.patch - b.patch;
}

/** The version reported by an nginx binary (`nginx version: nginx/1.22.1` on stderr), if one is on PATH. */
export function detectInstalledVersion(binary = 'nginx'): NginxVersion | undefined {
  const run = spawnSync(binary, ['-v'], { encoding: 'utf8', timeout: 3000, env: { ...process.env, PATH: `${process.env.PATH ?? ''}:/usr/sbin:/usr/local/sbin` } });
  if (run.error !== undefined) return undefined;
  const m = /nginx\/(\d+\.\d+\.\d+)/.exec(`${run.stderr}${run.stdout}`);
  return m ? NginxVersion.parse(m[1] as string, 'binary') : undefined;
}

/**
 * Picks the target version. `detect` is only called when neither an option nor the config gives one.
 * Throws on a malformed explicit version.
 */
export function targetVersion(option: string | undefined, config: string | undefined, detect: () => NginxVersion | undefined = detectInstalledVersion): NginxVersion {
  for (const [text, source] of [
    [option, 'option'],
    [config, 'config'],
  ] as const) {
    if (text === undefined) continue;
    const v = NginxVersion.parse(text, source);
    if (v === undefined) throw new Error(`invalid nginx version "${text}" (expected e.g. 1.26.2)`);
    return v;
  }
  return detect() ?? (NginxVersion.parse(CURRENT_STABLE, 'default') as NginxVersion);
}
