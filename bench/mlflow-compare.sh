#!/usr/bin/env bash
# Custos vs a real MLflow tracking server, same machine, same client, one run.
#
#   bash bench/mlflow-compare.sh [--quick] [--reps 5] [--only log_batch,search_runs] [...]
#
# Builds (once) or reuses the Python environment pinned in bench/requirements.txt, cached outside
# the clone and keyed by that file's content: ~/.cache/custos/bench-venv/<sha256(requirements.txt)>
# (CUSTOS_CACHE_DIR overrides ~/.cache/custos), then runs bench/mlflow_compare.py with every
# argument passed through (`--help` lists them). The stack under test is the one described by
# $CUSTOS_DATA_DIR (default <repo>/.data): stack.env, secrets.env, infra.env.
set -euo pipefail

HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"

log() { printf '[bench] %s\n' "$*" >&2; }
die() { log "$*"; exit 2; }

CACHE="${CUSTOS_CACHE_DIR:-$HOME/.cache/custos}"
REQS="$HERE/requirements.txt"
PYTHON="${CUSTOS_PYTHON:-python3}"

command -v "$PYTHON" >/dev/null || die "$PYTHON not found: install Python >= 3.10 (with the venv module)"
REQ_HASH="$(sha256sum "$REQS" | cut -d' ' -f1)"
VENV="$CACHE/bench-venv/$REQ_HASH"
LOCK="$CACHE/locks/bench-venv-$REQ_HASH.lock"

venv_ok() {
  [[ -f "$VENV/.complete" && -x "$VENV/bin/python" && -x "$VENV/bin/mlflow" ]] &&
    "$VENV/bin/python" -c 'import mlflow, psycopg2' 2>/dev/null
}

build_venv() {
  venv_ok && return 0 # another run finished it while we waited for the lock
  local started=$SECONDS
  log "building the bench environment in $VENV (first run for this requirements.txt; a few minutes)"
  rm -rf -- "$VENV"
  mkdir -p "$(dirname "$VENV")"
  # Built in place (a venv cannot be moved: its scripts hold absolute paths); the .complete marker
  # written last is what makes it reusable, so an interrupted install is never reused.
  "$PYTHON" -m venv "$VENV" || die "could not create a virtual environment with $PYTHON -m venv"
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade pip >&2 ||
    die "could not upgrade pip in $VENV"
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -r "$REQS" >&2 ||
    { rm -rf -- "$VENV"; die "pip install -r $REQS failed"; }
  "$VENV/bin/python" -m pip freeze --disable-pip-version-check >"$VENV/.freeze"
  touch -- "$VENV/.complete"
  log "bench environment ready in $((SECONDS - started))s"
}

if ! venv_ok; then
  mkdir -p "$(dirname "$LOCK")"
  if command -v flock >/dev/null; then
    ( flock 9; build_venv ) 9>"$LOCK"
  else
    build_venv
  fi
  venv_ok || die "the bench environment in $VENV is not usable"
fi

export CUSTOS_DATA_DIR="${CUSTOS_DATA_DIR:-$ROOT/.data}"
# No telemetry calls home, no bytecode written into the clone.
export MLFLOW_DISABLE_TELEMETRY=true DO_NOT_TRACK=true PYTHONDONTWRITEBYTECODE=1
cd "$ROOT"
exec "$VENV/bin/python" "$HERE/mlflow_compare.py" "$@"
