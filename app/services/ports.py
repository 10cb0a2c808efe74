"""What the services need from the outside, each as a small Protocol the service owns.

The Redis stores (app/stores/), the audit trail (app/services/audit.py), the SMS
budget monitor (app/observability/) and the Flask request scope (app/http/)
implement these; the container (app/container.py) hands the real ones in, and
nothing here knows about Redis, SQLAlchemy or Flask.
"""

from __future__ import annotations

import builtins
import uuid
from collections.abc import Callable, Iterable, Sequence
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
    session_id: str = ""
    amr: tuple[str, ...] = ()  # how the session was signed in (RFC 8176 values), e.g. ("pwd", "sms")


@dataclass(frozen=True)
class Jti:
    """A JWT access token's id. Its record is filed under a keyed hash of this, apart from
    opaque tokens, so a jti read out of a JWT is never itself a bearer token."""

    value: str


# What an access token's record is filed under: the opaque token itself, or a JWT's jti.
AccessRef = str | Jti


@dataclass(frozen=True)
class SessionOrigin:
    """Where a new session comes from, recorded with it when the sign-in completes."""

    ip: str = ""
    user_agent: str = ""
    # The kind of device and its network ("Firefox/Linux|192.0.2.0/24"); "" when unknown. Stored only
    # as a keyed hash, to tell a sign-in from a device and network not seen lately.
    device: str = ""
    amr: tuple[str, ...] = ("pwd", "sms")  # how the user proved who they are (RFC 8176 values)
    kind: str = "sign_in"


@dataclass(frozen=True)
class SessionRecord:
    """One session: one sign-in, one refresh chain; `id` is the chain's session id (`sid`)."""

    id: str
    created_at: float
    last_used_at: float
    ip: str
    user_agent: str
    amr: tuple[str, ...] = ()
    kind: str = ""


class OtpStore(Protocol):
    """A login's code: each step one atomic check-and-change (OtpService)."""

    def reserve_send(self, raw_token: str, code: str, now: float, code_expires_at: float, member: str,
                     client_bucket: str = "", kind: str = "pre", stamp: EventStamp | None = None) -> StoreAnswer: ...

    def finish_send(self, raw_token: str, member: str, delivered: bool, event: Event | None = None) -> None: ...

    def verify(self, raw_token: str, code: str, now: float, member: str, session_id: str,
               new_access: AccessRef, new_refresh: str, access_exp: float, refresh_exp: float,
               origin: SessionOrigin, stamp: EventStamp | None = None) -> StoreAnswer: ...


class TokenStore(Protocol):
    """Token records and their sessions (TokenService)."""

    def create_pre(self, raw_token: str, user_id: str, phone: str, expires_at: float,
                   fixed_code: str | None = None, locale: str | None = None, first_login: bool = False,
                   event: Event | None = None) -> None: ...

    def get(self, token: AccessRef) -> TokenRecord | None: ...

    def rotate_refresh(self, raw_refresh: str, new_access: AccessRef, new_refresh: str, now: float,
                       access_exp: float, refresh_exp: float, grace: float = 0,
                       stamp: EventStamp | None = None) -> StoreAnswer: ...

    def revoke_chain_of(self, access: AccessRef, now: float, stamp: EventStamp | None = None) -> str | None: ...

    def block_user(self, user_id: str, seconds: int) -> None: ...

    def unblock_user(self, user_id: str) -> None: ...


class SessionStore(Protocol):
    """A user's sessions (SessionService)."""

    def list(self, user_id: str, now: float) -> builtins.list[SessionRecord]: ...

    def end(self, user_id: str, session_id: str, now: float) -> bool:
        """Ends one live session of the user; False when it is not one (unknown, another's, ended)."""

    def end_all(self, user_id: str, keep: str = "") -> builtins.list[str]:
        """Ends every session of the user but `keep`, and their logins in progress; returns the ids ended."""


class AccountRecords(Protocol):
    """Everything Redis holds about an account (AccountErasure)."""

    def purge(self, user_id: str, email: str, phone: str) -> builtins.list[str]:
        """Deletes every record of the account: sessions and tokens, logins in progress, and the
        counters named by its id, email or phone. Returns the ids of the sessions it ended."""


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

    def latest(self, user_id: str | uuid.UUID, limit: int) -> builtins.list[AuthEvent]: ...

    def purge(self, before: datetime) -> int: ...

    def forget(self, user_id: str, traces: Iterable[str]) -> None:
        """Clears the IP and user agent of the user's rows and every detail that contains one of
        `traces` (the email, the phone), in the caller's transaction."""


class RequestScope(Protocol):
    """The HTTP request being served, if any (app/http/request_scope.py implements it for Flask)."""

    def client(self) -> tuple[str | None, str | None]:
        """(client ip, user agent), or Nones outside a request."""

    def identify(self, user_id: str) -> None:
        """Names the user the current request is about, for its access-log line."""

    def request_id(self) -> str:
        """The current request's id (X-Request-ID), or "" outside a request."""
