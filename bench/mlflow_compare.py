#!/usr/bin/env python3
"""Custos vs a real MLflow tracking server: the same workload, the same `mlflow` client, one run.

    bash bench/mlflow-compare.sh [--quick] [--reps 5] [--only log_batch,search_runs] [--help]

Starts `mlflow server` (bench/mlflow_reference_server.py) on a free loopback port, backed by a
throwaway database in the same PostgreSQL cluster as Custos and proxying artifacts, then runs each
row of bench/mlflow_workloads.py against Custos (the gateway in $CUSTOS_DATA_DIR/stack.env, the
bootstrap admin key from secrets.env) and against MLflow, alternating the sides rep by rep so
background load on a shared machine falls on both. Every figure is the median of the reps.
A row that fails on one side (a route not there yet, a wrong answer) is reported as that side's
error; the other rows and the other side go on. Prints a table and writes bench/results/*.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import signal
import statistics
import subprocess
import sys
import time
import traceback
import urllib.request
import uuid
from datetime import datetime, timezone

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)

# Identical client settings for both sides, set before mlflow is imported. The client retries
# 429/5xx and connection errors with backoff for minutes by default: that would hide a failing
# route inside a latency figure, so a failed request fails its row at once.
os.environ.update(
    MLFLOW_HTTP_REQUEST_MAX_RETRIES="0",
    MLFLOW_HTTP_REQUEST_BACKOFF_FACTOR="0",
    MLFLOW_HTTP_REQUEST_BACKOFF_JITTER="0",
    MLFLOW_HTTP_REQUEST_TIMEOUT=os.environ.get("MLFLOW_HTTP_REQUEST_TIMEOUT", "300"),
    MLFLOW_DISABLE_TELEMETRY="true",
    DO_NOT_TRACK="true",
)
for k in ("MLFLOW_TRACKING_USERNAME", "MLFLOW_TRACKING_PASSWORD", "MLFLOW_EXPERIMENT_ID", "MLFLOW_EXPERIMENT_NAME",
          "MLFLOW_RUN_ID", "MLFLOW_REGISTRY_URI", "MLFLOW_TRACKING_AUTH", "MLFLOW_ENABLE_ASYNC_LOGGING"):  # fmt: skip
    os.environ.pop(k, None)

import mlflow  # noqa: E402

from mlflow_reference_server import PgCluster, ReferenceServer  # noqa: E402
from mlflow_workloads import ArtifactRow, LogBatchRow, LogMetricRow, Row, SearchRunsRow, Side  # noqa: E402

FULL = dict(reps=5, batches=50, batch_size=1000, log_metric_calls=2000, search_runs=10_000, search_queries=100,
            artifact_mb=100)  # fmt: skip
QUICK = dict(reps=3, batches=5, batch_size=1000, log_metric_calls=200, search_runs=500, search_queries=20,
             artifact_mb=10)  # fmt: skip
ROWS = ("log_batch", "log_metric", "search_runs", "artifact")


def parse_args() -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help=f"a small smoke workload: {QUICK}")
    ap.add_argument("--reps", type=int, help=f"repetitions per row and side, median reported (full: {FULL['reps']})")
    ap.add_argument("--batches", type=int, help=f"log_batch calls per rep (full: {FULL['batches']})")
    ap.add_argument("--batch-size", type=int, help="metrics per log_batch call (full: 1000, MLflow's limit)")
    ap.add_argument("--log-metric-calls", type=int, help=f"log_metric calls per rep (full: {FULL['log_metric_calls']})")
    ap.add_argument("--search-runs", type=int, help=f"runs in the searched experiment (full: {FULL['search_runs']})")
    ap.add_argument("--search-queries", type=int, help=f"search_runs calls per rep (full: {FULL['search_queries']})")
    ap.add_argument("--search-threads", type=int, default=8, help="client threads creating the runs (default 8)")
    ap.add_argument("--artifact-mb", type=int, help=f"artifact size in MB (full: {FULL['artifact_mb']})")
    ap.add_argument("--only", default=",".join(ROWS), help=f"rows to run, comma-separated (default all: {','.join(ROWS)})")
    ap.add_argument("--sides", default="custos,mlflow", help="sides to run (default custos,mlflow)")
    ap.add_argument("--mlflow-workers", type=int, default=2,
                    help="mlflow server worker processes (default 2: see bench/README.md)")  # fmt: skip
    ap.add_argument("--mlflow-uvicorn-opts", default="--timeout-worker-healthcheck 60",
                    help="options for MLflow's uvicorn (default: a 60 s worker health check instead of 5 s, so a "
                         "loaded machine does not get workers killed mid-request; see bench/README.md)")  # fmt: skip
    ap.add_argument("--keep-experiments", action="store_true", help="do not delete the Custos experiments at the end")
    ap.add_argument("--out", help="results JSON (default bench/results/mlflow-compare-<UTC time>.json)")
    a = ap.parse_args()
    base = QUICK if a.quick else FULL
    for k, v in base.items():
        if getattr(a, k) is None:
            setattr(a, k, v)
    a.only = [r.strip() for r in a.only.split(",") if r.strip()]
    a.sides = [s.strip() for s in a.sides.split(",") if s.strip()]
    unknown = [r for r in a.only if r not in ROWS] + [s for s in a.sides if s not in ("custos", "mlflow")]
    if unknown:
        ap.error(f"unknown row or side: {', '.join(unknown)}")
    return a


def read_env(path: str) -> dict[str, str]:
    """NAME=value lines (optionally `export`ed and quoted), like bench/event-path.mjs reads them."""
    out: dict[str, str] = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            m = re.match(r"^(?:export\s+)?([A-Z0-9_]+)=(.*)$", line.strip())
            if m:
                out[m.group(1)] = re.sub(r"^[\"']|[\"']$", "", m.group(2))
    return out


def short_error(e: BaseException) -> str:
    msg = " ".join(str(e).split()) or type(e).__name__
    # With retries off, urllib3 words a plain 5xx/429 answer as "too many 503 error responses".
    status = re.search(r"too many (\d{3}) error responses", msg)
    path = re.search(r"url: (\S+)", msg)
    where = path.group(1) if path else "the server"
    if status:
        return f"HTTP {status.group(1)} from {where}"
    for words, said in (("Connection refused", "connection refused"), ("RemoteDisconnected", "connection closed by the server"),
                        ("Read timed out", "timed out")):  # fmt: skip
        if words in msg:
            return f"{said} ({where})"
    return f"{type(e).__name__}: {msg[:300]}"


def build_rows(a: argparse.Namespace, tag: str) -> list[Row]:
    make = {
        "log_batch": lambda: LogBatchRow(tag, a.batches, a.batch_size),
        "log_metric": lambda: LogMetricRow(tag, a.log_metric_calls),
        "search_runs": lambda: SearchRunsRow(tag, a.search_runs, a.search_queries, a.search_threads),
        "artifact": lambda: ArtifactRow(tag, a.artifact_mb),
    }
    return [make[name]() for name in ROWS if name in a.only]


def cpu_busy_fraction(seconds: float = 1.0) -> float:
    """Share of all cores busy over `seconds`, from /proc/stat (1.0 where it is unreadable)."""
    def sample() -> tuple[int, int]:
        with open("/proc/stat") as f:
            fields = [int(x) for x in f.readline().split()[1:]]
        idle = fields[3] + (fields[4] if len(fields) > 4 else 0)
        return sum(fields), idle
    try:
        total0, idle0 = sample()
        time.sleep(seconds)
        total1, idle1 = sample()
    except OSError:
        return 1.0
    return 1.0 - (idle1 - idle0) / max(1, total1 - total0)


def wait_until_quiet(below: float = 0.25, max_wait_s: float = 90.0) -> tuple[float, float]:
    """Waits until the machine is mostly idle before timed reps: a setup (10,000 runs) or a freshly
    started MLflow server leaves background work (workers warming, autovacuum, consumers catching
    up) that would otherwise land on whichever side's rep comes first."""
    t0 = time.perf_counter()
    busy = cpu_busy_fraction()
    while busy >= below and time.perf_counter() - t0 < max_wait_s:
        busy = cpu_busy_fraction()
    return time.perf_counter() - t0, busy


