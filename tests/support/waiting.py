"""Polling helpers for tests that drive real processes (gunicorn, nginx, redis-server)."""

from __future__ import annotations

import subprocess
import time
from collections.abc import Callable

import requests


def wait_until(ready: Callable[[], object], what: str, timeout: float = 60.0, interval: float = 0.05) -> None:
    """Polls `ready` until it is truthy; fails the test naming `what` after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while not ready():
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} did not happen within {timeout:.0f} s")
        time.sleep(interval)


def answers(url: str, timeout: float = 5.0) -> bool:
    """True when `url` answers 200; refused connections and read timeouts (a worker still booting) are False."""
    try:
        return requests.get(url, timeout=timeout).status_code == 200
    except requests.RequestException:
        return False


def terminate(proc: subprocess.Popen[bytes], timeout: float = 30.0) -> None:
    """SIGTERM (a graceful stop), then SIGKILL if it is still running after `timeout` seconds."""
    if proc.poll() is not None:
        return
    proc.terminate()
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
