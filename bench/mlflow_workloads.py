"""The rows of bench/mlflow_compare.py: one workload each, run identically against either side.

A row prepares each side once (`setup`, e.g. the 10k runs that search_runs searches), then runs
`rep` several times per side; each `rep` returns its measures. Only the public `mlflow` client is
used (MlflowClient), exactly as a data scientist's code would call it; the side is chosen by
`Side.activate()` (tracking URI and token), never by anything the client would not do itself.
"""

from __future__ import annotations

import hashlib
import os
import random
import shutil
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import mlflow
from mlflow import MlflowClient
from mlflow.entities import Metric, Param, RunTag
from mlflow.store.artifact.artifact_repository_registry import get_artifact_repository


@dataclass
class Side:
    name: str  # "custos" or "mlflow"
    uri: str
    token: str | None
    client: MlflowClient | None = None
    experiments: list[str] = field(default_factory=list)  # created here, deleted at the end
    down: str | None = None  # why this side cannot be measured at all (e.g. server did not start)

    def activate(self) -> MlflowClient:
        """Points the client at this side: tracking URI (global and env) and bearer token."""
        os.environ["MLFLOW_TRACKING_URI"] = self.uri
        if self.token:
            os.environ["MLFLOW_TRACKING_TOKEN"] = self.token
        else:
            os.environ.pop("MLFLOW_TRACKING_TOKEN", None)
        mlflow.set_tracking_uri(self.uri)
        if self.client is None:
            self.client = MlflowClient(tracking_uri=self.uri)
        return self.client

    def new_experiment(self, name: str) -> str:
        exp_id = self.activate().create_experiment(name)
        self.experiments.append(exp_id)
        return exp_id


def pct(sorted_xs: list[float], p: float) -> float:
    """Nearest-rank percentile of an already sorted list (same rule as bench/event-path.mjs)."""
    return sorted_xs[min(len(sorted_xs) - 1, int(p / 100 * len(sorted_xs)))]


def now_ms() -> int:
    return int(time.time() * 1000)


@dataclass(frozen=True)
class Measure:
    key: str
    label: str
    unit: str
    kind: str  # "throughput" (higher is better) or "latency" (lower is better)
    # The target as the least "Custos-better" ratio (Custos/MLflow for throughput,
    # MLflow/Custos for latency): 5.0 is "5x MLflow", 1.0 is "not worse"; None is reported only.
    target: float | None


class Row:
    name = ""
    title = ""
    measures: tuple[Measure, ...] = ()

    def __init__(self, tag: str):
        self.tag = tag  # unique per bench invocation: names never collide with earlier runs
        self.exp: dict[str, str] = {}

    def setup(self, side: Side) -> dict:
        self.exp[side.name] = side.new_experiment(f"bench-{self.tag}-{self.name}")
        return {}

    def rep(self, side: Side, i: int) -> dict:
        raise NotImplementedError

    def cleanup(self) -> None:
        pass


