#!/usr/bin/env bash
# Installs node modules when package-lock.json changed since the last install (npm's cache is
# reused across clones), so both README commands work on a fresh clone.
set -euo pipefail
cd "$(dirname "$0")/.."
stamp="node_modules/.custos-lock-hash"
want="$(sha256sum package-lock.json | cut -d' ' -f1)"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  # `npm ci` installs exactly the lock file and never rewrites it. The lock must record every
  # platform's optional binaries (@swc/core-*, @nx/nx-*, ...): regenerate it without node_modules
  # present (`npm install --package-lock-only`), or npm leaves other platforms out and `npm ci` refuses it.
  echo "[deps] npm ci (lock file changed)" >&2
  npm ci --no-audit --no-fund --prefer-offline --loglevel=error
  echo "$want" >"$stamp"
fi
# MLflow's web UI for the gateway (scripts/mlflow-ui.sh); without it the API still works and `/`
# says the UI is not installed.
bash scripts/mlflow-ui.sh fetch || echo "[deps] warning: MLflow's web UI could not be fetched; the gateway serves the API only" >&2
