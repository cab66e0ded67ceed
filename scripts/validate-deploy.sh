#!/usr/bin/env bash
# Offline validation of the deployment files (no Docker engine, no cluster, no schema downloads):
#   1. docker-compose.yml parses with Debian's docker-compose v1 (`config -q`), both bare and with
#      the example secrets (which must leave no variable unset);
#   2. k8s/base builds with kustomize (pinned, built once with `go install` and cached under
#      ~/.cache/custos/kustomize/<version>/); without Go or the module proxy, validate-k8s.js
#      renders the base itself;
#   3. scripts/validate-k8s.js validates every object against the Kubernetes schemas
#      (kubernetes-models) and checks our own policies on the manifests, compose file and image.
# Prints one line `deploy validation: N checks passed`, or exits non-zero naming each problem.
# kube-linter is not used: its module (golang.stackrox.io/kube-linter) is not served by the Go
# module proxy these machines reach.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

KUSTOMIZE_VERSION=v5.8.1 # v5.8.2+ needs Go >= 1.26, v5.8.3 Go >= 1.27; 5.8.1 builds with Go >= 1.24
CACHE_DIR="${XDG_CACHE_HOME:-$HOME/.cache}/custos"
KUSTOMIZE_DIR="$CACHE_DIR/kustomize/$KUSTOMIZE_VERSION"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
passed=0

log() { echo "[validate-deploy] $*" >&2; }
fail() {
  echo "deploy validation FAILED: $*" >&2
  exit 1
}

# --- 1. docker-compose ------------------------------------------------------------------------
if ! command -v docker-compose >/dev/null 2>&1; then
  command -v apt-get >/dev/null 2>&1 || fail "docker-compose is not installed and apt-get is not available to install it"
  sudo=""
  if [ "$(id -u)" != 0 ]; then
    command -v sudo >/dev/null 2>&1 || fail "docker-compose is not installed; run: apt-get install --no-install-recommends docker-compose"
    sudo="sudo -n"
  fi
  log "installing Debian docker-compose (v1, --no-install-recommends: no Docker engine)"
  export DEBIAN_FRONTEND=noninteractive
  if ! $sudo apt-get install -y -qq --no-install-recommends docker-compose >"$tmp/apt.log" 2>&1; then
    $sudo apt-get update -qq >>"$tmp/apt.log" 2>&1 || true
    $sudo apt-get install -y -qq --no-install-recommends docker-compose >>"$tmp/apt.log" 2>&1 ||
      { tail -n 20 "$tmp/apt.log" >&2; fail "could not install docker-compose"; }
  fi
fi

# Bare: must parse; the unset-secret warnings it prints are expected and hidden.
if ! docker-compose -f docker-compose.yml config -q 2>"$tmp/compose.err"; then
  grep -v 'variable is not set' "$tmp/compose.err" >&2 || true
  fail "docker-compose -f docker-compose.yml config -q rejected the file"
fi
passed=$((passed + 1))
# With the example secrets: must parse and leave no variable blank.
if ! docker-compose -f docker-compose.yml --env-file deploy/compose/secrets.env.example config -q 2>"$tmp/compose.err"; then
  cat "$tmp/compose.err" >&2
  fail "docker-compose config -q failed with deploy/compose/secrets.env.example"
fi
if grep -q 'variable is not set' "$tmp/compose.err"; then
  cat "$tmp/compose.err" >&2
  fail "deploy/compose/secrets.env.example leaves compose variables unset"
fi
passed=$((passed + 1))

# --- 2. kustomize build -----------------------------------------------------------------------
kustomize_bin="$KUSTOMIZE_DIR/kustomize"
if [ ! -x "$kustomize_bin" ]; then
  if command -v go >/dev/null 2>&1; then
    log "building kustomize $KUSTOMIZE_VERSION with go install (first run only; cached in $KUSTOMIZE_DIR)"
    mkdir -p "$KUSTOMIZE_DIR"
    staging=$(mktemp -d "$KUSTOMIZE_DIR/.build.XXXXXX")
    if GOBIN="$staging" go install "sigs.k8s.io/kustomize/kustomize/v5@$KUSTOMIZE_VERSION" >"$tmp/go.log" 2>&1; then
      mv -f "$staging/kustomize" "$kustomize_bin" # atomic: concurrent runs never see half a binary
    else
      tail -n 5 "$tmp/go.log" >&2
      log "could not build kustomize; validate-k8s.js will render k8s/base itself"
    fi
    rm -rf "$staging"
  else
    log "Go is not installed; validate-k8s.js will render k8s/base itself"
  fi
fi

built_args=()
if [ -x "$kustomize_bin" ]; then
  if ! "$kustomize_bin" build k8s/base >"$tmp/built.yaml" 2>"$tmp/kustomize.err"; then
    cat "$tmp/kustomize.err" >&2
    fail "kustomize build k8s/base failed"
  fi
  passed=$((passed + 1))
  built_args=(--built "$tmp/built.yaml")
fi

# --- 3. schemas and policies -------------------------------------------------------------------
for pkg in kubernetes-models yaml; do
  [ -d "node_modules/$pkg" ] || fail "node_modules/$pkg is missing: run npm ci first"
done
node scripts/validate-k8s.js "${built_args[@]}" --prior "$passed"
