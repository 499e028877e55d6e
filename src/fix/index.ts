export { fixFiles, applyEdits, MAX_PASSES } from './apply.js';
export type { FixOptions, FixOutcome, DroppedFix } from './apply.js';
export { unifiedDiff } from './diff.js';
export { writeFileAtomic, writeCopy } from './write.js';
export { quoteArg, formatDirective, blockSite, insertDirectives, replaceArg, replaceArgs, removeDirective, setDirective, addToList, ARRAY_LIKE } from './edits.js';
