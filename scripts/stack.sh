#!/usr/bin/env bash
# Starts, stops and inspects the five Custos services as local processes (the infrastructure is
# scripts/infra.sh). Secrets are generated once per data folder into secrets.env (mode 0600).
#   bash scripts/stack.sh <up|down|restart|status|logs|rebuild> [service]
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
DATA="${CUSTOS_DATA_DIR:-$ROOT/.data}"
HOST="${CUSTOS_BIND_HOST:-127.0.0.1}"
SERVICES=(tracking registry authz audit gateway)
declare -A PORT=(
  [gateway]="${CUSTOS_GATEWAY_PORT:-8080}" [tracking]="${CUSTOS_TRACKING_PORT:-8081}" [registry]="${CUSTOS_REGISTRY_PORT:-8082}"
  [authz]="${CUSTOS_AUTHZ_PORT:-8083}" [audit]="${CUSTOS_AUDIT_PORT:-8084}"
)
# /metrics is served only on a listener of its own, on the bind host (decision 026); default: port + 1000.
declare -A METRICS_PORT=(
  [gateway]="${CUSTOS_GATEWAY_METRICS_PORT:-$((PORT[gateway] + 1000))}" [tracking]="${CUSTOS_TRACKING_METRICS_PORT:-$((PORT[tracking] + 1000))}"
  [registry]="${CUSTOS_REGISTRY_METRICS_PORT:-$((PORT[registry] + 1000))}" [authz]="${CUSTOS_AUTHZ_METRICS_PORT:-$((PORT[authz] + 1000))}"
  [audit]="${CUSTOS_AUDIT_METRICS_PORT:-$((PORT[audit] + 1000))}"
)
READY_TIMEOUT="${CUSTOS_READY_TIMEOUT:-120}"
# glibc's heap, kept rather than trimmed below 64 MiB free (decision 021): the default 128 KiB
# threshold handed streamed 64 KiB buffers back to the kernel and faulted them in again, ~10,000
# page faults per 100 MB through the gateway. The Dockerfile sets the same for the images.
MALLOC_TUNING="glibc.malloc.trim_threshold=67108864:glibc.malloc.top_pad=16777216"

log() { printf '[stack] %s\n' "$*" >&2; }

ensure_secrets() {
  local f="$DATA/secrets.env"
  mkdir -p "$DATA"
  [ -e "$f" ] || (umask 077 && touch "$f")
  # Generates whichever secrets the file lacks (all of them for a new data folder), so folders made
  # by an older version gain new secrets on the next start and keep the ones they have.
  local added
  added="$(node -e '
    const c = require("node:crypto");
    const fs = require("node:fs");
    const file = process.argv[1];
    const text = fs.readFileSync(file, "utf8");
    const have = new Set(text.split("\n").map((l) => /^(?:export\s+)?([A-Z0-9_]+)=/.exec(l.trim())?.[1]).filter(Boolean));
    const b64 = (k, type) => k.export({ format: "der", type }).toString("base64");
    const ed25519 = () => c.generateKeyPairSync("ed25519");
    // Secrets that only make sense together are generated together, or not at all.
    const groups = [
      // The root of the internal-token keys: only the gateway holds it; services get derived keys (decision 039).
      [["INTERNAL_TOKEN_SECRET"], () => [c.randomBytes(32).toString("base64")]],
      [["BOOTSTRAP_ADMIN_API_KEY"], () => [`cus_admin_${c.randomBytes(24).toString("base64url")}`]],
      [["ARTIFACT_MASTER_KEYS", "ARTIFACT_ACTIVE_KEY_ID"], () => [`k1:${c.randomBytes(32).toString("base64")}`, "k1"]],
      [["AI_CREDENTIAL_MASTER_KEYS", "AI_CREDENTIAL_ACTIVE_KEY_ID"], () => [`k1:${c.randomBytes(32).toString("base64")}`, "k1"]],
      [["AUDIT_SIGNING_KEY"], () => [b64(ed25519().privateKey, "pkcs8")]],
    ];
    const lines = [];
    for (const [names, make] of groups) {
      const present = names.filter((n) => have.has(n));
      if (present.length === names.length) continue;
      if (present.length) {
        process.stderr.write(`${file} has ${present.join(", ")} but not ${names.filter((n) => !have.has(n)).join(", ")}; add them by hand\n`);
        process.exit(1);
      }
      make().forEach((v, i) => lines.push(`${names[i]}=${v}`));
    }
    if (lines.length) fs.appendFileSync(file, (text && !text.endsWith("\n") ? "\n" : "") + lines.join("\n") + "\n");
    process.stdout.write(lines.map((l) => l.split("=")[0]).join(" "));
  ' "$f")"
  [ -z "$added" ] || log "generated $added in $f"
}

