# shellcheck shell=bash
# Sourced by conformance/run.sh and conformance/reference.sh, not run.
#
# ensure_venv <key> <requirements-file>: makes sure a virtual environment with the requirements
# installed exists at $CUSTOS_CACHE_DIR/venv/<key> (CUSTOS_CACHE_DIR defaults to ~/.cache/custos)
# and sets VENV to it. Built once per key under a lock; the .complete marker written last is what
# makes it reusable, so an interrupted install is rebuilt, never reused. Python: $CUSTOS_PYTHON
# or python3 (>= 3.10, with the venv module).

log() { printf '[conformance] %s\n' "$*" >&2; }
die() { log "$*"; exit 2; }

# Complete, and its interpreter still runs (a Python upgrade breaks a venv's symlinks). find_spec,
# not `import mlflow`: importing mlflow takes seconds.
venv_ok() {
  [[ -f "$VENV/.complete" && -x "$VENV/bin/python" ]] &&
    "$VENV/bin/python" -c 'import importlib.util as u, sys; sys.exit(0 if u.find_spec("mlflow") else 1)' 2>/dev/null
}

_build_venv() { # <requirements-file>
  venv_ok && return 0 # another run finished it while we waited for the lock
  local reqs="$1" python="${CUSTOS_PYTHON:-python3}" started=$SECONDS
  command -v "$python" >/dev/null || die "$python not found: install Python >= 3.10 with the venv module"
  log "building the client environment in $VENV (first run for these requirements)"
  rm -rf -- "$VENV"
  mkdir -p "$(dirname "$VENV")"
  # Built in place: a venv cannot be moved (its scripts hold absolute paths).
  "$python" -m venv "$VENV" || die "could not create a virtual environment with $python -m venv"
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade pip >&2 ||
    { rm -rf -- "$VENV"; die "could not upgrade pip in $VENV"; }
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -r "$reqs" >&2 ||
    { rm -rf -- "$VENV"; die "pip install -r $reqs failed"; }
  "$VENV/bin/python" -m pip freeze --disable-pip-version-check >"$VENV/.freeze"
  touch -- "$VENV/.complete"
  log "client environment ready in $((SECONDS - started))s"
}

ensure_venv() { # <key> <requirements-file>
  local cache="${CUSTOS_CACHE_DIR:-$HOME/.cache/custos}"
  VENV="$cache/venv/$1"
  venv_ok && return 0
  local lock="$cache/locks/venv-$1.lock"
  mkdir -p "$(dirname "$lock")"
  if command -v flock >/dev/null; then
    ( flock 9; _build_venv "$2" ) 9>"$lock" || exit $?
  else
    _build_venv "$2"
  fi
  venv_ok || die "the client environment in $VENV is not usable"
}
