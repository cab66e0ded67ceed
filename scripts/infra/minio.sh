#!/usr/bin/env bash
# MinIO part of scripts/infra.sh. Sourced, not run.
#
# An S3-compatible store for local development. MinIO is in no package manager we can
# reach, so it is built from source with `go install` once per version into
# ~/.cache/custos/minio/<version>/minio. Data, certs dir and pid live under
# $CUSTOS_DATA_DIR/minio.

# The module proxy refuses MinIO's RELEASE.* tags as Go versions; use the pinned
# pseudo-version of the same source.
: "${CUSTOS_MINIO_VERSION:=v0.0.0-20260212201848-7aac2a2c5b7c}"
: "${CUSTOS_MINIO_ROOT_USER:=custos}"
: "${CUSTOS_MINIO_ROOT_PASSWORD:=custos-dev-secret}"
: "${CUSTOS_MINIO_START_TIMEOUT:=60}"
: "${CUSTOS_MINIO_STOP_TIMEOUT:=20}"
# Decision 025: artifact integrity is carried end to end by Custos' AES-GCM frames, so MinIO runs
# with --no-compat (random ETags instead of an MD5 of every byte). Set to 1 for strict S3 mode.
: "${CUSTOS_MINIO_STRICT_S3:=0}"

MINIO_MODULE=github.com/minio/minio
MINIO_BIN_DIR="$CUSTOS_CACHE_DIR/minio/$CUSTOS_MINIO_VERSION"
MINIO_BIN="$MINIO_BIN_DIR/minio"
MINIO_DIR="$CUSTOS_DATA_DIR/minio"
MINIO_DATA="$MINIO_DIR/data"
MINIO_PIDFILE="$MINIO_DIR/minio.pid"

minio_endpoint() { echo "http://$(connect_host):$CUSTOS_MINIO_PORT"; }

# ---------------------------------------------------------------------------
# Install: build the pinned version once (minutes on a cold Go module cache)
# ---------------------------------------------------------------------------
minio_install() {
  need_cmd curl curl
  [[ -x "$MINIO_BIN" ]] && return 0
  with_lock "$CUSTOS_CACHE_DIR/locks/minio-$CUSTOS_MINIO_VERSION.lock" minio_build
}

minio_go() {
  if command -v go >/dev/null 2>&1; then
    command -v go
  elif [[ -x /usr/local/go/bin/go ]]; then
    echo /usr/local/go/bin/go
  else
    fail_part minio "the Go toolchain (>= 1.24) is needed to build MinIO but 'go' is not on PATH"
  fi
}

# A build of the same version started outside this script (e.g. by hand, or by a stack
# using a different lock dir): wait for it instead of compiling twice.
minio_wait_foreign_build() {
  local pattern="go install $MINIO_MODULE@$CUSTOS_MINIO_VERSION"
  pgrep -f -- "$pattern" >/dev/null 2>&1 || return 0
  say minio "a '$pattern' is already running; waiting for it to finish"
  while pgrep -f -- "$pattern" >/dev/null 2>&1; do sleep 2; done
}

minio_build() {
  minio_wait_foreign_build
  [[ -x "$MINIO_BIN" ]] && return 0
  local go log start
  go="$(minio_go)"
  log="$(log_file minio)"
  start="$(now_s)"
  ensure_dir "$MINIO_BIN_DIR"
  say minio "building MinIO $CUSTOS_MINIO_VERSION with go install (first run only, takes minutes); output in $log"
  GOBIN="$MINIO_BIN_DIR" "$go" install "$MINIO_MODULE@$CUSTOS_MINIO_VERSION" >>"$log" 2>&1 ||
    fail_part minio "go install $MINIO_MODULE@$CUSTOS_MINIO_VERSION failed"
  [[ -x "$MINIO_BIN" ]] || fail_part minio "go install finished but $MINIO_BIN is missing"
  say minio "built in $(since "$start")s"
}

# ---------------------------------------------------------------------------
# Health
# ---------------------------------------------------------------------------
minio_pid() { pid_if_running "$MINIO_PIDFILE" "$MINIO_BIN server $MINIO_DATA"; }

minio_healthy() {
  curl -fsS -o /dev/null --max-time 2 "$(minio_endpoint)/minio/health/ready"
}

# ---------------------------------------------------------------------------
# Commands
# ---------------------------------------------------------------------------
minio_up() {
  ensure_dir "$MINIO_DATA" "$MINIO_DIR/certs" "$CUSTOS_LOG_DIR"
  minio_install
  local pid
  if pid="$(minio_pid)"; then
    say minio "already running (pid $pid)"
  else
    require_free_ports minio "$CUSTOS_MINIO_PORT" "$CUSTOS_MINIO_CONSOLE_PORT"
    local compat=(--no-compat) mode="no MD5 ETags (decision 025)"
    [[ "$CUSTOS_MINIO_STRICT_S3" == 1 ]] && compat=() mode="strict S3"
    say minio "starting on $CUSTOS_BIND_HOST:$CUSTOS_MINIO_PORT (console :$CUSTOS_MINIO_CONSOLE_PORT), $mode"
    # --certs-dir: MinIO otherwise creates ~/.minio/certs, shared between stacks.
    # MINIO_UPDATE=off: no update checks against the internet.
    MINIO_ROOT_USER="$CUSTOS_MINIO_ROOT_USER" \
      MINIO_ROOT_PASSWORD="$CUSTOS_MINIO_ROOT_PASSWORD" \
      MINIO_UPDATE=off \
      MINIO_BROWSER_REDIRECT=off \
      spawn_daemon "$MINIO_PIDFILE" "$(log_file minio)" \
      "$MINIO_BIN" server "$MINIO_DATA" \
      --address "$CUSTOS_BIND_HOST:$CUSTOS_MINIO_PORT" \
      --console-address "$CUSTOS_BIND_HOST:$CUSTOS_MINIO_CONSOLE_PORT" \
      --certs-dir "$MINIO_DIR/certs" "${compat[@]}" ||
      fail_part minio "could not start the minio process"
  fi
  wait_healthy minio "$CUSTOS_MINIO_START_TIMEOUT" minio_pid minio_healthy
}

minio_down() {
  local pid
  if ! pid="$(minio_pid)"; then
    say minio "not running"
    rm -f -- "$MINIO_PIDFILE"
    return 0
  fi
  say minio "stopping pid $pid (SIGTERM, SIGKILL after ${CUSTOS_MINIO_STOP_TIMEOUT}s)"
  stop_pid minio "$pid" "$CUSTOS_MINIO_STOP_TIMEOUT"
  rm -f -- "$MINIO_PIDFILE"
}

minio_status() {
  local pid
  if pid="$(minio_pid)"; then
    status_line minio running "$CUSTOS_BIND_HOST:$CUSTOS_MINIO_PORT" "$pid"
  else
    status_line minio stopped "$CUSTOS_BIND_HOST:$CUSTOS_MINIO_PORT" -
  fi
}

minio_env() {
  env_line S3_ENDPOINT "$(minio_endpoint)"
  env_line S3_ACCESS_KEY "$CUSTOS_MINIO_ROOT_USER"
  env_line S3_SECRET_KEY "$CUSTOS_MINIO_ROOT_PASSWORD"
}
