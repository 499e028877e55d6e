// Preloaded (`node -r`) into a CLI run by test/hostile/child.ts: writes the process's peak resident set
// size in kilobytes to $NGXLINT_PEAK_RSS_FILE when it exits, so tests can bound memory without /usr/bin/time.
'use strict';
const file = process.env.NGXLINT_PEAK_RSS_FILE;
if (file) process.on('exit', () => require('node:fs').writeFileSync(file, String(process.resourceUsage().maxRSS)));
