"""`gunicorn "app:create_app()"` as a real process on a free port, with its workers in view."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import requests

from tests.support.gunicorn_ready import READY_LINE
from tests.support.servers import free_port

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


class GunicornProcess:
    def __init__(self, env: dict[str, str], log_path: Path, *, workers: int = 3, threads: int = 2) -> None:
        self.port = free_port()
        self.env = {**os.environ, **env}
        self.log_path = log_path
        self.workers = workers
        self.threads = threads
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, boot_timeout: float = 60.0) -> GunicornProcess:
        with self.log_path.open("ab") as log:
            self.proc = subprocess.Popen(
                [BIN / "gunicorn", "app:create_app()", "--bind", f"127.0.0.1:{self.port}",
                 "--workers", str(self.workers), "--threads", str(self.threads),
                 "--no-control-socket", "--graceful-timeout", "5",
                 # Our hooks, not ./gunicorn.conf.py: they log when each worker serves.
                 "--config", "python:tests.support.gunicorn_ready"],
                cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT,
            )
        self.wait_until_all_workers_serve(boot_timeout)
        return self

    def wait_until_all_workers_serve(self, timeout: float) -> None:
        """Returns once every worker is booted and /healthz answers."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.proc is not None
            if self.proc.poll() is not None:
                raise RuntimeError(f"gunicorn exited {self.proc.returncode}: {self.log_tail()}")
            if len(self.worker_pids()) == self.workers and self._booted() >= self.workers and self._healthy():
                return
            time.sleep(0.1)
        raise RuntimeError(f"gunicorn did not come up: {self.log_tail()}")

    def _booted(self) -> int:
        """Running workers whose app has loaded (the post_worker_init hook logged it)."""
        text = self.log_path.read_text(errors="replace")
        return sum(1 for pid in self.worker_pids() if f"{READY_LINE}{pid}\n" in text)

    def _healthy(self) -> bool:
        try:
            return requests.get(f"{self.url}/healthz", timeout=2).status_code == 200
        except requests.RequestException:
            return False

    def worker_pids(self) -> list[int]:
        assert self.proc is not None
        master = self.proc.pid
        children = Path(f"/proc/{master}/task/{master}/children")
        try:
            return [int(pid) for pid in children.read_text().split()]
        except OSError:
            return []

    def worker_rss_kib(self) -> dict[int, int]:
        """Resident memory of each worker, from /proc/<pid>/status (VmRSS)."""
        sizes: dict[int, int] = {}
        for pid in self.worker_pids():
            try:
                for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                    if line.startswith("VmRSS:"):
                        sizes[pid] = int(line.split()[1])
            except OSError:
                continue
        return sizes

    def kill_worker(self, pid: int) -> None:
        assert pid in self.worker_pids()
        os.kill(pid, signal.SIGKILL)

    def log_tail(self, chars: int = 3000) -> str:
        return self.log_path.read_text(errors="replace")[-chars:] if self.log_path.exists() else ""

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        self.proc = None