def run_row(row: Row, sides: list[Side], reps: int, res: dict) -> None:
    """Setup on each side, then reps alternating which side goes first; a side's first error ends
    that side's row (a missing route would only fail the same way again). Fills `res` as it goes,
    so an interrupted row still reports the reps it finished."""
    res.update({s.name: {"setup": None, "reps": [], "error": None, "traceback": None} for s in sides})

    def attempt(side: Side, what: str, fn):
        try:
            return fn()
        except Exception as e:  # noqa: BLE001 - any failure is this side's result for this row
            res[side.name]["error"] = f"{what}: {short_error(e)}"
            res[side.name]["traceback"] = traceback.format_exc()
            print(f"  {row.name:<12} {side.name:<6} {what}: ERROR {short_error(e)[:160]}", flush=True)
            return None

    for side in sides:
        if side.down:
            res[side.name]["error"] = side.down
            continue
        t0 = time.perf_counter()
        setup = attempt(side, "setup", lambda: row.setup(side))
        if setup is not None:
            res[side.name]["setup"] = setup
            extra = f" ({setup['runs']} runs at {setup['runs_per_s']:.0f} runs/s)" if "runs_per_s" in setup else ""
            print(f"  {row.name:<12} {side.name:<6} setup done in {time.perf_counter() - t0:.1f}s{extra}", flush=True)
    waited, busy = wait_until_quiet()
    print(f"  {row.name:<12} machine quiet after {waited:.1f}s (CPU {busy:.0%} busy over the last second)", flush=True)
    for i in range(reps):
        order = sides if i % 2 == 0 else list(reversed(sides))
        for side in order:
            if res[side.name]["error"]:
                continue
            # Each rep starts on a quiet machine: the previous rep's tail (the other server's
            # autovacuum of 50,000 fresh rows, consumers catching up) would otherwise land on this one.
            settled, _ = wait_until_quiet()
            m = attempt(side, f"rep {i + 1}", lambda: row.rep(side, i))
            if m is not None:
                res[side.name]["reps"].append(m)
                shown = ", ".join(f"{k} {v:,.1f}" for k, v in m.items())
                print(f"  {row.name:<12} {side.name:<6} rep {i + 1}/{reps}: {shown} (started after {settled:.1f}s of settling)", flush=True)


