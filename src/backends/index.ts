export { loadBackends, detectBackendKind, BackendFileError, EMPTY_INVENTORY } from './discover.js';
export type { BackendFileKind, DiscoverOptions } from './discover.js';
export type * from './types.js';
export {
  MATCH_ANY_HOST,
  MATCH_LOCAL,
  PASS_PROTOCOL,
  normalizeHost,
  normalizeSocketPath,
  isWildcardHost,
  isLoopbackHost,
  isLocalHost,
  hostReaches,
  listenerServes,
  listenersAt,
  serverAddress,
  passAddress,
  matchPass,
  matchUpstream,
  collectTargets,
  unixSocketTargets,
} from './match.js';
export type { TargetAddress, AddressPolicy, PassAddressOptions, BackendMatch, BackendTarget, UnixSocketTarget } from './match.js';
export { isDefaultSource, requestLimit, largestRequestLimit, idleTimeout } from './limits.js';
export type { BackendValue } from './limits.js';
export { PROTOCOL_LABEL, formatMs, formatHostPort, backendLabel, describeListener, listenerAddress, describeCandidates } from './describe.js';
export { judge, failingTargets, nginxListens, distinctBy } from './verdict.js';
export type { Verdict, Failing, NginxListens, InUse } from './verdict.js';
