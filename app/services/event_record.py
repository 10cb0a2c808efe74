"""One auth event as it travels: made in the request, carried by the Redis Stream, written to
`auth_events` and POSTed to the webhook. Never a password, code or token in any field."""

from __future__ import annotations

import json
import math
import uuid
from dataclasses import dataclass, field
from typing import Any

from app.services.clock import isoformat_z, to_datetime

# What a stream entry holds, in this order (app/stores/lua/common.lua writes the same names).
FIELDS = ("id", "type", "at", "user_id", "ip", "user_agent", "request_id", "details")


@dataclass(frozen=True)
class EventStamp:
    """Which event, when, from whom: everything but what happened, which a Lua step may decide.

    `at` is seconds since the epoch: the stream carries that, and only the workers spell it as
    ISO 8601 (`occurred_at`), off the request path."""

    id: str
    at: float
    ip: str = ""
    user_agent: str = ""
    request_id: str = ""

    @property
    def occurred_at(self) -> str:
        """UTC, ISO 8601 with microseconds: `2027-01-15T08:00:00.250000Z`."""
        return isoformat_z(to_datetime(self.at), "microseconds")


@dataclass(frozen=True)
class Event:
    stamp: EventStamp
    type: str
    user_id: str = ""
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def id(self) -> str:
        return self.stamp.id

    def fields(self) -> dict[str, str]:
        """The stream entry."""
        s = self.stamp
        return {"id": s.id, "type": self.type, "at": repr(s.at), "user_id": self.user_id,
                "ip": s.ip, "user_agent": s.user_agent, "request_id": s.request_id,
                "details": encode_details(self.details)}

    @classmethod
    def from_fields(cls, raw: dict[bytes | str, bytes | str]) -> Event:
        """The event of a stream entry; KeyError or ValueError when it is not one."""
        values = {_text(key): _text(value) for key, value in raw.items()}
        stamp = EventStamp(values["id"], float(values["at"]), values.get("ip", ""), values.get("user_agent", ""),
                            values.get("request_id", ""))
        details = json.loads(values["details"]) if values.get("details") else {}
        if not isinstance(details, dict) or not values["type"] or not math.isfinite(stamp.at):
            raise ValueError("not an event")
        uuid.UUID(stamp.id)  # a malformed id fails here, not in the database
        return cls(stamp, values["type"], values.get("user_id", ""), details)

    def body(self) -> dict[str, Any]:
        """The webhook body of API.md ("Auth events")."""
        return {"id": self.id, "type": self.type, "occurred_at": self.stamp.occurred_at,
                "user_id": self.user_id or None, "ip": self.stamp.ip or None,
                "user_agent": self.stamp.user_agent or None, "details": self.details}


def encode_details(details: dict[str, Any]) -> str:
    return json.dumps(details, separators=(",", ":"), sort_keys=True) if details else ""


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value
