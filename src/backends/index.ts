export { loadBackends, detectBackendKind, BackendFileError, EMPTY_INVENTORY } from './discover.js';
export type { BackendFileKind, DiscoverOptions } from './discover.js';
export type * from './types.js';
