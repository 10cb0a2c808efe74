"""Runs the event workers in daemon threads (in `flask events drain`, or inside a development
server), each inside the app's context, and says whether they are alive."""

from __future__ import annotations

import logging
import threading
import time

from flask import Flask

from app.workers.factory import EventWorkers
from app.workers.webhooks import WEBHOOK_BATCH

log = logging.getLogger(__name__)

# A worker whose loop has not come round for this long is reported dead (/healthz answers 503):
# a drain step takes a second or two, a webhook step up to WEBHOOK_BATCH attempts of the timeout.
STALL_SECONDS = 120.0


class WorkerThreads:
    def __init__(self, app: Flask, workers: EventWorkers, webhook_timeout: float = 0.0) -> None:
        self._app = app
        self._workers = workers
        self._stall = STALL_SECONDS + 2 * WEBHOOK_BATCH * webhook_timeout
        self._stop = threading.Event()
        self._beats: dict[str, float] = {}
        self._threads: list[threading.Thread] = []

    def start(self) -> WorkerThreads:
        for worker in self._workers.all():
            name = worker.consumer.group
            self._beats[name] = time.monotonic()
            thread = threading.Thread(target=self._run, args=(worker, name), name=f"events-{name}", daemon=True)
            thread.start()
            self._threads.append(thread)
        log.info("event workers started", extra={"groups": sorted(self._beats)})
        return self

    def _run(self, worker, name: str) -> None:  # type: ignore[no-untyped-def]
        def beat() -> None:
            self._beats[name] = time.monotonic()

        with self._app.app_context():
            worker.run(self._stop.is_set, self._stop.wait, beat)

    def alive(self) -> bool:
        now = time.monotonic()
        return all(thread.is_alive() for thread in self._threads) and all(
            now - seen < self._stall for seen in self._beats.values())

    def stop(self, timeout: float = 10.0) -> None:
        """Lets each worker finish its step (an unfinished batch stays pending for the next worker)."""
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout)
