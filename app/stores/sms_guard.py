"""The SMS-pumping guard's Redis side: what the scripts that send and verify SMS codes are told
(`GuardArgs`, read by sms_guard.lua's guard_config) and what operators see and change
(`flask sms-guard`). The counting itself happens inside those scripts, so it costs no round trip."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import cast

import redis

from app.stores.keys import KeyNames, Keys, around_slot
from app.stores.scripts import as_text

DAY = 86400
# The counts are kept in this many buckets of the window (sms_guard.lua's GUARD_BUCKETS).
BUCKETS = 12


@dataclass(frozen=True)
class GuardConfig:
    """SMS_GUARD_* (app/config/sms_guard.py); the default does nothing (mode off)."""

    mode: str = "off"
    min_sends: int = 50
    min_conversion: float = 0.2
    window: int = 3600
    block: int = 3600
    max_countries_per_ip: int = 3
    allowed: tuple[str, ...] = ()


class GuardArgs:
    """The ARGV entries sms_guard.lua's guard_config reads (GUARD_ARGS of them). All but the
    client's country set and its expiry are the same for every request: worked out once."""

    def __init__(self, keys: Keys, config: GuardConfig) -> None:
        self._keys = keys
        self._fixed: list[str | int] = [
            config.mode, config.min_sends, repr(config.min_conversion), config.window, config.block,
            config.max_countries_per_ip, "," + ",".join(config.allowed) + ",",
            *around_slot(keys.sms_guard), *around_slot(keys.sms_guard_block), keys.sms_guard_allowed()]

    def __call__(self, client_bucket: str, now: float) -> list[str | int]:
        day = math.floor(now / DAY)
        countries = self._keys.ip_countries(client_bucket, day) if client_bucket else ""
        return [*self._fixed, countries, math.ceil((day + 1) * DAY - now) + 60]


@dataclass(frozen=True)
class PrefixStatus:
    prefix: str
    sent: int
    verified: int
    blocked_for: float  # seconds left of a block (or, in record mode, of a recorded decision); 0: none
    decided_by: str  # the mode that decided the block: block | record | ''


class RedisSmsGuard:
    """`flask sms-guard status | unblock PREFIX | allow PREFIX`."""

    def __init__(self, client: redis.Redis, keys: KeyNames, config: GuardConfig) -> None:
        self._redis = client
        self._keys = keys
        self._config = config

    def status(self, now: float) -> list[PrefixStatus]:
        """Every prefix counted within the window, busiest first."""
        pattern = self._keys.sms_guard("*")
        size = self._config.window / BUCKETS
        first = math.floor(now / size) - BUCKETS + 1
        start = len(self._keys.sms_guard(""))
        names = {as_text(raw)[start:] for raw in self._redis.scan_iter(match=pattern, count=500)}
        found: list[PrefixStatus] = []
        for prefix in {name.removesuffix(":block") for name in names}:
            sent = verified = 0
            for field, value in self._redis.hgetall(self._keys.sms_guard(prefix)).items():
                kind, _, bucket = as_text(field).partition(":")
                if bucket.isdigit() and int(bucket) >= first:
                    sent += int(value) if kind == "s" else 0
                    verified += int(value) if kind == "v" else 0
            mode, _, until = as_text(self._redis.get(self._keys.sms_guard_block(prefix)) or "").partition(":")
            left = float(until) - now if until else 0.0
            found.append(PrefixStatus(prefix, sent, verified, max(left, 0.0), mode if left > 0 else ""))
        return sorted(found, key=lambda item: (-item.sent, item.prefix))

    def unblock(self, prefix: str) -> bool:
        """Lifts a block and forgets the prefix's counts (else the next send would block it again)."""
        removed = self._redis.delete(self._keys.sms_guard_block(prefix), self._keys.sms_guard(prefix))
        return int(removed) > 0

    def allow(self, prefix: str, now: float, days: int) -> None:
        """Exempts a prefix for `days` (a block on it is lifted); the allowance is forgotten after that."""
        until = now + days * DAY
        key = self._keys.sms_guard_allowed()
        pipe = self._redis.pipeline(transaction=True)
        pipe.zremrangebyscore(key, "-inf", now)
        pipe.zadd(key, {prefix: until})
        pipe.expireat(key, math.ceil(max(until, self._latest(key))))
        pipe.delete(self._keys.sms_guard_block(prefix), self._keys.sms_guard(prefix))
        pipe.execute()

    def allowed(self, now: float) -> dict[str, float]:
        """The admin-allowed prefixes and until when (epoch seconds)."""
        pairs = self._redis.zrangebyscore(self._keys.sms_guard_allowed(), now, "+inf", withscores=True)
        return {as_text(member): float(score) for member, score in cast("list[tuple[bytes, float]]", pairs)}

    def _latest(self, key: str) -> float:
        top = self._redis.zrange(key, -1, -1, withscores=True)
        return float(top[0][1]) if top else 0.0
