#!/usr/bin/env bash
# The AI gateway bench in one command: builds (first run) or reuses the anchors' cached Python
# environments (MLflow's gateway, the LiteLLM proxy) and vegeta, then runs bench.mjs with them.
# Every option is bench.mjs's (`bash bench/ai-gateway/run.sh --help`); the defaults take ~10 minutes.
#
# The Custos row measures the stack of $CUSTOS_DATA_DIR (default .data): start it with the gateway
# allowed to reach the loopback fake upstream (its upstream allow-list is off by default, so SSRF
# checks refuse 127.0.0.1), see bench/README.md. Without the stack the row prints "unavailable".
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=bench/ai-gateway/venv.sh
. "$here/venv.sh"
# shellcheck source=bench/ai-gateway/vegeta.sh
. "$here/vegeta.sh"

for a in "$@"; do [[ "$a" == --help ]] && exec node "$here/bench.mjs" --help; done
ensure_vegeta
ensure_anchor_venv "$here/requirements-mlflow.txt" mlflow
mlflow_bin="$VENV/bin/mlflow"
ensure_anchor_venv "$here/requirements-litellm.txt" litellm
litellm_bin="$VENV/bin/litellm"
alog "load average before the run: $(cut -d' ' -f1-3 /proc/loadavg)"
exec node "$here/bench.mjs" --vegeta "$VEGETA" --mlflow "$mlflow_bin" --litellm "$litellm_bin" "$@"
