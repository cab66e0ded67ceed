"""Authentication as the stock client does it: MLFLOW_TRACKING_TOKEN (bearer) or
MLFLOW_TRACKING_USERNAME/PASSWORD (HTTP basic; the password is an API key)."""

import os

import mlflow
import pytest
import requests
from mlflow import MlflowClient
from mlflow.exceptions import MlflowException

from helpers import admin_key, raw_request, unique

ADMIN_USER = os.environ.get("CUSTOS_CONFORMANCE_ADMIN_USER", "admin")
CREDENTIAL_VARS = ("MLFLOW_TRACKING_TOKEN", "MLFLOW_TRACKING_USERNAME", "MLFLOW_TRACKING_PASSWORD")


@pytest.fixture
def no_credentials(monkeypatch):
    # The client reads these on every request, so a fresh client sees the change.
    for var in CREDENTIAL_VARS:
        monkeypatch.delenv(var, raising=False)
    return monkeypatch


def assert_unauthenticated(err: BaseException):
    if isinstance(err, MlflowException):
        assert err.get_http_status_code() == 401, f"{err.error_code}: {err.message}"
    else:  # the artifact repository raises requests' HTTPError
        assert isinstance(err, requests.HTTPError), repr(err)
        assert err.response is not None and err.response.status_code == 401, repr(err)


def test_no_credentials_is_401(no_credentials):
    client = MlflowClient()
    with pytest.raises(MlflowException) as info:
        client.search_experiments(max_results=1)
    assert_unauthenticated(info.value)
    with pytest.raises(MlflowException) as info:
        client.get_experiment("0")
    assert_unauthenticated(info.value)
    with pytest.raises(MlflowException) as info:
        client.create_experiment(unique("anonymous"))
    assert_unauthenticated(info.value)


def test_wrong_token_is_401(no_credentials):
    no_credentials.setenv("MLFLOW_TRACKING_TOKEN", "cus_not_a_real_key_0123456789abcdef")
    with pytest.raises(MlflowException) as info:
        MlflowClient().search_experiments(max_results=1)
    assert_unauthenticated(info.value)


def test_artifacts_need_credentials(client, experiment_id, no_credentials, tmp_path):
    # Set up with the admin token, then try the artifact proxy without one.
    no_credentials.setenv("MLFLOW_TRACKING_TOKEN", admin_key())
    run_id = client.create_run(experiment_id).info.run_id
    client.log_text(run_id, "secret", "file.txt")
    no_credentials.delenv("MLFLOW_TRACKING_TOKEN")

    with pytest.raises((MlflowException, requests.HTTPError)) as info:
        mlflow.artifacts.load_text(f"runs:/{run_id}/file.txt")
    assert_unauthenticated(info.value)
    src = tmp_path / "upload.txt"
    src.write_text("anonymous upload")
    with pytest.raises((MlflowException, requests.HTTPError)) as info:
        client.log_artifact(run_id, str(src))
    assert_unauthenticated(info.value)


def test_401_carries_www_authenticate():
    for headers in ({}, {"Authorization": "Bearer cus_not_a_real_key"}, {"Authorization": "Basic Zm9vOmJhcg=="}):
        resp = raw_request("GET", "/api/2.0/mlflow/experiments/get", auth=False, params={"experiment_id": "0"}, headers=headers)
        assert resp.status_code == 401, (headers, resp.status_code, resp.text[:300])
        assert resp.headers.get("WWW-Authenticate"), "a 401 must say how to authenticate"


MLFLOW_UNAUTHENTICATED = (
    "You are not authenticated. Please see "
    "https://www.mlflow.org/docs/latest/auth/index.html#authenticating-to-mlflow on how to authenticate."
)


def test_401_says_it_in_mlflows_words(no_credentials):
    # MLflow's auth answers a missing and a wrong credential alike; people search for this sentence.
    for headers in ({}, {"Authorization": "Bearer cus_not_a_real_key"}, {"Authorization": "Basic Zm9vOmJhcg=="}):
        resp = raw_request("POST", "/api/2.0/mlflow/runs/search", auth=False, json={"experiment_ids": ["0"]}, headers=headers)
        assert resp.status_code == 401, (headers, resp.status_code, resp.text[:300])
        assert resp.reason == "Unauthorized"
        assert resp.json() == {"error_code": "UNAUTHENTICATED", "message": MLFLOW_UNAUTHENTICATED}
        assert "Basic" in resp.headers["WWW-Authenticate"]
    with pytest.raises(MlflowException) as info:
        MlflowClient().search_experiments(max_results=1)
    assert MLFLOW_UNAUTHENTICATED in info.value.message


def test_basic_auth_with_api_key(no_credentials, tmp_path):
    no_credentials.setenv("MLFLOW_TRACKING_USERNAME", ADMIN_USER)
    no_credentials.setenv("MLFLOW_TRACKING_PASSWORD", admin_key())
    client = MlflowClient()
    name = unique("basic")
    exp_id = client.create_experiment(name)
    assert client.get_experiment_by_name(name).experiment_id == exp_id

    mlflow.set_experiment(experiment_id=exp_id)
    with mlflow.start_run() as run:
        mlflow.log_param("auth", "basic")
        mlflow.log_metric("m", 1.0)
        mlflow.log_text("via basic auth", "basic.txt")
    got = client.get_run(run.info.run_id)
    assert got.data.params == {"auth": "basic"}
    assert got.data.metrics == {"m": 1.0}
    assert mlflow.artifacts.load_text(f"runs:/{run.info.run_id}/basic.txt") == "via basic auth"
    assert [f.path for f in client.list_artifacts(run.info.run_id)] == ["basic.txt"]


def test_basic_auth_wrong_password_is_401(no_credentials):
    no_credentials.setenv("MLFLOW_TRACKING_USERNAME", ADMIN_USER)
    no_credentials.setenv("MLFLOW_TRACKING_PASSWORD", "not-the-key")
    with pytest.raises(MlflowException) as info:
        MlflowClient().search_experiments(max_results=1)
    assert_unauthenticated(info.value)
