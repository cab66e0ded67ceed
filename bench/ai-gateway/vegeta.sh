# shellcheck shell=bash
# Sourced by bench/ai-gateway/run.sh, not run. The open-loop load generator for the non-streaming
# rows: vegeta, built from the Go module proxy once into $CUSTOS_CACHE_DIR/vegeta/<version>/vegeta
# (CUSTOS_CACHE_DIR defaults to ~/.cache/custos; needs `go`). ensure_vegeta sets VEGETA.

VEGETA_VERSION="${VEGETA_VERSION:-v12.13.0}"

ensure_vegeta() {
  local cache="${CUSTOS_CACHE_DIR:-$HOME/.cache/custos}"
  local dir="$cache/vegeta/$VEGETA_VERSION"
  VEGETA="$dir/vegeta"
  [[ -x "$VEGETA" ]] && return 0
  command -v go >/dev/null || { printf '[ai-gateway bench] go is needed to build vegeta %s\n' "$VEGETA_VERSION" >&2; return 1; }
  mkdir -p "$dir" "$cache/locks"
  (
    flock 9
    [[ -x "$VEGETA" ]] && exit 0
    printf '[ai-gateway bench] building vegeta %s into %s\n' "$VEGETA_VERSION" "$dir" >&2
    # Its own GOBIN and a temporary name, renamed last: an interrupted build is never taken for a good one.
    tmp="$(mktemp -d "$dir/.build.XXXXXX")"
    GOBIN="$tmp" GOFLAGS=-mod=mod go install "github.com/tsenart/vegeta/v12@$VEGETA_VERSION" >&2 && mv "$tmp/vegeta" "$VEGETA"
    rc=$?
    rm -rf -- "$tmp"
    exit $rc
  ) 9>"$cache/locks/vegeta-$VEGETA_VERSION.lock"
}
