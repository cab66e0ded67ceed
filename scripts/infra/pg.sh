#!/usr/bin/env bash
# PostgreSQL part of scripts/infra.sh. Sourced, not run.
#
# A private cluster under $CUSTOS_DATA_DIR/pg, run by Debian's PostgreSQL 15 binaries as the
# `postgres` OS user (initdb refuses root). It listens on $CUSTOS_BIND_HOST:$CUSTOS_PG_PORT
# and on a unix socket inside the data dir, so several stacks never collide.

: "${CUSTOS_PG_BIN:=/usr/lib/postgresql/15/bin}"
: "${CUSTOS_PG_USER:=custos}"
: "${CUSTOS_PG_PASSWORD:=custos}"
: "${CUSTOS_PG_FSYNC:=on}"
: "${CUSTOS_PG_START_TIMEOUT:=60}"
CUSTOS_PG_DATABASES=(custos_gateway custos_tracking custos_registry custos_authz custos_audit)

PG_DIR="$CUSTOS_DATA_DIR/pg"
PG_DATA="$PG_DIR/data"
PG_RUN="$PG_DIR/run" # unix socket directory
PG_OS_USER=postgres

# Run a command as the postgres OS user (root) or as ourselves (non-root can run initdb).
# `cd /` because postgres may not be allowed into the caller's cwd (e.g. /root).
as_pg() {
  if [[ $EUID -eq 0 ]]; then
    (cd / && runuser -u "$PG_OS_USER" -- "$@")
  else
    (cd / && "$@")
  fi
}

pg_install() {
  if [[ ! -x "$CUSTOS_PG_BIN/initdb" ]]; then
    say pg "PostgreSQL binaries not found in $CUSTOS_PG_BIN, installing the postgresql package"
    apt_install postgresql
  fi
  [[ -x "$CUSTOS_PG_BIN/initdb" ]] || die "no initdb in $CUSTOS_PG_BIN (set CUSTOS_PG_BIN)"
  if [[ $EUID -eq 0 ]] && ! id "$PG_OS_USER" >/dev/null 2>&1; then
    die "OS user '$PG_OS_USER' is missing (it comes with Debian's postgresql-common)"
  fi
}

# The postgres user must be able to walk down to the data dir. Grant search (x) only,
# never read, on any ancestor that blocks it (e.g. a repo cloned under /root). Checked from
# / downwards, since a blocked parent makes every directory below it look blocked too.
pg_fix_traversal() {
  [[ $EUID -eq 0 ]] || return 0
  local path="" part
  local -a parts
  IFS=/ read -r -a parts <<<"${CUSTOS_DATA_DIR#/}"
  for part in "${parts[@]}"; do
    path+="/$part"
    if ! runuser -u "$PG_OS_USER" -- test -x "$path"; then
      say pg "granting search permission (o+x) on $path so '$PG_OS_USER' can reach the data dir"
      chmod o+x -- "$path"
    fi
  done
}

pg_prepare_dirs() {
  ensure_dir "$CUSTOS_LOG_DIR" "$PG_RUN"
  local log; log="$(log_file pg)"
  touch -- "$log"
  if [[ $EUID -eq 0 ]]; then
    # The server runs as postgres; pg_ctl (as postgres) appends to the log itself.
    chown "$PG_OS_USER:" -- "$PG_DIR" "$PG_RUN" "$log"
  fi
  chmod 700 -- "$PG_DIR"
  pg_fix_traversal
}

pg_initdb() {
  [[ -s "$PG_DATA/PG_VERSION" ]] && return 0
  say pg "initializing cluster in $PG_DATA"
  # Superuser `postgres` with peer auth on the private socket (used only by this script);
  # TCP always needs a scram password.
  as_pg "$CUSTOS_PG_BIN/initdb" -D "$PG_DATA" -U postgres \
    --auth-local=peer --auth-host=scram-sha-256 \
    --encoding=UTF8 --locale=C.UTF-8 >>"$(log_file pg)" 2>&1 ||
    fail_part pg "initdb failed"
  # Our settings live in a file rewritten on every start (ports may change between runs).
  echo "include_if_exists = 'custos.conf'" | as_pg tee -a "$PG_DATA/postgresql.conf" >/dev/null
  # Any TCP client must authenticate with scram; listen_addresses limits who can reach it.
  as_pg tee "$PG_DATA/pg_hba.conf" >/dev/null <<'EOF'
# TYPE  DATABASE  USER  ADDRESS  METHOD
local   all       all            peer
host    all       all   all      scram-sha-256
EOF
}

pg_write_config() {
  local durability=""
  if [[ "$CUSTOS_PG_FSYNC" == off ]]; then
    # Throwaway test clusters only: a crash can corrupt the cluster.
    durability=$'fsync = off\nsynchronous_commit = off\nfull_page_writes = off'
  fi
  as_pg tee "$PG_DATA/custos.conf" >/dev/null <<EOF
# Written by scripts/infra/pg.sh on every start; edits here are overwritten.
listen_addresses = '$CUSTOS_BIND_HOST'
port = $CUSTOS_PG_PORT
unix_socket_directories = '$PG_RUN'
max_connections = 200
shared_buffers = 256MB
effective_cache_size = 1GB
work_mem = 8MB
maintenance_work_mem = 64MB
password_encryption = scram-sha-256
log_line_prefix = '%m [%p] %q%u@%d '
$durability
EOF
}

