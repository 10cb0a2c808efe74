"""Circuit-breaker state of the SMS providers, in Redis so that every replica agrees.

closed --(threshold failures inside the window)--> open --(cool-off)--> half-open:
one caller at a time probes; its success closes the circuit, its failure opens
it for another cool-off. Each step is one Lua script.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from app.stores.keys import KeyNames
from app.stores.scripts import Scripts, as_text

# A provider nobody called for this long after its cool-off starts afresh (closed).
IDLE_FORGET_SECONDS = 3600


@dataclass(frozen=True)
class BreakerPolicy:
    failure_threshold: int
    window: int
    cooloff: int
    probe_lease: float  # how long one probe may take before another caller may probe


@dataclass(frozen=True)
class Verdict:
    state: str  # 'closed' | 'probe' | 'open'
    retry_in: float = 0.0

    @property
    def allowed(self) -> bool:
        return self.state != "open"


class RedisBreakerStore:
    def __init__(self, scripts: Scripts, names: KeyNames, policy: BreakerPolicy) -> None:
        self._names = names
        self._policy = policy
        self._acquire = scripts.breaker_acquire
        self._report = scripts.breaker_report
        self._state_ttl = policy.cooloff + policy.probe_lease + IDLE_FORGET_SECONDS

    def keys(self, provider: str) -> list[str]:
        return [self._names.sms_breaker(provider), self._names.sms_breaker_failures(provider)]

    def acquire(self, provider: str, now: float) -> Verdict:
        result = self._acquire(keys=self.keys(provider)[:1],
                               args=[repr(now), self._policy.probe_lease, self._state_ttl])
        state = as_text(result[0])
        return Verdict(state, float(as_text(result[1])) if len(result) > 1 else 0.0)

    def report(self, provider: str, now: float, ok: bool) -> str:
        """Returns the state after this outcome: closed, open, opened or reclosed."""
        policy = self._policy
        result = self._report(
            keys=self.keys(provider),
            args=[repr(now), "ok" if ok else "fail", policy.failure_threshold, policy.window, policy.cooloff,
                  self._state_ttl, secrets.token_hex(8)],
        )
        return as_text(result)
