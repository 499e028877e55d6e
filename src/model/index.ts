export { ScopeModel, maxExpandedNodes } from './scope.js';
export type { Scope, DirectiveNode, Effective, Origin } from './scope.js';
export { UpstreamGraph, expectedServerName } from './upstreams.js';
export type { UpstreamBlock, UpstreamServer, PassSite, PassTarget } from './upstreams.js';
export { NginxVersion, targetVersion, detectInstalledVersion, CURRENT_STABLE } from './version.js';
export * from './values.js';
export { getDirective, getDirectiveIn, variantFor, childContext, isFreeformContext, argCountFits, allDirectiveNames } from './directives.js';
export type { ContextName, DirectiveSpec, DirectiveVariant } from './directives.js';
