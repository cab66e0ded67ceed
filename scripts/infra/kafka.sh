#!/usr/bin/env bash
# Kafka part of scripts/infra.sh. Sourced, not run.
#
# A single-node KRaft broker (3.9.x: the newest line kafkajs is known to work with).
# No package manager we can reach ships a broker, so its jars are resolved from Maven
# Central once per version into ~/.cache/custos/kafka/<version>/libs and run with plain
# `java -cp`. Run-time data, config and pid live under $CUSTOS_DATA_DIR/kafka.

: "${CUSTOS_KAFKA_VERSION:=3.9.1}"
: "${CUSTOS_KAFKA_HEAP:=-Xms512m -Xmx1g}"
: "${CUSTOS_KAFKA_START_TIMEOUT:=120}"
: "${CUSTOS_KAFKA_STOP_TIMEOUT:=30}"

KAFKA_LIBS="$CUSTOS_CACHE_DIR/kafka/$CUSTOS_KAFKA_VERSION/libs"
KAFKA_POM="$CUSTOS_REPO_ROOT/infra/kafka/pom.xml"
KAFKA_TEMPLATE="$CUSTOS_REPO_ROOT/infra/kafka/server.properties.tmpl"
KAFKA_DIR="$CUSTOS_DATA_DIR/kafka"
KAFKA_LOG_DIRS="$KAFKA_DIR/data"
KAFKA_PROPS="$KAFKA_DIR/server.properties"
KAFKA_LOG4J="$KAFKA_DIR/log4j.properties"
KAFKA_PIDFILE="$KAFKA_DIR/kafka.pid"
KAFKA_MAIN=kafka.Kafka

kafka_brokers() { echo "$(connect_host):$CUSTOS_KAFKA_PORT"; }

# ---------------------------------------------------------------------------
# Install: Java + the broker's jar folder (cached per version, outside the repo)
# ---------------------------------------------------------------------------
kafka_install() {
  need_cmd java openjdk-17-jre-headless
  [[ -f "$KAFKA_LIBS/.complete" ]] && return 0
  need_cmd mvn maven
  with_lock "$CUSTOS_CACHE_DIR/locks/kafka-$CUSTOS_KAFKA_VERSION.lock" kafka_resolve_jars
}

kafka_resolve_jars() {
  # Another stack may have finished it while we waited for the lock.
  [[ -f "$KAFKA_LIBS/.complete" ]] && return 0
  local tmp="$KAFKA_LIBS.tmp.$$" log; log="$(log_file kafka)"
  say kafka "resolving Kafka $CUSTOS_KAFKA_VERSION jars from Maven Central into $KAFKA_LIBS (first run only)"
  rm -rf -- "$tmp"
  # Resolve into a temp dir and rename, so an interrupted download never looks complete.
  mvn -q -B -Dstyle.color=never -f "$KAFKA_POM" dependency:copy-dependencies \
    -Dkafka.version="$CUSTOS_KAFKA_VERSION" -Dcustos.kafka.libs="$tmp" >>"$log" 2>&1 ||
    fail_part kafka "mvn could not resolve the broker jars"
  [[ -f "$tmp/kafka_2.13-$CUSTOS_KAFKA_VERSION.jar" ]] ||
    fail_part kafka "mvn finished but kafka_2.13-$CUSTOS_KAFKA_VERSION.jar is missing in $tmp"
  touch -- "$tmp/.complete"
  rm -rf -- "$KAFKA_LIBS" "$(dirname -- "$tmp")/mvn-target"
  mv -- "$tmp" "$KAFKA_LIBS"
}

# ---------------------------------------------------------------------------
# Config
# ---------------------------------------------------------------------------
kafka_render_config() {
  ensure_dir "$KAFKA_LOG_DIRS"
  # Regenerated on every start so a change of ports/host takes effect.
  sed -e "s|@BIND_HOST@|$CUSTOS_BIND_HOST|g" \
    -e "s|@CONNECT_HOST@|$(connect_host)|g" \
    -e "s|@PORT@|$CUSTOS_KAFKA_PORT|g" \
    -e "s|@CONTROLLER_PORT@|$CUSTOS_KAFKA_CONTROLLER_PORT|g" \
    -e "s|@LOG_DIRS@|$KAFKA_LOG_DIRS|g" \
    "$KAFKA_TEMPLATE" >"$KAFKA_PROPS"
  # Kafka ships no logging config in its jars; without one log4j prints nothing at all.
  cat >"$KAFKA_LOG4J" <<'EOF'
log4j.rootLogger=INFO, stdout
log4j.appender.stdout=org.apache.log4j.ConsoleAppender
log4j.appender.stdout.layout=org.apache.log4j.PatternLayout
log4j.appender.stdout.layout.ConversionPattern=[%d] %p %m (%c)%n
# Chatty at INFO and rarely useful locally.
log4j.logger.kafka.request.logger=WARN
log4j.logger.state.change.logger=WARN
log4j.logger.org.apache.kafka.controller=INFO
log4j.logger.kafka.log.LogCleaner=WARN
EOF
}

