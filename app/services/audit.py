"""The audit trail in `auth_events`: the rows a request writes itself, and reading and pruning them.

Most rows are written by the drain worker (app/workers/drain.py) from the event stream. A request
writes one itself only where it commits SQL anyway (signup, admin commands: the row joins that
transaction, and the event is published to the stream once it commits), or when the stream did
not take an event (Redis down): the row is then inserted at once, so the event is still kept.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import delete, event, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, scoped_session

from app.models import AuthEvent
from app.services.clock import to_datetime
from app.services.event_record import Event

log = logging.getLogger(__name__)
_INSERT = AuthEvent.__table__.insert()
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
    def __init__(self, session: Session | scoped_session[Session]) -> None:
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

    def purge(self, before: datetime) -> int:
        """Deletes the events older than `before`; returns how many went."""
        result = self._session.execute(delete(AuthEvent).where(AuthEvent.created_at < before))
        self._session.commit()
        return int(result.rowcount or 0)  # type: ignore[attr-defined]
