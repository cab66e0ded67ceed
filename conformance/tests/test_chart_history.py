"""The UI's sampled chart history (get-history-bulk-interval): the stock web UI draws its metric
charts from it, and expects MLflow's exact step sample (the client library never calls it)."""

import time

from mlflow.entities import Metric

from helpers import raw_request

INTERVAL = "/ajax-api/2.0/mlflow/metrics/get-history-bulk-interval"


def log_steps(client, run_id, key, steps):
    now = int(time.time() * 1000)
    client.log_batch(run_id, metrics=[Metric(key, float(s), now + s, s) for s in steps])


def sampled(run_ids, key, **params):
    resp = raw_request("GET", INTERVAL, params={"run_ids": run_ids, "metric_key": key, **params})
    assert resp.status_code == 200, resp.text
    return resp.json().get("metrics", [])


def test_five_of_ten_steps_keeps_the_last_step(client, experiment_id):
    run_id = client.create_run(experiment_id).info.run_id
    log_steps(client, run_id, "loss", range(10))
    metrics = sampled([run_id], "loss", max_results=5)
    assert [m["step"] for m in metrics] == [0, 2, 4, 6, 8, 9]
    assert {m["run_id"] for m in metrics} == {run_id}
    assert [m["value"] for m in metrics] == [0.0, 2.0, 4.0, 6.0, 8.0, 9.0]


def test_runs_share_one_sample_and_keep_their_ends(client, experiment_id):
    long_run = client.create_run(experiment_id).info.run_id
    short_run = client.create_run(experiment_id).info.run_id
    log_steps(client, long_run, "acc", range(0, 101, 10))
    log_steps(client, short_run, "acc", range(6))
    metrics = sampled([long_run, short_run], "acc", max_results=4)
    by_run = {r: [m["step"] for m in metrics if m["run_id"] == r] for r in (long_run, short_run)}
    # The union of steps sampled once (0, 4, 30, 70, 100) plus each run's own first and last step.
    assert by_run == {long_run: [0, 30, 70, 100], short_run: [0, 4, 5]}


def test_a_step_range_is_sampled_by_mlflows_rule(client, experiment_id):
    run_id = client.create_run(experiment_id).info.run_id
    log_steps(client, run_id, "lr", range(20))
    metrics = sampled([run_id], "lr", max_results=5, start_step=5, end_step=19)
    assert [m["step"] for m in metrics] == [5, 8, 11, 14, 19]
