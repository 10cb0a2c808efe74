"""The loop every worker runs: step until told to stop, and after a failing store wait a
bounded, growing time before the next try (the work of the failed step is kept, not lost)."""

from __future__ import annotations

import logging
from collections.abc import Callable

from app.workers.backoff import Backoff

log = logging.getLogger(__name__)

STORE_BACKOFF = Backoff(first=0.5, cap=30.0)


def run_steps(step: Callable[[], object], *, name: str, retry_on: tuple[type[BaseException], ...],
              on_failure: Callable[[], None], stopped: Callable[[], bool], wait: Callable[[float], object],
              beat: Callable[[], None] = lambda: None, backoff: Backoff = STORE_BACKOFF) -> None:
    """Calls `step` until `stopped()`. After an error of `retry_on` it calls `on_failure` and
    `wait(seconds)`; `beat` follows every step that worked (the worker's liveness)."""
    failures = 0
    while not stopped():
        try:
            step()
        except retry_on as error:
            failures += 1
            on_failure()
            delay = backoff.delay(failures)
            log.warning("event worker step failed; retrying", extra={"worker": name, "error": type(error).__name__,
                                                                      "retry_in": round(delay, 2)})
            wait(delay)
            continue
        failures = 0
        beat()
