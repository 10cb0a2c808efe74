"""Webhook retries and dead letters in Redis.

A retry is a member of a sorted set scored by the time of its next attempt; the member
carries the event, its attempt count and the time of its first failure. An event still
refused after EVENT_WEBHOOK_MAX_AGE_SECONDS moves to the dead-letter stream, where it is
kept (MAXLEN EVENTS_STREAM_MAXLEN), counted and alerted on until `flask events redrive`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import redis

from app.services.event_record import Event
from app.stores.keys import KeyNames
from app.stores.scripts import Scripts, as_text


@dataclass(frozen=True)
class Retry:
    member: str
    event: Event
    attempts: int
    first_failed: float


class RedisWebhookRetries:
    def __init__(self, client: redis.Redis, keys: KeyNames, scripts: Scripts, maxlen: int) -> None:
        self._redis = client
        self._scripts = scripts
        self._retries = keys.webhook_retries()
        self._dead = keys.webhook_dead_letters()
        self._maxlen = maxlen

    def schedule(self, event: Event, attempts: int, first_failed: float, due: float,
                 pipe: redis.client.Pipeline | None = None) -> None:
        member = json.dumps({"attempts": attempts, "first_failed": first_failed, "event": event.fields()})
        (pipe or self._redis).zadd(self._retries, {member: due})

    def due(self, now: float, lease_until: float, count: int) -> list[Retry]:
        members = self._scripts.webhook_claim(keys=[self._retries], args=[repr(now), repr(lease_until), count])
        return [_retry(as_text(member)) for member in members]

    def settle(self, retry: Retry) -> None:
        self._redis.zrem(self._retries, retry.member)

    def again(self, retry: Retry, due: float) -> None:
        pipe = self._redis.pipeline(transaction=True)
        pipe.zrem(self._retries, retry.member)
        self.schedule(retry.event, retry.attempts + 1, retry.first_failed, due, pipe)
        pipe.execute()

    def dead_letter(self, retry: Retry, error: str, now: float) -> None:
        fields = {**retry.event.fields(), "attempts": retry.attempts, "first_failed": repr(retry.first_failed),
                  "dead_at": repr(now), "last_error": error[:200]}
        pipe = self._redis.pipeline(transaction=True)
        pipe.zrem(self._retries, retry.member)
        pipe.xadd(self._dead, fields, maxlen=self._maxlen, approximate=True)  # type: ignore[arg-type]
        pipe.execute()

    def redrive(self, now: float, limit: int) -> int:
        """Moves up to `limit` dead letters back to the retries, due now with a fresh max age."""
        entries = self._redis.xrange(self._dead, count=limit)
        if not entries:
            return 0
        pipe = self._redis.pipeline(transaction=True)
        for entry_id, fields in entries:
            if entry_id is None or fields is None:  # redis-py types stream entries loosely
                continue
            self.schedule(Event.from_fields(fields), 0, now, now, pipe)
            pipe.xdel(self._dead, entry_id)
        pipe.execute()
        return len(entries)


def _retry(member: str) -> Retry:
    data = json.loads(member)
    return Retry(member, Event.from_fields(data["event"]), int(data["attempts"]), float(data["first_failed"]))
