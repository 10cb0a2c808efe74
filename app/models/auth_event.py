"""The audit trail: one row per security-relevant event of an account."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Index, Integer, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import Model
from app.models.types import UTCDateTime

# SQLite only auto-numbers a column declared exactly INTEGER PRIMARY KEY.
_ID = BigInteger().with_variant(Integer(), "sqlite")
USER_AGENT_MAX = 256


class AuthEvent(Model):
    __tablename__ = "auth_events"
    __table_args__ = (
        # "The last events of this user" walks this index backwards.
        Index("ix_auth_events_user_id_created_at", "user_id", "created_at"),
        # Purging by age (`flask events purge`) needs no table scan.
        Index("ix_auth_events_created_at", "created_at"),
    )

    id: Mapped[int] = mapped_column(_ID, primary_key=True, autoincrement=True)
    # No foreign key: the trail outlives the account and costs no extra lookup on insert.
    user_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, nullable=True)
    event: Mapped[str] = mapped_column(String(32))
    ip: Mapped[str | None] = mapped_column(String(45), nullable=True)
    user_agent: Mapped[str | None] = mapped_column(String(USER_AGENT_MAX), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    details: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)

    def __repr__(self) -> str:
        return f"<AuthEvent {self.id} {self.event}>"
