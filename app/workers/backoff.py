"""Waits between retries: exponential, bounded, with jitter so many workers do not retry in step."""

from __future__ import annotations

import random
from dataclasses import dataclass


@dataclass(frozen=True)
class Backoff:
    first: float
    cap: float
    jitter: float = 0.5  # each wait is drawn from [(1 - jitter) * d, d]

    def delay(self, attempt: int) -> float:
        """The wait after the `attempt`-th failure in a row (1 = the first)."""
        ceiling = min(self.cap, self.first * 2 ** max(0, attempt - 1))
        # Not a secret: spreading retries needs no CSPRNG.
        return float(ceiling * (1 - self.jitter * random.random()))  # noqa: S311
