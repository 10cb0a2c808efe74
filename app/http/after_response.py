"""Work a request leaves for after its answer: run on one background thread per process, inside
the app's context, so the client never waits for it and its failure never changes the answer.

For best-effort side effects only (a notice email): a job still queued when the process dies
is lost. `drain()` waits for the queue to empty (tests, graceful shutdown).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor

from flask import Flask, current_app, has_app_context

log = logging.getLogger(__name__)


class AfterResponse:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._executor: ThreadPoolExecutor | None = None  # started on first use: never before a fork
        self._pending: set[Future[None]] = set()

    def run_later(self, job: Callable[[], None]) -> None:
        app = current_app._get_current_object() if has_app_context() else None  # type: ignore[attr-defined]
        with self._lock:
            if self._executor is None:
                self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="after-response")
            future = self._executor.submit(_run, app, job)
            self._pending.add(future)
        future.add_done_callback(self._forget)

    def _forget(self, future: Future[None]) -> None:
        with self._lock:
            self._pending.discard(future)

    def drain(self, timeout: float = 10.0) -> None:
        """Waits until every job queued so far has run."""
        with self._lock:
            pending = list(self._pending)
        for future in pending:
            future.result(timeout=timeout)


def _run(app: Flask | None, job: Callable[[], None]) -> None:
    try:
        if app is None:
            job()
            return
        with app.app_context():
            job()
    except Exception:  # noqa: BLE001 - a background job must not take the thread down; its cause is logged
        log.exception("background job failed")
