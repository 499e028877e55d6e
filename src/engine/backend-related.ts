/** Related locations in backend files, for the rules that cross-check nginx with its backends. */
import { backendLabel, describeListener, listenerAddress } from '../backends/describe.js';
import type { BackendValue } from '../backends/limits.js';
import type { BackendTarget } from '../backends/match.js';
import type { BackendSource, Listener } from '../backends/types.js';
import type { RelatedDescriptor } from './rule.js';

/** A related location in a backend file. */
export function backendRelated(source: BackendSource, message: string): RelatedDescriptor {
  return { at: { backend: source }, message };
}

/**
 * The related location for a backend value: the line that sets it (for a default assumed from a command line,
 * the program), or the listener when the file writes none. `does` says what the value does, e.g. "ends a
 * request after".
 */
export function valueRelated(v: BackendValue, unit: (n: number) => string, does: string): RelatedDescriptor {
  const label = backendLabel(v.listener);
  return v.isDefault
    ? backendRelated(v.source, `${label}: ${v.setting} is not set, so it ${does} ${unit(v.value)} (the default)`)
    : backendRelated(v.source, `${label} ${does} ${unit(v.value)} (${v.setting})`);
}

/** The backend lines that say where each candidate listens. */
export function candidateRelated(list: readonly Listener[]): RelatedDescriptor[] {
  return list.map((l) => ({ at: { backend: l.source }, message: `${describeListener(l)} listens on ${listenerAddress(l)} here` }));
}

/** For an upstream server: the passes that use its block. */
export function siteRelated(target: BackendTarget): RelatedDescriptor[] {
  if (target.upstream === undefined) return [];
  return target.sites.map((s) => ({ at: { node: s.node }, message: `upstream "${target.upstream?.name ?? ''}" is used by ${s.node.name} here` }));
}
