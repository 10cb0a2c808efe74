"""The processes a benchmark run needs: Redis, a database, gunicorn servers."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

from tests.support.servers import free_port, postgres_database
from tests.support.waiting import answers, wait_until

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
SETTINGS_FILE = Path(__file__).with_name("gunicorn_settings.py")


@dataclass(frozen=True)
class WorkerConfig:
    """How gunicorn serves: the same for the service and baseline A in one comparison."""

    workers: int = 2
    worker_class: str = "gthread"
    threads: int = 4

    @property
    def label(self) -> str:
        threads = f"×{self.threads} threads" if self.worker_class == "gthread" else ""
        return f"{self.worker_class} {self.workers}w{threads}".strip()

    def args(self) -> list[str]:
        args = ["--workers", str(self.workers), "--worker-class", self.worker_class]
        if self.worker_class == "gthread":
            args += ["--threads", str(self.threads)]
        return args


class Gunicorn:
    """A gunicorn server on a free 127.0.0.1 port, up until `stop`."""

    def __init__(self, app: str, config: WorkerConfig, env: dict[str, str], log_path: Path) -> None:
        self.port = free_port()
        self.config = config
        self._log = log_path.open("ab")
        self.proc = subprocess.Popen(
            [str(BIN / "gunicorn"), app, "--config", str(SETTINGS_FILE), "--bind", f"127.0.0.1:{self.port}",
             "--no-control-socket", *config.args()],
            cwd=ROOT, env={**os.environ, **env}, stdout=self._log, stderr=subprocess.STDOUT,
        )

    def wait_ready(self, path: str, timeout: float = 60.0) -> None:
        try:
            wait_until(lambda: self._answers(path), f"gunicorn answering {path} (see {self._log.name})", timeout,
                       interval=0.1)
        except AssertionError:
            self.stop()
            raise

    def _answers(self, path: str) -> bool:
        if self.proc.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {self.proc.returncode}; see {self._log.name}")
        return answers(f"http://127.0.0.1:{self.port}{path}", timeout=2)

    def worker_pids(self) -> list[int]:
        children = Path(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children")
        return [int(pid) for pid in children.read_text().split()] if children.exists() else []

    def stop(self) -> None:
        _terminate(self.proc)
        self._log.close()


class EventWorker:
    """`flask --app app events drain` beside the service, as production runs it: its CPU is
    measured apart from the server's."""

    def __init__(self, env: dict[str, str], log_path: Path) -> None:
        self._log = log_path.open("ab")
        self._prefix = env["REDIS_KEY_PREFIX"]
        self._redis_url = env["REDIS_URL"]
        self.proc = subprocess.Popen([str(BIN / "flask"), "--app", "app", "events", "drain"], cwd=ROOT,
                                     env={**os.environ, **env, "EVENTS_WORKER_PORT": "0"}, stdout=self._log,
                                     stderr=subprocess.STDOUT)

    def wait_settled(self, timeout: float = 60.0) -> None:
        """Until the drain has written every event on the stream (so a run measures its own events)."""
        import redis

        client = redis.Redis.from_url(self._redis_url)
        stream = f"{self._prefix}events"

        def settled() -> bool:
            if self.proc.poll() is not None:
                raise RuntimeError(f"the event worker exited with {self.proc.returncode}; see {self._log.name}")
            last = client.xrevrange(stream, count=1)
            if not last:
                return True
            groups = {g["name"].decode(): g for g in client.xinfo_groups(stream)}
            audit = groups.get("audit")
            return bool(audit) and audit["pending"] == 0 and audit["last-delivered-id"] == last[0][0]

        try:
            wait_until(settled, f"the event worker draining the stream (see {self._log.name})", timeout, interval=0.1)
        finally:
            client.close()

    def stop(self) -> None:
        _terminate(self.proc)
        self._log.close()


def _terminate(proc: subprocess.Popen[bytes]) -> None:
    """SIGTERM, and SIGKILL if it has not exited 15 s later."""
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@contextmanager
def serving(app: str, config: WorkerConfig, env: dict[str, str], log_path: Path, ready_path: str) -> Iterator[Gunicorn]:
    server = Gunicorn(app, config, env, log_path)
    try:
        server.wait_ready(ready_path)
        yield server
    finally:
        server.stop()


def _postgres_admin_url() -> str | None:
    url = os.environ.get("BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test")
    if url.startswith("sqlite"):
        return None
    with suppress(Exception):
        import psycopg

        with psycopg.connect(url, connect_timeout=1):
            return url
    return None


@contextmanager
def database(folder: Path) -> Iterator[tuple[str, str]]:
    """A throwaway PostgreSQL database when one answers (BENCH_DATABASE_URL names the
    admin connection), else a SQLite file. Yields (kind, url)."""
    admin = _postgres_admin_url()
    if admin is None:
        yield "sqlite", f"sqlite:///{folder / 'bench.db'}"
        return
    with postgres_database(admin) as url:
        yield "postgresql", url