load_env() {
  [ -f "$DATA/infra.env" ] || { log "no $DATA/infra.env: run scripts/infra.sh up first"; exit 1; }
  set -a
  # shellcheck disable=SC1091
  . "$DATA/infra.env"
  . "$DATA/secrets.env"
  set +a
  TRACKING_URL="http://$HOST:${PORT[tracking]}" REGISTRY_URL="http://$HOST:${PORT[registry]}"
  AUTHZ_URL="http://$HOST:${PORT[authz]}" AUDIT_URL="http://$HOST:${PORT[audit]}"
  export TRACKING_URL REGISTRY_URL AUTHZ_URL AUDIT_URL
  export ARTIFACTS_BUCKET="${ARTIFACTS_BUCKET:-custos-artifacts}" AUDIT_CHECKPOINT_BUCKET="${AUDIT_CHECKPOINT_BUCKET:-custos-audit}"
  # The gateway serves MLflow's web UI from the cache scripts/mlflow-ui.sh fills (deps.sh runs it).
  MLFLOW_UI_DIR="${MLFLOW_UI_DIR:-$(bash "$ROOT/scripts/mlflow-ui.sh" path)}"
  export MLFLOW_UI_DIR
}

pidfile() { echo "$DATA/run/$1.pid"; }
running() { local p; p="$(pidfile "$1")"; [ -f "$p" ] && kill -0 "$(cat "$p")" 2>/dev/null; }

start_one() {
  local svc="$1"
  if running "$svc"; then log "$svc already running (pid $(cat "$(pidfile "$svc")"))"; return; fi
  mkdir -p "$DATA/run" "$DATA/logs"
  local db="postgres://$CUSTOS_PG_USER:$CUSTOS_PG_PASSWORD@$CUSTOS_PG_HOST:$CUSTOS_PG_PORT/custos_$svc"
  # Only the gateway holds the root secret; a service gets its own key and nothing to mint for others.
  local token_key unset_secret=()
  token_key="$(node "$ROOT/scripts/internal-token-keys.js" "$svc")" || { log "could not derive $svc's internal token key"; return 1; }
  [ "$svc" = gateway ] || unset_secret=(-u INTERNAL_TOKEN_SECRET)
  env "${unset_secret[@]}" INTERNAL_TOKEN_KEY="$token_key" HTTP_HOST="$HOST" HTTP_PORT="${PORT[$svc]}" METRICS_HOST="$HOST" METRICS_PORT="${METRICS_PORT[$svc]}" DATABASE_URL="$db" GLIBC_TUNABLES="${GLIBC_TUNABLES:-$MALLOC_TUNING}" \
    nohup node "$ROOT/dist/apps/$svc/src/main.js" >>"$DATA/logs/$svc.log" 2>&1 &
  echo $! >"$(pidfile "$svc")"
}

wait_ready() {
  local svc="$1" deadline=$((SECONDS + READY_TIMEOUT))
  until curl -fsS "http://$HOST:${PORT[$svc]}/health/ready" >/dev/null 2>&1; do
    if ! running "$svc"; then
      log "$svc exited during start; last lines of $DATA/logs/$svc.log:"; tail -n 30 "$DATA/logs/$svc.log" >&2; return 1
    fi
    if [ $SECONDS -ge $deadline ]; then
      log "$svc not ready after ${READY_TIMEOUT}s; see $DATA/logs/$svc.log"; tail -n 30 "$DATA/logs/$svc.log" >&2; return 1
    fi
    sleep 0.3
  done
  log "$svc ready on http://$HOST:${PORT[$svc]}"
}

stop_one() {
  local svc="$1" p
  p="$(pidfile "$svc")"
  running "$svc" || { rm -f "$p"; return 0; }
  local pid; pid="$(cat "$p")"
  kill -TERM "$pid"
  for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -0 "$pid" 2>/dev/null && { log "$svc did not stop in 10s; killing"; kill -KILL "$pid"; }
  rm -f "$p"
  log "$svc stopped"
}

