#!/usr/bin/env bash
# Compiles every app and lib into dist/ and rewrites path aliases to relative imports, so the
# output runs with plain `node dist/apps/<svc>/src/main.js` (the same in the Dockerfile).
set -euo pipefail
cd "$(dirname "$0")/.."
rm -rf dist
npx tsc -p tsconfig.build.json
npx tsc-alias -p tsconfig.build.json
