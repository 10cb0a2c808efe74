"""The audit trail in `auth_events`: one insert per event, in the caller's transaction where it has one."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any, cast

from sqlalchemy import CursorResult, Table, delete, select, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, scoped_session

from app.models import AuthEvent
from app.models.auth_event import USER_AGENT_MAX
from app.services.clock import Clock, to_datetime

log = logging.getLogger(__name__)
# SQLAlchemy types a model's __table__ as a FromClause; a declarative model's is its Table.
_INSERT = cast(Table, AuthEvent.__table__).insert()


def _uuid(user_id: str | uuid.UUID | None) -> uuid.UUID | None:
    if user_id is None or isinstance(user_id, uuid.UUID):
        return user_id
    try:
        return uuid.UUID(user_id)
    except ValueError:
        return None


class AuditTrail:
    # scoped_session[Any]: Flask-SQLAlchemy's db.session is scoped over its own Session subclass.
    def __init__(self, session: Session | scoped_session[Any], clock: Clock,
                 on_write_failure: Callable[[], None] = lambda: None) -> None:
        self._session = session
        self._clock = clock
        self._on_write_failure = on_write_failure

    def stage(self, event: str, user_id: str | uuid.UUID | None, ip: str | None = None,
              user_agent: str | None = None, details: dict[str, Any] | None = None) -> None:
        """Adds the row to the session; the caller's own commit writes it (or its rollback drops it)."""
        self._session.add(AuthEvent(**self._row(event, user_id, ip, user_agent, details)))

    def _row(self, event: str, user_id: str | uuid.UUID | None, ip: str | None, user_agent: str | None,
             details: dict[str, Any] | None) -> dict[str, Any]:
        return {
            "user_id": _uuid(user_id), "event": event, "ip": ip,
            "user_agent": user_agent[:USER_AGENT_MAX] if user_agent else None,
            "created_at": to_datetime(self._clock.now()), "details": details or None,
        }

    def write(self, event: str, user_id: str | uuid.UUID | None, ip: str | None = None,
              user_agent: str | None = None, details: dict[str, Any] | None = None) -> None:
        """Inserts the row in a transaction of its own, for requests that have none (the Redis-only paths).

        A database outage must not undo what Redis already did (a spent code, minted tokens):
        the row is given up, logged and counted instead of failing the request.
        """
        # A Core INSERT, not an ORM object: on these hot paths the unit of work cost more
        # CPU than the rest of the request (docs/benchmarks.md).
        try:
            self._session.execute(_INSERT, [self._row(event, user_id, ip, user_agent, details)])
            self._session.commit()
        except SQLAlchemyError as error:
            self._session.rollback()
            log.warning("audit row not written", extra={"event": event, "error": type(error).__name__})
            self._on_write_failure()

    def latest(self, user_id: str | uuid.UUID, limit: int) -> list[AuthEvent]:
        """The user's most recent events, newest first."""
        query = (select(AuthEvent).where(AuthEvent.user_id == _uuid(user_id))
                 .order_by(AuthEvent.created_at.desc(), AuthEvent.id.desc()).limit(limit))
        return list(self._session.scalars(query))

    def forget(self, user_id: str | uuid.UUID, traces: Iterable[str]) -> None:
        """Clears the IP and user agent on the user's rows, and each detail value that mentions one of
        `traces`; the caller commits."""
        key = _uuid(user_id)
        self._session.execute(update(AuthEvent).where(AuthEvent.user_id == key).values(ip=None, user_agent=None))
        needles = [trace.casefold() for trace in traces if trace]
        for row_id, details in self._session.execute(select(AuthEvent.id, AuthEvent.details)
                                                     .where(AuthEvent.user_id == key)):
            cleaned = _scrubbed(details, needles)
            if cleaned != details:
                self._session.execute(update(AuthEvent).where(AuthEvent.id == row_id).values(details=cleaned))

    def purge(self, before: datetime) -> int:
        """Deletes the events older than `before`; returns how many went."""
        result = self._session.execute(delete(AuthEvent).where(AuthEvent.created_at < before))
        self._session.commit()
        # SQLAlchemy types execute() as Result; a DELETE's is a CursorResult, which has the rowcount.
        return int(cast("CursorResult[Any]", result).rowcount or 0)


def _scrubbed(value: Any, needles: list[str]) -> Any:
    """`value` with every string that contains a needle replaced (dicts and lists walked)."""
    if isinstance(value, dict):
        return {key: _scrubbed(item, needles) for key, item in value.items()}
    if isinstance(value, list):
        return [_scrubbed(item, needles) for item in value]
    if isinstance(value, str) and any(needle in value.casefold() for needle in needles):
        return ERASED
    return value


# What stands where an erased account's email or phone was.
ERASED = "[erased]"
