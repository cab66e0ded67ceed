# syntax=docker/dockerfile:1
# One image recipe for all five Custos services; `--build-arg SERVICE=<svc>` picks the entry point.
#   docker build --build-arg SERVICE=gateway -t custos-gateway .
# The build stage compiles every app (one `npm run build`), so the five images share that layer
# in the build cache and differ only in the SERVICE env.

ARG NODE_IMAGE=node:20-bookworm-slim
ARG PYTHON_IMAGE=python:3.12-slim-bookworm

FROM ${NODE_IMAGE} AS build
WORKDIR /app
ENV NX_DAEMON=false \
    NX_NO_CLOUD=true \
    NX_TUI=false \
    CI=true
# Dependencies first so source edits do not invalidate the install layer. `npm ci` installs exactly
# the committed lock file (which records every platform's optional binaries), as scripts/deps.sh does.
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build \
 && npm prune --omit=dev --no-audit --no-fund \
 && npm cache clean --force

# MLflow's web UI for the gateway (decision 035): the build folder of the pinned mlflow wheel, fetched
# by the same script as `npm run up` (pip, binary only, no dependencies), never from the build
# context. Only the gateway image carries it; the other services get an empty folder.
FROM ${PYTHON_IMAGE} AS mlflow-ui
ARG SERVICE
WORKDIR /src
COPY scripts/mlflow-ui.sh scripts/mlflow-ui.sh
COPY conformance/requirements.txt conformance/requirements.txt
RUN mkdir -p /mlflow-ui \
 && if [ "${SERVICE}" = gateway ]; then \
      export CUSTOS_CACHE_DIR=/tmp/custos-cache \
      && bash scripts/mlflow-ui.sh fetch \
      && cp -R "$(bash scripts/mlflow-ui.sh path)/." /mlflow-ui/ \
      && test -f /mlflow-ui/index.html; \
    fi

FROM ${NODE_IMAGE} AS runtime
ARG SERVICE
# Fail the build early on a missing or misspelled service instead of at container start.
RUN case "${SERVICE}" in \
      gateway|tracking|registry|authz|audit) ;; \
      *) echo "build arg SERVICE must be one of gateway, tracking, registry, authz, audit (got '${SERVICE}')" >&2; exit 1 ;; \
    esac \
 && groupadd --system --gid 10001 custos \
 && useradd --system --uid 10001 --gid 10001 --no-create-home --home-dir /nonexistent \
      --shell /usr/sbin/nologin custos
WORKDIR /app
# GLIBC_TUNABLES: glibc keeps up to 64 MiB of freed heap instead of trimming it back at 128 KiB,
# which made streamed request buffers fault in afresh (decision 021; scripts/stack.sh sets the same).
ENV NODE_ENV=production \
    SERVICE=${SERVICE} \
    HTTP_HOST=0.0.0.0 \
    GLIBC_TUNABLES=glibc.malloc.trim_threshold=67108864:glibc.malloc.top_pad=16777216
# Files stay owned by root: the service user can read but never modify its own code
# (pairs with readOnlyRootFilesystem in Kubernetes).
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
# MLFLOW_UI_DIR=/app/mlflow-ui in docker-compose.yml and k8s/base/gateway.yaml.
COPY --from=mlflow-ui /mlflow-ui ./mlflow-ui
RUN test -f "dist/apps/${SERVICE}/src/main.js" \
 || { echo "dist/apps/${SERVICE}/src/main.js was not produced by npm run build" >&2; exit 1; }
USER 10001:10001
EXPOSE 8080 8081 8082 8083 8084
# exec: node becomes PID 1 and receives SIGTERM directly (Nest shutdown hooks drain it).
CMD ["sh", "-c", "exec node dist/apps/$SERVICE/src/main.js"]
