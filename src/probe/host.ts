/**
 * Host state that decides whether nginx may connect at all, read only under --probe: SELinux mode and the
 * `httpd_can_network_connect` boolean (RHEL, Rocky, Alma, Fedora). Missing commands mean "unknown".
 */
import { spawnSync } from 'node:child_process';

export interface HostState {
  readonly selinux?: 'enforcing' | 'permissive' | 'disabled';
  /** `getsebool httpd_can_network_connect`: whether httpd_t (nginx) may connect to any port. */
  readonly httpdCanNetworkConnect?: boolean;
}

export type CommandRunner = (command: string, args: readonly string[]) => string | undefined;

const runCommand: CommandRunner = (command, args) => {
  const r = spawnSync(command, [...args], { encoding: 'utf8', timeout: 2000 });
  return r.error !== undefined || r.status !== 0 ? undefined : r.stdout;
};

export function readHostState(run: CommandRunner = runCommand): HostState {
  const mode = run('getenforce', [])?.trim().toLowerCase();
  if (mode !== 'enforcing' && mode !== 'permissive' && mode !== 'disabled') return {};
  const bool = run('getsebool', ['httpd_can_network_connect'])?.trim();
  const on = bool === undefined ? undefined : /-->\s*on$/.test(bool) ? true : /-->\s*off$/.test(bool) ? false : undefined;
  return on === undefined ? { selinux: mode } : { selinux: mode, httpdCanNetworkConnect: on };
}