def add_medians(res: dict) -> None:
    for r in res.values():
        ok = r["reps"] and not r["error"]
        r["median"] = {k: statistics.median(rep[k] for rep in r["reps"]) for k in r["reps"][0]} if ok else None
        r["min"] = {k: min(rep[k] for rep in r["reps"]) for k in r["reps"][0]} if ok else None
        r["max"] = {k: max(rep[k] for rep in r["reps"]) for k in r["reps"][0]} if ok else None


def fmt(v: float | None, failed: bool) -> str:
    if v is None:
        return "ERROR" if failed else "—"
    return f"{v:,.0f}" if v >= 1000 else f"{v:,.1f}" if v >= 10 else f"{v:.2f}"


def summarize(rows: list[Row], results: dict) -> list[dict]:
    lines = []
    for row in rows:
        r = results[row.name]
        for m in row.measures:
            c = (r.get("custos") or {}).get("median") or {}
            f = (r.get("mlflow") or {}).get("median") or {}
            cv, fv = c.get(m.key), f.get(m.key)
            ratio = None
            if cv and fv:
                ratio = cv / fv if m.kind == "throughput" else fv / cv
            met = None if m.target is None or ratio is None else ratio >= m.target
            failed = {s: bool((r.get(s) or {}).get("error")) for s in ("custos", "mlflow")}
            lines.append(dict(row=row.name, measure=m.key, label=m.label, unit=m.unit, kind=m.kind, custos=cv,
                              mlflow=fv, ratio=ratio, target=m.target, met=met, failed=failed))  # fmt: skip
    return lines


