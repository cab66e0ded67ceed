"""Run artifacts through the mlflow-artifacts proxy: upload, list, download byte for byte."""

import json
import os
import posixpath
import random

import mlflow
import mlflow.artifacts
import pytest

from helpers import sha256_file, tree_digest


def random_bytes(size: int, seed: int) -> bytes:
    return random.Random(seed).randbytes(size)


def listing(client, run_id, path=None):
    """{path: (is_dir, file_size or None for directories)} of one directory level.

    MLflow's own server omits file_size for an empty file (the client then reads None): both
    None and 0 mean 0 bytes here."""
    return {
        f.path: (f.is_dir, None if f.is_dir else (f.file_size or 0))
        for f in client.list_artifacts(run_id, path)
    }


def test_new_run_has_no_artifacts(client, experiment_id):
    run = client.create_run(experiment_id)
    assert run.info.artifact_uri
    assert client.list_artifacts(run.info.run_id) == []
    client.set_terminated(run.info.run_id)


def test_log_text_and_dict(client, active_experiment):
    text = "hello ✓\nsecond line\n"
    config = {"lr": 0.01, "layers": [64, 32], "name": "ünïcødé"}
    with mlflow.start_run() as run:
        mlflow.log_text(text, "notes/hello.txt")
        mlflow.log_text("spaced", "notes/with space.txt")
        mlflow.log_dict(config, "config/params.json")
        mlflow.log_dict({"k": "v"}, "config/params.yaml")
    run_id, uri = run.info.run_id, run.info.artifact_uri

    assert listing(client, run_id) == {"notes": (True, None), "config": (True, None)}
    assert listing(client, run_id, "notes") == {
        "notes/hello.txt": (False, len(text.encode())),
        "notes/with space.txt": (False, len(b"spaced")),
    }
    config_files = listing(client, run_id, "config")
    assert set(config_files) == {"config/params.json", "config/params.yaml"}

    assert mlflow.artifacts.load_text(f"{uri}/notes/hello.txt") == text
    assert mlflow.artifacts.load_text(f"runs:/{run_id}/notes/hello.txt") == text
    assert mlflow.artifacts.load_text(f"runs:/{run_id}/notes/with space.txt") == "spaced"
    assert mlflow.artifacts.load_dict(f"runs:/{run_id}/config/params.json") == config
    assert mlflow.artifacts.load_text(f"{uri}/config/params.yaml").strip() == "k: v"
    raw = mlflow.artifacts.load_text(f"runs:/{run_id}/config/params.json")
    assert json.loads(raw) == config


def test_large_artifact_round_trip(client, active_experiment, tmp_path):
    # Several MB and not a multiple of any power-of-two chunk size.
    size = 9 * 1024 * 1024 + 12345
    src = tmp_path / "blob.bin"
    src.write_bytes(random_bytes(size, seed=1))
    with mlflow.start_run() as run:
        mlflow.log_artifact(str(src), artifact_path="big")
        mlflow.log_artifact(str(src))  # and at the root
    run_id = run.info.run_id

    assert listing(client, run_id, "big") == {"big/blob.bin": (False, size)}
    assert listing(client, run_id) == {"big": (True, None), "blob.bin": (False, size)}

    dst = mlflow.artifacts.download_artifacts(
        run_id=run_id, artifact_path="big/blob.bin", dst_path=str(tmp_path / "download")
    )
    assert os.path.getsize(dst) == size
    assert sha256_file(dst) == sha256_file(src)
    dst_root = client.download_artifacts(run_id, "blob.bin", str(tmp_path / "download-root"))
    assert sha256_file(dst_root) == sha256_file(src)


@pytest.fixture
def tree(tmp_path):
    root = tmp_path / "tree"
    (root / "sub" / "deeper").mkdir(parents=True)
    (root / "other").mkdir()
    (root / "a.txt").write_text("top level\n")
    (root / "sub" / "b.json").write_text(json.dumps({"b": 1}))
    (root / "sub" / "deeper" / "c.bin").write_bytes(random_bytes(300_001, seed=2))
    (root / "sub" / "deeper" / "empty.txt").write_bytes(b"")
    (root / "other" / "d.csv").write_text("x,y\n1,2\n")
    return root


def test_log_artifacts_nested_folders(client, active_experiment, tree, tmp_path):
    with mlflow.start_run() as run:
        mlflow.log_artifacts(str(tree), artifact_path="tree")
        mlflow.log_artifacts(str(tree / "other"))  # the folder's content at the root
    run_id = run.info.run_id

    assert listing(client, run_id) == {"tree": (True, None), "d.csv": (False, 8)}
    assert listing(client, run_id, "tree") == {
        "tree/a.txt": (False, 10),
        "tree/sub": (True, None),
        "tree/other": (True, None),
    }
    assert listing(client, run_id, "tree/sub") == {
        "tree/sub/b.json": (False, len(json.dumps({"b": 1}))),
        "tree/sub/deeper": (True, None),
    }
    assert listing(client, run_id, "tree/sub/deeper") == {
        "tree/sub/deeper/c.bin": (False, 300_001),
        "tree/sub/deeper/empty.txt": (False, 0),
    }
    assert client.list_artifacts(run_id, "tree/missing") == []

    dst = mlflow.artifacts.download_artifacts(
        run_id=run_id, artifact_path="tree", dst_path=str(tmp_path / "download")
    )
    assert tree_digest(dst) == tree_digest(tree)

    everything = mlflow.artifacts.download_artifacts(
        run_id=run_id, dst_path=str(tmp_path / "download-all")
    )
    assert tree_digest(os.path.join(everything, "tree")) == tree_digest(tree)
    assert open(os.path.join(everything, "d.csv")).read() == "x,y\n1,2\n"


def test_overwrite_artifact(client, active_experiment):
    with mlflow.start_run() as run:
        mlflow.log_text("first", "file.txt")
        mlflow.log_text("second, longer", "file.txt")
    assert mlflow.artifacts.load_text(f"runs:/{run.info.run_id}/file.txt") == "second, longer"
    assert listing(client, run.info.run_id) == {"file.txt": (False, len("second, longer"))}


def test_dot_names_the_run_root(client, active_experiment, tree, tmp_path):
    """`.` (and `./`) is the run's artifact root, as on MLflow's server: for it the stock client
    lists `<root>/.` through the proxy, then `<root>/./sub` below it."""
    with mlflow.start_run() as run:
        mlflow.log_artifacts(str(tree))
    run_id = run.info.run_id

    root = listing(client, run_id)
    assert {posixpath.normpath(p): v for p, v in listing(client, run_id, ".").items()} == root
    assert {posixpath.normpath(p): v for p, v in listing(client, run_id, "./").items()} == root
    assert {posixpath.normpath(p) for p in listing(client, run_id, "./sub")} == {"sub/b.json", "sub/deeper"}

    dst = client.download_artifacts(run_id, ".", str(tmp_path / "dot"))
    assert tree_digest(dst) == tree_digest(tree)
    sub = mlflow.artifacts.download_artifacts(run_id=run_id, artifact_path="./sub", dst_path=str(tmp_path / "dot-sub"))
    assert tree_digest(sub) == tree_digest(tree / "sub")
