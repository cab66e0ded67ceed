"""Fixtures for the MLflow-client conformance suite.

Every test talks to the server named by MLFLOW_TRACKING_URI (set by conformance/run.sh to the
Custos gateway) through the public `mlflow` API. Each test module gets its own experiment, so
modules never see each other's runs and reruns against the same stack never collide.
"""

from __future__ import annotations

import os

import mlflow
import pytest
from mlflow import MlflowClient

from helpers import unique


def pytest_configure(config):
    if not os.environ.get("MLFLOW_TRACKING_URI", "").startswith(("http://", "https://")):
        raise pytest.UsageError(
            "MLFLOW_TRACKING_URI must point at the gateway (http[s]://...): run the suite "
            "through conformance/run.sh"
        )


@pytest.fixture(scope="session")
def client() -> MlflowClient:
    return MlflowClient()


@pytest.fixture(scope="module")
def experiment_id(client, request) -> str:
    """A fresh experiment for the calling test module."""
    module = request.module.__name__.rsplit(".", 1)[-1].removeprefix("test_")
    return client.create_experiment(unique(module), tags={"suite": "conformance", "module": module})


@pytest.fixture
def active_experiment(experiment_id) -> str:
    """Makes the module's experiment the active one for the fluent API (mlflow.start_run...)."""
    mlflow.set_experiment(experiment_id=experiment_id)
    return experiment_id


@pytest.fixture(autouse=True)
def _no_leaked_active_run():
    """A failing test must not leave an active run behind for the next one."""
    yield
    while mlflow.active_run() is not None:
        # end_run pops the run before telling the server, so this loop always terminates even
        # when the server rejects the call.
        try:
            mlflow.end_run()
        except Exception:
            pass


@pytest.fixture(scope="session")
def ai_fakes() -> dict[str, str]:
    """The provider fakes on loopback for the AI gateway modules: {provider: base URL}."""
    from ai_gateway_setup import start_fakes

    running = start_fakes()
    yield running.urls
    running.stop()
