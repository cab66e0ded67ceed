#!/usr/bin/env bash
# The one command that runs every test: lint (module boundaries), typecheck, unit tests, then a
# freshly started real stack (PostgreSQL, Kafka, MinIO and the five services on their own ports
# and data folder) for integration, e2e and the mlflow-client conformance suite, and the
# deployment-file validation. Exits non-zero on any failure; ends with "N passed, N failed".
set -uo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"

# A test stack beside any `npm run up` stack: own data folder, own ports.
export CUSTOS_DATA_DIR="${CUSTOS_TEST_DATA_DIR:-$ROOT/.data/test}"
export CUSTOS_PG_PORT="${CUSTOS_TEST_PG_PORT:-56432}" CUSTOS_KAFKA_PORT="${CUSTOS_TEST_KAFKA_PORT:-60092}"
export CUSTOS_KAFKA_CONTROLLER_PORT="${CUSTOS_TEST_KAFKA_CONTROLLER_PORT:-60093}"
export CUSTOS_MINIO_PORT="${CUSTOS_TEST_MINIO_PORT:-60000}" CUSTOS_MINIO_CONSOLE_PORT="${CUSTOS_TEST_MINIO_CONSOLE_PORT:-60001}"
SP="${CUSTOS_TEST_SERVICE_PORT_BASE:-18080}"
export CUSTOS_GATEWAY_PORT=$SP CUSTOS_TRACKING_PORT=$((SP + 1)) CUSTOS_REGISTRY_PORT=$((SP + 2)) CUSTOS_AUTHZ_PORT=$((SP + 3)) CUSTOS_AUDIT_PORT=$((SP + 4))
export CUSTOS_PG_FSYNC=off NX_DAEMON=false NX_NO_CLOUD=true NX_TUI=false CI=true
# The AI gateway e2e tests call loopback provider fakes: the test stack allows loopback upstreams (off by default).
export AI_UPSTREAM_ALLOW_CIDRS="${AI_UPSTREAM_ALLOW_CIDRS:-127.0.0.0/8,::1}"
RESULTS="$CUSTOS_DATA_DIR/results"

step_names=(); step_status=()
run_step() {
  local name="$1"; shift
  echo; echo "=== $name"
  local started=$SECONDS
  if "$@"; then step_status+=(pass); else step_status+=(fail); fi
  step_names+=("$name")
  echo "=== $name: ${step_status[-1]} ($((SECONDS - started))s)"
}
jest_level() { npx jest -c jest.config.ts --selectProjects "$1" --ci --json --outputFile="$RESULTS/jest-$1.json" "${@:2}"; }

cleanup() {
  bash scripts/stack.sh down >/dev/null 2>&1 || true
  bash scripts/infra.sh down >/dev/null 2>&1 || true
}
trap cleanup EXIT

bash scripts/deps.sh || { echo "dependency install failed"; exit 1; }
# The LDAP integration test binds against a real slapd that it starts itself.
if ! command -v slapd >/dev/null 2>&1 && [ ! -x /usr/sbin/slapd ]; then
  echo "[test] installing slapd for the LDAP tests"
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends slapd ldap-utils) >/dev/null ||
    { echo "could not install slapd"; exit 1; }
fi
# The web UI test drives a real headless browser: Debian's chromium, through playwright-core.
if ! command -v chromium >/dev/null 2>&1 && [ -z "${CHROMIUM_PATH:-}" ]; then
  echo "[test] installing chromium for the web UI test"
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium) >/dev/null ||
    { echo "could not install chromium"; exit 1; }
fi
cleanup
rm -rf "$CUSTOS_DATA_DIR"; mkdir -p "$RESULTS"

# Infrastructure starts in the background while the static checks run.
( bash scripts/infra.sh up >"$RESULTS/infra-up.log" 2>&1; echo $? >"$RESULTS/infra-up.rc" ) &
infra_pid=$!

run_step lint npx nx run-many -t lint --outputStyle=static
run_step format npm run --silent format:check
run_step typecheck npx tsc -p tsconfig.json --noEmit
run_step unit jest_level unit
run_step build bash scripts/build.sh
run_step deploy-validation bash scripts/validate-deploy.sh

wait "$infra_pid"
if [ "$(cat "$RESULTS/infra-up.rc")" != 0 ]; then
  cat "$RESULTS/infra-up.log"; step_names+=(infra); step_status+=(fail)
else
  step_names+=(infra); step_status+=(pass)
  run_step integration jest_level int --runInBand --forceExit --testTimeout=60000
  run_step stack-up bash scripts/stack.sh up
  run_step e2e jest_level e2e --runInBand --forceExit --testTimeout=120000
  if [ -f conformance/run.sh ]; then run_step conformance bash conformance/run.sh "$RESULTS"; fi
  [ "${step_status[-1]}" = fail ] && LINES=80 bash scripts/stack.sh logs
fi

node scripts/test-summary.js "$RESULTS" "${step_names[*]}" "${step_status[*]}"
