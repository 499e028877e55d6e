/**
 * Child process of the parse benchmark: reads, decodes and parses one file once, then prints one line of
 * JSON with the peak resident set size. Run as `node --expose-gc dist/bench/parse-child.js FILE`.
 */
import { readFileSync } from 'node:fs';
import { parseSource } from '../src/parser/index.js';
import { decode } from '../src/source/index.js';

const file = process.argv[2];
if (file === undefined) {
  process.stderr.write('usage: node --expose-gc parse-child.js FILE\n');
  process.exit(2);
}

const gc = (globalThis as { gc?: () => void }).gc;
gc?.();
// Node, the parser's modules and nothing else.
const baselineRssKB = Math.round(process.memoryUsage().rss / 1024);

const bytes = readFileSync(file);
const { source } = decode(bytes, file);
const result = parseSource(source);
// After this point the AST is still reachable (used below), so the heap figure is what it retains.
gc?.();
const memory = process.memoryUsage();

process.stdout.write(
  JSON.stringify({
    // process.resourceUsage().maxRSS is in kilobytes.
    maxRssKB: process.resourceUsage().maxRSS,
    baselineRssKB,
    retainedHeapKB: Math.round(memory.heapUsed / 1024),
    externalKB: Math.round(memory.external / 1024),
    errors: result.errors.length,
    topLevelNodes: result.ast.children.length,
    gcExposed: gc !== undefined,
  }) + '\n',
);
