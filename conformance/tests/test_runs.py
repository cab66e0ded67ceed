"""Runs: lifecycle, params, metrics, tags, batches, deletion."""

import math
import time

import mlflow
from mlflow.entities import Metric, Param, RunStatus, RunTag

from helpers import expect_mlflow_error, is_neg_inf, is_pos_inf


def now_ms() -> int:
    return int(time.time() * 1000)


def history(client, run_id, key):
    return sorted((m.step, m.timestamp, m.value) for m in client.get_metric_history(run_id, key))


def test_start_and_end_run(client, active_experiment):
    with mlflow.start_run(run_name="lifecycle", tags={"phase": "start"}) as run:
        run_id = run.info.run_id
        assert run_id
        assert run.info.experiment_id == active_experiment
        assert run.info.status == "RUNNING"
        assert run.info.run_name == "lifecycle"
        assert run.info.lifecycle_stage == "active"
        assert run.info.artifact_uri, "a run needs an artifact URI"
        live = client.get_run(run_id)
        assert live.info.status == "RUNNING"
        assert live.info.start_time > 0
        assert mlflow.active_run().info.run_id == run_id

    assert mlflow.active_run() is None
    done = client.get_run(run_id)
    assert done.info.status == "FINISHED"
    assert done.info.end_time >= done.info.start_time
    assert done.info.run_name == "lifecycle"
    assert done.data.tags["mlflow.runName"] == "lifecycle"
    assert done.data.tags["phase"] == "start"
    # Context tags the client resolves and sends itself.
    assert "mlflow.user" in done.data.tags
    assert "mlflow.source.type" in done.data.tags
    assert mlflow.last_active_run().info.run_id == run_id


def test_end_run_with_status(client, active_experiment):
    mlflow.start_run()
    run_id = mlflow.active_run().info.run_id
    mlflow.end_run(status="FAILED")
    assert client.get_run(run_id).info.status == "FAILED"

    other = client.create_run(active_experiment)
    client.set_terminated(other.info.run_id, status="KILLED")
    assert client.get_run(other.info.run_id).info.status == "KILLED"


def test_resume_finished_run(client, active_experiment):
    with mlflow.start_run() as run:
        mlflow.log_param("first", "1")
    run_id = run.info.run_id
    assert client.get_run(run_id).info.status == "FINISHED"

    with mlflow.start_run(run_id=run_id) as resumed:
        assert resumed.info.run_id == run_id
        assert client.get_run(run_id).info.status == "RUNNING"
        mlflow.log_param("second", "2")
        mlflow.log_metric("m", 1.0)
    got = client.get_run(run_id)
    assert got.info.status == "FINISHED"
    assert got.data.params == {"first": "1", "second": "2"}
    assert got.data.metrics == {"m": 1.0}


def test_update_run_name_and_status(client, experiment_id):
    run = client.create_run(experiment_id, run_name="before")
    assert run.info.run_name == "before"
    client.update_run(run.info.run_id, status="FINISHED", name="after")
    got = client.get_run(run.info.run_id)
    assert got.info.run_name == "after"
    assert got.data.tags["mlflow.runName"] == "after"
    assert got.info.status == "FINISHED"


def test_nested_runs(client, active_experiment):
    with mlflow.start_run(run_name="parent") as parent:
        with mlflow.start_run(run_name="child", nested=True) as child:
            pass
    got = client.get_run(child.info.run_id)
    assert got.data.tags["mlflow.parentRunId"] == parent.info.run_id
    assert mlflow.get_parent_run(child.info.run_id).info.run_id == parent.info.run_id


def test_params(client, active_experiment):
    long_value = "v" * 6000  # MLflow's documented maximum param value length
    with mlflow.start_run() as run:
        mlflow.log_param("lr", 0.01)
        mlflow.log_params({"layers": 3, "optimizer": "adam", "unicode": "ünïcødé ✓", "long": long_value})
        mlflow.log_param("lr", 0.01)  # logging the same value again is allowed
        with expect_mlflow_error("INVALID_PARAMETER_VALUE"):
            mlflow.log_param("lr", 0.02)
        with expect_mlflow_error("INVALID_PARAMETER_VALUE"):
            mlflow.log_params({"layers": 4})
    params = client.get_run(run.info.run_id).data.params
    assert params == {
        "lr": "0.01",
        "layers": "3",
        "optimizer": "adam",
        "unicode": "ünïcødé ✓",
        "long": long_value,
    }


