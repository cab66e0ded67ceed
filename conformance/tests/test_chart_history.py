"""The UI's sampled chart history (get-history-bulk-interval): the stock web UI draws its metric
charts from it (the client library never calls it). Expected values are what MLflow 3.17.2's server
answers with its default SQL store: each run sampled on its own, by point, the last point kept.
(Older MLflow servers sampled distinct steps shared by the runs: 0,2,4,6,8,9 below.)"""

import time

from mlflow.entities import Metric

from helpers import raw_request

INTERVAL = "/ajax-api/2.0/mlflow/metrics/get-history-bulk-interval"


def log_points(client, run_id, key, steps):
    now = int(time.time() * 1000)
    client.log_batch(run_id, metrics=[Metric(key, float(i), now + i, s) for i, s in enumerate(steps)])


def sampled(run_ids, key, **params):
    resp = raw_request("GET", INTERVAL, params={"run_ids": run_ids, "metric_key": key, **params})
    assert resp.status_code == 200, resp.text
    return resp.json().get("metrics", [])


def test_five_of_ten_steps(client, experiment_id):
    run_id = client.create_run(experiment_id).info.run_id
    log_points(client, run_id, "loss", range(10))
    metrics = sampled([run_id], "loss", max_results=5)
    assert [m["step"] for m in metrics] == [0, 2, 4, 6, 9]
    assert [m["value"] for m in metrics] == [0.0, 2.0, 4.0, 6.0, 9.0]
    assert {m["run_id"] for m in metrics} == {run_id}


def test_each_run_is_sampled_on_its_own(client, experiment_id):
    long_run = client.create_run(experiment_id).info.run_id
    short_run = client.create_run(experiment_id).info.run_id
    log_points(client, long_run, "acc", range(0, 101, 10))
    log_points(client, short_run, "acc", range(6))
    metrics = sampled([long_run, short_run], "acc", max_results=4)
    by_run = {r: [m["step"] for m in metrics if m["run_id"] == r] for r in (long_run, short_run)}
    assert by_run == {long_run: [0, 30, 60, 100], short_run: [0, 2, 4, 5]}


def test_a_step_range_and_many_values_at_one_step(client, experiment_id):
    run_id = client.create_run(experiment_id).info.run_id
    log_points(client, run_id, "lr", range(20))
    assert [m["step"] for m in sampled([run_id], "lr", max_results=5, start_step=5, end_step=19)] == [5, 8, 11, 14, 19]
    flat = client.create_run(experiment_id).info.run_id
    log_points(client, flat, "x", [0] * 10)
    assert [m["value"] for m in sampled([flat], "x", max_results=3)] == [0.0, 4.0, 9.0]
