"""MLflow 3 logged models: pyfunc.log_model / load_model and the logged-model API."""

import mlflow
import mlflow.pyfunc
import pandas as pd
import pytest
from mlflow.entities import LoggedModelStatus
from mlflow.models import ModelSignature
from mlflow.types import ColSpec, Schema

from helpers import expect_mlflow_error, unique


class AddN(mlflow.pyfunc.PythonModel):
    """A tiny pure-Python model: adds n to every column."""

    def __init__(self, n):
        self.n = n

    def predict(self, context, model_input, params=None):
        return model_input + self.n


SIGNATURE = ModelSignature(
    inputs=Schema([ColSpec("double", "x")]), outputs=Schema([ColSpec("double", "x")])
)


def log_adder(name="adder", n=3):
    # Explicit requirements and signature: nothing is inferred in a subprocess.
    return mlflow.pyfunc.log_model(
        name=name, python_model=AddN(n), signature=SIGNATURE, pip_requirements=["pandas"]
    )


def test_pyfunc_log_model_and_load_it_back(client, active_experiment, tmp_path):
    with mlflow.start_run() as run:
        info = log_adder()
    run_id = run.info.run_id

    assert info.model_id
    assert info.run_id == run_id
    assert info.model_uri == f"models:/{info.model_id}"
    assert mlflow.last_logged_model().model_id == info.model_id

    model = client.get_logged_model(info.model_id)
    assert model.model_id == info.model_id
    assert model.name == "adder"
    assert model.experiment_id == active_experiment
    assert model.source_run_id == run_id
    assert model.status == LoggedModelStatus.READY
    assert model.artifact_location

    files = {f.path for f in client.list_logged_model_artifacts(info.model_id)}
    assert {"MLmodel", "python_model.pkl"} <= files

    # The run records the model as one of its outputs.
    outputs = client.get_run(run_id).outputs.model_outputs
    assert [o.model_id for o in outputs] == [info.model_id]

    frame = pd.DataFrame({"x": [1.0, 2.0]})
    for i, uri in enumerate((info.model_uri, f"runs:/{run_id}/adder")):
        (tmp_path / str(i)).mkdir()
        loaded = mlflow.pyfunc.load_model(uri, dst_path=str(tmp_path / str(i)))
        assert list(loaded.predict(frame)["x"]) == [4.0, 5.0]
        assert loaded.metadata.model_id == info.model_id


def test_logged_model_api(client, experiment_id):
    run_id = client.create_run(experiment_id).info.run_id
    name = unique("external")
    model = client.create_logged_model(
        experiment_id,
        name=name,
        source_run_id=run_id,
        tags={"team": "custos", "temp": "x"},
        params={"alpha": "0.5"},
        model_type="agent",
    )
    assert model.model_id
    assert model.name == name
    assert model.experiment_id == experiment_id
    assert model.source_run_id == run_id
    assert model.status == LoggedModelStatus.PENDING
    assert model.params == {"alpha": "0.5"}
    assert model.tags["team"] == "custos"
    assert model.model_type == "agent"

    client.set_logged_model_tags(model.model_id, {"stage": "candidate"})
    client.delete_logged_model_tag(model.model_id, "temp")
    client.log_model_params(model.model_id, {"beta": "1"})
    client.log_metric(run_id, "accuracy", 0.93, step=1, model_id=model.model_id)
    finalized = client.finalize_logged_model(model.model_id, LoggedModelStatus.READY)
    assert finalized.status == LoggedModelStatus.READY

    got = mlflow.get_logged_model(model.model_id)
    assert got.status == LoggedModelStatus.READY
    assert got.tags["stage"] == "candidate"
    assert got.tags["team"] == "custos"
    assert "temp" not in got.tags
    assert got.params == {"alpha": "0.5", "beta": "1"}
    assert [(m.key, m.value, m.step, m.run_id) for m in got.metrics] == [("accuracy", 0.93, 1, run_id)]
    # The metric is a run metric too.
    assert client.get_run(run_id).data.metrics["accuracy"] == 0.93
    client.set_terminated(run_id)


def test_unknown_logged_model(client):
    with expect_mlflow_error("RESOURCE_DOES_NOT_EXIST"):
        client.get_logged_model("m-" + "0" * 32)