def test_metrics_latest_value_and_history(client, active_experiment):
    t = now_ms()
    with mlflow.start_run() as run:
        mlflow.log_metric("loss", 1.0, step=0, timestamp=t)
        mlflow.log_metric("loss", 0.5, step=5, timestamp=t + 1)
        mlflow.log_metric("loss", 0.7, step=2, timestamp=t + 2)  # an older step logged later
        mlflow.log_metric("same_step", 1.0, step=3, timestamp=t)
        mlflow.log_metric("same_step", 2.0, step=3, timestamp=t + 10)
        mlflow.log_metrics({"acc": 0.9, "f1": 0.8}, step=1)
        mlflow.log_metric("no_step", 42.0)
    run_id = run.info.run_id
    metrics = client.get_run(run_id).data.metrics
    # The run shows the value at the highest step, then the latest timestamp.
    assert metrics["loss"] == 0.5
    assert metrics["same_step"] == 2.0
    assert metrics["acc"] == 0.9
    assert metrics["f1"] == 0.8
    assert metrics["no_step"] == 42.0

    assert history(client, run_id, "loss") == [(0, t, 1.0), (2, t + 2, 0.7), (5, t + 1, 0.5)]
    assert history(client, run_id, "same_step") == [(3, t, 1.0), (3, t + 10, 2.0)]
    (step, ts, value), = history(client, run_id, "no_step")
    assert (step, value) == (0, 42.0) and ts > 0
    assert all(m.key == "loss" for m in client.get_metric_history(run_id, "loss"))
    assert client.get_metric_history(run_id, "never_logged") == []


def test_metric_values_round_trip_exactly(client, active_experiment):
    values = {
        "tenth_sum": 0.1 + 0.2,  # 0.30000000000000004: needs double precision
        "tiny": 1e-300,
        "huge": 1.2345678901234567e300,
        "negative": -273.15,
        "precise": 123456789.123456789,
        "zero": 0.0,
    }
    with mlflow.start_run() as run:
        mlflow.log_metrics(values, step=2**40)
    got = client.get_run(run.info.run_id).data.metrics
    assert {k: got[k] for k in values} == values
    assert [m.step for m in client.get_metric_history(run.info.run_id, "tiny")] == [2**40]


def test_nan_and_infinite_metrics(client, active_experiment):
    with mlflow.start_run() as run:
        mlflow.log_metric("nan", float("nan"), step=0)
        mlflow.log_metric("pos_inf", float("inf"), step=0)
        mlflow.log_metric("neg_inf", float("-inf"), step=0)
        mlflow.log_metric("nan_then_value", float("nan"), step=0)
        mlflow.log_metric("nan_then_value", 1.5, step=1)
    run_id = run.info.run_id
    metrics = client.get_run(run_id).data.metrics
    assert math.isnan(metrics["nan"])
    assert is_pos_inf(metrics["pos_inf"]), metrics["pos_inf"]
    assert is_neg_inf(metrics["neg_inf"]), metrics["neg_inf"]
    assert metrics["nan_then_value"] == 1.5

    (nan_point,) = client.get_metric_history(run_id, "nan")
    assert math.isnan(nan_point.value)
    (inf_point,) = client.get_metric_history(run_id, "pos_inf")
    assert is_pos_inf(inf_point.value)
    mixed = sorted(client.get_metric_history(run_id, "nan_then_value"), key=lambda m: m.step)
    assert math.isnan(mixed[0].value) and mixed[1].value == 1.5


