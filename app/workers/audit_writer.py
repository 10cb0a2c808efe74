"""Writes a batch of events to `auth_events` in one multi-row INSERT, idempotent by event id."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from sqlalchemy import Engine
from sqlalchemy.dialects import postgresql, sqlite

from app.models import AuthEvent
from app.services.audit import event_row
from app.services.event_record import Event

_INSERTS = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}


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