@pytest.fixture(scope="module")
def models(client):
    exp_id = client.create_experiment(unique("models-search"))
    run_id = client.create_run(exp_id).info.run_id
    created = {}
    for letter, acc in (("a", 0.3), ("b", 0.8), ("c", 0.9)):
        m = client.create_logged_model(exp_id, name=f"model-{letter}", tags={"letter": letter})
        client.log_metric(run_id, "acc", acc, model_id=m.model_id)
        created[letter] = m.model_id
    client.finalize_logged_model(created["a"], LoggedModelStatus.READY)
    client.finalize_logged_model(created["b"], LoggedModelStatus.READY)
    client.set_terminated(run_id)
    return exp_id, created


def test_search_logged_models(client, models):
    exp_id, ids = models

    def found(**kwargs):
        return {m.model_id for m in client.search_logged_models([exp_id], **kwargs)}

    assert found() == set(ids.values())
    assert found(filter_string="name = 'model-b'") == {ids["b"]}
    assert found(filter_string="tags.letter = 'c'") == {ids["c"]}
    assert found(filter_string="metrics.acc > 0.5") == {ids["b"], ids["c"]}
    assert found(filter_string="name != 'model-a'") == {ids["b"], ids["c"]}
    assert found(filter_string="name LIKE 'model-%' AND tags.letter != 'b'") == {ids["a"], ids["c"]}

    by_name = client.search_logged_models(
        [exp_id], order_by=[{"field_name": "name", "ascending": False}]
    )
    assert [m.name for m in by_name] == ["model-c", "model-b", "model-a"]

    pages, token = [], None
    while True:
        page = client.search_logged_models(
            [exp_id], max_results=2, page_token=token, order_by=[{"field_name": "name", "ascending": True}]
        )
        pages.append([m.name for m in page])
        token = page.token
        if not token:
            break
        assert len(pages) < 10, "page tokens never end"
    assert pages == [["model-a", "model-b"], ["model-c"]]

    listed = mlflow.search_logged_models(
        experiment_ids=[exp_id], filter_string="name = 'model-a'", output_format="list"
    )
    assert [m.model_id for m in listed] == [ids["a"]]


def test_delete_logged_model(client, experiment_id):
    model = client.create_logged_model(experiment_id, name=unique("doomed"))
    client.delete_logged_model(model.model_id)
    with expect_mlflow_error("RESOURCE_DOES_NOT_EXIST"):
        client.get_logged_model(model.model_id)
    assert model.model_id not in {m.model_id for m in client.search_logged_models([experiment_id])}


def test_source_run_id_is_taken_as_given(client, experiment_id):
    # MLflow stores the id without looking the run up; so does Custos (decision 033).
    missing = "f" * 32
    model = client.create_logged_model(experiment_id, name=unique("from-nowhere"), source_run_id=missing)
    assert client.get_logged_model(model.model_id).source_run_id == missing


def test_search_by_datasets_alone_keeps_models_with_metrics_on_them(client):
    exp_id = client.create_experiment(unique("lm-datasets"))
    run_id = client.create_run(exp_id).info.run_id
    on_iris = client.create_logged_model(exp_id, name="on-iris", source_run_id=run_id)
    on_wine = client.create_logged_model(exp_id, name="on-wine", source_run_id=run_id)
    client.create_logged_model(exp_id, name="no-metrics", source_run_id=run_id)
    client.log_metric(run_id, "acc", 0.9, step=0, dataset_name="iris", dataset_digest="d1", model_id=on_iris.model_id)
    client.log_metric(run_id, "acc", 0.8, step=0, dataset_name="wine", dataset_digest="d2", model_id=on_wine.model_id)

    def names(**kwargs):
        return sorted(m.name for m in client.search_logged_models([exp_id], **kwargs))

    assert names() == ["no-metrics", "on-iris", "on-wine"]
    assert names(datasets=[{"dataset_name": "iris", "dataset_digest": "d1"}]) == ["on-iris"]
    assert names(datasets=[{"dataset_name": "iris", "dataset_digest": "d1"}, {"dataset_name": "wine", "dataset_digest": "d2"}]) == [
        "on-iris",
        "on-wine",
    ]
    assert names(datasets=[{"dataset_name": "wine", "dataset_digest": "other"}]) == []
    assert names(filter_string="metrics.acc > 0.85", datasets=[{"dataset_name": "wine", "dataset_digest": "d2"}]) == []
