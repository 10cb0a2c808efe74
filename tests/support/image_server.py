"""The service as the image runs it: `gunicorn --config gunicorn.conf.py "app:create_app()"`, on loopback.

Only the bind address changes (a free loopback port instead of 0.0.0.0:8080); workers, threads,
worker class and timeouts are the image's defaults unless a test passes GUNICORN_* variables.
"""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.conftest import TEST_ENV
from tests.support.servers import free_port
from tests.support.waiting import answers, terminate, wait_until

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def image_env(redis_url: str, folder: Path, **extra: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items()
           if not key.startswith("GUNICORN_") and key != "PROMETHEUS_MULTIPROC_DIR"}
    env.update(TEST_ENV)
    env.update(REDIS_URL=redis_url, REDIS_KEY_PREFIX=f"img{uuid.uuid4().hex[:10]}:",
               DATABASE_URL=f"sqlite:///{folder / 'image.db'}", SMS_BACKEND="file",
               SMS_OUTBOX_FILE=str(folder / "outbox.jsonl"), **extra)
    return env


@contextmanager
def image_gunicorn(env: dict[str, str], log: Path) -> Iterator[tuple[subprocess.Popen[bytes], int]]:
    """Migrates the database, starts gunicorn with the image's config and yields (process, port)."""
    subprocess.run([BIN / "flask", "--app", "app", "db", "upgrade"], cwd=ROOT, env=env, check=True,
                   capture_output=True, timeout=120)
    port = free_port()
    with log.open("wb") as stderr:
        proc = subprocess.Popen(
            [BIN / "gunicorn", "--config", "gunicorn.conf.py", "--bind", f"127.0.0.1:{port}", "app:create_app()"],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=stderr)
    try:
        wait_until(lambda: proc.poll() is not None or answers(f"http://127.0.0.1:{port}/readyz"), "gunicorn to serve")
        assert proc.poll() is None, log.read_text()
        # A SIGTERM while the master is still forking a worker can leave that worker to the
        # graceful timeout (a gunicorn race), so the tests start once every worker is there.
        workers = int(env.get("GUNICORN_WORKERS") or 2)
        wait_until(lambda: log.read_text().count("Booting worker") >= workers, "every worker to boot")
        yield proc, port
    finally:
        terminate(proc)
