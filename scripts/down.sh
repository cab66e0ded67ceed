#!/usr/bin/env bash
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/stack.sh down
bash scripts/infra.sh down
