"""One consumer of a consumer group on the event stream: new entries, and entries a dead
consumer left pending (XAUTOCLAIM), each as (entry id, event or None when malformed)."""

from __future__ import annotations

import logging
import os
import socket
import uuid
from collections.abc import Sequence
from typing import cast

import redis

from app.services.clock import Clock
from app.services.event_record import Event

log = logging.getLogger(__name__)

Entry = tuple[str, Event | None]
# XREADGROUP's reply as redis-py parses it (it types it Any): [(stream, [(id, fields), ...]), ...].
_ReadReply = list[tuple[bytes, list[tuple[bytes, dict[bytes, bytes]]]]] | None


def consumer_name() -> str:
    """Unique per process: a restarted worker never inherits a dead one's name (XAUTOCLAIM does that)."""
    return f"{socket.gethostname()}-{os.getpid()}-{uuid.uuid4().hex[:6]}"


class GroupConsumer:
    def __init__(self, client: redis.Redis, stream: str, group: str, *, batch: int, claim_idle_seconds: float,
                 clock: Clock, name: str | None = None, trim: bool = False) -> None:
        self._redis = client
        # The only group on the stream deletes what it settled: the events of a deleted account do
        # not linger in Redis until MAXLEN trims them.
        self._trim = trim
        self.stream = stream
        self.group = group
        self.name = name or consumer_name()
        self._batch = batch
        self._claim_idle_ms = int(claim_idle_seconds * 1000)
        self._clock = clock
        self._next_claim = 0.0
        self._claim_cursor = "0-0"
        self._group_ready = False
        self._own_pending_left = True  # what this consumer's name took before and never settled

    def ensure_group(self) -> None:
        """Creates the stream and the group if missing; a new group starts at the stream's first entry."""
        try:
            self._redis.xgroup_create(self.stream, self.group, id="0", mkstream=True)
        except redis.ResponseError as error:
            if "BUSYGROUP" not in str(error):
                raise
        self._group_ready = True

    def take(self, block_ms: int | None) -> list[Entry]:
        """Entries to work on: abandoned ones first when a claim is due, else new ones
        (waiting up to `block_ms` for some; None: no wait)."""
        if not self._group_ready:
            self.ensure_group()
        try:
            claimed = self._own_pending() or self._claim_abandoned()
            if claimed:
                return claimed
            answer = cast(_ReadReply, self._redis.xreadgroup(self.group, self.name, {self.stream: ">"},
                                                              count=self._batch, block=block_ms))
        except redis.ResponseError as error:
            if "NOGROUP" not in str(error):
                raise
            self._group_ready = False  # the stream was deleted (FLUSHDB, a new Redis): start again
            return []
        return [_entry(entry_id, fields) for _, entries in answer or [] for entry_id, fields in entries]

    def _own_pending(self) -> list[Entry]:
        """Entries delivered to this name and not acknowledged, until there are none (a worker
        restarted under its old name; the same batch after a failed step)."""
        if not self._own_pending_left:
            return []
        answer = cast(_ReadReply, self._redis.xreadgroup(self.group, self.name, {self.stream: "0"},
                                                          count=self._batch))
        taken = [_entry(entry_id, fields) if fields else (_text(entry_id), None)
                 for _, entries in answer or [] for entry_id, fields in entries]
        self._own_pending_left = bool(taken)
        return taken

    def _claim_abandoned(self) -> list[Entry]:
        if self._clock.now() < self._next_claim:
            return []
        cursor, entries, *_ = self._redis.xautoclaim(self.stream, self.group, self.name, self._claim_idle_ms,
                                                     start_id=self._claim_cursor, count=self._batch)
        self._claim_cursor = _text(cursor)
        if self._claim_cursor == "0-0":
            # The whole pending list was walked: look again after half the idle time.
            self._next_claim = self._clock.now() + self._claim_idle_ms / 2000
        # An entry trimmed from the stream while pending comes back without fields: acked as malformed.
        taken = [_entry(entry_id, fields) if fields else (_text(entry_id), None) for entry_id, fields in entries]
        if taken:
            log.info("claimed abandoned events", extra={"group": self.group, "count": len(taken)})
        return taken

    def pipeline(self) -> redis.client.Pipeline:
        """A MULTI on the consumer's Redis, so an ack can share a step with another change."""
        return self._redis.pipeline(transaction=True)

    def ack(self, entry_ids: Sequence[str], pipe: redis.client.Pipeline | None = None) -> None:
        if entry_ids:
            (pipe or self._redis).xack(self.stream, self.group, *entry_ids)
            if self._trim:
                (pipe or self._redis).xdel(self.stream, *entry_ids)


def _entry(entry_id: bytes | str, fields: dict[bytes, bytes]) -> Entry:
    try:
        return _text(entry_id), Event.from_fields(fields)  # type: ignore[arg-type]
    except (KeyError, ValueError):
        log.error("malformed entry on the event stream", extra={"entry": _text(entry_id)})
        return _text(entry_id), None


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value