def print_table(lines: list[dict], rows: list[Row], results: dict, reps: int, load: tuple[float, float]) -> None:
    print(f"\nCustos vs MLflow (median of {reps} reps per side; {os.cpu_count()} cores, 1-min load average "
          f"{load[0]:.1f} at start, {load[1]:.1f} at end: a load above the core count makes figures indicative only)")
    print("ratio > 1 means Custos is better: Custos/MLflow for throughput, MLflow/Custos for latency\n")
    head = f"{'measure':<24}{'unit':<11}{'Custos':>12}{'MLflow':>12}{'ratio':>9}  {'target':<12}{'met':<4}"
    print(head)
    print("-" * len(head))
    for ln in lines:
        ratio = "—" if ln["ratio"] is None else f"{ln['ratio']:.2f}x"
        if ln["target"] is None:
            target = "(info)"
        elif ln["kind"] == "throughput":
            target = f">= {ln['target']:g}x"
        else:
            target = "lower"
        met = "" if ln["target"] is None else ("yes" if ln["met"] else "no" if ln["met"] is False else "n/a")
        print(f"{ln['label']:<24}{ln['unit']:<11}{fmt(ln['custos'], ln['failed']['custos']):>12}{fmt(ln['mlflow'], ln['failed']['mlflow']):>12}{ratio:>9}  "
              f"{target:<12}{met:<4}")  # fmt: skip
    for row in rows:
        for side, r in results[row.name].items():
            if r.get("error"):
                print(f"  ! {row.name} on {side}: {r['error']}")
    for row in rows:
        if isinstance(row, SearchRunsRow):
            setup = {s: (results[row.name][s].get("setup") or {}) for s in results[row.name]}
            shown = ", ".join(
                f"{s} {v['runs_per_s']:.0f} runs/s" for s, v in setup.items() if "runs_per_s" in v
            )
            if shown:
                print(f"  setup of search_runs ({row.runs} runs, {row.threads} client threads, create_run + "
                      f"log_batch each): {shown}")  # fmt: skip
    checked = [ln for ln in lines if ln["target"] is not None]
    met = sum(1 for ln in checked if ln["met"])
    unmeasured = sum(1 for ln in checked if ln["met"] is None)
    print(f"\ntarget met on {met} of {len(checked)} checked measures"
          + (f" ({unmeasured} not measured on both sides)" if unmeasured else ""))  # fmt: skip


def git_state() -> dict:
    def git(*args: str) -> str:
        try:
            return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, timeout=10).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            return ""

    return {"commit": git("rev-parse", "HEAD"), "dirty": bool(git("status", "--porcelain"))}


def object_store_mode(data_dir: str) -> str:
    """How the stack's MinIO runs (decision 025), read from its command line."""
    try:
        with open(os.path.join(data_dir, "minio", "minio.pid"), encoding="utf-8") as f:
            pid = f.read().strip()
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            args = f.read().split(b"\0")
    except OSError:
        return "unknown (no MinIO process found for this data folder)"
    return "MinIO --no-compat (no MD5 ETags)" if b"--no-compat" in args else "MinIO, strict S3 (MD5 ETags)"


def check_custos(stack: dict[str, str]) -> list[str]:
    """Readiness of the gateway and of tracking behind it (the gateway's own check does not
    include its upstreams): a warning only, the rows say what actually failed."""
    problems = []
    for name in ("CUSTOS_GATEWAY_URL", "CUSTOS_TRACKING_URL"):
        url = stack.get(name)
        if not url:
            continue
        try:
            with urllib.request.urlopen(f"{url}/health/ready", timeout=5) as r:
                if r.status != 200:
                    problems.append(f"{url}/health/ready answered {r.status}")
        except OSError as e:
            problems.append(f"{url}/health/ready: {e}")
    return problems


def _interrupted(signum, frame):
    raise KeyboardInterrupt  # so `finally` stops the reference server and drops its database


