export { probe, netConnect, systemLookup, statSocket, nginxConnectLog, hostsFileNames, defaultDeadlineMs, DEFAULT_PROBE_TIMEOUT_MS, DEFAULT_PROBE_CONCURRENCY } from './probe.js';
export type { ProbeOptions, Connector, Lookup, StatFn } from './probe.js';
export { probeKey, formatHostPort, passProbeTarget, serverProbeTarget, probeTargetsOf } from './targets.js';
export { errnoInfo, errnoOf } from './errno.js';
export type { ErrnoInfo } from './errno.js';
export type * from './types.js';
export { readHostState } from './host.js';
export type { HostState, CommandRunner } from './host.js';
