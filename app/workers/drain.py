"""The drain: consumer group "audit" writes every event of the stream to `auth_events`.

A batch is read (XREADGROUP), written in one INSERT that skips rows already there, and
acknowledged (XACK) only after the commit: a worker that dies in between leaves the batch
pending, another claims it (XAUTOCLAIM) and writes it again, which adds nothing twice. While
the database is down the batch is kept and retried with a bounded exponential wait; the
events wait in the stream meanwhile, and the backlog is measured (otp_auth_events_oldest_pending_seconds).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Protocol

from redis import RedisError
from sqlalchemy.exc import SQLAlchemyError

from app.services.event_record import Event
from app.workers.consumer import Entry, GroupConsumer
from app.workers.loop import run_steps

GROUP = "audit"
BLOCK_MS = 1000


class RowWriter(Protocol):
    def insert(self, events: list[Event]) -> int: ...

    def scrub(self, events: list[Event]) -> None: ...


class ErasedAccounts(Protocol):
    def which(self, user_ids: Iterable[str]) -> set[str]: ...


class DrainCounters(Protocol):
    def written(self, new_rows: int, duplicates: int) -> None: ...

    def failed(self, group: str) -> None: ...


class AuditDrain:
    def __init__(self, consumer: GroupConsumer, writer: RowWriter, counters: DrainCounters,
                 erased: ErasedAccounts) -> None:
        self.consumer = consumer
        self._writer = writer
        self._erased = erased
        self._counters = counters
        self._held: list[Entry] = []  # a batch the database refused, retried before anything new

    def step(self, block_ms: int | None = BLOCK_MS) -> int:
        """Writes one batch; returns how many entries it settled. Raises SQLAlchemyError or
        RedisError when a store fails (the batch is kept for the next step)."""
        batch = self._held or self.consumer.take(block_ms)
        if not batch:
            return 0
        self._held = batch
        events = [event for _, event in batch if event is not None]
        new_rows = self._writer.insert(events)
        # An account deleted while its events waited here: their rows keep the user id only.
        gone = self._erased.which(event.user_id for event in events)
        self._writer.scrub([event for event in events if event.user_id in gone and event.type != "account_deleted"])
        self.consumer.ack([entry_id for entry_id, _ in batch])
        self._held = []
        self._counters.written(new_rows, len(events) - new_rows)
        return len(batch)

    def run(self, stopped: Callable[[], bool], wait: Callable[[float], object],
            beat: Callable[[], None] = lambda: None) -> None:
        """Steps until `stopped()`; a failing database or Redis means a bounded, growing wait, then the
        same batch again."""
        run_steps(self.step, name=GROUP, retry_on=(SQLAlchemyError, RedisError),
                  on_failure=lambda: self._counters.failed(GROUP), stopped=stopped, wait=wait, beat=beat)
