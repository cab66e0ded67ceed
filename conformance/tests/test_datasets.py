"""Dataset inputs: mlflow.log_input and reading run.inputs back."""

import json

import mlflow
import mlflow.data
import numpy as np
import pandas as pd
from mlflow.data.http_dataset_source import HTTPDatasetSource
from mlflow.data.meta_dataset import MetaDataset
from mlflow.types import ColSpec, Schema

from helpers import raw_request, unique


def dataset_fields(entity):
    return {
        "name": entity.name,
        "digest": entity.digest,
        "source": entity.source,
        "source_type": entity.source_type,
        "schema": entity.schema,
        "profile": entity.profile,
    }


def expected_fields(dataset):
    # What the client sends (Dataset.to_dict is the client's own serialization of the entity).
    return {k: dataset.to_dict().get(k) for k in ("name", "digest", "source", "source_type", "schema", "profile")}


def inputs_by_name(client, run_id):
    return {i.dataset.name: i for i in client.get_run(run_id).inputs.dataset_inputs}


def test_log_numpy_and_pandas_datasets(client, active_experiment):
    features = mlflow.data.from_numpy(
        np.arange(12, dtype=np.float64).reshape(4, 3),
        source="https://example.com/data/features.npy",
        name=unique("features"),
    )
    frame = mlflow.data.from_pandas(
        pd.DataFrame({"a": [1.5, 2.5, 3.5], "label": [0, 1, 0]}),
        source="https://example.com/data/frame.csv",
        name=unique("frame"),
        targets="label",
    )
    with mlflow.start_run() as run:
        mlflow.log_input(features, context="training", tags={"fold": "1"})
        mlflow.log_input(frame, context="evaluation")

    inputs = inputs_by_name(client, run.info.run_id)
    assert set(inputs) == {features.name, frame.name}

    got = inputs[features.name]
    assert dataset_fields(got.dataset) == expected_fields(features)
    assert {t.key: t.value for t in got.tags} == {"mlflow.data.context": "training", "fold": "1"}
    assert json.loads(got.dataset.profile) == {"features_shape": [4, 3], "features_size": 12, "features_nbytes": 96}

    got = inputs[frame.name]
    assert dataset_fields(got.dataset) == expected_fields(frame)
    assert {t.key: t.value for t in got.tags} == {"mlflow.data.context": "evaluation"}

    source = mlflow.data.get_source(got)
    assert isinstance(source, HTTPDatasetSource)
    assert source.url == "https://example.com/data/frame.csv"


def test_dataset_schema_round_trip(client, active_experiment):
    schema = Schema([ColSpec("double", "sepal_length"), ColSpec("string", "species")])
    meta = MetaDataset(
        source=HTTPDatasetSource("https://example.com/data/iris.parquet"),
        name=unique("iris"),
        schema=schema,
    )
    with mlflow.start_run() as run:
        mlflow.log_input(meta, context="training")
    (dataset_input,) = client.get_run(run.info.run_id).inputs.dataset_inputs
    assert dataset_fields(dataset_input.dataset) == expected_fields(meta)
    colspec = json.loads(dataset_input.dataset.schema)["mlflow_colspec"]
    assert Schema.from_json(json.dumps(colspec)) == schema


def test_same_dataset_in_two_runs_and_no_duplicates(client, active_experiment):
    features = mlflow.data.from_numpy(
        np.ones((2, 2)), source="https://example.com/data/ones.npy", name=unique("ones")
    )
    with mlflow.start_run() as first:
        mlflow.log_input(features, context="training")
        mlflow.log_input(features, context="training")  # logged twice, recorded once
    with mlflow.start_run() as second:
        mlflow.log_input(features, context="training")

    for run in (first, second):
        inputs = client.get_run(run.info.run_id).inputs.dataset_inputs
        assert [(i.dataset.name, i.dataset.digest) for i in inputs] == [(features.name, features.digest)]


def test_search_runs_by_dataset(client, active_experiment):
    name = unique("searchable")
    dataset = mlflow.data.from_numpy(np.zeros((3, 1)), source="https://example.com/z.npy", name=name)
    with mlflow.start_run() as with_dataset:
        mlflow.log_input(dataset, context="training")
    with mlflow.start_run():
        pass

    def found(filter_string):
        return [r.info.run_id for r in client.search_runs([active_experiment], filter_string)]

    assert found(f"datasets.name = '{name}'") == [with_dataset.info.run_id]
    assert found(f"datasets.name = '{name}' AND datasets.digest = '{dataset.digest}'") == [
        with_dataset.info.run_id
    ]
    assert found(f"datasets.name = '{name}' AND datasets.context = 'training'") == [
        with_dataset.info.run_id
    ]
    assert found(f"datasets.name = '{name}' AND datasets.context = 'evaluation'") == []


def search_datasets(experiment_ids, **kwargs):
    return raw_request("POST", "/ajax-api/2.0/mlflow/experiments/search-datasets", json={"experiment_ids": experiment_ids}, **kwargs)


def test_search_datasets_summarises_each_experiments_inputs(client):
    # The web UI's datasets panel (MLflow serves this route under ajax-api only).
    exp_id = client.create_experiment(unique("search-datasets"))
    meta = MetaDataset(source=HTTPDatasetSource("https://example.com/d.parquet"), name=unique("summary"))
    untagged = MetaDataset(source=HTTPDatasetSource("https://example.com/e.parquet"), name=unique("untagged"))
    run_a = client.create_run(exp_id).info.run_id
    run_b = client.create_run(exp_id).info.run_id
    for run_id in (run_a, run_b):  # the same dataset and context twice is one summary
        client.log_inputs(run_id, [mlflow.entities.DatasetInput(meta._to_mlflow_entity(), [mlflow.entities.InputTag("mlflow.data.context", "training")])])
    client.log_inputs(run_b, [mlflow.entities.DatasetInput(untagged._to_mlflow_entity(), [])])

    resp = search_datasets([exp_id])
    assert resp.status_code == 200, resp.text
    summaries = sorted(resp.json()["dataset_summaries"], key=lambda s: s["name"])
    expected = [
        {"experiment_id": exp_id, "name": meta.name, "digest": meta.digest, "context": "training"},
        {"experiment_id": exp_id, "name": untagged.name, "digest": untagged.digest},
    ]
    assert summaries == sorted(expected, key=lambda s: s["name"])


def test_search_datasets_needs_experiment_ids():
    resp = search_datasets([])
    assert resp.status_code == 400
    assert resp.json() == {
        "error_code": "INVALID_PARAMETER_VALUE",
        "message": "SearchDatasets request must specify at least one experiment_id.",
    }
    resp = search_datasets([str(i) for i in range(21)])
    assert resp.status_code == 400
    assert "cannot specify more than 20 experiment_ids. Received 21 experiment_ids." in resp.json()["message"]
