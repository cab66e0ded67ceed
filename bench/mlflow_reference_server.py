"""The anchor of bench/mlflow_compare.py: a real `mlflow server` on this machine.

Backed by the same PostgreSQL cluster as Custos (a throwaway database `mlflow_bench_<random>`,
created here and dropped at the end) and serving artifacts through itself (`--serve-artifacts`
with a local `--artifacts-destination`), so the client uploads and downloads artifact bytes
through the tracking server exactly as it does through Custos' artifact proxy.

Everything it starts it also stops: the server's process group (started in its own session),
the database and the temporary folder, also when the bench fails or is interrupted.
"""

from __future__ import annotations

import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass

import psycopg2
from psycopg2 import sql


@dataclass(frozen=True)
class PgCluster:
    host: str
    port: int
    user: str
    password: str

    def connect(self, database: str):
        return psycopg2.connect(
            host=self.host, port=self.port, user=self.user, password=self.password, dbname=database, connect_timeout=10
        )

    def uri(self, database: str) -> str:
        # The driver named explicitly: SQLAlchemy 2.1 defaults `postgresql://` to psycopg 3.
        return f"postgresql+psycopg2://{self.userinfo()}@{self.host}:{self.port}/{database}"

    def userinfo(self) -> str:
        q = urllib.parse.quote
        return f"{q(self.user, safe='')}:{q(self.password, safe='')}"

    def mask(self, text: str) -> str:
        """The text with the password hidden wherever it appears in a database URI."""
        return text.replace(f"{self.userinfo()}@", f"{urllib.parse.quote(self.user, safe='')}:***@")


def free_loopback_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ReferenceServer:
    """`mlflow server` with `workers` worker processes; use as a context manager."""

    def __init__(self, pg: PgCluster, workers: int, uvicorn_opts: str = "", startup_timeout_s: float = 300.0):
        self.pg = pg
        self.workers = workers
        self.uvicorn_opts = uvicorn_opts
        self.startup_timeout_s = startup_timeout_s
        self.database = f"mlflow_bench_{secrets.token_hex(4)}"
        self.port = 0
        self.url = ""
        self.tmp = ""
        self.log_path = ""
        self.proc: subprocess.Popen | None = None
        self._db_created = False

    def __enter__(self) -> "ReferenceServer":
        try:
            self.start()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def start(self) -> None:
        self.tmp = tempfile.mkdtemp(prefix="custos-bench-mlflow-")
        self.log_path = os.path.join(self.tmp, "mlflow-server.log")
        self._create_database()
        self.port = free_loopback_port()
        self.url = f"http://127.0.0.1:{self.port}"
        cmd = [
            sys.executable, "-m", "mlflow", "server",
            "--host", "127.0.0.1",
            "--port", str(self.port),
            "--backend-store-uri", self.pg.uri(self.database),
            "--serve-artifacts",
            "--artifacts-destination", os.path.join(self.tmp, "artifacts"),
            "--workers", str(self.workers),
        ]  # fmt: skip
        if self.uvicorn_opts:
            cmd += ["--uvicorn-opts", self.uvicorn_opts]
        env = {k: v for k, v in os.environ.items() if not k.startswith("MLFLOW_TRACKING_")}
        # MLflow 3's job runner (seven huey consumers polling their queue) serves no tracking
        # request, yet takes ~1.75 of this machine's 2 cores for as long as the server runs:
        # measured here at ~25% CPU per consumer. Left on, it loads whichever side is measured.
        env.setdefault("MLFLOW_SERVER_ENABLE_JOB_EXECUTION", "false")
        with open(self.log_path, "wb") as log:
            self.proc = subprocess.Popen(
                cmd, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=env, cwd=self.tmp,
                start_new_session=True,  # its own process group: stop() ends the workers too
            )  # fmt: skip
        self._wait_healthy()

    def _create_database(self) -> None:
        conn = self.pg.connect("postgres")
        try:
            conn.autocommit = True
            with conn.cursor() as cur:
                cur.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(self.database)))
            self._db_created = True
        finally:
            conn.close()

    def _wait_healthy(self) -> None:
        # The first start on an empty database runs MLflow's schema migrations: that takes a while.
        deadline = time.monotonic() + self.startup_timeout_s
        while time.monotonic() < deadline:
            if self.proc is not None and self.proc.poll() is not None:
                raise RuntimeError(f"mlflow server exited with code {self.proc.returncode}:\n{self.log_tail()}")
            try:
                with urllib.request.urlopen(f"{self.url}/health", timeout=2) as r:
                    if r.status == 200:
                        return
            except OSError:
                pass
            time.sleep(0.5)
        raise RuntimeError(f"mlflow server not healthy after {self.startup_timeout_s:.0f}s:\n{self.log_tail()}")

    def log_tail(self, lines: int = 30) -> str:
        try:
            with open(self.log_path, encoding="utf-8", errors="replace") as f:
                text = self.pg.mask(f.read())
        except OSError:
            return "(no server log)"
        return "\n".join(text.splitlines()[-lines:])

    def save_log(self, dest: str) -> None:
        """Copies the server's log (password masked) out of the folder that stop() removes."""
        try:
            with open(self.log_path, encoding="utf-8", errors="replace") as f:
                text = self.pg.mask(f.read())
        except OSError:
            return
        with open(dest, "w", encoding="utf-8") as out:
            out.write(text)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            pgid = self.proc.pid  # leader of the session started above: only our own processes
            for sig, wait_s in ((signal.SIGTERM, 20), (signal.SIGKILL, 10)):
                try:
                    os.killpg(pgid, sig)
                except ProcessLookupError:
                    break
                try:
                    self.proc.wait(timeout=wait_s)
                    break
                except subprocess.TimeoutExpired:
                    continue
        # Workers can outlive the leader for a moment; make sure none of the group is left.
        if self.proc is not None:
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
        self.proc = None
        if self._db_created:
            try:
                conn = self.pg.connect("postgres")
                try:
                    conn.autocommit = True
                    with conn.cursor() as cur:
                        cur.execute(
                            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(self.database))
                        )
                    self._db_created = False
                finally:
                    conn.close()
            except psycopg2.Error as e:
                print(f"warning: could not drop database {self.database}: {e}", file=sys.stderr)
        if self.tmp:
            shutil.rmtree(self.tmp, ignore_errors=True)
            self.tmp = ""
