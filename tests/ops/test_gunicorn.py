"""The service under a real gunicorn: graceful SIGTERM, metrics across workers, JSON-only logs."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import requests
from prometheus_client.parser import text_string_to_metric_families

from tests.conftest import TEST_ENV
from tests.support.servers import free_port
from tests.support.waiting import answers, terminate, wait_until

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.e2e


def _env(redis_url: str, folder: Path, **extra: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key != "PROMETHEUS_MULTIPROC_DIR"}
    env.update(TEST_ENV)
    env.update(REDIS_URL=redis_url, REDIS_KEY_PREFIX=f"g{uuid.uuid4().hex[:10]}:",
               DATABASE_URL=f"sqlite:///{folder / 'gunicorn.db'}", **extra)
    return env


@contextmanager
def gunicorn(app_spec: str, env: dict[str, str], log: Path, *options: str) -> Iterator[tuple[subprocess.Popen, str]]:
    port = free_port()
    with log.open("wb") as stderr:
        proc = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", app_spec, "--bind", f"127.0.0.1:{port}", "--no-control-socket",
             *options],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=stderr)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until(lambda: proc.poll() is not None or answers(f"{base}/readyz"), "gunicorn to serve")
        assert proc.poll() is None, log.read_text()
        yield proc, base
    finally:
        terminate(proc, timeout=20)


def _children(pid: int) -> set[int]:
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[1]) == pid:
            found.add(int(stat.parent.name))
    return found


@pytest.mark.parametrize("workers", [["--workers", "1", "--threads", "4"], ["--workers", "2"]],
                         ids=["gthread", "sync"])
def test_sigterm_lets_an_in_flight_request_finish(redis_url, tmp_path, workers):
    marker = tmp_path / "in-flight"
    env = _env(redis_url, tmp_path, SLOW_MARKER=str(marker))
    with gunicorn("tests.ops.slow_app:create()", env, tmp_path / "stderr.log", *workers,
                  "--graceful-timeout", "20") as (proc, base):
        answer: dict[str, requests.Response] = {}
        slow = threading.Thread(target=lambda: answer.update(
            response=requests.get(f"{base}/test/slow?seconds=2", timeout=30)))
        slow.start()
        wait_until(marker.exists, "the slow request to start")
        proc.send_signal(signal.SIGTERM)
        slow.join(timeout=30)
        assert answer["response"].status_code == 200
        assert answer["response"].json() == {"slept": True}
        assert proc.wait(timeout=30) == 0


def _healthz_count(text: str) -> float:
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if (sample.name == "otp_auth_http_requests_total"
                    and sample.labels == {"route": "/healthz", "method": "GET", "status": "200"}):
                return sample.value
    return 0.0


def test_metrics_add_up_across_workers_and_outlive_them(redis_url, tmp_path):
    metrics_dir = tmp_path / "metrics"
    metrics_dir.mkdir()
    stale = metrics_dir / "counter_999999.db"
    stale.write_bytes(b"left over from an earlier run")
    env = _env(redis_url, tmp_path, PROMETHEUS_MULTIPROC_DIR=str(metrics_dir))
    log = tmp_path / "stderr.log"
    options = ("--workers", "2", "-c", "python:tests.ops.gunicorn_conf")
    with gunicorn("app:create_app()", env, log, *options) as (proc, base):
        assert not stale.exists()
        # /readyz answers once the first worker is up; the second may still be booting.
        wait_until(lambda: len(_children(proc.pid)) == 2, "both workers to boot")
        for _ in range(12):
            assert requests.get(f"{base}/healthz", headers={"Connection": "close"}, timeout=5).status_code == 200
        first_workers = _children(proc.pid)
        assert len(first_workers) == 2
        for pid in first_workers:
            os.kill(pid, signal.SIGKILL)
        wait_until(lambda: len(_children(proc.pid) - first_workers) == 2, "gunicorn to replace both workers")
        wait_until(lambda: answers(f"{base}/readyz"), "the new workers to serve")

        # Every request was served by a worker that is gone: the count comes from their files.
        scrape = requests.get(f"{base}/metrics", timeout=5)
        assert scrape.status_code == 200
        assert _healthz_count(scrape.text) == 12
        assert "process_cpu_seconds_total" not in scrape.text  # per-process figures are left out

    lines = [line for line in log.read_text().splitlines() if line.strip()]
    assert any("Booting worker" in line for line in lines)
    for line in lines:
        json.loads(line)  # gunicorn's own lines too: nothing but JSON on stderr
