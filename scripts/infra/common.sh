#!/usr/bin/env bash
# Shared settings and helpers for scripts/infra.sh. Sourced, not run.
#
# Every path a running stack writes to (data, pid files, sockets, logs) is derived from
# CUSTOS_DATA_DIR so that two stacks with different data dirs and ports can run side by
# side. Only slow-to-get, version-keyed artifacts (Kafka jars, MinIO binary) live in a
# shared per-user cache outside the repo.

# ---------------------------------------------------------------------------
# Knobs (environment overrides, then defaults)
# ---------------------------------------------------------------------------
: "${CUSTOS_REPO_ROOT:?infra.sh must set CUSTOS_REPO_ROOT}"
: "${CUSTOS_DATA_DIR:=$CUSTOS_REPO_ROOT/.data}"
: "${CUSTOS_BIND_HOST:=127.0.0.1}"
: "${CUSTOS_PG_PORT:=55432}"
: "${CUSTOS_KAFKA_PORT:=59092}"
: "${CUSTOS_KAFKA_CONTROLLER_PORT:=59093}"
: "${CUSTOS_MINIO_PORT:=59000}"
: "${CUSTOS_MINIO_CONSOLE_PORT:=59001}"
: "${CUSTOS_CACHE_DIR:=${XDG_CACHE_HOME:-$HOME/.cache}/custos}"

# Postgres runs as another user and the daemons outlive our cwd: use absolute paths.
CUSTOS_DATA_DIR="$(realpath -m -- "$CUSTOS_DATA_DIR")"
CUSTOS_CACHE_DIR="$(realpath -m -- "$CUSTOS_CACHE_DIR")"
CUSTOS_LOG_DIR="$CUSTOS_DATA_DIR/logs"

# Poll interval for health checks: short, so waits end as soon as a part is ready.
INFRA_POLL_SECONDS=0.5

# ---------------------------------------------------------------------------
# Output
# ---------------------------------------------------------------------------
# Progress goes to stderr so that `infra.sh env` output stays clean on stdout.
say() { # say <part> <message...>
  local part="$1"; shift
  printf '[infra:%s] %s\n' "$part" "$*" >&2
}

die() { # die <message...>  (for errors not tied to one part's log)
  printf '[infra] ERROR: %s\n' "$*" >&2
  exit 1
}

# Fail a part: name it, point at its log and show the log's tail, then exit non-zero.
fail_part() { # fail_part <part> <message...>
  local part="$1"; shift
  local log; log="$(log_file "$part")"
  {
    printf '[infra:%s] ERROR: %s failed: %s\n' "$part" "$part" "$*"
    printf '[infra:%s] log: %s\n' "$part" "$log"
    if [[ -s "$log" ]]; then
      printf '[infra:%s] ----- last 30 lines of %s -----\n' "$part" "$log"
      tail -n 30 -- "$log"
      printf '[infra:%s] ----- end of log -----\n' "$part"
    else
      printf '[infra:%s] (log is empty or missing)\n' "$part"
    fi
  } >&2
  exit 1
}

status_line() { # status_line <part> <state> <address> <pid>
  printf '%-6s %-8s %-22s pid %s\n' "$1" "$2" "$3" "$4"
}

log_file() { printf '%s/%s.log\n' "$CUSTOS_LOG_DIR" "$1"; }

# ---------------------------------------------------------------------------
# Small utilities
# ---------------------------------------------------------------------------
# The address clients should dial. A wildcard bind address is not dialable.
connect_host() {
  case "$CUSTOS_BIND_HOST" in
    0.0.0.0 | '') echo 127.0.0.1 ;;
    '::' | '[::]') echo '::1' ;;
    *) echo "$CUSTOS_BIND_HOST" ;;
  esac
}

# True if something accepts TCP connections on <port> (bash's /dev/tcp, no extra tools).
port_in_use() { # port_in_use <port>
  (exec 3<>"/dev/tcp/$(connect_host)/$1") 2>/dev/null
}

# Before starting a part, make sure its ports are free: otherwise a health check could be
# answered by another stack (or another program) and report a broken start as healthy.
require_free_ports() { # require_free_ports <part> <port...>
  local part="$1" port; shift
  for port in "$@"; do
    if port_in_use "$port"; then
      fail_part "$part" "port $port on $(connect_host) is already in use by another process (another stack? set CUSTOS_*_PORT)"
    fi
  done
}

ensure_dir() { mkdir -p -- "$@"; }

now_s() { date +%s; }

# Seconds elapsed since a start time (whole seconds, for messages).
since() { echo $(( $(now_s) - $1 )); }