write_stack_env() {
  cat >"$DATA/stack.env" <<EOT
CUSTOS_GATEWAY_URL=http://$HOST:${PORT[gateway]}
CUSTOS_TRACKING_URL=$TRACKING_URL
CUSTOS_REGISTRY_URL=$REGISTRY_URL
CUSTOS_AUTHZ_URL=$AUTHZ_URL
CUSTOS_AUDIT_URL=$AUDIT_URL
CUSTOS_GATEWAY_METRICS_URL=http://$HOST:${METRICS_PORT[gateway]}/metrics
CUSTOS_TRACKING_METRICS_URL=http://$HOST:${METRICS_PORT[tracking]}/metrics
CUSTOS_REGISTRY_METRICS_URL=http://$HOST:${METRICS_PORT[registry]}/metrics
CUSTOS_AUTHZ_METRICS_URL=http://$HOST:${METRICS_PORT[authz]}/metrics
CUSTOS_AUDIT_METRICS_URL=http://$HOST:${METRICS_PORT[audit]}/metrics
EOT
}

cmd="${1:-status}"; shift || true
targets=("${@:-${SERVICES[@]}}")
[ "$#" -eq 0 ] && targets=("${SERVICES[@]}")
case "$cmd" in
  up)
    ensure_secrets; load_env; write_stack_env
    [ -f "$ROOT/dist/apps/gateway/src/main.js" ] || { log "not built: run npm run build"; exit 1; }
    for s in "${targets[@]}"; do start_one "$s"; done
    for s in "${targets[@]}"; do wait_ready "$s"; done
    ;;
  down)
    for s in "${targets[@]}"; do stop_one "$s"; done
    ;;
  restart)
    # `up` leaves running services alone; after a build, this picks up the new code.
    "$0" down "${targets[@]}" && "$0" up "${targets[@]}"
    ;;
  status)
    for s in "${targets[@]}"; do
      if running "$s"; then
        state=$(curl -fsS "http://$HOST:${PORT[$s]}/health/ready" >/dev/null 2>&1 && echo ready || echo not-ready)
        printf '%-9s running  pid %-7s port %-5s metrics %-5s %s\n' "$s" "$(cat "$(pidfile "$s")")" "${PORT[$s]}" "${METRICS_PORT[$s]}" "$state"
      else
        printf '%-9s stopped\n' "$s"
      fi
    done
    ;;
  rebuild)
    # Replays a service's event store into its read models (ops: after a projection change).
    ensure_secrets; load_env
    for s in "${targets[@]}"; do
      db="postgres://$CUSTOS_PG_USER:$CUSTOS_PG_PASSWORD@$CUSTOS_PG_HOST:$CUSTOS_PG_PORT/custos_$s"
      INTERNAL_TOKEN_KEY="$(node "$ROOT/scripts/internal-token-keys.js" "$s")" HTTP_PORT="${PORT[$s]}" DATABASE_URL="$db" node "$ROOT/dist/apps/$s/src/main.js" rebuild-projections
    done
    ;;
  republish)
    # Publishes a service's events numbered A..B again, to fill a gap audit reports (decision 029).
    [ "$#" -eq 2 ] || { echo "usage: $0 republish <service> <from>-<to>" >&2; exit 2; }
    ensure_secrets; load_env
    db="postgres://$CUSTOS_PG_USER:$CUSTOS_PG_PASSWORD@$CUSTOS_PG_HOST:$CUSTOS_PG_PORT/custos_$1"
    INTERNAL_TOKEN_KEY="$(node "$ROOT/scripts/internal-token-keys.js" "$1")" HTTP_PORT="${PORT[$1]}" DATABASE_URL="$db" node "$ROOT/dist/apps/$1/src/main.js" republish --seq "$2"
    ;;
  logs)
    for s in "${targets[@]}"; do echo "== $s ($DATA/logs/$s.log)"; tail -n "${LINES:-50}" "$DATA/logs/$s.log" 2>/dev/null || true; done
    ;;
  *) echo "usage: $0 <up|down|restart|status|logs|rebuild> [service...] | republish <service> <from>-<to>" >&2; exit 2 ;;
esac