class LogBatchRow(Row):
    """`log_batch` of `batch_size` metrics, `batches` times in a row, into one fresh run."""

    name = "log_batch"
    measures = (
        Measure("metrics_per_s", "log_batch throughput", "metrics/s", "throughput", 5.0),
        Measure("batch_p50_ms", "log_batch call p50", "ms", "latency", None),
        Measure("batch_p99_ms", "log_batch call p99", "ms", "latency", 1.0),
    )

    def __init__(self, tag: str, batches: int, batch_size: int, keys: int = 100):
        super().__init__(tag)
        self.batches, self.batch_size, self.keys = batches, batch_size, keys
        self.title = f"log_batch: {batches} x {batch_size} metrics into one run, sequential"

    def _batch(self, b: int) -> list[Metric]:
        # `keys` metric keys, each with its own steps: every (key, step) is distinct, as in training.
        ts = now_ms()
        per_key = -(-self.batch_size // self.keys)  # steps per key in one batch (ceiling)
        return [
            Metric(f"m{j % self.keys}", random.random(), ts, b * per_key + j // self.keys)
            for j in range(self.batch_size)
        ]

    def setup(self, side: Side) -> dict:
        super().setup(side)
        client = side.activate()
        # A rep's worth of untimed batches: one batch left a freshly started Custos still compiling
        # its hot paths through the first reps (9,117 rising to 11,128 metrics/s over five reps);
        # MLflow's Python server has nothing to warm but its caches.
        warm = client.create_run(self.exp[side.name], run_name="warmup").info.run_id
        for b in range(self.batches):
            client.log_batch(warm, metrics=self._batch(b))
        return {}

    def rep(self, side: Side, i: int) -> dict:
        client = side.activate()
        run_id = client.create_run(self.exp[side.name], run_name=f"rep{i}").info.run_id
        batches = [self._batch(b) for b in range(self.batches)]  # built before the clock starts
        lat = []
        started = time.perf_counter()
        for metrics in batches:
            t0 = time.perf_counter()
            client.log_batch(run_id, metrics=metrics)
            lat.append((time.perf_counter() - t0) * 1000)
        elapsed = time.perf_counter() - started
        lat.sort()
        return {
            "metrics_per_s": self.batches * self.batch_size / elapsed,
            "batch_p50_ms": pct(lat, 50),
            "batch_p99_ms": pct(lat, 99),
        }


class LogMetricRow(Row):
    """`calls` sequential `log_metric` calls into one fresh run, each timed."""

    name = "log_metric"
    measures = (
        Measure("p50_ms", "log_metric p50", "ms", "latency", None),
        Measure("p99_ms", "log_metric p99", "ms", "latency", 1.0),
    )

    def __init__(self, tag: str, calls: int, warmup: int = 20):
        super().__init__(tag)
        self.calls, self.warmup = calls, warmup
        self.title = f"log_metric: {calls} sequential calls into one run"

    def setup(self, side: Side) -> dict:
        super().setup(side)
        client = side.activate()
        warm = client.create_run(self.exp[side.name], run_name="warmup").info.run_id
        for s in range(self.warmup):
            client.log_metric(warm, "loss", random.random(), step=s)
        return {}

    def rep(self, side: Side, i: int) -> dict:
        client = side.activate()
        run_id = client.create_run(self.exp[side.name], run_name=f"rep{i}").info.run_id
        lat = []
        for s in range(self.calls):
            v = random.random()
            t0 = time.perf_counter()
            client.log_metric(run_id, "loss", v, step=s)
            lat.append((time.perf_counter() - t0) * 1000)
        lat.sort()
        return {"p50_ms": pct(lat, 50), "p99_ms": pct(lat, 99)}


@dataclass(frozen=True)
class RunSpec:
    m: float
    m2: float
    p: str
    q: str
    t: str


class SearchRunsRow(Row):
    """search_runs over an experiment of `runs` runs, each with 2 params, 2 metrics and a tag.

    The runs are made the same way on both sides (create_run then one log_batch, from a thread
    pool) from the same seeded data, so the expected answer is known: a side that answers fast but
    wrong is reported as an error, not as a win.
    """

    name = "search_runs"
    FILTER = "metrics.m > 0.5 and params.p = 'a'"
    ORDER_BY = ["metrics.m DESC"]
    MAX_RESULTS = 100
    measures = (
        Measure("p50_ms", "search_runs p50", "ms", "latency", None),
        Measure("p99_ms", "search_runs p99", "ms", "latency", 1.0),
    )

    def __init__(self, tag: str, runs: int, queries: int, threads: int, seed: int = 42, warmup: int = 5):
        super().__init__(tag)
        self.runs, self.queries, self.threads, self.warmup = runs, queries, threads, warmup
        rnd = random.Random(seed)
        self.specs = [
            RunSpec(rnd.random(), rnd.random() * 100, rnd.choice("abcd"), str(rnd.randrange(100)), rnd.choice("xy"))
            for _ in range(runs)
        ]
        matching = sorted((s.m for s in self.specs if s.m > 0.5 and s.p == "a"), reverse=True)
        self.expected = matching[: self.MAX_RESULTS]
        self.title = (
            f"search_runs over {runs} runs: filter \"{self.FILTER}\", order_by {self.ORDER_BY[0]}, "
            f"max_results {self.MAX_RESULTS}; {queries} sequential queries"
        )

    def setup(self, side: Side) -> dict:
        super().setup(side)
        client = side.activate()
        exp_id = self.exp[side.name]

        def make(i: int) -> None:
            s = self.specs[i]
            run_id = client.create_run(exp_id, run_name=f"r{i}", tags={"t": s.t}).info.run_id
            ts = now_ms()
            client.log_batch(
                run_id,
                metrics=[Metric("m", s.m, ts, 0), Metric("m2", s.m2, ts, 0)],
                params=[Param("p", s.p), Param("q", s.q)],
                tags=[RunTag("i", str(i))],
            )

        started = time.perf_counter()
        with ThreadPoolExecutor(self.threads) as pool:
            for f in [pool.submit(make, i) for i in range(self.runs)]:
                f.result()  # the first failure fails the setup (its runs would change the answer)
        elapsed = time.perf_counter() - started
        for _ in range(self.warmup):
            self._query(client, exp_id)
        return {"runs": self.runs, "threads": self.threads, "seconds": elapsed, "runs_per_s": self.runs / elapsed}

    def _query(self, client: MlflowClient, exp_id: str):
        return client.search_runs(
            experiment_ids=[exp_id], filter_string=self.FILTER, order_by=self.ORDER_BY, max_results=self.MAX_RESULTS
        )

    def rep(self, side: Side, i: int) -> dict:
        client = side.activate()
        exp_id = self.exp[side.name]
        lat = []
        for _ in range(self.queries):
            t0 = time.perf_counter()
            runs = self._query(client, exp_id)
            lat.append((time.perf_counter() - t0) * 1000)
        got = [r.data.metrics.get("m") for r in runs]
        if len(got) != len(self.expected) or any(
            g is None or abs(g - e) > 1e-9 for g, e in zip(got, self.expected)
        ):
            raise AssertionError(
                f"wrong answer: {len(got)} runs (expected {len(self.expected)}); "
                f"first m values {got[:3]} (expected {self.expected[:3]})"
            )
        lat.sort()
        return {"p50_ms": pct(lat, 50), "p99_ms": pct(lat, 99)}


class ArtifactRow(Row):
    """One `size_mb` file of random bytes: log_artifact (upload) then download_artifacts, MB/s."""

    name = "artifact"
    measures = (
        Measure("upload_mb_per_s", "artifact upload", "MB/s", "throughput", 1.0),
        Measure("download_mb_per_s", "artifact download", "MB/s", "throughput", 1.0),
    )

    def __init__(self, tag: str, size_mb: int):
        super().__init__(tag)
        self.size_mb = size_mb
        self.title = f"artifact: one {size_mb} MB file (random bytes), log_artifact then download_artifacts"
        self.dir = tempfile.mkdtemp(prefix="custos-bench-artifact-")
        self.path = os.path.join(self.dir, "blob.bin")
        digest = hashlib.sha256()
        with open(self.path, "wb") as f:
            for _ in range(size_mb):
                chunk = os.urandom(1 << 20)  # incompressible, so no side gains from compression
                digest.update(chunk)
                f.write(chunk)
        self.sha256 = digest.hexdigest()

    def setup(self, side: Side) -> dict:
        super().setup(side)
        # One untimed round trip, as the other rows warm up: the first 100 MB through a freshly
        # started stack ran at a third to a half of the next ones, on both sides.
        self._round_trip(side.activate(), self.exp[side.name], "warmup")
        return {}

    def rep(self, side: Side, i: int) -> dict:
        up, down = self._round_trip(side.activate(), self.exp[side.name], f"rep{i}")
        size = self.size_mb  # MB = 2^20 bytes
        return {"upload_mb_per_s": size / up, "download_mb_per_s": size / down}

    def _round_trip(self, client: MlflowClient, exp_id: str, run_name: str) -> tuple[float, float]:
        """Uploads the file into a fresh run, downloads and checks it; seconds up and down."""
        run_id = client.create_run(exp_id, run_name=run_name).info.run_id
        t0 = time.perf_counter()
        client.log_artifact(run_id, self.path)
        up = time.perf_counter() - t0
        dst = tempfile.mkdtemp(prefix="custos-bench-download-")
        try:
            t0 = time.perf_counter()
            local = client.download_artifacts(run_id, "blob.bin", dst)
            down = time.perf_counter() - t0
            digest = hashlib.sha256()
            with open(local, "rb") as f:
                for chunk in iter(lambda: f.read(1 << 20), b""):
                    digest.update(chunk)
            if digest.hexdigest() != self.sha256:
                raise AssertionError("downloaded bytes differ from the uploaded file")
        finally:
            shutil.rmtree(dst, ignore_errors=True)
            # Untimed, on both sides: reps would otherwise leave hundreds of MB each in the stores.
            get_artifact_repository(client.get_run(run_id).info.artifact_uri).delete_artifacts("blob.bin")
        return up, down

    def cleanup(self) -> None:
        shutil.rmtree(self.dir, ignore_errors=True)
