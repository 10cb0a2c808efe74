"""Time as a collaborator, so tests move it instead of sleeping."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Protocol


class Clock(Protocol):
    def now(self) -> float:
        """Seconds since the epoch, UTC."""


class SystemClock:
    def now(self) -> float:
        return time.time()


class ManualClock:
    """A clock that moves only when told to (tests, simulations)."""

    def __init__(self, start: float = 1_800_000_000.0) -> None:
        self._now = start

    def now(self) -> float:
        return self._now

    def advance(self, seconds: float) -> None:
        self._now += seconds


def to_datetime(epoch_seconds: float) -> datetime:
    return datetime.fromtimestamp(epoch_seconds, tz=UTC)


def isoformat_z(value: datetime, timespec: str = "seconds") -> str:
    """A UTC timestamp as the contract spells every one: ISO 8601 ending in `Z` (`2030-01-15T08:00:00Z`).
    A naive datetime is taken as UTC, which is what the service stores."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).isoformat(timespec=timespec).replace("+00:00", "Z")


def readable_utc(epoch_seconds: float) -> str:
    """A moment as people read it in a notice: `2027-01-15 08:00:00 UTC`."""
    return isoformat_z(to_datetime(epoch_seconds)).replace("T", " ").replace("Z", " UTC")