# A stable cluster id per data dir: KRaft storage is bound to it once formatted.
kafka_cluster_id() {
  local file="$KAFKA_DIR/cluster.id" id
  if [[ ! -s "$file" ]]; then
    # 16 random bytes, base64url without padding (Kafka's Uuid format). Kafka itself
    # avoids ids starting with '-' because they look like CLI options; so do we.
    id=-
    while [[ "$id" == -* ]]; do
      id="$(head -c 16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n')"
    done
    echo "$id" >"$file"
  fi
  cat -- "$file"
}

# Sets KAFKA_JVM to the java command line (without main class) for the given heap flags.
# The id the storage was actually formatted with (the truth, if cluster.id was lost).
kafka_formatted_cluster_id() {
  sed -n 's/^cluster\.id=//p' "$KAFKA_LOG_DIRS/meta.properties" 2>/dev/null
}

kafka_jvm_cmd() { # kafka_jvm_cmd <heap flags>
  local -a heap
  read -r -a heap <<<"$1"
  KAFKA_JVM=(java "${heap[@]}" -server -XX:+UseG1GC -XX:MaxGCPauseMillis=20
    -XX:+ExplicitGCInvokesConcurrent -Djava.awt.headless=true
    -Dlog4j.configuration="file:$KAFKA_LOG4J"
    -cp "$KAFKA_LIBS/*")
}

kafka_format() {
  # Formatting is once per data dir; meta.properties marks it done.
  [[ -s "$KAFKA_LOG_DIRS/meta.properties" ]] && return 0
  say kafka "formatting KRaft storage in $KAFKA_LOG_DIRS"
  kafka_jvm_cmd "-Xmx256m"
  "${KAFKA_JVM[@]}" kafka.tools.StorageTool format \
    -t "$(kafka_cluster_id)" -c "$KAFKA_PROPS" --ignore-formatted >>"$(log_file kafka)" 2>&1 ||
    fail_part kafka "storage format failed"
}

# ---------------------------------------------------------------------------
# Health
# ---------------------------------------------------------------------------
kafka_pid() { pid_if_running "$KAFKA_PIDFILE" "$KAFKA_MAIN $KAFKA_PROPS"; }

kafka_healthy() {
  local rc=0
  # The expected cluster id makes sure it is OUR broker answering on that port.
  KAFKA_BROKERS="$(kafka_brokers)" KAFKA_READY_TIMEOUT_MS=4000 \
    KAFKA_EXPECT_CLUSTER_ID="$(kafka_formatted_cluster_id)" \
    node "$CUSTOS_REPO_ROOT/scripts/infra/kafka-ready.js" --quiet || rc=$?
  if [[ $rc -eq 2 ]]; then
    # kafkajs not installed yet (before `npm install`): the best we can do is the port.
    kafka_port_open
  else
    return "$rc"
  fi
}

kafka_port_open() { port_in_use "$CUSTOS_KAFKA_PORT"; }

kafka_warn_if_no_kafkajs() {
  if ! (cd "$CUSTOS_REPO_ROOT/scripts/infra" && node -e "require.resolve('kafkajs')") >/dev/null 2>&1; then
    say kafka "WARNING: kafkajs is not installed (npm install); readiness falls back to a port check"
  fi
}

# ---------------------------------------------------------------------------
# Commands
# ---------------------------------------------------------------------------
kafka_up() {
  ensure_dir "$KAFKA_DIR" "$CUSTOS_LOG_DIR"
  need_cmd node nodejs
  kafka_install
  kafka_warn_if_no_kafkajs
  local pid
  if pid="$(kafka_pid)"; then
    say kafka "already running (pid $pid)"
  else
    require_free_ports kafka "$CUSTOS_KAFKA_PORT" "$CUSTOS_KAFKA_CONTROLLER_PORT"
    kafka_render_config
    kafka_format
    say kafka "starting on $CUSTOS_BIND_HOST:$CUSTOS_KAFKA_PORT (controller :$CUSTOS_KAFKA_CONTROLLER_PORT)"
    kafka_jvm_cmd "$CUSTOS_KAFKA_HEAP"
    spawn_daemon "$KAFKA_PIDFILE" "$(log_file kafka)" "${KAFKA_JVM[@]}" "$KAFKA_MAIN" "$KAFKA_PROPS" ||
      fail_part kafka "could not start the broker process"
  fi
  wait_healthy kafka "$CUSTOS_KAFKA_START_TIMEOUT" kafka_pid kafka_healthy
}

kafka_down() {
  local pid
  if ! pid="$(kafka_pid)"; then
    say kafka "not running"
    rm -f -- "$KAFKA_PIDFILE"
    return 0
  fi
  say kafka "stopping pid $pid (SIGTERM, SIGKILL after ${CUSTOS_KAFKA_STOP_TIMEOUT}s)"
  stop_pid kafka "$pid" "$CUSTOS_KAFKA_STOP_TIMEOUT"
  rm -f -- "$KAFKA_PIDFILE"
}

kafka_status() {
  local pid
  if pid="$(kafka_pid)"; then
    status_line kafka running "$CUSTOS_BIND_HOST:$CUSTOS_KAFKA_PORT" "$pid"
  else
    status_line kafka stopped "$CUSTOS_BIND_HOST:$CUSTOS_KAFKA_PORT" -
  fi
}

kafka_env() {
  env_line KAFKA_BROKERS "$(kafka_brokers)"
}
