#!/usr/bin/env bash
# MLflow's own web UI (the React build the `mlflow` wheel ships in mlflow/server/js/build,
# Apache-2.0), for the gateway to serve at `/`. Never copied into the repository: fetched once per
# pinned version into the cache and extracted there.
#   bash scripts/mlflow-ui.sh fetch   downloads and extracts it unless the cache has it (idempotent)
#   bash scripts/mlflow-ui.sh path    prints the build folder (whether or not it exists yet)
# The pinned version is the conformance client's (conformance/requirements.txt): the UI and the
# client Custos is tested against are one MLflow release. Cache: $CUSTOS_CACHE_DIR or
# ~/.cache/custos, under mlflow-ui/<version>/build; a .complete marker written last.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
CACHE="${CUSTOS_CACHE_DIR:-$HOME/.cache/custos}"
VERSION="$(sed -n 's/^mlflow-skinny==//p' "$ROOT/conformance/requirements.txt")"
[ -n "$VERSION" ] || { echo "[mlflow-ui] no mlflow-skinny pin in conformance/requirements.txt" >&2; exit 2; }
DIR="$CACHE/mlflow-ui/$VERSION"

log() { printf '[mlflow-ui] %s\n' "$*" >&2; }

# A pip to download with: the system's, else one in a small venv of its own (Debian's python3 has
# the venv module but no pip).
pip_cmd() {
  if python3 -m pip --version >/dev/null 2>&1; then echo "python3 -m pip"; return; fi
  local venv="$CACHE/mlflow-ui/pip-venv"
  [ -x "$venv/bin/pip" ] || python3 -m venv "$venv" >&2 || return 1
  echo "$venv/bin/python -m pip"
}

fetch() {
  [ -f "$DIR/.complete" ] && return 0
  local tmp pip
  mkdir -p "$CACHE/mlflow-ui"
  tmp="$(mktemp -d "$CACHE/mlflow-ui/.fetch-XXXXXX")"
  trap 'rm -rf -- "$tmp"' RETURN
  pip="$(pip_cmd)" || { log "no pip available (install python3-venv or python3-pip)"; return 1; }
  log "downloading the mlflow $VERSION wheel for its web UI build"
  $pip download --quiet --disable-pip-version-check --no-deps --only-binary=:all: "mlflow==$VERSION" -d "$tmp/wheel" >&2 ||
    { log "could not download mlflow==$VERSION"; return 1; }
  python3 - "$tmp/wheel" "$tmp/out" <<'PY' || { log "the wheel has no mlflow/server/js/build/index.html"; return 1; }
import pathlib, sys, zipfile
wheel = next(pathlib.Path(sys.argv[1]).glob("mlflow-*.whl"))
prefix, out = "mlflow/server/js/build/", pathlib.Path(sys.argv[2]) / "build"
with zipfile.ZipFile(wheel) as z:
    names = [n for n in z.namelist() if n.startswith(prefix) and not n.endswith("/")]
    if prefix + "index.html" not in names:
        sys.exit(1)
    for n in names:
        target = out / n[len(prefix):]
        # The wheel is trusted no further than its own folder.
        if ".." in pathlib.PurePosixPath(n).parts:
            sys.exit(1)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(z.read(n))
PY
  rm -rf -- "$DIR"
  mv "$tmp/out" "$DIR"
  touch "$DIR/.complete"
  log "mlflow $VERSION web UI in $DIR/build"
}

case "${1:-}" in
  path) echo "$DIR/build" ;;
  fetch)
    mkdir -p "$CACHE/locks"
    if command -v flock >/dev/null; then
      ( flock 9; fetch ) 9>"$CACHE/locks/mlflow-ui-$VERSION.lock"
    else
      fetch
    fi
    ;;
  *) echo "usage: $0 fetch|path" >&2; exit 2 ;;
esac
