# shellcheck shell=bash
# Sourced by bench/ai-gateway/run.sh, not run. Cached Python environments for the two anchors, in the
# manner of conformance/lib/venv.sh (whose completeness check looks for mlflow only):
#
# ensure_anchor_venv <requirements-file> <module>: a virtual environment with the requirements
# installed at $CUSTOS_CACHE_DIR/venv/<sha256 of the file> (CUSTOS_CACHE_DIR defaults to
# ~/.cache/custos); sets VENV. Built once per key under a lock; the .complete marker written last is
# what makes it reusable, so an interrupted install is rebuilt, never reused.

alog() { printf '[ai-gateway bench] %s\n' "$*" >&2; }

_anchor_venv_ok() { # <module>
  [[ -f "$VENV/.complete" && -x "$VENV/bin/python" ]] &&
    "$VENV/bin/python" -c "import importlib.util as u, sys; sys.exit(0 if u.find_spec('$1') else 1)" 2>/dev/null
}

_build_anchor_venv() { # <requirements-file> <module>
  _anchor_venv_ok "$2" && return 0
  local python="${CUSTOS_PYTHON:-python3}" started=$SECONDS
  alog "building $VENV from $(basename "$1") (first run: several minutes)"
  rm -rf -- "$VENV"
  mkdir -p "$(dirname "$VENV")"
  "$python" -m venv "$VENV" || return 1
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade pip >&2 || { rm -rf -- "$VENV"; return 1; }
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -r "$1" >&2 || { rm -rf -- "$VENV"; return 1; }
  "$VENV/bin/python" -m pip freeze --disable-pip-version-check >"$VENV/.freeze"
  touch -- "$VENV/.complete"
  alog "$(basename "$1") environment ready in $((SECONDS - started))s"
}

ensure_anchor_venv() { # <requirements-file> <module>
  local cache="${CUSTOS_CACHE_DIR:-$HOME/.cache/custos}" key
  key="$(sha256sum "$1" | cut -d' ' -f1)"
  VENV="$cache/venv/$key"
  _anchor_venv_ok "$2" && return 0
  local lock="$cache/locks/venv-$key.lock"
  mkdir -p "$(dirname "$lock")"
  if command -v flock >/dev/null; then
    ( flock 9; _build_anchor_venv "$1" "$2" ) 9>"$lock" || return 1
  else
    _build_anchor_venv "$1" "$2" || return 1
  fi
  _anchor_venv_ok "$2"
}
