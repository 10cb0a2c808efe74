"""Finding 7 of issue 20: the development Redis never outlives the server, however it ends.

`make run`'s gunicorn command line (which reads ./gunicorn.conf.py) with REDIS_URL unset;
for each way of ending, the instance's redis-server process is gone afterwards.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

from tests.conftest import TEST_ENV
from tests.support.servers import free_port
from tests.support.waiting import answers, wait_until

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
pytestmark = pytest.mark.e2e


def redis_servers_in(folder: Path) -> set[int]:
    """redis-server processes working in `folder` (it changes into its dump's folder, whoever started it)."""
    found = set()
    for proc in Path("/proc").glob("[0-9]*"):
        try:
            if (proc / "comm").read_text().strip() == "redis-server" and (proc / "cwd").resolve() == folder:
                found.add(int(proc.name))
        except OSError:
            continue
    return found


def children(pid: int) -> set[int]:
    try:
        return {int(child) for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()}
    except OSError:
        return set()


@dataclass
class DevServer:
    proc: subprocess.Popen[bytes]
    base: str
    instance: Path

    def redis_servers(self) -> set[int]:
        return redis_servers_in(self.instance)


def _cmdline(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return b""


@pytest.fixture
def dev_server(tmp_path) -> Iterator[DevServer]:
    instance = (tmp_path / "instance").resolve()
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("REDIS_", "GUNICORN_", "DATABASE_URL", "PROMETHEUS_"))}
    env.update(TEST_ENV, INSTANCE_DIR=str(instance))
    # `make migrate`: a flask command starts the instance's Redis too, and leaves none behind.
    subprocess.run([BIN / "flask", "--app", "app", "db", "upgrade"], cwd=ROOT, env=env, check=True,
                   capture_output=True, timeout=120)
    wait_until(lambda: not redis_servers_in(instance), "the flask command's redis-server to stop", timeout=30)
    port = free_port()
    with (tmp_path / "gunicorn.log").open("wb") as log:
        proc = subprocess.Popen(  # the Makefile's `run` recipe
            [BIN / "gunicorn", "app:create_app()", "--bind", f"127.0.0.1:{port}", "--workers", "1", "--threads", "8",
             "--no-control-socket", "--graceful-timeout", "10", "--max-requests", "5"],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    server = DevServer(proc, f"http://127.0.0.1:{port}", instance)
    leftovers: set[int] = set()
    try:
        wait_until(lambda: proc.poll() is not None or answers(f"{server.base}/readyz"), "the dev server to serve")
        assert proc.poll() is None, (tmp_path / "gunicorn.log").read_text()
        assert len(server.redis_servers()) == 1
        leftovers = server.redis_servers() | children(proc.pid)
        yield server
    finally:
        for pid in leftovers | server.redis_servers() | children(proc.pid) | {proc.pid}:
            try:
                os.kill(pid, signal.SIGKILL)  # only this test's own processes, if the test failed
            except OSError:
                pass
        proc.wait(timeout=30)


def test_sigterm_to_the_master_stops_redis(dev_server):
    dev_server.proc.send_signal(signal.SIGTERM)
    assert dev_server.proc.wait(timeout=30) == 0
    wait_until(lambda: not dev_server.redis_servers(), "redis-server to stop", timeout=30)


def test_sigkill_to_the_master_stops_redis(dev_server):
    workers = worker_of(dev_server)
    dev_server.proc.send_signal(signal.SIGKILL)
    dev_server.proc.wait(timeout=30)
    # The orphaned worker notices its master is gone and exits; with it the last holder of the pipe.
    wait_until(lambda: not any(Path(f"/proc/{pid}").exists() for pid in workers), "the orphaned worker to exit",
               timeout=60)
    wait_until(lambda: not dev_server.redis_servers(), "redis-server to stop", timeout=30)


def worker_of(server: DevServer) -> set[int]:
    return {pid for pid in children(server.proc.pid) if b"gunicorn" in _cmdline(pid)}


def test_a_killed_or_recycled_worker_leaves_one_redis_that_stops_with_the_server(dev_server):
    redis_before = dev_server.redis_servers()
    first = worker_of(dev_server)
    (pid,) = first
    os.kill(pid, signal.SIGKILL)
    wait_until(lambda: worker_of(dev_server) - first, "gunicorn to replace the killed worker")
    wait_until(lambda: answers(f"{dev_server.base}/readyz"), "the new worker to serve")
    second = worker_of(dev_server)
    for _ in range(20):  # --max-requests 5: the worker is recycled along the way
        if worker_of(dev_server) - second:
            break
        assert requests.get(f"{dev_server.base}/readyz", headers={"Connection": "close"}, timeout=10).status_code == 200
    wait_until(lambda: worker_of(dev_server) - second, "gunicorn to recycle the worker")
    wait_until(lambda: answers(f"{dev_server.base}/readyz"), "the recycled worker to serve")
    assert dev_server.redis_servers() == redis_before  # the same server all along: the master owns it
    dev_server.proc.send_signal(signal.SIGTERM)
    assert dev_server.proc.wait(timeout=30) == 0
    wait_until(lambda: not dev_server.redis_servers(), "redis-server to stop", timeout=30)
