"""Writes a batch of events to `auth_events` in one multi-row INSERT, idempotent by event id."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from typing import Any, cast

from sqlalchemy import Engine, Table, update
from sqlalchemy.dialects import postgresql, sqlite

from app.models import AuthEvent
from app.services.audit import event_row
from app.services.event_record import Event

# Both dialects' inserts have on_conflict_do_nothing; the generic Insert type has not.
_INSERTS: dict[str, Any] = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}


class AuditWriter:
    def __init__(self, engine: Callable[[], Engine]) -> None:
        self._engine = engine

    def insert(self, events: Sequence[Event]) -> int:
        """Inserts the events' rows in one transaction; returns how many were new. An event whose
        row exists (a batch written twice, a row the request wrote itself) is left as it is.
        Raises SQLAlchemyError when the database fails: nothing is written then."""
        if not events:
            return 0
        engine = self._engine()
        insert = _INSERTS[engine.dialect.name]
        statement = (insert(AuthEvent.__table__).values([event_row(event) for event in events])
                     .on_conflict_do_nothing(index_elements=["event_id"])
                     # rowcount is not reliable for a multi-row INSERT on every driver; the new ids are.
                     .returning(AuthEvent.__table__.c.event_id))
        with engine.begin() as connection:
            return len(connection.execute(statement).all())

    def scrub(self, events: Sequence[Event]) -> None:
        """Clears the IP, user agent and details of these events' rows: their account was deleted
        while they waited in the stream (AccountErasure keeps audit rows under the user id only)."""
        if not events:
            return
        table = cast(Table, AuthEvent.__table__)
        statement = (update(table).where(table.c.event_id.in_([uuid.UUID(event.id) for event in events]))
                     .values(ip=None, user_agent=None, details=None))
        with self._engine().begin() as connection:
            connection.execute(statement)
