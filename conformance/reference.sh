#!/usr/bin/env bash
# Runs the conformance suite against a real `mlflow server` instead of Custos, to prove the tests
# expect what MLflow itself does (settle a disagreement about a test here, not by editing it).
#
#   bash conformance/reference.sh <results-dir> [extra pytest args...]
#
# The client is the same cached environment run.sh uses; the server comes from a second cached
# environment (requirements-reference.txt: the full `mlflow` package, same version) and runs with
# a SQLite store and proxied artifacts in a temporary folder, removed afterwards. test_auth.py and
# test_auth_permissions.py are left out: a plain `mlflow server` has no authentication (its
# basic-auth app has no bearer tokens). Not part of scripts/test.sh. Writes
# <results-dir>/conformance-reference.junit.xml.
set -euo pipefail

HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"
RESULTS="${1:?usage: conformance/reference.sh <results-dir> [pytest args...]}"
shift
mkdir -p "$RESULTS"
RESULTS="$(cd "$RESULTS" && pwd)"

# shellcheck source=lib/venv.sh
. "$HERE/lib/venv.sh"
ensure_venv "$(sha256sum "$HERE/requirements.txt" | cut -d' ' -f1)" "$HERE/requirements.txt"
CLIENT_VENV="$VENV"
ensure_venv "$(sha256sum "$HERE/requirements-reference.txt" | cut -d' ' -f1)" "$HERE/requirements-reference.txt"
SERVER_VENV="$VENV"

WORK="$(mktemp -d "${TMPDIR:-/tmp}/custos-mlflow-reference.XXXXXX")"
PORT="${CUSTOS_REFERENCE_PORT:-$("$CLIENT_VENV/bin/python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}"
URL="http://127.0.0.1:$PORT"

# Its own session, so the server and the workers it spawns stop together.
setsid "$SERVER_VENV/bin/mlflow" server --host 127.0.0.1 --port "$PORT" --workers 1 \
  --backend-store-uri "sqlite:///$WORK/mlflow.db" --artifacts-destination "$WORK/artifacts" \
  >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
# shellcheck disable=SC2317 # invoked by the EXIT trap
stop_server() {
  kill -- "-$SERVER_PID" 2>/dev/null || true
  wait "$SERVER_PID" 2>/dev/null || true
  rm -rf -- "$WORK"
}
trap stop_server EXIT

deadline=$((SECONDS + ${CUSTOS_REFERENCE_START_TIMEOUT:-300}))
until curl -fsS -o /dev/null --max-time 5 "$URL/health" 2>/dev/null; do
  kill -0 "$SERVER_PID" 2>/dev/null || { tail -n 30 "$WORK/server.log" >&2; die "mlflow server exited during start"; }
  [[ $SECONDS -lt $deadline ]] || { tail -n 30 "$WORK/server.log" >&2; die "mlflow server not up after start timeout"; }
  sleep 1
done
log "reference mlflow server $(sed -n 's/^mlflow==//p' "$SERVER_VENV/.freeze") on $URL"

export MLFLOW_TRACKING_URI="$URL" MLFLOW_TRACKING_TOKEN=unused CUSTOS_CONFORMANCE_ADMIN_KEY=unused
unset MLFLOW_TRACKING_USERNAME MLFLOW_TRACKING_PASSWORD MLFLOW_TRACKING_AUTH MLFLOW_EXPERIMENT_ID \
  MLFLOW_EXPERIMENT_NAME MLFLOW_RUN_ID MLFLOW_REGISTRY_URI MLFLOW_ACTIVE_MODEL_ID
# shellcheck source=lib/client-env.sh
. "$HERE/lib/client-env.sh"

cd "$ROOT"
set +e
"$CLIENT_VENV/bin/python" -m pytest conformance/tests -q -p no:cacheprovider \
  --ignore=conformance/tests/test_auth.py \
  --ignore=conformance/tests/test_auth_permissions.py \
  --junitxml="$RESULTS/conformance-reference.junit.xml" -o junit_suite_name=conformance-reference "$@"
rc=$?
set -e
exit "$rc"
