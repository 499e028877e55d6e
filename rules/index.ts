/**
 * The rule registry. A test checks that every folder under rules/ is listed here and vice versa.
 */
import type { AnyRule } from '../src/engine/rule.js';
import bufferSizeConstraints from './buffer-size-constraints/index.js';
import directiveNotAllowedHere from './directive-not-allowed-here/index.js';
import includeCycle from './include-cycle/index.js';
import includeNotFound from './include-not-found/index.js';
import invalidArguments from './invalid-arguments/index.js';
import syntaxError from './syntax-error/index.js';
import unknownDirective from './unknown-directive/index.js';
import upstreamDefinitionErrors from './upstream-definition-errors/index.js';
import upstreamHeaderBufferTooSmall from './upstream-header-buffer-too-small/index.js';
import upstreamTimeoutMissing from './upstream-timeout-missing/index.js';
import connectTimeoutOver75s from './connect-timeout-over-75s/index.js';
import upstreamReadTimeoutTooShort from './upstream-read-timeout-too-short/index.js';
import upstreamKeepaliveMisconfigured from './upstream-keepalive-misconfigured/index.js';
import workerConnectionsTooLow from './worker-connections-too-low/index.js';
import clientKeepaliveBelowLbIdle from './client-keepalive-below-lb-idle/index.js';

export const allRules: readonly AnyRule[] = [
  syntaxError,
  includeNotFound,
  includeCycle,
  unknownDirective,
  directiveNotAllowedHere,
  invalidArguments,
  upstreamDefinitionErrors,
  bufferSizeConstraints,
  upstreamHeaderBufferTooSmall,
  upstreamTimeoutMissing,
  upstreamReadTimeoutTooShort,
  connectTimeoutOver75s,
  upstreamKeepaliveMisconfigured,
  workerConnectionsTooLow,
  clientKeepaliveBelowLbIdle,
];
