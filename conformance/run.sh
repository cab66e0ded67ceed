#!/usr/bin/env bash
# MLflow-client conformance suite: drives the running test stack's gateway with the stock
# `mlflow` Python client (pinned in requirements.txt) exactly as a data scientist would.
#
#   bash conformance/run.sh <results-dir> [extra pytest args...]
#
# The Python virtual environment is cached outside the clone, keyed by the content of
# requirements.txt: ~/.cache/custos/venv/<sha256(requirements.txt)> (CUSTOS_CACHE_DIR overrides
# ~/.cache/custos). The first run on a machine builds it; later runs and fresh clones reuse it.
#
# The gateway URL and the admin key come from the running stack's data folder
# (CUSTOS_DATA_DIR, default <repo>/.data/test): stack.env (CUSTOS_GATEWAY_URL) and secrets.env
# (BOOTSTRAP_ADMIN_API_KEY). Writes <results-dir>/conformance.junit.xml; exits with pytest's code.
set -euo pipefail

HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"
RESULTS="${1:?usage: conformance/run.sh <results-dir> [pytest args...]}"
shift
mkdir -p "$RESULTS"
RESULTS="$(cd "$RESULTS" && pwd)"
DATA="${CUSTOS_DATA_DIR:-$ROOT/.data/test}"

# shellcheck source=lib/venv.sh
. "$HERE/lib/venv.sh"
ensure_venv "$(sha256sum "$HERE/requirements.txt" | cut -d' ' -f1)" "$HERE/requirements.txt"

read_var() { # <file> <NAME>: the value of NAME=... in an env file, without sourcing it
  [[ -f "$1" ]] || return 0
  sed -n "s/^$2=//p" "$1" | tail -n 1 | sed -e 's/^"\(.*\)"$/\1/' -e "s/^'\(.*\)'$/\1/"
}
GATEWAY_URL="$(read_var "$DATA/stack.env" CUSTOS_GATEWAY_URL)"
ADMIN_KEY="$(read_var "$DATA/secrets.env" BOOTSTRAP_ADMIN_API_KEY)"
[[ -n "$GATEWAY_URL" ]] || die "no CUSTOS_GATEWAY_URL in $DATA/stack.env: is the stack up (scripts/stack.sh up)?"
[[ -n "$ADMIN_KEY" ]] || die "no BOOTSTRAP_ADMIN_API_KEY in $DATA/secrets.env"
curl -fsS -o /dev/null --max-time 10 "$GATEWAY_URL/health/ready" 2>/dev/null ||
  log "warning: $GATEWAY_URL/health/ready does not answer 2xx; running anyway"

# The client configured as a user would: tracking URI and an API key as bearer token.
export MLFLOW_TRACKING_URI="$GATEWAY_URL"
export MLFLOW_TRACKING_TOKEN="$ADMIN_KEY"
export CUSTOS_CONFORMANCE_ADMIN_KEY="$ADMIN_KEY"
unset MLFLOW_TRACKING_USERNAME MLFLOW_TRACKING_PASSWORD MLFLOW_TRACKING_AUTH MLFLOW_EXPERIMENT_ID \
  MLFLOW_EXPERIMENT_NAME MLFLOW_RUN_ID MLFLOW_REGISTRY_URI MLFLOW_ACTIVE_MODEL_ID

# shellcheck source=lib/client-env.sh
. "$HERE/lib/client-env.sh"

log "mlflow-skinny $(sed -n 's/^mlflow-skinny==//p' "$VENV/.freeze") against $GATEWAY_URL"
cd "$ROOT"
set +e
"$VENV/bin/python" -m pytest conformance/tests -q -p no:cacheprovider \
  --junitxml="$RESULTS/conformance.junit.xml" -o junit_suite_name=conformance "$@"
rc=$?
set -e
exit "$rc"
