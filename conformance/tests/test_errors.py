"""Errors: the client must see MLflow's error codes, and deterministic errors must be 4xx (the
client retries 429 and 5xx for minutes, so a 5xx for a bad request hangs the user's script)."""

import pytest
from mlflow.entities import ViewType

from helpers import expect_mlflow_error, raw_request, unique

MISSING_RUN = "0" * 31 + "1"


def assert_error_response(resp, status, error_code=None):
    assert resp.status_code == status, f"HTTP {resp.status_code}: {resp.text[:500]}"
    body = resp.json()
    assert isinstance(body.get("error_code"), str) and body["error_code"], body
    assert isinstance(body.get("message"), str), body
    if error_code is not None:
        assert body["error_code"] == error_code, body


# --- through the client ----------------------------------------------------------------------


def test_unknown_run(client):
    with expect_mlflow_error("RESOURCE_DOES_NOT_EXIST"):
        client.get_run(MISSING_RUN)
    with expect_mlflow_error("RESOURCE_DOES_NOT_EXIST"):
        client.set_tag(MISSING_RUN, "t", "v")


def test_duplicate_experiment(client):
    name = unique("dup-error")
    client.create_experiment(name)
    with expect_mlflow_error("RESOURCE_ALREADY_EXISTS") as info:
        client.create_experiment(name)
    assert info.value.get_http_status_code() == 400


def test_changed_param(client, experiment_id):
    run_id = client.create_run(experiment_id).info.run_id
    client.log_param(run_id, "p", "1")
    with expect_mlflow_error("INVALID_PARAMETER_VALUE"):
        client.log_param(run_id, "p", "2")
    assert client.get_run(run_id).data.params == {"p": "1"}


def test_delete_missing_tag(client, experiment_id):
    run_id = client.create_run(experiment_id).info.run_id
    with expect_mlflow_error("RESOURCE_DOES_NOT_EXIST"):
        client.delete_tag(run_id, "never-set")


@pytest.mark.parametrize(
    "filter_string",
    [
        "metrics.x >>> 1",  # not an operator
        "params.p > 'a'",  # params compare as strings: no ordering
        "metrics.x = 'abc'",  # metrics compare with numbers
        "attributes.status IN ('FINISHED')",  # IN is for run_id only
        "nonsense.key = 'x'",  # unknown entity type
    ],
)
def test_bad_run_filter(client, experiment_id, filter_string):
    with expect_mlflow_error("INVALID_PARAMETER_VALUE"):
        client.search_runs([experiment_id], filter_string)


def test_bad_experiment_filter(client):
    with expect_mlflow_error("INVALID_PARAMETER_VALUE"):
        client.search_experiments(filter_string="name ~~ 1")
    with expect_mlflow_error("INVALID_PARAMETER_VALUE"):
        client.search_experiments(filter_string="creation_time > 'yesterday'")


def test_too_many_results_requested(client, experiment_id):
    # MLflow's server words (its request schema for runs, its store for experiments): people and
    # scripts match on them.
    with expect_mlflow_error("INVALID_PARAMETER_VALUE") as info:
        client.search_runs([experiment_id], max_results=50001)
    assert info.value.message.endswith(
        "Invalid value 50001 for parameter 'max_results' supplied:  Hint: Value was of type 'int'. "
        "See the API docs for more information about request parameters."
    )
    with expect_mlflow_error("INVALID_PARAMETER_VALUE") as info:
        client.search_experiments(max_results=50001)
    assert info.value.message.endswith("Invalid value 50001 for parameter 'max_results' supplied. It must be at most 50000")
    with expect_mlflow_error("INVALID_PARAMETER_VALUE") as info:
        client.search_logged_models([experiment_id], max_results=50001)
    assert info.value.message.endswith("Invalid value 50001 for parameter 'max_results' supplied. It must be at most 50000")


def test_reason_phrase_is_mlflows():
    # MLflow's server (uvicorn) names a 413 "Request Entity Too Large"; Node's own name differs.
    body = b'{"run_id": "' + b"x" * (17 * 1024 * 1024) + b'"}'
    resp = raw_request("POST", "/api/2.0/mlflow/runs/log-batch", data=body, headers={"Content-Type": "application/json"})
    assert resp.status_code == 413, resp.text[:300]
    assert resp.reason == "Request Entity Too Large"


def test_write_to_deleted_experiment_rejected(client):
    exp_id = client.create_experiment(unique("deleted-exp"))
    client.delete_experiment(exp_id)
    with expect_mlflow_error("INVALID_PARAMETER_VALUE"):
        client.create_run(exp_id)
    assert client.search_runs([exp_id], run_view_type=ViewType.ALL) == []


# --- on the wire -----------------------------------------------------------------------------


def test_wire_status_codes(experiment_id):
    assert_error_response(
        raw_request("GET", "/api/2.0/mlflow/runs/get", params={"run_id": MISSING_RUN}),
        404,
        "RESOURCE_DOES_NOT_EXIST",
    )
    name = unique("wire-dup")
    assert raw_request("POST", "/api/2.0/mlflow/experiments/create", json={"name": name}).ok
    assert_error_response(
        raw_request("POST", "/api/2.0/mlflow/experiments/create", json={"name": name}),
        400,
        "RESOURCE_ALREADY_EXISTS",
    )
    assert_error_response(
        raw_request(
            "POST",
            "/api/2.0/mlflow/runs/search",
            json={"experiment_ids": [experiment_id], "filter": "metrics.x >>> 1"},
        ),
        400,
        "INVALID_PARAMETER_VALUE",
    )
    assert_error_response(raw_request("GET", "/api/2.0/mlflow/experiments/get"), 400, "INVALID_PARAMETER_VALUE")
    assert_error_response(
        raw_request("POST", "/api/2.0/mlflow/experiments/create", json={}), 400, "INVALID_PARAMETER_VALUE"
    )


def test_malformed_json_body_is_a_client_error():
    resp = raw_request(
        "POST",
        "/api/2.0/mlflow/experiments/create",
        data=b"{not json",
        headers={"Content-Type": "application/json"},
    )
    assert_error_response(resp, 400)


def test_unknown_endpoint_is_404():
    resp = raw_request("GET", "/api/2.0/mlflow/no-such-endpoint")
    assert resp.status_code == 404, resp.status_code


def test_error_answered_while_a_large_body_is_sent():
    # The client streams uploads without `Expect: 100-continue`: an error answer must still reach
    # it (the server reads or discards the body, or closes), not leave it waiting for a timeout.
    # MLflow's server answers in well under a second; 10 s is generous.
    resp = raw_request(
        "PUT", "/api/2.0/mlflow/no-such-endpoint", data=b"\0" * (9 * 1024 * 1024), timeout=10
    )
    assert resp.status_code == 404, resp.status_code
