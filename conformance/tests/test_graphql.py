"""MLflow's GraphQL endpoint (`/graphql`), posted to with `requests` the way MLflow's own server tests
do (tests/tracking/test_rest_tracking.py): the test echo query, an experiment, a run with its
experiment and model versions, and the query bounds. Data is logged with the stock client first.

The registry's routes are a later issue, so a run has no model versions yet: `modelVersions` is [].
"""

from __future__ import annotations

import mlflow

from helpers import raw_request, unique

JSON = {"content-type": "application/json; charset=utf-8"}


def graphql(query: str, variables: dict | None = None, operation: str | None = "testQuery"):
    body: dict = {"query": query}
    if variables is not None:
        body["variables"] = variables
    if operation is not None:
        body["operationName"] = operation
    return raw_request("POST", "/graphql", json=body, headers=JSON)


def test_graphql_handler():
    response = graphql('query testQuery {test(inputString: "abc") { output }}')
    assert response.status_code == 200
    assert response.json() == {"data": {"test": {"output": "abc"}}, "errors": None}


def test_get_experiment_graphql(client):
    name = unique("graphql")
    experiment_id = client.create_experiment(name)
    response = graphql(
        'query testQuery {mlflowGetExperiment(input: {experimentId: "' + experiment_id + '"}) { experiment { name } }}'
    )
    assert response.status_code == 200
    assert response.json()["data"]["mlflowGetExperiment"]["experiment"]["name"] == name


def test_get_run_and_experiment_graphql(client):
    name = unique("graphql")
    experiment_id = client.create_experiment(name)
    run_id = client.create_run(experiment_id).info.run_id
    client.log_metric(run_id, "loss", 0.25, step=4)
    client.log_param(run_id, "lr", "0.01")
    response = graphql(
        f"""
        query testQuery @component(name: "Test") {{
            mlflowGetRun(input: {{runId: "{run_id}"}}) {{
                run {{
                    info {{ status }}
                    experiment {{ name }}
                    modelVersions {{ name }}
                    data {{ metrics {{ key value step }} params {{ key value }} }}
                }}
            }}
        }}
        """
    )
    assert response.status_code == 200
    json = response.json()
    assert json["errors"] is None
    run = json["data"]["mlflowGetRun"]["run"]
    assert run["info"]["status"] == "RUNNING"
    assert run["experiment"]["name"] == name
    assert run["modelVersions"] == []
    assert run["data"]["metrics"] == [{"key": "loss", "value": 0.25, "step": "4"}]
    assert run["data"]["params"] == [{"key": "lr", "value": "0.01"}]


def test_search_runs_and_sampled_history_graphql(client):
    experiment_id = client.create_experiment(unique("graphql"))
    with mlflow.start_run(experiment_id=experiment_id, run_name="charted") as run:
        for step in range(10):
            mlflow.log_metric("acc", step / 10, step=step)
    search = graphql(
        "query testQuery($data: MlflowSearchRunsInput!) { mlflowSearchRuns(input: $data) { runs { info { runName status } } } }",
        {"data": {"experimentIds": [experiment_id], "filter": "metrics.acc > 0.5"}},
    )
    assert search.status_code == 200
    assert search.json()["data"]["mlflowSearchRuns"]["runs"] == [{"info": {"runName": "charted", "status": "FINISHED"}}]
    history = graphql(
        "query testQuery($data: MlflowGetMetricHistoryBulkIntervalInput!) "
        "{ mlflowGetMetricHistoryBulkInterval(input: $data) { metrics { runId step value } } }",
        {"data": {"runIds": [run.info.run_id], "metricKey": "acc", "maxResults": 320}},
    )
    assert history.status_code == 200
    metrics = history.json()["data"]["mlflowGetMetricHistoryBulkInterval"]["metrics"]
    assert [m["step"] for m in metrics] == [str(s) for s in range(10)]
    assert {m["runId"] for m in metrics} == {run.info.run_id}


def test_graphql_query_bounds():
    selections = "query testQuery { " + " ".join(f"t{i}: test(inputString: \"x\") {{ output }}" for i in range(11)) + " }"
    response = graphql(selections)
    assert response.status_code == 200
    assert "at most 10 aliases" in response.json()["errors"][0]
    deep = "query testQuery { " + "a { " * 11 + "b" + " }" * 11 + " }"
    response = graphql(deep)
    assert response.status_code == 200
    assert response.json()["errors"] == ["Query exceeds maximum depth of 10"]


def test_graphql_bad_input_is_never_a_server_error():
    assert graphql("query testQuery { mlflowGetRun(input: ").status_code == 400
    wrong_type = graphql(
        "query testQuery($data: MlflowGetRunInput!) { mlflowGetRun(input: $data) { run { info { runId } } } }",
        {"data": {"runId": 7}},
    )
    assert wrong_type.status_code == 200
    assert wrong_type.json()["data"] is None
    assert wrong_type.json()["errors"]
    missing = graphql('query testQuery { mlflowGetRun(input: {runId: "' + "0" * 32 + '"}) { run { info { runId } } } }')
    assert missing.status_code == 200
    assert missing.json() == {"data": {"mlflowGetRun": None}, "errors": [f"Run with id={'0' * 32} not found"]}
    assert raw_request("POST", "/graphql", json={"query": "{ test { output } }"}, headers=JSON, auth=False).status_code == 401
