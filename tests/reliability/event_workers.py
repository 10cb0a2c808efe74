"""`flask --app app events drain` as real processes on the private stack, and what they wrote."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import psycopg
import redis

from tests.support.servers import free_port
from tests.support.waiting import answers, wait_until

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


class WorkerProcess:
    def __init__(self, env: dict[str, str], log_path: Path) -> None:
        self.port = free_port()
        self.env = {**os.environ, **env, "EVENTS_WORKER_PORT": str(self.port)}
        self.log_path = log_path
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> WorkerProcess:
        with self.log_path.open("ab") as log:
            self.proc = subprocess.Popen([BIN / "flask", "--app", "app", "events", "drain"], cwd=ROOT, env=self.env,
                                         stdout=log, stderr=subprocess.STDOUT)
        wait_until(lambda: answers(f"http://127.0.0.1:{self.port}/healthz", timeout=1) or self._exited(),
                   "the event worker answering /healthz", timeout=60)
        assert not self._exited(), self.log_path.read_text()[-2000:]
        return self

    def _exited(self) -> bool:
        return self.proc is not None and self.proc.poll() is not None

    def kill(self) -> None:
        """SIGKILL: no goodbye, whatever it was doing."""
        assert self.proc is not None
        os.kill(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=10)

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=20)


def event_rows(database_url: str) -> list[tuple[str, str]]:
    """(event type, event id) of every row that came through the stream."""
    with psycopg.connect(database_url, connect_timeout=5) as conn:
        rows = conn.execute("SELECT event, event_id::text FROM auth_events WHERE event_id IS NOT NULL").fetchall()
    return [(row[0], row[1]) for row in rows]


def stream_ids(redis_url: str, prefix: str) -> list[str]:
    """The event ids on the stream."""
    client = redis.Redis.from_url(redis_url)
    try:
        return [fields[b"id"].decode() for _, fields in client.xrange(f"{prefix}events")]
    finally:
        client.close()


def pending(redis_url: str, prefix: str, group: str = "audit") -> dict[str, int]:
    """Entries taken and not settled, by consumer."""
    client = redis.Redis.from_url(redis_url)
    try:
        summary = client.xpending(f"{prefix}events", group)
    except redis.ResponseError:  # no group yet
        return {}
    finally:
        client.close()
    return {consumer["name"].decode(): int(consumer["pending"]) for consumer in summary["consumers"] or []}
