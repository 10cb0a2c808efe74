"""Webhook delivery: consumer group "webhooks" POSTs every event, signed, to EVENT_WEBHOOK_URL.

A new event is tried at once. A refusal (not 2xx, a timeout, a refused connection) schedules
it again after an exponential wait with jitter (5 s doubling up to an hour), for up to
EVENT_WEBHOOK_MAX_AGE_SECONDS after its first failure; then it is dead-lettered. Only this
worker waits for the receiver: the API never does.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Protocol

from redis import RedisError

from app.services.clock import Clock
from app.services.event_record import Event
from app.stores.webhook_retries import RedisWebhookRetries, Retry
from app.workers.backoff import Backoff
from app.workers.consumer import GroupConsumer
from app.workers.loop import run_steps

log = logging.getLogger(__name__)

GROUP = "webhooks"
BLOCK_MS = 1000
# Events attempted per step at most: attempts are one after another, each up to the timeout.
WEBHOOK_BATCH = 10
RETRY_BACKOFF = Backoff(first=5.0, cap=3600.0)
# How long a taken retry stays hidden from other workers beyond the attempt's own timeout.
LEASE_MARGIN_SECONDS = 30.0


class Receiver(Protocol):
    def post(self, event: Event, now: float) -> str | None:
        """None when accepted, else why not."""


class DeliveryCounters(Protocol):
    def delivered(self) -> None: ...

    def retried(self) -> None: ...

    def dead_lettered(self) -> None: ...

    def failed(self, group: str) -> None: ...


class WebhookDelivery:
    def __init__(self, consumer: GroupConsumer, receiver: Receiver, retries: RedisWebhookRetries, clock: Clock,
                 counters: DeliveryCounters, *, max_age: float, timeout: float, batch: int,
                 backoff: Backoff = RETRY_BACKOFF) -> None:
        self.consumer = consumer
        self._receiver = receiver
        self._retries = retries
        self._clock = clock
        self._counters = counters
        self._max_age = max_age
        self._lease = 2 * timeout + LEASE_MARGIN_SECONDS
        self._batch = batch
        self._backoff = backoff

    def step(self, block_ms: int | None = BLOCK_MS) -> int:
        """Tries the retries that are due, then new events; returns how many attempts it made."""
        attempts = self._retry_due()
        batch = self.consumer.take(None if attempts else block_ms)
        for entry_id, event in batch:
            if event is None:
                self.consumer.ack([entry_id])
                continue
            now = self._clock.now()
            error = self._receiver.post(event, now)
            if error is None:
                self.consumer.ack([entry_id])
                self._counters.delivered()
                continue
            log.info("webhook refused; will retry", extra={"event_id": event.id, "error": error})
            pipe = self.consumer.pipeline()
            self._retries.schedule(event, 1, now, now + self._backoff.delay(1), pipe)
            self.consumer.ack([entry_id], pipe)
            pipe.execute()
            self._counters.retried()
        return attempts + len(batch)

    def _retry_due(self) -> int:
        now = self._clock.now()
        due = self._retries.due(now, now + self._lease, self._batch)
        for retry in due:
            self._attempt_again(retry)
        return len(due)

    def _attempt_again(self, retry: Retry) -> None:
        now = self._clock.now()
        error = self._receiver.post(retry.event, now)
        if error is None:
            self._retries.settle(retry)
            self._counters.delivered()
        elif now - retry.first_failed >= self._max_age:
            self._retries.dead_letter(retry, error, now)
            self._counters.dead_lettered()
            log.warning("webhook dead-lettered", extra={"event_id": retry.event.id, "attempts": retry.attempts + 1,
                                                         "error": error})
        else:
            self._retries.again(retry, now + self._backoff.delay(retry.attempts + 1))
            self._counters.retried()

    def run(self, stopped: Callable[[], bool], wait: Callable[[float], object],
            beat: Callable[[], None] = lambda: None) -> None:
        run_steps(self.step, name=GROUP, retry_on=(RedisError,), on_failure=lambda: self._counters.failed(GROUP),
                  stopped=stopped, wait=wait, beat=beat)
