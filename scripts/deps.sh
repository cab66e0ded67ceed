#!/usr/bin/env bash
# Installs node modules when package-lock.json changed since the last install (npm's cache is
# reused across clones), so both README commands work on a fresh clone.
set -euo pipefail
cd "$(dirname "$0")/.."
stamp="node_modules/.custos-lock-hash"
want="$(sha256sum package-lock.json | cut -d' ' -f1)"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  # `npm install` honours the lock file; this npm's `npm ci` rejects lock files that omit other
  # platforms' optional binaries (even ones it wrote itself).
  echo "[deps] npm install (lock file changed)" >&2
  npm install --no-audit --no-fund --prefer-offline --loglevel=error
  echo "$want" >"$stamp"
fi
# MLflow's web UI for the gateway (scripts/mlflow-ui.sh); without it the API still works and `/`
# says the UI is not installed.
bash scripts/mlflow-ui.sh fetch || echo "[deps] warning: MLflow's web UI could not be fetched; the gateway serves the API only" >&2
