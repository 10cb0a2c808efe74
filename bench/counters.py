"""Cost per request from counters, not clocks.

The app runs in this process (Flask's test client, no HTTP), with two hooks:

- Redis round trips, counted at the client: the app's connection pool makes
  `CountingConnection`s, which count every `send_packed_command`. redis-py
  sends a single command, a whole pipeline or a script call (EVALSHA) in one
  such call and then reads the answers, so one call is one round trip.
  Connection handshakes and health-check PINGs are counted too: they are real
  round trips (warm-up requests keep the handshakes out of the measurement).
- Redis commands, counted at the server (only when the server is private to the
  run): INFO commandstats before and after, which counts the commands a Lua
  script runs as well, minus the INFO probe itself. `total_reads_processed`
  gives the server's own view of round trips, as a cross-check.
- SQL statements: SQLAlchemy's `before_cursor_execute` event on the app's
  engine, split into reads (SELECT) and writes; `commit` events counted apart.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import redis
from flask import Flask
from sqlalchemy import event

from app.extensions import db


class RoundTrips:
    def __init__(self) -> None:
        self.count = 0
        self._lock = threading.Lock()

    def add(self) -> None:
        with self._lock:
            self.count += 1


def counting_connection_class(counter: RoundTrips) -> type[redis.Connection]:
    class CountingConnection(redis.Connection):
        def send_packed_command(self, command: Any, check_health: bool = True) -> None:
            counter.add()
            super().send_packed_command(command, check_health)

    return CountingConnection


@dataclass
class SqlCounter:
    reads: int = 0
    writes: int = 0
    commits: int = 0
    statements: list[str] = field(default_factory=list)

    def on_execute(self, _conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        verb = statement.lstrip().split(None, 1)[0].upper() if statement.strip() else ""
        if verb in ("SELECT", "WITH", "PRAGMA"):
            self.reads += 1
        else:
            self.writes += 1
        self.statements.append(verb)

    def on_commit(self, _conn: Any) -> None:
        self.commits += 1


class Meter:
    """Hooks one app; `measure(n, send)` returns per-request costs of `send`."""

    def __init__(self, app: Flask, client: redis.Redis, server_is_private: bool) -> None:
        self.round_trips = RoundTrips()
        self.sql = SqlCounter()
        self._client = client
        self._private = server_is_private
        pool = client.connection_pool
        if pool.connection_class is not redis.Connection:
            raise RuntimeError(f"counting needs plain TCP connections, the pool has {pool.connection_class.__name__}")
        pool.connection_class = counting_connection_class(self.round_trips)
        # Connections made before the hook are dropped; the pool makes counting ones from now on.
        pool.disconnect()
        pool.reset()
        with app.app_context():
            event.listen(db.engine, "before_cursor_execute", self.sql.on_execute)
            event.listen(db.engine, "commit", self.sql.on_commit)
        # The probe has its own connection so it is never counted as the app's.
        self._probe = redis.Redis(connection_pool=redis.ConnectionPool(**pool.connection_kwargs)) \
            if server_is_private else None

    def _server_stats(self) -> tuple[Counter[str], int]:
        assert self._probe is not None
        info = self._probe.info("all")
        calls: Counter[str] = Counter({
            key[len("cmdstat_"):]: value["calls"] for key, value in info.items() if key.startswith("cmdstat_")
        })
        return calls, int(info["total_reads_processed"])

    def measure(self, count: int, send: Callable[[int], None]) -> dict[str, Any]:
        """Calls send(i) for i in range(count); all figures are per request."""
        before_stats = self._server_stats() if self._private else None
        trips, reads, writes, commits = self.round_trips.count, self.sql.reads, self.sql.writes, self.sql.commits
        for i in range(count):
            send(i)
        result: dict[str, Any] = {
            "requests": count,
            "redis_round_trips": (self.round_trips.count - trips) / count,
            "sql_statements": (self.sql.reads - reads + self.sql.writes - writes) / count,
            "sql_reads": (self.sql.reads - reads) / count,
            "sql_writes": (self.sql.writes - writes) / count,
            "sql_commits": (self.sql.commits - commits) / count,
        }
        if before_stats is not None:
            calls_before, reads_before = before_stats
            calls_after, reads_after = self._server_stats()
            commands = calls_after - calls_before
            commands["info"] -= 1
            commands = +commands  # drops the probe (and anything else that did not move)
            result["redis_commands"] = sum(commands.values()) / count
            result["redis_commands_by_name"] = {name: n / count for name, n in sorted(commands.items())}
            # The second probe's own read is in the delta.
            result["redis_server_reads"] = (reads_after - reads_before - 1) / count
        return result

    def close(self) -> None:
        if self._probe is not None:
            self._probe.close()


@contextmanager
def metered(app: Flask, client: redis.Redis, server_is_private: bool) -> Iterator[Meter]:
    meter = Meter(app, client, server_is_private)
    try:
        yield meter
    finally:
        meter.close()
