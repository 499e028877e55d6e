#!/usr/bin/env node
// A reader that stops early (`ngxlint parse x | head`) is not an error.
process.stdout.on('error', (e) => {
  if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw e;
});
// `--version` answers without loading the CLI, so that it stays fast.
const args = process.argv.slice(2);
if (args.length === 1 && (args[0] === '--version' || args[0] === '-v')) {
  const { readFileSync } = await import('node:fs');
  process.stdout.write(JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version + '\n');
} else {
  const { run } = await import('../dist/src/cli/main.js');
  process.exitCode = await run(args);
}
