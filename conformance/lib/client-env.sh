# shellcheck shell=bash
# Sourced by conformance/run.sh and conformance/reference.sh, not run: client settings for a
# test run (the tracking URI and credentials are set by the caller).

# The client retries 429/5xx and connection errors with exponential backoff for minutes by default
# (mlflow/environment_variables.py: MLFLOW_HTTP_REQUEST_MAX_RETRIES=7, BACKOFF_FACTOR=2): fail a
# server error at once instead, and bound each request.
export MLFLOW_HTTP_REQUEST_MAX_RETRIES=0 MLFLOW_HTTP_REQUEST_BACKOFF_FACTOR=0 MLFLOW_HTTP_REQUEST_BACKOFF_JITTER=0
export MLFLOW_HTTP_REQUEST_TIMEOUT="${MLFLOW_HTTP_REQUEST_TIMEOUT:-60}"
# No telemetry calls home from CI; no bytecode or pytest cache written into the clone.
export MLFLOW_DISABLE_TELEMETRY=true DO_NOT_TRACK=true PYTHONDONTWRITEBYTECODE=1
