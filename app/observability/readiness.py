"""Dependency checks for /readyz and `flask check-config`, each bounded in time."""

from __future__ import annotations

import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from typing import Any

import redis
from sqlalchemy import Engine, text

from app.observability.metrics import Metrics

CHECK_TIMEOUT_SECONDS = 1.0
# Checks run in threads so a hung dependency costs the caller CHECK_TIMEOUT_SECONDS, not a socket timeout.
_pool = ThreadPoolExecutor(max_workers=4, thread_name_prefix="readyz")


class Readiness:
    def __init__(self, engine: Callable[[], Engine], client: redis.Redis, metrics: Metrics) -> None:
        self._engine = engine
        self._redis = client
        self._metrics = metrics

    def check(self) -> dict[str, str]:
        """{"database": "ok"|"fail", "redis": "ok"|"fail"}; all checks together take at most CHECK_TIMEOUT_SECONDS."""
        engine = self._engine()  # resolved on the caller's thread, where the app context is

        def database() -> None:
            with engine.connect() as connection:
                connection.execute(text("SELECT 1"))

        futures: dict[str, Future[Any]] = {"database": _pool.submit(database), "redis": _pool.submit(self._redis.ping)}
        deadline = time.monotonic() + CHECK_TIMEOUT_SECONDS
        results = {name: _outcome(future, deadline) for name, future in futures.items()}
        for name, result in results.items():
            self._metrics.dependency_up.labels(name).set(1 if result == "ok" else 0)
        return results


def _outcome(future: Future[Any], deadline: float) -> str:
    try:
        future.result(timeout=max(0.0, deadline - time.monotonic()))
    except FutureTimeout:
        future.cancel()
        return "fail"
    except Exception:  # noqa: BLE001 - any failure of the dependency means "not ready"
        return "fail"
    return "ok"
