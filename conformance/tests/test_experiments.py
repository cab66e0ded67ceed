"""Experiments: the calls a data scientist makes before any run exists."""

import mlflow
from mlflow.entities import ViewType

from helpers import expect_mlflow_error, unique


def test_default_experiment_exists(client):
    exp = client.get_experiment("0")
    assert exp.experiment_id == "0"
    assert exp.name == "Default"
    assert exp.lifecycle_stage == "active"
    by_name = client.get_experiment_by_name("Default")
    assert by_name is not None and by_name.experiment_id == "0"


def test_create_and_get_experiment(client):
    name = unique("create")
    exp_id = client.create_experiment(name, tags={"team": "custos", "purpose": "conformance"})
    assert isinstance(exp_id, str) and exp_id

    exp = client.get_experiment(exp_id)
    assert exp.experiment_id == exp_id
    assert exp.name == name
    assert exp.lifecycle_stage == "active"
    assert exp.tags["team"] == "custos"
    assert exp.tags["purpose"] == "conformance"
    assert exp.artifact_location, "an experiment needs an artifact location for its runs"
    assert exp.creation_time and exp.creation_time > 0
    assert exp.last_update_time >= exp.creation_time

    by_name = client.get_experiment_by_name(name)
    assert by_name is not None and by_name.experiment_id == exp_id
    assert mlflow.get_experiment(exp_id).name == name
    assert mlflow.get_experiment_by_name(name).experiment_id == exp_id


def test_get_experiment_by_unknown_name_is_none(client):
    # The client turns the server's RESOURCE_DOES_NOT_EXIST into None.
    assert client.get_experiment_by_name(unique("missing")) is None
    assert mlflow.get_experiment_by_name(unique("missing")) is None


def test_get_unknown_experiment_id(client):
    with expect_mlflow_error("RESOURCE_DOES_NOT_EXIST"):
        client.get_experiment("987654321987")


def test_duplicate_experiment_name_rejected(client):
    name = unique("dup")
    client.create_experiment(name)
    with expect_mlflow_error("RESOURCE_ALREADY_EXISTS"):
        client.create_experiment(name)


def test_set_experiment_creates_then_reuses(client):
    name = unique("set")
    exp = mlflow.set_experiment(name)
    assert exp.name == name
    assert exp.lifecycle_stage == "active"
    assert client.get_experiment_by_name(name).experiment_id == exp.experiment_id

    again = mlflow.set_experiment(name)
    assert again.experiment_id == exp.experiment_id
    by_id = mlflow.set_experiment(experiment_id=exp.experiment_id)
    assert by_id.name == name

    with mlflow.start_run() as run:
        assert run.info.experiment_id == exp.experiment_id


def test_search_experiments_filter_order_and_pagination(client):
    prefix = unique("search")
    names = [f"{prefix}-{letter}" for letter in "cabed"]
    ids = {
        name: client.create_experiment(name, tags={"group": prefix, "letter": name[-1]})
        for name in names
    }
    by_prefix = f"name LIKE '{prefix}-%'"

    asc = client.search_experiments(filter_string=by_prefix, order_by=["name ASC"])
    assert [e.name for e in asc] == sorted(names)
    assert [e.experiment_id for e in asc] == [ids[n] for n in sorted(names)]
    desc = client.search_experiments(filter_string=by_prefix, order_by=["name DESC"])
    assert [e.name for e in desc] == sorted(names, reverse=True)

    pages, token = [], None
    while True:
        page = client.search_experiments(
            filter_string=by_prefix, order_by=["name ASC"], max_results=2, page_token=token
        )
        assert len(page) <= 2
        pages.append([e.name for e in page])
        token = page.token
        if not token:
            break
        assert len(pages) < 10, "page tokens never end"
    assert [n for page in pages for n in page] == sorted(names)
    assert [len(p) for p in pages] == [2, 2, 1]

    tagged = client.search_experiments(filter_string=f"tags.group = '{prefix}'")
    assert {e.name for e in tagged} == set(names)
    one = client.search_experiments(filter_string=f"tags.group = '{prefix}' AND tags.letter = 'e'")
    assert [e.name for e in one] == [f"{prefix}-e"]

    fluent = mlflow.search_experiments(filter_string=by_prefix, order_by=["name ASC"], max_results=3)
    assert [e.name for e in fluent] == sorted(names)[:3]

    # view_type: a deleted experiment only shows up when asked for.
    client.delete_experiment(ids[f"{prefix}-b"])
    active = client.search_experiments(filter_string=by_prefix)
    assert {e.name for e in active} == set(names) - {f"{prefix}-b"}
    deleted = client.search_experiments(filter_string=by_prefix, view_type=ViewType.DELETED_ONLY)
    assert [e.name for e in deleted] == [f"{prefix}-b"]
    assert deleted[0].lifecycle_stage == "deleted"
    everything = client.search_experiments(filter_string=by_prefix, view_type=ViewType.ALL)
    assert {e.name for e in everything} == set(names)


def test_rename_experiment(client):
    old, new = unique("old"), unique("new")
    exp_id = client.create_experiment(old)
    client.rename_experiment(exp_id, new)
    assert client.get_experiment(exp_id).name == new
    assert client.get_experiment_by_name(new).experiment_id == exp_id
    assert client.get_experiment_by_name(old) is None


def test_delete_and_restore_experiment(client):
    name = unique("delete")
    exp_id = client.create_experiment(name)

    client.delete_experiment(exp_id)
    assert client.get_experiment(exp_id).lifecycle_stage == "deleted"
    # A deleted experiment keeps its name: it is still found by name, and the name is taken.
    assert client.get_experiment_by_name(name).lifecycle_stage == "deleted"
    with expect_mlflow_error("RESOURCE_ALREADY_EXISTS"):
        client.create_experiment(name)
    # The client refuses to make a deleted experiment the active one.
    with expect_mlflow_error("INVALID_PARAMETER_VALUE"):
        mlflow.set_experiment(name)

    client.restore_experiment(exp_id)
    assert client.get_experiment(exp_id).lifecycle_stage == "active"
    assert mlflow.set_experiment(name).experiment_id == exp_id


def test_experiment_tags(client):
    exp_id = client.create_experiment(unique("tags"), tags={"a": "1"})
    client.set_experiment_tag(exp_id, "b", "2")
    client.set_experiment_tag(exp_id, "a", "overwritten")
    tags = client.get_experiment(exp_id).tags
    assert tags["a"] == "overwritten"
    assert tags["b"] == "2"

    client.delete_experiment_tag(exp_id, "b")
    tags = client.get_experiment(exp_id).tags
    assert "b" not in tags
    assert tags["a"] == "overwritten"

    mlflow.set_experiment(experiment_id=exp_id)
    mlflow.set_experiment_tags({"c": "3", "d": "ünïcødé ✓"})
    tags = client.get_experiment(exp_id).tags
    assert tags["c"] == "3"
    assert tags["d"] == "ünïcødé ✓"
