// Preloaded (`node -r`) into a CLI run by test/hostile/concurrent-change.test.ts: right after the first
// stat() of $NGXLINT_SWAP_TARGET, replaces that file with a FIFO ($NGXLINT_SWAP_KIND=fifo) or a directory,
// as another process could between ngxlint's stat() and its read.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const target = process.env.NGXLINT_SWAP_TARGET;
if (target) {
  const statSync = fs.statSync;
  let swapped = false;
  fs.statSync = function (p, ...rest) {
    const result = statSync.call(this, p, ...rest);
    if (!swapped && path.resolve(String(p)) === target) {
      swapped = true;
      fs.rmSync(target);
      if (process.env.NGXLINT_SWAP_KIND === 'fifo') require('node:child_process').execFileSync('mkfifo', [target]);
      else fs.mkdirSync(target);
    }
    return result;
  };
  require('node:module').syncBuiltinESMExports();
}
