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

export const allRules: readonly AnyRule[] = [
  syntaxError,
  includeNotFound,
  includeCycle,
  unknownDirective,
  directiveNotAllowedHere,
  invalidArguments,
  upstreamDefinitionErrors,
  bufferSizeConstraints,
];
