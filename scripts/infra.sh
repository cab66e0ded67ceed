#!/usr/bin/env bash
# Local infrastructure for Custos without Docker: PostgreSQL, Kafka (KRaft) and MinIO as
# plain processes under $CUSTOS_DATA_DIR.
#
#   bash scripts/infra.sh <up|down|restart|status|logs|env> [all|pg|kafka|minio] [-f]
#
#   up      install what is missing, start what is not running, wait until healthy,
#           write $CUSTOS_DATA_DIR/infra.env
#   down    stop (pg_ctl fast shutdown; SIGTERM then SIGKILL for kafka/minio)
#   restart stop then start each part in turn, waiting until healthy (fault tests use it)
#   status  one line per part: state, address, pid
#   logs    tail the part's log ($CUSTOS_DATA_DIR/logs/<part>.log); -f to follow
#   env     print `export` lines for clients (also written by `up` to infra.env)
#
# Knobs (defaults): CUSTOS_DATA_DIR (<repo>/.data), CUSTOS_BIND_HOST (127.0.0.1),
# CUSTOS_PG_PORT (55432), CUSTOS_KAFKA_PORT (59092), CUSTOS_KAFKA_CONTROLLER_PORT (59093),
# CUSTOS_MINIO_PORT (59000), CUSTOS_MINIO_CONSOLE_PORT (59001), CUSTOS_PG_PASSWORD (custos),
# CUSTOS_PG_FSYNC (on; `off` for throwaway test clusters), CUSTOS_MINIO_ROOT_USER (custos),
# CUSTOS_MINIO_ROOT_PASSWORD (custos-dev-secret), CUSTOS_MINIO_STRICT_S3 (0: --no-compat, no MD5
# ETags, decision 025; 1 for strict S3), CUSTOS_CACHE_DIR (~/.cache/custos).
set -euo pipefail

CUSTOS_REPO_ROOT="$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd)"
INFRA_LIB="$CUSTOS_REPO_ROOT/scripts/infra"
# shellcheck source=SCRIPTDIR/infra/common.sh
source "$INFRA_LIB/common.sh"
# shellcheck source=SCRIPTDIR/infra/pg.sh
source "$INFRA_LIB/pg.sh"
# shellcheck source=SCRIPTDIR/infra/kafka.sh
source "$INFRA_LIB/kafka.sh"
# shellcheck source=SCRIPTDIR/infra/minio.sh
source "$INFRA_LIB/minio.sh"

ALL_PARTS=(pg kafka minio)

usage() {
  sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed -e '/^set -euo/d' -e 's/^# \{0,1\}//' >&2
  exit 2
}

# ---------------------------------------------------------------------------
# up: parts start in parallel (Kafka's JVM and MinIO's build dominate); each part's
# failure is reported by the part itself with its log tail.
# ---------------------------------------------------------------------------
cmd_up() {
  local start part failed=()
  local -A jobs=()
  start="$(now_s)"
  ensure_dir "$CUSTOS_DATA_DIR" "$CUSTOS_LOG_DIR"
  say all "data dir $CUSTOS_DATA_DIR, cache $CUSTOS_CACHE_DIR"
  if (($# == 1)); then
    "${1}_up" # one part: no need for a background job
  else
    for part in "$@"; do
      ("${part}_up") &
      jobs[$part]=$!
    done
    for part in "$@"; do
      wait "${jobs[$part]}" || failed+=("$part")
    done
    if ((${#failed[@]})); then
      printf '[infra] ERROR: up failed for: %s (logs in %s)\n' "${failed[*]}" "$CUSTOS_LOG_DIR" >&2
      exit 1
    fi
  fi
  # Holds passwords: readable by the owner only.
  (umask 077 && cmd_env >"$CUSTOS_DATA_DIR/infra.env")
  say all "up in $(since "$start")s; client settings in $CUSTOS_DATA_DIR/infra.env"
}

cmd_down() {
  local part
  for part in "$@"; do "${part}_down"; done
}

cmd_restart() {
  local part
  for part in "$@"; do
    "${part}_down"
    "${part}_up"
  done
}

cmd_status() {
  local part
  for part in "$@"; do "${part}_status"; done
}

cmd_logs() { # cmd_logs <follow:0|1> <part...>
  local follow="$1"; shift
  local files=() part
  for part in "$@"; do
    [[ -f "$(log_file "$part")" ]] && files+=("$(log_file "$part")")
  done
  ((${#files[@]})) || die "no logs yet in $CUSTOS_LOG_DIR"
  if ((follow)); then
    exec tail -n 30 -F -- "${files[@]}"
  fi
  tail -n 100 -- "${files[@]}"
}

# Always the full set, whatever part was asked for: clients need all of it.
cmd_env() {
  pg_env
  kafka_env
  minio_env
}

main() {
  local cmd="${1:-}" follow=0 parts=() arg
  [[ -n "$cmd" ]] || usage
  shift
  for arg in "$@"; do
    case "$arg" in
      all) parts+=("${ALL_PARTS[@]}") ;;
      pg | kafka | minio) parts+=("$arg") ;;
      -f | --follow) follow=1 ;;
      *) printf 'unknown part or option: %s\n\n' "$arg" >&2; usage ;;
    esac
  done
  ((${#parts[@]})) || parts=("${ALL_PARTS[@]}")

  case "$cmd" in
    up) cmd_up "${parts[@]}" ;;
    down) cmd_down "${parts[@]}" ;;
    restart) cmd_restart "${parts[@]}" ;;
    status) cmd_status "${parts[@]}" ;;
    logs) cmd_logs "$follow" "${parts[@]}" ;;
    env) cmd_env ;;
    -h | --help | help) usage ;;
    *) printf 'unknown command: %s\n\n' "$cmd" >&2; usage ;;
  esac
}

main "$@"
