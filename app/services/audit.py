"""The audit trail in `auth_events`: the rows a request writes itself, and reading and pruning them.

Most rows are written by the drain worker (app/workers/drain.py) from the event stream. A request
writes one itself only where it commits SQL anyway (signup, admin commands: the row joins that
transaction, and the event is published to the stream once it commits), or when the stream did
not take an event (Redis down): the row is then inserted at once, so the event is still kept.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any, cast

from sqlalchemy import CursorResult, Table, delete, event, select, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, scoped_session

from app.models import AuthEvent
from app.services.clock import to_datetime
from app.services.event_record import Event

log = logging.getLogger(__name__)
# SQLAlchemy types a model's __table__ as a FromClause; a declarative model's is its Table.
_INSERT = cast(Table, AuthEvent.__table__).insert()
# Callbacks waiting for the commit of the session they were staged in (Session.info).
_AFTER_COMMIT = "otp_auth.after_commit"


def _uuid(user_id: str | uuid.UUID | None) -> uuid.UUID | None:
    if not user_id or isinstance(user_id, uuid.UUID):
        return user_id or None
    try:
        return uuid.UUID(user_id)
    except ValueError:
        return None


def event_row(item: Event) -> dict[str, Any]:
    """The `auth_events` row of an event."""
    stamp = item.stamp
    return {
        "event_id": uuid.UUID(stamp.id), "user_id": _uuid(item.user_id), "event": item.type,
        "ip": stamp.ip or None, "user_agent": stamp.user_agent or None, "request_id": stamp.request_id or None,
        "created_at": to_datetime(stamp.at), "details": item.details or None,
    }


def _run_after_commit(session: Session) -> None:
    for callback in session.info.pop(_AFTER_COMMIT, []):
        callback()


def _forget_after_commit(session: Session, _previous: object = None) -> None:
    session.info.pop(_AFTER_COMMIT, None)


class AuditTrail:
    # scoped_session[Any]: Flask-SQLAlchemy's db.session is scoped over its own Session subclass.
    def __init__(self, session: Session | scoped_session[Any]) -> None:
        self._session = session
        # Every Session of the process: the callbacks themselves live on each session's info.
        if not event.contains(Session, "after_commit", _run_after_commit):
            event.listen(Session, "after_commit", _run_after_commit)
            event.listen(Session, "after_soft_rollback", _forget_after_commit)

    def stage(self, event: Event, after_commit: Callable[[], None]) -> None:
        """Adds the row to the session; its commit writes it and then runs `after_commit`
        (a rollback drops both)."""
        self._session.add(AuthEvent(**event_row(event)))
        self._session.info.setdefault(_AFTER_COMMIT, []).append(after_commit)

    def write(self, event: Event) -> bool:
        """Inserts the row in a transaction of its own; False (logged) when the database fails."""
        try:
            self._session.execute(_INSERT, [event_row(event)])
            self._session.commit()
        except SQLAlchemyError as error:
            self._session.rollback()
            log.warning("audit row not written", extra={"event": event.type, "error": type(error).__name__})
            return False
        return True

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