pg_pid() {
  local pid
  [[ -s "$PG_DATA/postmaster.pid" ]] || return 1
  pid="$(head -n 1 -- "$PG_DATA/postmaster.pid")"
  kill -0 "$pid" 2>/dev/null || return 1
  echo "$pid"
}

pg_is_running() { as_pg "$CUSTOS_PG_BIN/pg_ctl" -D "$PG_DATA" status >/dev/null 2>&1; }

# Real health check: accepting connections on the TCP port AND answering a query over it.
pg_healthy() {
  "$CUSTOS_PG_BIN/pg_isready" -q -h "$(connect_host)" -p "$CUSTOS_PG_PORT" -t 2 &&
    PGPASSWORD="$CUSTOS_PG_PASSWORD" PGCONNECT_TIMEOUT=2 "$CUSTOS_PG_BIN/psql" -qAtX \
      -h "$(connect_host)" -p "$CUSTOS_PG_PORT" -U "$CUSTOS_PG_USER" -d postgres \
      -c 'select 1' >/dev/null
}

# Superuser SQL over the private unix socket.
pg_psql_admin() {
  as_pg "$CUSTOS_PG_BIN/psql" -qAtX -v ON_ERROR_STOP=1 -h "$PG_RUN" -p "$CUSTOS_PG_PORT" -U postgres -d postgres "$@"
}

# Login role and databases, idempotent. CREATEDB because integration tests and the MLflow
# benchmark make throwaway databases on this project-local cluster. Runs on every `up` (cheap) so a changed password
# or a newly listed database is applied. SQL goes via stdin so the password is not in argv.
pg_bootstrap() {
  local role="$CUSTOS_PG_USER" pw="${CUSTOS_PG_PASSWORD//\'/\'\'}" db sql
  sql="SET client_min_messages = warning;
SELECT format('CREATE ROLE %I LOGIN', '$role')
  WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '$role') \\gexec
ALTER ROLE \"$role\" WITH LOGIN CREATEDB PASSWORD '$pw';"
  for db in "${CUSTOS_PG_DATABASES[@]}"; do
    sql+="
SELECT format('CREATE DATABASE %I OWNER %I', '$db', '$role')
  WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = '$db') \\gexec"
  done
  printf '%s\n' "$sql" | pg_psql_admin -f - >>"$(log_file pg)" 2>&1 ||
    fail_part pg "could not create role '$role' / databases"
}

pg_up() {
  pg_install
  pg_prepare_dirs
  pg_initdb
  if pg_is_running; then
    say pg "already running (pid $(pg_pid || echo '?'))"
  else
    require_free_ports pg "$CUSTOS_PG_PORT"
    pg_write_config
    say pg "starting on $CUSTOS_BIND_HOST:$CUSTOS_PG_PORT"
    # -W: don't let pg_ctl wait; we wait on a real health check with our own deadline.
    as_pg "$CUSTOS_PG_BIN/pg_ctl" -D "$PG_DATA" -l "$(log_file pg)" -W start >/dev/null ||
      fail_part pg "pg_ctl start failed"
  fi
  # The role may not exist yet on first start, so first wait for the server itself.
  wait_healthy pg "$CUSTOS_PG_START_TIMEOUT" pg_pid \
    "$CUSTOS_PG_BIN/pg_isready" -q -h "$(connect_host)" -p "$CUSTOS_PG_PORT" -t 2
  pg_bootstrap
  pg_healthy || fail_part pg "cannot run 'select 1' as $CUSTOS_PG_USER over TCP"
}

pg_down() {
  if [[ ! -d "$PG_DATA" ]] || ! pg_is_running; then
    say pg "not running"
    return 0
  fi
  say pg "stopping"
  as_pg "$CUSTOS_PG_BIN/pg_ctl" -D "$PG_DATA" -m fast -w -t 60 stop >/dev/null ||
    fail_part pg "pg_ctl stop failed"
}

pg_status() {
  local pid
  if [[ -d "$PG_DATA" ]] && pid="$(pg_pid)"; then
    status_line pg running "$CUSTOS_BIND_HOST:$CUSTOS_PG_PORT" "$pid"
  else
    status_line pg stopped "$CUSTOS_BIND_HOST:$CUSTOS_PG_PORT" -
  fi
}

pg_env() {
  env_line CUSTOS_PG_HOST "$(connect_host)"
  env_line CUSTOS_PG_PORT "$CUSTOS_PG_PORT"
  env_line CUSTOS_PG_USER "$CUSTOS_PG_USER"
  env_line CUSTOS_PG_PASSWORD "$CUSTOS_PG_PASSWORD"
}
