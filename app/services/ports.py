"""What the services need from the outside, each as a small Protocol the service owns.

The Redis stores (app/stores/), the audit trail (app/services/audit.py), the SMS
budget monitor (app/observability/) and the Flask request scope (app/http/)
implement these; the container (app/container.py) hands the real ones in, and
nothing here knows about Redis, SQLAlchemy or Flask.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

from app.services.event_record import Event, EventStamp

if TYPE_CHECKING:  # annotations only: the models are the database's, the services only read them
    from app.models import AuthEvent


@dataclass(frozen=True)
class StoreAnswer:
    """A script's verdict: a status word and the values that go with it."""

    status: str
    values: tuple[str, ...] = ()

    @property
    def value(self) -> str:
        return self.values[0] if self.values else ""


@dataclass(frozen=True)
class TokenRecord:
    kind: str
    user_id: str
    expires_at: float


class OtpStore(Protocol):
    """A login's code: each step one atomic check-and-change (OtpService)."""

    def reserve_send(self, raw_token: str, code: str, now: float, code_expires_at: float, member: str,
                     client_ip: str = "") -> StoreAnswer: ...

    def finish_send(self, raw_token: str, member: str, delivered: bool, event: Event | None = None) -> None: ...

    def verify(self, raw_token: str, code: str, now: float, member: str, session_id: str,
               new_access: str, new_refresh: str, access_exp: float, refresh_exp: float,
               stamp: EventStamp | None = None) -> StoreAnswer: ...


class TokenStore(Protocol):
    """Token records and their sessions (TokenService)."""

    def create_pre(self, raw_token: str, user_id: str, phone: str, expires_at: float,
                   fixed_code: str | None = None, locale: str | None = None, event: Event | None = None) -> None: ...

    def get(self, raw_token: str) -> TokenRecord | None: ...

    def rotate_refresh(self, raw_refresh: str, new_access: str, new_refresh: str, now: float, access_exp: float,
                       refresh_exp: float, stamp: EventStamp | None = None) -> tuple[str, str]: ...

    def revoke_chain_of(self, raw_access: str, now: float, stamp: EventStamp | None = None) -> str | None: ...

    def revoke_user(self, user_id: str) -> int: ...

    def block_user(self, user_id: str, seconds: int) -> None: ...

    def unblock_user(self, user_id: str) -> None: ...


class LoginThrottle(Protocol):
    """The failed-password window of an account (LoginService)."""

    def begin(self, email: str, now: float, member: str) -> float:
        """Reserves an attempt; 0 to go ahead, else seconds to wait."""

    def release(self, email: str, member: str) -> None: ...

    def succeeded(self, email: str) -> None: ...


class SmsBudget(Protocol):
    """Where OtpService reports on the service-wide hourly SMS budget."""

    def counted(self, used: int) -> None: ...

    def refused(self, retry_after: float) -> None: ...


class EventSink(Protocol):
    """The auth-event stream (Recorder): events appended in one round trip."""

    def add(self, events: Sequence[Event]) -> None:
        """Raises an error of the store when it does not take them."""


class AuditSink(Protocol):
    """Audit rows written by the request itself (Recorder): staged in the caller's transaction,
    or inserted on their own when the stream cannot take an event."""

    def stage(self, event: Event, after_commit: Callable[[], None]) -> None:
        """Adds the row to the caller's transaction; `after_commit` runs once that commits."""

    def write(self, event: Event) -> bool:
        """Inserts the row at once; False when the database did not take it."""


class AuditHistory(Protocol):
    """Reading and pruning the audit rows (AdminService)."""

    def latest(self, user_id: str | uuid.UUID, limit: int) -> list[AuthEvent]: ...

    def purge(self, before: datetime) -> int: ...


class RequestScope(Protocol):
    """The HTTP request being served, if any (app/http/request_scope.py implements it for Flask)."""

    def client(self) -> tuple[str | None, str | None]:
        """(client ip, user agent), or Nones outside a request."""

    def identify(self, user_id: str) -> None:
        """Names the user the current request is about, for its access-log line."""

    def request_id(self) -> str:
        """The current request's id (X-Request-ID), or "" outside a request."""
