#!/usr/bin/env bash
# The one command that brings Custos up on this machine: infrastructure (PostgreSQL, Kafka,
# MinIO), a build, and the five services (migrations and topics run as each service starts).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
export CUSTOS_DATA_DIR="${CUSTOS_DATA_DIR:-$ROOT/.data}"
bash scripts/deps.sh
bash scripts/infra.sh up
bash scripts/build.sh
bash scripts/stack.sh up
. "$CUSTOS_DATA_DIR/stack.env"
cat <<EOT

Custos is up.
  Gateway:          $CUSTOS_GATEWAY_URL   (the only public port; bound to 127.0.0.1)
  First credential: the bootstrap admin API key, in $CUSTOS_DATA_DIR/secrets.env:
                      grep BOOTSTRAP_ADMIN_API_KEY $CUSTOS_DATA_DIR/secrets.env
  Try it:           export MLFLOW_TRACKING_URI=$CUSTOS_GATEWAY_URL
                    export MLFLOW_TRACKING_TOKEN=\$(grep BOOTSTRAP_ADMIN_API_KEY $CUSTOS_DATA_DIR/secrets.env | cut -d= -f2-)
  Status / logs:    bash scripts/stack.sh status | logs;  bash scripts/infra.sh status | logs
  Stop:             npm run down
EOT
