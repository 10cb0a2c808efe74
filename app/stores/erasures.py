"""Deleted accounts, remembered for the event drain: an event recorded before the deletion may
still wait in the stream, and its row must land without the IP, user agent or details."""

from __future__ import annotations

from collections.abc import Iterable

import redis

from app.stores.keys import Keys

# Far longer than any backlog the alerts allow (OtpAuthEventBacklogCritical fires after an hour).
ERASED_MEMORY_SECONDS = 30 * 24 * 3600


class RedisErasures:
    def __init__(self, client: redis.Redis, keys: Keys) -> None:
        self._redis = client
        self._keys = keys

    def mark(self, user_id: str) -> None:
        self._redis.set(self._keys.erased(user_id), "1", ex=ERASED_MEMORY_SECONDS)

    def which(self, user_ids: Iterable[str]) -> set[str]:
        """Those of `user_ids` whose account was deleted (one round trip)."""
        ids = sorted({user_id for user_id in user_ids if user_id})
        if not ids:
            return set()
        pipe = self._redis.pipeline(transaction=False)
        for user_id in ids:
            pipe.exists(self._keys.erased(user_id))
        return {user_id for user_id, found in zip(ids, pipe.execute(), strict=True) if found}
