"""Per-experiment permissions with the stock auth client, `mlflow.server.auth.client.AuthServiceClient`.

The admin (MLFLOW_TRACKING_TOKEN: the bootstrap key) creates a user and grants it READ on an
experiment; that user, signed in the way the client does it with MLFLOW_TRACKING_USERNAME/PASSWORD,
reads the experiment but gets PERMISSION_DENIED on a write, and writes once the grant is EDIT.

mlflow-skinny 3.17.2's AuthServiceClient has no `create_experiment_permission` /
`update_experiment_permission` (older clients had them; the server routes
`/api/2.0/mlflow/experiments/permissions/*` still exist and are covered by the gateway's e2e
tests). It grants through MLflow 3's per-user API (`grant_user_permission`, which refuses a second
grant on the same resource, so a change is revoke + grant) and through roles, whose
`update_role_permission` is a true update; both are tested.

Grants reach the tracking service as events, so the user's first request after a change may still
see the old permission: `eventually` retries until the change shows, within a bound.
"""

from __future__ import annotations

import os
import time
import uuid
from contextlib import contextmanager

import pytest
from mlflow import MlflowClient
from mlflow.exceptions import MlflowException

from helpers import expect_mlflow_error, tracking_uri, unique

# Importing the auth client imports the auth server module (mlflow.server.auth), which needs Flask,
# Flask-WTF, SQLAlchemy, alembic and aiohttp besides mlflow-skinny (pinned in requirements.txt).
from mlflow.server.auth.client import AuthServiceClient

PROPAGATION_SECONDS = 30


def eventually(what: str, attempt):
    """attempt() until it returns without raising MlflowException; the last error if it never does."""
    deadline = time.monotonic() + PROPAGATION_SECONDS
    while True:
        try:
            return attempt()
        except MlflowException as e:
            if time.monotonic() > deadline:
                raise AssertionError(f"{what}: still failing after {PROPAGATION_SECONDS}s: {e.error_code}: {e.message}") from e
            time.sleep(0.1)


@pytest.fixture
def admin_auth() -> AuthServiceClient:
    return AuthServiceClient(tracking_uri())


@pytest.fixture
def user(admin_auth):
    """A fresh non-admin user: (username, password); deleted afterwards."""
    username = unique("user")
    password = f"pw-{uuid.uuid4().hex}"
    created = admin_auth.create_user(username, password)
    assert created.username == username
    assert created.is_admin is False
    yield username, password
    admin_auth.delete_user(username)


@pytest.fixture
def target(client, experiment_id):
    """A run of the module's experiment (created by the admin), for the user to read and write."""
    return experiment_id, client.create_run(experiment_id).info.run_id


CREDENTIAL_VARS = ("MLFLOW_TRACKING_TOKEN", "MLFLOW_TRACKING_USERNAME", "MLFLOW_TRACKING_PASSWORD")


@contextmanager
def signed_in_as(username: str, password: str):
    """A fresh MlflowClient using basic auth as the user. Both clients read the credentials from
    the environment on every request, so the admin's calls stay outside this block."""
    saved = {var: os.environ.pop(var, None) for var in CREDENTIAL_VARS}
    os.environ["MLFLOW_TRACKING_USERNAME"] = username
    os.environ["MLFLOW_TRACKING_PASSWORD"] = password
    try:
        yield MlflowClient()
    finally:
        for var, value in saved.items():
            os.environ.pop(var, None)
            if value is not None:
                os.environ[var] = value


def reads_but_cannot_write(client: MlflowClient, experiment_id: str, run_id: str):
    experiment = eventually("READ reaches tracking", lambda: client.get_experiment(experiment_id))
    assert experiment.experiment_id == experiment_id
    assert client.get_run(run_id).info.run_id == run_id
    assert run_id in [r.info.run_id for r in client.search_runs([experiment_id])]
    with expect_mlflow_error("PERMISSION_DENIED") as info:
        client.log_param(run_id, "written-by", "reader")
    assert info.value.get_http_status_code() == 403
    with expect_mlflow_error("PERMISSION_DENIED"):
        client.create_run(experiment_id)


def writes(client: MlflowClient, experiment_id: str, run_id: str):
    eventually("EDIT reaches tracking", lambda: client.log_param(run_id, "written-by", "editor"))
    assert client.get_run(run_id).data.params == {"written-by": "editor"}
    assert client.create_run(experiment_id).info.experiment_id == experiment_id


def test_without_a_grant_the_experiment_looks_missing(user, target):
    """Custos answers a caller who may not read an experiment as if it did not exist (issue 3), so
    ids cannot be probed. Here, and only here, it departs from MLflow's basic-auth app, which
    answers 403 with a plain-text "Permission denied" (checked against 3.17.2 with
    default_permission = NO_PERMISSIONS)."""
    experiment_id, run_id = target
    with signed_in_as(*user) as client:
        # Signing in works (the user has reached the gateway) before the experiment is looked at.
        eventually("the user reaches the gateway", lambda: client.search_experiments(max_results=1))
        for attempt in (lambda: client.get_experiment(experiment_id), lambda: client.get_run(run_id)):
            with expect_mlflow_error("RESOURCE_DOES_NOT_EXIST"):
                attempt()
        assert client.search_runs([experiment_id]) == []


def test_user_permission_read_then_edit(admin_auth, user, target):
    username, _ = user
    experiment_id, run_id = target
    admin_auth.grant_user_permission(username, "experiment", experiment_id, "READ")
    assert admin_auth.get_user_permission(username, "experiment", experiment_id).permission == "READ"
    with signed_in_as(*user) as client:
        reads_but_cannot_write(client, experiment_id, run_id)

    # A second grant on the same resource is refused, as MLflow's store refuses it.
    with expect_mlflow_error("RESOURCE_ALREADY_EXISTS"):
        admin_auth.grant_user_permission(username, "experiment", experiment_id, "EDIT")
    admin_auth.revoke_user_permission(username, "experiment", experiment_id)
    admin_auth.grant_user_permission(username, "experiment", experiment_id, "EDIT")
    assert admin_auth.get_user_permission(username, "experiment", experiment_id).permission == "EDIT"
    with signed_in_as(*user) as client:
        writes(client, experiment_id, run_id)


def test_role_permission_read_then_edit(admin_auth, user, target):
    username, _ = user
    experiment_id, run_id = target
    role = admin_auth.create_role("default", unique("role"), description="conformance")
    granted = admin_auth.add_role_permission(role.id, "experiment", experiment_id, "READ")
    assert (granted.resource_type, granted.resource_pattern, granted.permission) == ("experiment", experiment_id, "READ")
    admin_auth.assign_role(username, role.id)
    assert [r.id for r in admin_auth.list_user_roles(username)] == [role.id]
    with signed_in_as(*user) as client:
        reads_but_cannot_write(client, experiment_id, run_id)

    updated = admin_auth.update_role_permission(granted.id, "EDIT")
    assert updated.permission == "EDIT"
    with signed_in_as(*user) as client:
        writes(client, experiment_id, run_id)
    admin_auth.delete_role(role.id)
