"""Failed-password window per account, keyed by email so unknown emails count alike."""

from __future__ import annotations

import redis

from app.stores.keys import Keys
from app.stores.scripts import Scripts, as_text


class RedisLoginThrottle:
    def __init__(self, client: redis.Redis, keys: Keys, scripts: Scripts, window: int, limit: int) -> None:
        self._redis = client
        self._keys = keys
        self._scripts = scripts
        self._window = window
        self._limit = limit

    def begin(self, email: str, now: float, member: str) -> float:
        """Reserves an attempt; returns 0 to go ahead, else seconds to wait."""
        wait = self._scripts.login_begin(keys=[self._keys.login_failures(email)],
                                         args=[repr(now), self._window, self._limit, member])
        return float(as_text(wait))

    def release(self, email: str, member: str) -> None:
        """Withdraws one reserved attempt that was never judged."""
        self._redis.zrem(self._keys.login_failures(email), member)

    def succeeded(self, email: str) -> None:
        self._redis.delete(self._keys.login_failures(email))
