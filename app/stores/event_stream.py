"""The producer side of the auth-event stream: one XADD, or the stream's part of a Lua step.

Where a Lua script changes the state an event reports, the script adds the event itself
(common.lua's `event_writer`), so the event exists exactly when the change happened and
costs no round trip of its own. The script gets the stream's name in KEYS (scripts never
build key names) and the stamp in ARGV, from `script_key` and `script_args` here.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import redis

from app.services.event_record import Event, EventStamp, encode_details
from app.stores.keys import KeyNames

# ARGV of a step that adds no event (common.lua's writer does nothing on MAXLEN 0).
_NO_EVENT = ("0", "", "", "", "", "")


class RedisEventStream:
    def __init__(self, client: redis.Redis, keys: KeyNames, maxlen: int) -> None:
        self._redis = client
        self.key = keys.events()
        self.maxlen = maxlen

    def add(self, events: Sequence[Event]) -> None:
        """Appends the events in one round trip; raises redis.RedisError when Redis does not take them."""
        if len(events) == 1:
            self._redis.xadd(self.key, events[0].fields(), maxlen=self.maxlen, approximate=True)  # type: ignore[arg-type]
            return
        pipe = self._redis.pipeline(transaction=False)
        for event in events:
            self.queue(pipe, event)
        pipe.execute()

    def queue(self, pipe: Any, event: Event) -> None:
        """Adds the XADD to a caller's pipeline (a MULTI makes it part of that step)."""
        pipe.xadd(self.key, event.fields(), maxlen=self.maxlen, approximate=True)

    def script_args(self, stamp: EventStamp | None) -> list[str | int]:
        """ARGV for common.lua's `event_writer`: MAXLEN and the stamp, or a no-op."""
        if stamp is None:
            return list(_NO_EVENT)
        return [self.maxlen, stamp.id, repr(stamp.at), stamp.ip, stamp.user_agent, stamp.request_id]

    def event_args(self, event: Event | None) -> list[str | int]:
        """For a step told its event whole (send_finish): type, user id, details, then the stamp."""
        if event is None:
            return ["", "", "", *_NO_EVENT]
        return [event.type, event.user_id, encode_details(event.details), *self.script_args(event.stamp)]