# Run a command while holding an exclusive lock file, so that two stacks (or two parts
# of one `up`) never install the same thing at the same time.
with_lock() { # with_lock <lockfile> <command...>
  local lock="$1"; shift
  ensure_dir "$(dirname -- "$lock")"
  (
    flock -x 9
    "$@"
  ) 9>"$lock"
}

# apt-get for missing system packages. Serialized with a lock because parts install in
# parallel and dpkg allows one writer at a time.
APT_UPDATED_MARK=""
apt_install() { # apt_install <package...>
  command -v apt-get >/dev/null || die "need packages ($*) but apt-get is not available; install them by hand"
  [[ $EUID -eq 0 ]] || die "need packages ($*); run as root or install them by hand"
  with_lock "$CUSTOS_CACHE_DIR/locks/apt.lock" _apt_install_locked "$@"
}
_apt_install_locked() {
  export DEBIAN_FRONTEND=noninteractive
  if [[ -z "$APT_UPDATED_MARK" ]]; then
    apt-get update -qq >&2
    APT_UPDATED_MARK=1
  fi
  apt-get install -y -qq --no-install-recommends "$@" >&2
}

# Install a Debian package if the command it provides is missing.
need_cmd() { # need_cmd <command> <debian-package>
  command -v "$1" >/dev/null 2>&1 || apt_install "$2"
}

# ---------------------------------------------------------------------------
# Processes started by us (Kafka, MinIO) are tracked with pid files in the data dir.
# ---------------------------------------------------------------------------
# Print the pid recorded in <pidfile> if that process is alive AND its command line
# contains <pattern> (guards against a reused pid after a reboot or crash).
pid_if_running() { # pid_if_running <pidfile> <pattern>
  local pidfile="$1" pattern="$2" pid
  [[ -s "$pidfile" ]] || return 1
  pid="$(<"$pidfile")"
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  kill -0 "$pid" 2>/dev/null || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$pattern" || return 1
  echo "$pid"
}

# Start a command as a detached daemon (own session, so it survives this shell and a
# Ctrl-C in the terminal), stdout/stderr appended to <log>, pid written to <pidfile>.
# The child writes its own pid before exec'ing, so the pid is exact.
spawn_daemon() { # spawn_daemon <pidfile> <log> <command...>
  local pidfile="$1" log="$2"; shift 2
  rm -f -- "$pidfile"
  printf '\n===== %s: starting %s =====\n' "$(date -Is)" "$1" >>"$log"
  # shellcheck disable=SC2016 # $$, $0 and $@ belong to the inner shell
  setsid bash -c 'echo $$ >"$0"; exec "$@"' "$pidfile" "$@" </dev/null >>"$log" 2>&1 &
  # Wait (briefly) for the pid file so callers can rely on it.
  local _
  for _ in {1..50}; do
    [[ -s "$pidfile" ]] && return 0
    sleep 0.1
  done
  return 1
}

# SIGTERM, wait up to <timeout> seconds, then SIGKILL.
stop_pid() { # stop_pid <part> <pid> <timeout-seconds>
  local part="$1" pid="$2" timeout="$3" start
  start="$(now_s)"
  kill -TERM "$pid" 2>/dev/null || return 0
  while kill -0 "$pid" 2>/dev/null; do
    if (( $(since "$start") >= timeout )); then
      say "$part" "pid $pid still alive after ${timeout}s, sending SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
      break
    fi
    sleep "$INFRA_POLL_SECONDS"
  done
  # Reap-free wait until the kernel has really removed it (it is not our child).
  while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
}

# Poll a health check until it passes. Fails the part (with its log) when the deadline
# passes or when the process being waited on dies.
wait_healthy() { # wait_healthy <part> <timeout-seconds> <alive-cmd> <health-cmd...>
  local part="$1" timeout="$2" alive="$3"; shift 3
  local start; start="$(now_s)"
  while true; do
    if "$@" >/dev/null 2>&1; then
      say "$part" "healthy after $(since "$start")s"
      return 0
    fi
    # Grace period: a daemon may not have written its pid file in the first moments.
    if (( $(since "$start") >= 3 )) && ! $alive >/dev/null 2>&1; then
      fail_part "$part" "process exited while starting"
    fi
    if (( $(since "$start") >= timeout )); then
      fail_part "$part" "not healthy within ${timeout}s (check: $*)"
    fi
    sleep "$INFRA_POLL_SECONDS"
  done
}

# Quote a value for `export K=V` lines only when needed, so the output stays readable and
# simple parsers (dotenv, node --env-file) read the common case unchanged.
env_line() { # env_line <name> <value>
  local name="$1" value="$2"
  if [[ "$value" =~ ^[A-Za-z0-9_./:@%+,=-]*$ ]]; then
    printf 'export %s=%s\n' "$name" "$value"
  else
    printf "export %s='%s'\n" "$name" "${value//\'/\'\\\'\'}"
  fi
}
