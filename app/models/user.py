"""The account: who may log in, and where their codes go."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import Boolean, String, Uuid, false
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import Model
from app.models.types import UTCDateTime, utc_now


class User(Model):
    __tablename__ = "users"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    # Stored trimmed and lower-cased; the unique index is what makes signup race-safe.
    email: Mapped[str] = mapped_column(String(254), unique=True, index=True)
    phone: Mapped[str] = mapped_column(String(16), index=True)  # E.164
    password_hash: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now, onupdate=utc_now)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    # Set by `flask users disable`: such an account cannot log in (answered like a wrong password).
    disabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    # BCP 47 tag chosen at signup (e.g. "pt-BR"); picks the language of the SMS texts.
    locale: Mapped[str | None] = mapped_column(String(35), nullable=True)
    # True once a code sent to the address came back (email verification, a password reset, a phone change).
    email_verified: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    if TYPE_CHECKING:  # column properties app/models/factors.py adds once the factor tables exist
        totp_enabled: Mapped[bool]
        recovery_codes_left: Mapped[int]

    def __repr__(self) -> str:  # never includes the hash
        return f"<User {self.id}>"
