/** Splits a command line the way a POSIX shell splits words: whitespace, '…', "…" and backslash escapes. */
export declare function splitArgs(text: string): string[];
