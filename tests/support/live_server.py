"""The service in a real gunicorn process on a free port, for clients that speak HTTP.

Newman, schemathesis' CLI and the browser need a socket, not a WSGI callable.
The `live_server` fixture (imported by the conftest of the suites that use it)
migrates the test database through `make_app`, then starts gunicorn with the
test app's environment plus overrides, and stops every server it started.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.servers import free_port

REPO_ROOT = Path(__file__).resolve().parents[2]


class LiveServer:
    def __init__(self, env: dict[str, str], log_path: Path) -> None:
        self.env = env
        self.log_path = log_path
        self.port = free_port()
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 30.0) -> LiveServer:
        command = [
            sys.executable, "-m", "gunicorn", "app:create_app()",
            "--bind", f"127.0.0.1:{self.port}", "--workers", "1", "--threads", "4",
            "--no-control-socket", "--graceful-timeout", "5",
        ]
        with self.log_path.open("ab") as log:
            self.proc = subprocess.Popen(
                command, cwd=REPO_ROOT, env={**os.environ, **self.env}, stdout=log, stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + timeout
        while not self._healthy():
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"gunicorn did not come up on {self.url}:\n{self.log_tail()}")
            time.sleep(0.05)
        return self

    def _healthy(self) -> bool:
        try:
            with urllib.request.urlopen(self.url + "/healthz", timeout=1) as response:  # noqa: S310 - our own server
                return bool(response.status == 200)
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            return False

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace") if self.log_path.exists() else ""

    def log_tail(self, lines: int = 40) -> str:
        return "\n".join(self.log().splitlines()[-lines:])

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=5)
        self.proc = None


@pytest.fixture
def live_server(make_app, env: dict[str, str], tmp_path: Path) -> Iterator:  # type: ignore[no-untyped-def]
    """`live_server(**settings)` → a started LiveServer on this test's Redis prefix and database."""
    servers: list[LiveServer] = []

    def start(**overrides: str) -> LiveServer:
        make_app(**overrides)  # validates the settings and migrates the database once per session
        server = LiveServer({**env, **overrides}, tmp_path / f"gunicorn-{len(servers)}.log")
        servers.append(server)
        return server.start()

    yield start
    for server in servers:
        server.stop()
