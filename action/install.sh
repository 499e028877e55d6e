#!/usr/bin/env bash
# The GitHub Action's install step: puts an ngxlint CLI in place and writes its path as the step output "bin".
#   INPUT_VERSION empty: this action's own checkout, installed with `npm ci` (whose "prepare" script builds it),
#                        once per job;
#   INPUT_VERSION set:   that version or dist-tag from the npm registry, installed under RUNNER_TEMP.
set -euo pipefail
action_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

node_major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
if [ "$node_major" -lt 20 ]; then
  echo "::error::ngxlint needs Node.js 20 or newer, found $(node --version 2>/dev/null || echo no node); set the action's node-version input"
  exit 2
fi

if [ -z "${INPUT_VERSION:-}" ]; then
  marker="$action_dir/node_modules/.ngxlint-action-installed"
  if [ ! -f "$marker" ]; then
    (cd "$action_dir" && npm ci --no-audit --no-fund --loglevel=error >&2)
    touch "$marker"
  fi
  bin_rel=$(cd "$action_dir" && node -p 'const b = require("./package.json").bin; typeof b === "string" ? b : b.ngxlint')
  bin="$action_dir/$bin_rel"
else
  prefix="${RUNNER_TEMP:-${TMPDIR:-/tmp}}/ngxlint-npm"
  npm install --global --prefix "$prefix" --no-audit --no-fund --loglevel=error "ngxlint@${INPUT_VERSION}" >&2
  bin="$prefix/bin/ngxlint"
fi

echo "ngxlint $(node "$bin" --version) ($bin)"
echo "bin=$bin" >> "${GITHUB_OUTPUT:-/dev/null}"
