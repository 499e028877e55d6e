export { SourceText, decode, encodeText, detectLineEnding } from './source-text.js';
export type { Encoding, LineEnding, Position, Span, Location, DecodeResult } from './source-text.js';
