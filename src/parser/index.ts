export { parse, parseSource, MAX_DEPTH } from './parser.js';
export type { IncludeDirective, ParseOptions, ParseResult } from './parser.js';
export { print } from './print.js';
export { lex } from './lexer.js';
export type { Token, TokenKind, LexError, LexResult } from './lexer.js';
export { walk } from './walk.js';
export type * from './ast.js';
export { isDirective } from './ast.js';