def main() -> int:
    a = parse_args()
    signal.signal(signal.SIGTERM, _interrupted)
    data_dir = os.environ.get("CUSTOS_DATA_DIR") or os.path.join(ROOT, ".data")
    stack = read_env(os.path.join(data_dir, "stack.env"))
    secrets_env = read_env(os.path.join(data_dir, "secrets.env"))
    infra = read_env(os.path.join(data_dir, "infra.env"))
    gateway = stack["CUSTOS_GATEWAY_URL"]
    pg = PgCluster(infra["CUSTOS_PG_HOST"], int(infra["CUSTOS_PG_PORT"]), infra["CUSTOS_PG_USER"],
                   infra["CUSTOS_PG_PASSWORD"])  # fmt: skip
    tag = uuid.uuid4().hex[:8]
    started_at = datetime.now(timezone.utc)
    out = a.out or os.path.join(HERE, "results", f"mlflow-compare-{started_at:%Y%m%dT%H%M%SZ}{'-quick' if a.quick else ''}.json")
    os.makedirs(os.path.dirname(os.path.abspath(out)), exist_ok=True)

    load_start = os.getloadavg()[0]
    store = object_store_mode(data_dir)
    print(f"mlflow {mlflow.__version__} client; Custos at {gateway} ({data_dir}, artifacts in {store}); "
          f"{os.cpu_count()} cores, load average {load_start:.2f}")  # fmt: skip
    if "custos" in a.sides and (problems := check_custos(stack)):
        print(f"warning: Custos not ready ({'; '.join(problems)}); running anyway")
    print(f"workload: {'quick' if a.quick else 'full'}; reps {a.reps}; rows {', '.join(a.only)}; tag {tag}")

    rows = build_rows(a, tag)
    results: dict = {}
    server = ReferenceServer(pg, a.mlflow_workers, a.mlflow_uvicorn_opts) if "mlflow" in a.sides else None
    sides: list[Side] = []
    try:
        mlflow_down = None
        if server is not None:
            t0 = time.perf_counter()
            try:
                server.start()
                print(f"mlflow server at {server.url} ({a.mlflow_workers} workers, database {server.database}, "
                      f"artifacts proxied to a local folder) healthy after {time.perf_counter() - t0:.1f}s")  # fmt: skip
            except Exception as e:  # noqa: BLE001 - Custos is still measured alone
                mlflow_down = f"mlflow server did not start: {short_error(e)}"
                print(f"{mlflow_down}\n{server.log_tail()}", file=sys.stderr)
        for name in a.sides:
            if name == "custos":
                sides.append(Side("custos", gateway, secrets_env.get("BOOTSTRAP_ADMIN_API_KEY")))
            else:
                sides.append(Side("mlflow", server.url, None, down=mlflow_down))
        for row in rows:
            print(f"\n{row.title}", flush=True)
            results[row.name] = {}
            run_row(row, sides, a.reps, results[row.name])
    except KeyboardInterrupt:
        print("\ninterrupted: reporting what was measured", file=sys.stderr)
    finally:
        for side in sides:
            if side.name == "custos" and not a.keep_experiments:
                side.activate()
                for exp_id in side.experiments:
                    try:
                        side.client.delete_experiment(exp_id)
                    except Exception:  # noqa: BLE001 - tidying only
                        pass
        for row in rows:
            row.cleanup()
        if server is not None:
            server.save_log(os.path.splitext(out)[0] + ".mlflow-server.log")
            server.stop()

    done = [r for r in rows if r.name in results]
    for r in done:
        add_medians(results[r.name])
    lines = summarize(done, results)
    load_end = os.getloadavg()[0]
    print_table(lines, done, results, a.reps, (load_start, load_end))
    report = {
        "started_at": started_at.isoformat(),
        "finished_at": datetime.now(timezone.utc).isoformat(),
        "workload": {k: getattr(a, k) for k in (*FULL, "search_threads")} | {"quick": a.quick, "rows": a.only},
        "machine": {"cores": os.cpu_count(), "load_average_start": load_start, "load_average_end": load_end, "platform": platform.platform(),
                    "python": platform.python_version()},  # fmt: skip
        "mlflow_version": mlflow.__version__,
        "mlflow_server": {"workers": a.mlflow_workers, "uvicorn_opts": a.mlflow_uvicorn_opts, "backend": "postgresql (same cluster as Custos)",
                          "artifacts": "--serve-artifacts, local --artifacts-destination"},  # fmt: skip
        "custos": {"gateway": gateway, "git": git_state(), "object_store": store},
        "rows": {r.name: {"title": r.title, **results[r.name]} for r in done},
        "summary": lines,
    }
    with open(out, "w", encoding="utf-8") as f:
        json.dump(report, f, indent=2)
    shown = os.path.relpath(out, ROOT) if os.path.abspath(out).startswith(ROOT + os.sep) else out
    print(f"results: {shown}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
