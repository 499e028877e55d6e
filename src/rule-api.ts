/**
 * Everything a rule may use. Rules import only this module, so the engine and model can change behind it.
 */
export { defineRule, argLocus } from './engine/rule.js';
export { isTemplateFile } from './engine/context-inference.js';
export type { RuleDefinition, RuleContext, RuleVisitors, DirectiveVisitor, ReportDescriptor, RelatedDescriptor, Locus, MessageData } from './engine/rule.js';
export type { Severity, Category, Applicability, Fix, Edit, OptionsSpec } from './engine/types.js';
export type { Directive, Arg, Comment, Node } from './parser/index.js';
export type { Span } from './source/index.js';
export type { ConfigTree, LoadedFile, IncludeProblem } from './include/index.js';
export type { Scope, DirectiveNode, Effective, Origin, UpstreamBlock, UpstreamServer, PassSite, PassTarget, ContextName, DirectiveSpec, DirectiveVariant, NginxVersion } from './model/index.js';
export {
  parseSize,
  parseOffset,
  parseTime,
  parseFlag,
  parseAddress,
  parseUpstreamUrl,
  passKindOf,
  containsVariables,
  editDistance,
  closestMatches,
  isIPv4Literal,
  isIPv6Literal,
  PASS_DIRECTIVES,
  READ_TIMEOUT_DIRECTIVES,
  UNIX_SOCKET_PATH_MAX,
  getDirective,
  getDirectiveIn,
  variantFor,
  isFreeformContext,
  argCountFits,
  allDirectiveNames,
  expectedServerName,
  maxExpandedNodes,
} from './model/index.js';
export type { Result, PassKind, ParsedAddress, UpstreamUrl } from './model/index.js';
export {
  quoteArg,
  formatDirective,
  insertDirectives,
  replaceArg,
  replaceArgs,
  removeDirective,
  setDirective,
  addToList,
  editArgValue,
  ARRAY_LIKE,
  indentUnit,
} from './fix/edits.js';
export type { Listener, BackendInventory, ComposeService, BackendSource, Sourced, BackendProtocol, BackendKind } from './backends/index.js';
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
  isDefaultSource,
  requestLimit,
  largestRequestLimit,
  idleTimeout,
  PROTOCOL_LABEL,
  formatMs,
  formatHostPort,
  backendLabel,
  describeListener,
  listenerAddress,
  describeCandidates,
  judge,
  failingTargets,
  nginxListens,
  distinctBy,
} from './backends/index.js';
export type { TargetAddress, AddressPolicy, PassAddressOptions, BackendMatch, BackendTarget, UnixSocketTarget, BackendValue, Verdict, Failing, NginxListens, InUse } from './backends/index.js';
export { backendRelated, valueRelated, candidateRelated, siteRelated } from './engine/backend-related.js';
export { probeKey, passProbeTarget, serverProbeTarget } from './probe/index.js';
