"""Shared helpers for the conformance tests (imported by the test modules and conftest)."""

from __future__ import annotations

import hashlib
import math
import os
import sys
import uuid
from contextlib import contextmanager
from pathlib import Path

import pytest
import requests
from mlflow.exceptions import MlflowException

# MLflow's own SQL store (the reference server) stores +/-inf as +/-DBL_MAX and returns that on
# read (mlflow/store/tracking/sqlalchemy_store.py, _log_metrics); its file store returns inf.
# Either is what the stock client may see from a real MLflow server.
DBL_MAX = sys.float_info.max

RUN_TOKEN = uuid.uuid4().hex[:8]  # one per pytest session: names never collide across reruns


def unique(prefix: str) -> str:
    """A name no other test or earlier run of the suite uses."""
    return f"conformance-{prefix}-{RUN_TOKEN}-{uuid.uuid4().hex[:8]}"


@contextmanager
def expect_mlflow_error(error_code: str):
    """The block must raise MlflowException carrying MLflow error code `error_code`."""
    with pytest.raises(MlflowException) as info:
        yield info
    err = info.value
    assert err.error_code == error_code, (
        f"expected error_code {error_code}, got {err.error_code}: {err.message}"
    )


def is_pos_inf(value: float) -> bool:
    return value == math.inf or value == DBL_MAX


def is_neg_inf(value: float) -> bool:
    return value == -math.inf or value == -DBL_MAX


def sha256_file(path: str | os.PathLike) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def tree_digest(root: str | os.PathLike) -> dict[str, str]:
    """{relative posix path: sha256} for every file under root."""
    root = Path(root)
    return {
        p.relative_to(root).as_posix(): sha256_file(p) for p in sorted(root.rglob("*")) if p.is_file()
    }


def tracking_uri() -> str:
    return os.environ["MLFLOW_TRACKING_URI"].rstrip("/")


def admin_key() -> str:
    key = os.environ.get("CUSTOS_CONFORMANCE_ADMIN_KEY") or os.environ.get("MLFLOW_TRACKING_TOKEN")
    assert key, "run through conformance/run.sh (no admin key in the environment)"
    return key


def raw_request(method: str, path: str, *, auth: bool = True, **kwargs) -> requests.Response:
    """A plain HTTP request to the tracking server, to check wire facts the client hides
    (status codes, headers). `path` starts with /api/...; auth uses the admin key as a bearer
    token, as the mlflow client does with MLFLOW_TRACKING_TOKEN."""
    headers = dict(kwargs.pop("headers", {}) or {})
    if auth:
        headers["Authorization"] = f"Bearer {admin_key()}"
    kwargs.setdefault("timeout", 30)
    return requests.request(method, tracking_uri() + path, headers=headers, **kwargs)
