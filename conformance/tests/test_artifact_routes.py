"""The artifact routes MLflow's web UI calls besides the proxy, on the wire (the stock client has no
call for them): `GET /get-artifact` and its `/ajax-api/2.0/mlflow/get-artifact` twin,
`POST /ajax-api/2.0/mlflow/upload-artifact`, and a logged model's `artifacts/directories` and
`artifacts/files`. Also MLflow's order of checks on artifact routes: the caller's permission first,
then the path, whose errors read "Invalid path" (INVALID_PARAMETER_VALUE), as MLflow's
`validate_path_is_safe` words them.

Custos departs from MLflow's basic-auth app in one documented way (docs/decisions/032): a caller
who may not read the experiment gets the 404 of a missing run, not 403, so ids cannot be probed; a
reader who may not write gets MLflow's 403 "Permission denied".
"""

from __future__ import annotations

import time
import uuid

import mlflow
import pytest
import requests

from helpers import raw_request, tracking_uri, unique
from mlflow.server.auth.client import AuthServiceClient

INVALID_PATH = {"error_code": "INVALID_PARAMETER_VALUE", "message": "Invalid path"}
DENIED = {"error_code": "PERMISSION_DENIED", "message": "Permission denied"}


@pytest.fixture(scope="module")
def run_with_files(client, experiment_id):
    mlflow.set_experiment(experiment_id=experiment_id)
    with mlflow.start_run() as run:
        mlflow.log_text("hello from the ui", "notes/hello.txt")
    return run.info.run_id


@pytest.mark.parametrize("route", ["/get-artifact", "/ajax-api/2.0/mlflow/get-artifact"])
def test_get_artifact_answers_the_file(run_with_files, route):
    for run_param in ("run_id", "run_uuid"):
        resp = raw_request("GET", route, params={run_param: run_with_files, "path": "notes/hello.txt"})
        assert resp.status_code == 200, resp.text[:300]
        assert resp.content == b"hello from the ui"
        assert resp.headers["Content-Disposition"].startswith("attachment")


def test_get_artifact_path_errors(run_with_files):
    for path in ("../../other/artifacts/x", "/etc/passwd", "a#b"):
        resp = raw_request("GET", "/get-artifact", params={"run_id": run_with_files, "path": path})
        assert (resp.status_code, resp.json()) == (400, INVALID_PATH)
    missing = raw_request("GET", "/get-artifact", params={"run_id": run_with_files, "path": "nope.txt"})
    assert (missing.status_code, missing.json()["error_code"]) == (404, "RESOURCE_DOES_NOT_EXIST")


def test_get_artifact_needs_authentication(run_with_files):
    resp = raw_request("GET", "/get-artifact", auth=False, params={"run_id": run_with_files, "path": "notes/hello.txt"})
    assert resp.status_code == 401


def test_upload_artifact_from_the_ui(client, run_with_files):
    resp = raw_request(
        "POST",
        "/ajax-api/2.0/mlflow/upload-artifact",
        params={"run_uuid": run_with_files, "path": "ui/uploaded.csv"},
        data=b"a,b\n1,2\n",
        headers={"Content-Type": "application/octet-stream"},
    )
    assert resp.status_code == 200, resp.text[:300]
    assert mlflow.artifacts.load_text(f"runs:/{run_with_files}/ui/uploaded.csv") == "a,b\n1,2\n"
    assert [f.path for f in client.list_artifacts(run_with_files, "ui")] == ["ui/uploaded.csv"]

    for params, data, message in (
        ({"path": "x.txt"}, b"x", "Request must specify run_uuid."),
        ({"run_uuid": run_with_files}, b"x", "Request must specify path."),
        ({"run_uuid": run_with_files, "path": "x.txt"}, b"", "Request must specify data."),
        ({"run_uuid": run_with_files, "path": "../x.txt"}, b"x", "Invalid path"),
    ):
        bad = raw_request("POST", "/ajax-api/2.0/mlflow/upload-artifact", params=params, data=data, headers={"Content-Type": "application/octet-stream"})
        assert (bad.status_code, bad.json()) == (400, {"error_code": "INVALID_PARAMETER_VALUE", "message": message})


