export { createNodeHost, createMemoryHost, overlayHost, HostError, openFailedMessage, isStdinPath, MAX_FILE_BYTES } from './host.js';
export type { Host, FileStat, FileKind } from './host.js';
export { globWith, hasGlobMagic, compareBytewise, pathMatches, GlobLimitError, MAX_GLOB_ENTRIES } from './glob.js';
export type { DirEntry } from './glob.js';
export { loadConfig, EntryError } from './resolve.js';
export type { ConfigTree, LoadedFile, IncludeSite, IncludeProblem, IncludeProblemKind, LoadOptions } from './resolve.js';