def test_thousand_steps_logged_one_by_one(client, active_experiment):
    with mlflow.start_run() as run:
        for step in range(1000):
            mlflow.log_metric("curve", step / 1000, step=step)
    run_id = run.info.run_id
    points = client.get_metric_history(run_id, "curve")
    assert len(points) == 1000
    assert sorted((m.step, m.value) for m in points) == [(s, s / 1000) for s in range(1000)]
    assert client.get_run(run_id).data.metrics["curve"] == 0.999


def test_tags(client, active_experiment):
    with mlflow.start_run() as run:
        mlflow.set_tag("stage", "dev")
        mlflow.set_tags({"owner": "custos", "stage": "prod"})  # overwriting a tag is allowed
        mlflow.set_tag("temp", "x")
        mlflow.delete_tag("temp")
    run_id = run.info.run_id
    client.set_tag(run_id, "after_end", "yes")  # tags may be set on a finished run
    tags = client.get_run(run_id).data.tags
    assert tags["stage"] == "prod"
    assert tags["owner"] == "custos"
    assert tags["after_end"] == "yes"
    assert "temp" not in tags

    client.delete_tag(run_id, "owner")
    assert "owner" not in client.get_run(run_id).data.tags


def test_log_batch(client, experiment_id):
    run_id = client.create_run(experiment_id).info.run_id
    t = now_ms()
    metrics = [Metric("batched", i * 0.5, t + i, i) for i in range(1000)]
    metrics.append(Metric("single", 3.0, t, 0))
    params = [Param(f"p{i:03d}", str(i)) for i in range(100)]
    tags = [RunTag("batch", "yes"), RunTag("size", "large")]
    client.log_batch(run_id, metrics=metrics, params=params, tags=tags)

    run = client.get_run(run_id)
    assert run.data.metrics["batched"] == 999 * 0.5
    assert run.data.metrics["single"] == 3.0
    assert run.data.params == {f"p{i:03d}": str(i) for i in range(100)}
    assert run.data.tags["batch"] == "yes" and run.data.tags["size"] == "large"
    assert history(client, run_id, "batched") == [(i, t + i, i * 0.5) for i in range(1000)]

    # A batch that would change a logged param is rejected.
    with expect_mlflow_error("INVALID_PARAMETER_VALUE"):
        client.log_batch(run_id, params=[Param("p000", "changed")])
    assert client.get_run(run_id).data.params["p000"] == "0"
    client.set_terminated(run_id)


def test_delete_and_restore_run(client, experiment_id):
    run_id = client.create_run(experiment_id).info.run_id
    client.log_param(run_id, "before", "1")
    client.delete_run(run_id)
    assert client.get_run(run_id).info.lifecycle_stage == "deleted"

    # Writes to a deleted run are rejected.
    with expect_mlflow_error("INVALID_PARAMETER_VALUE"):
        client.log_param(run_id, "p", "1")
    with expect_mlflow_error("INVALID_PARAMETER_VALUE"):
        client.log_metric(run_id, "m", 1.0)
    with expect_mlflow_error("INVALID_PARAMETER_VALUE"):
        client.set_tag(run_id, "t", "v")
    with expect_mlflow_error("INVALID_PARAMETER_VALUE"):
        client.log_batch(run_id, metrics=[Metric("m", 1.0, now_ms(), 0)])
    run = client.get_run(run_id)
    assert "p" not in run.data.params and "m" not in run.data.metrics and "t" not in run.data.tags

    client.restore_run(run_id)
    assert client.get_run(run_id).info.lifecycle_stage == "active"
    client.log_metric(run_id, "m", 2.0)
    assert client.get_run(run_id).data.metrics["m"] == 2.0
    assert client.get_run(run_id).data.params == {"before": "1"}
    client.set_terminated(run_id, RunStatus.to_string(RunStatus.FINISHED))


def test_unknown_run(client):
    missing = "0" * 31 + "1"
    with expect_mlflow_error("RESOURCE_DOES_NOT_EXIST"):
        client.get_run(missing)
    with expect_mlflow_error("RESOURCE_DOES_NOT_EXIST"):
        client.log_metric(missing, "m", 1.0)
    with expect_mlflow_error("RESOURCE_DOES_NOT_EXIST"):
        client.log_param(missing, "p", "1")