def test_logged_model_artifact_directories_and_files(client, experiment_id, tmp_path):
    model = client.create_logged_model(experiment_id, name="ui-model")
    repo_uri = model.artifact_location
    (tmp_path / "data").mkdir()
    (tmp_path / "MLmodel").write_text("flavors: {}\n")
    (tmp_path / "data" / "w.bin").write_bytes(b"\x00\x01\x02")
    client.log_model_artifacts(model.model_id, str(tmp_path))

    for prefix in ("/api/2.0/mlflow", "/ajax-api/2.0/mlflow"):
        listed = raw_request("GET", f"{prefix}/logged-models/{model.model_id}/artifacts/directories")
        assert listed.status_code == 200, listed.text[:300]
        assert listed.json() == {
            "root_uri": repo_uri,
            "files": [{"path": "MLmodel", "is_dir": False, "file_size": 12}, {"path": "data", "is_dir": True}],
        }
        sub = raw_request("GET", f"{prefix}/logged-models/{model.model_id}/artifacts/directories", params={"artifact_directory_path": "data"})
        assert [f["path"] for f in sub.json()["files"]] == ["data/w.bin"]
        bad = raw_request("GET", f"{prefix}/logged-models/{model.model_id}/artifacts/directories", params={"artifact_directory_path": "../x"})
        assert (bad.status_code, bad.json()) == (400, INVALID_PATH)
    # The stock client's own call for the listing.
    assert {f.path for f in client.list_logged_model_artifacts(model.model_id)} == {"MLmodel", "data"}

    got = raw_request("GET", f"/ajax-api/2.0/mlflow/logged-models/{model.model_id}/artifacts/files", params={"artifact_file_path": "data/w.bin"})
    assert (got.status_code, got.content) == (200, b"\x00\x01\x02")
    none = raw_request("GET", f"/ajax-api/2.0/mlflow/logged-models/{model.model_id}/artifacts/files")
    assert none.status_code == 400
    assert none.json()["message"] == 'Request must include the "artifact_file_path" query parameter.'


@pytest.fixture
def reader(client, experiment_id, run_with_files):
    """A fresh user granted READ on the module's experiment: (username, password)."""
    admin = AuthServiceClient(tracking_uri())
    username, password = unique("reader"), f"pw-{uuid.uuid4().hex}"
    admin.create_user(username, password)
    admin.grant_user_permission(username, "experiment", experiment_id, "READ")
    yield username, password
    admin.delete_user(username)


@pytest.fixture
def stranger():
    admin = AuthServiceClient(tracking_uri())
    username, password = unique("stranger"), f"pw-{uuid.uuid4().hex}"
    admin.create_user(username, password)
    yield username, password
    admin.delete_user(username)


def as_user(user, method, path, **kwargs) -> requests.Response:
    return requests.request(method, tracking_uri() + path, auth=user, timeout=30, **kwargs)


def test_permission_is_checked_before_the_path(experiment_id, run_with_files, reader, stranger):
    """MLflow's auth plugin runs before the handler: a caller who may not write gets 403 whatever
    path it sends, never the path's 400."""
    root = f"{experiment_id}/{run_with_files}/artifacts"
    # New users and grants are read-your-writes (decision 031); wait only for the sign-in to work.
    deadline = time.monotonic() + 30
    while as_user(reader, "GET", "/get-artifact", params={"run_id": run_with_files, "path": "notes/hello.txt"}).status_code != 200:
        assert time.monotonic() < deadline, "the reader never got in"
        time.sleep(0.2)
    for path in ("ok.txt", "../../escape.txt"):
        params = {"run_uuid": run_with_files, "path": path}
        up = as_user(reader, "POST", "/ajax-api/2.0/mlflow/upload-artifact", params=params, data=b"x", headers={"Content-Type": "application/octet-stream"})
        assert (up.status_code, up.json()) == (403, DENIED)
        hidden = as_user(stranger, "POST", "/ajax-api/2.0/mlflow/upload-artifact", params=params, data=b"x", headers={"Content-Type": "application/octet-stream"})
        assert (hidden.status_code, hidden.json()["error_code"]) == (404, "RESOURCE_DOES_NOT_EXIST")
    # The proxy likewise: a reader's upload under a malformed path is 403, not 400.
    put = as_user(reader, "PUT", f"/api/2.0/mlflow-artifacts/artifacts/{root}/a%252e%252e/x.txt", data=b"x")
    assert (put.status_code, put.json()) == (403, DENIED)
    # A reader may read, so for a read the path's shape is what it is told about.
    got = as_user(reader, "GET", "/get-artifact", params={"run_id": run_with_files, "path": "../x"})
    assert (got.status_code, got.json()) == (400, INVALID_PATH)
    assert as_user(reader, "GET", "/get-artifact", params={"run_id": run_with_files, "path": "notes/hello.txt"}).content == b"hello from the ui"
