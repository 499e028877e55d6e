/** ngxlint's public API. */
export { parse, parseSource, print, walk, lex, isDirective, MAX_DEPTH } from './parser/index.js';
export type { Arg, Comment, Config, Directive, Node, Stray, RawBlock, QuoteKind, SyntaxError, ParseOptions, ParseResult, IncludeDirective } from './parser/index.js';
export { SourceText, decode } from './source/index.js';
export type { Span, Position, Location, Encoding, LineEnding } from './source/index.js';
export { loadConfig, createNodeHost, createMemoryHost, HostError, EntryError } from './include/index.js';
export type { Host, ConfigTree, LoadedFile, IncludeSite, IncludeProblem } from './include/index.js';
export { toCrossplane, crossplaneArg } from './crossplane/payload.js';
export type { Payload, Statement, PayloadOptions } from './crossplane/payload.js';
