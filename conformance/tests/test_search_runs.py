"""search_runs: filters, ordering, pagination and view types over a known set of runs."""

import time

import mlflow
import pytest
from mlflow.entities import ViewType

from helpers import unique

# name: (param p, metric x or None, tag t, final status)
CORPUS = {
    "r0": ("a", 0.1, "alpha", "FINISHED"),
    "r1": ("b", 0.6, "xylophone", "FINISHED"),
    "r2": ("a", 0.9, "box", "FAILED"),
    "r3": ("c", 0.7, "none", "FINISHED"),
    "r4": ("b", None, "mix", "RUNNING"),
}


@pytest.fixture(scope="module")
def corpus(client, experiment_id):
    """Five active runs with start times one second apart, plus one deleted run."""
    base = int(time.time() * 1000) - 60_000
    ids = {}
    for i, (name, (p, x, t, status)) in enumerate(CORPUS.items()):
        run = client.create_run(experiment_id, start_time=base + i * 1000, run_name=name)
        run_id = run.info.run_id
        client.log_param(run_id, "p", p)
        if x is not None:
            client.log_metric(run_id, "x", x)
        client.set_tag(run_id, "t", t)
        if status != "RUNNING":
            client.set_terminated(run_id, status=status, end_time=base + i * 1000 + 500)
        ids[name] = run_id
    deleted = client.create_run(experiment_id, start_time=base + 10_000, run_name="r5")
    client.log_param(deleted.info.run_id, "p", "a")
    client.log_metric(deleted.info.run_id, "x", 0.95)
    client.set_tag(deleted.info.run_id, "t", "xerox")
    client.set_terminated(deleted.info.run_id)
    client.delete_run(deleted.info.run_id)
    ids["r5"] = deleted.info.run_id
    return experiment_id, ids


def names(corpus, runs):
    by_id = {run_id: name for name, run_id in corpus[1].items()}
    return [by_id[r.info.run_id] for r in runs]


def search(client, corpus, filter_string="", **kwargs):
    return names(corpus, client.search_runs([corpus[0]], filter_string, **kwargs))


def test_search_returns_full_runs(client, corpus):
    runs = client.search_runs([corpus[0]], "params.p = 'c'")
    assert len(runs) == 1
    run = runs[0]
    assert run.info.run_id == corpus[1]["r3"]
    assert run.info.status == "FINISHED"
    assert run.info.run_name == "r3"
    assert run.data.params == {"p": "c"}
    assert run.data.metrics == {"x": 0.7}
    assert run.data.tags["t"] == "none"


@pytest.mark.parametrize(
    ("filter_string", "expected"),
    [
        ("metrics.x > 0.5", {"r1", "r2", "r3"}),
        ("metrics.x <= 0.6", {"r0", "r1"}),
        ("params.p = 'a'", {"r0", "r2"}),
        ("params.p != 'a'", {"r1", "r3", "r4"}),
        ("tags.t LIKE '%x%'", {"r1", "r2", "r4"}),
        ("tags.t ILIKE '%X%'", {"r1", "r2", "r4"}),
        ("attributes.status = 'FINISHED'", {"r0", "r1", "r3"}),
        ("attributes.status != 'FINISHED'", {"r2", "r4"}),
        ("attributes.run_name = 'r3'", {"r3"}),
        ("metrics.x > 0.5 AND params.p = 'a'", {"r2"}),
        ("params.p = 'a' AND tags.t = 'alpha' AND attributes.status = 'FINISHED'", {"r0"}),
        ("params.p = 'nope'", set()),
    ],
)
def test_filters(client, corpus, filter_string, expected):
    assert set(search(client, corpus, filter_string)) == expected


def test_filter_run_id_in(client, corpus):
    # MLflow allows IN / NOT IN on run_id only (other attributes answer INVALID_PARAMETER_VALUE).
    ids = corpus[1]
    found = search(client, corpus, f"attributes.run_id IN ('{ids['r0']}', '{ids['r3']}')")
    assert set(found) == {"r0", "r3"}
    rest = search(client, corpus, f"attributes.run_id NOT IN ('{ids['r0']}', '{ids['r3']}')")
    assert set(rest) == {"r1", "r2", "r4"}


def test_default_order_is_newest_first(client, corpus):
    assert search(client, corpus) == ["r4", "r3", "r2", "r1", "r0"]


def test_order_by(client, corpus):
    # Runs without the metric sort last in both directions.
    assert search(client, corpus, order_by=["metrics.x DESC"]) == ["r2", "r3", "r1", "r0", "r4"]
    assert search(client, corpus, order_by=["metrics.x ASC"]) == ["r0", "r1", "r3", "r2", "r4"]
    assert search(client, corpus, order_by=["params.p ASC", "metrics.x DESC"]) == [
        "r2", "r0", "r1", "r4", "r3",
    ]
    assert search(client, corpus, order_by=["attributes.start_time ASC"]) == [
        "r0", "r1", "r2", "r3", "r4",
    ]
    assert search(client, corpus, order_by=["attributes.run_name DESC"]) == [
        "r4", "r3", "r2", "r1", "r0",
    ]


def test_pagination_with_page_tokens(client, corpus):
    pages, token = [], None
    while True:
        page = client.search_runs(
            [corpus[0]], order_by=["attributes.start_time ASC"], max_results=2, page_token=token
        )
        pages.append(names(corpus, page))
        token = page.token
        if not token:
            break
        assert len(pages) < 10, "page tokens never end"
    assert pages == [["r0", "r1"], ["r2", "r3"], ["r4"]]

    first = client.search_runs([corpus[0]], "params.p = 'a'", max_results=1)
    assert len(first) == 1 and first.token
    rest = client.search_runs([corpus[0]], "params.p = 'a'", max_results=1, page_token=first.token)
    assert {*names(corpus, first), *names(corpus, rest)} == {"r0", "r2"}


def test_run_view_type(client, corpus):
    assert set(search(client, corpus, run_view_type=ViewType.ACTIVE_ONLY)) == set(CORPUS)
    assert search(client, corpus, run_view_type=ViewType.DELETED_ONLY) == ["r5"]
    assert set(search(client, corpus, run_view_type=ViewType.ALL)) == set(CORPUS) | {"r5"}
    assert set(search(client, corpus, "tags.t LIKE 'x%'", run_view_type=ViewType.ALL)) == {"r1", "r5"}


def test_fluent_search_runs(corpus):
    exp_id, ids = corpus
    frame = mlflow.search_runs(
        experiment_ids=[exp_id], filter_string="metrics.x > 0.5", order_by=["metrics.x DESC"]
    )
    assert list(frame["run_id"]) == [ids["r2"], ids["r3"], ids["r1"]]
    assert list(frame["metrics.x"]) == [0.9, 0.7, 0.6]
    assert list(frame["params.p"]) == ["a", "c", "b"]
    assert list(frame["status"]) == ["FAILED", "FINISHED", "FINISHED"]

    runs = mlflow.search_runs(
        experiment_ids=[exp_id], filter_string="params.p = 'b'", output_format="list"
    )
    assert {r.info.run_id for r in runs} == {ids["r1"], ids["r4"]}


def test_search_across_experiments(client, corpus):
    other = client.create_experiment(unique("search-other"))
    run = client.create_run(other)
    client.log_param(run.info.run_id, "p", "a")
    client.set_terminated(run.info.run_id)
    found = client.search_runs([corpus[0], other], "params.p = 'a'")
    assert {r.info.run_id for r in found} == {corpus[1]["r0"], corpus[1]["r2"], run.info.run_id}
    assert {r.info.experiment_id for r in found} == {corpus[0], other}
