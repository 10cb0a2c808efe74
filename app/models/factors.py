"""Second factors besides the phone: an authenticator app (TOTP) and recovery codes.

Neither table holds a usable secret: the TOTP secret is sealed with a key derived
from SECRET_KEY (app/services/secret_box.py) and recovery codes are keyed hashes.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Uuid, exists, func, select
from sqlalchemy.orm import Mapped, column_property, mapped_column

from app.extensions import db
from app.models.types import UTCDateTime, utc_now
from app.models.user import User


class TotpFactor(db.Model):  # type: ignore[name-defined,misc]
    __tablename__ = "totp_factors"

    user_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    # The confirmed secret, sealed; None until an enrolment is confirmed.
    secret: Mapped[str | None] = mapped_column(String(255), nullable=True)
    # An enrolment waiting for its first code; replacing an app keeps the old one working until then.
    pending_secret: Mapped[str | None] = mapped_column(String(255), nullable=True)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now, onupdate=utc_now)

    def __repr__(self) -> str:  # never includes a secret
        return f"<TotpFactor {self.user_id}>"


class RecoveryCode(db.Model):  # type: ignore[name-defined,misc]
    __tablename__ = "recovery_codes"
    __table_args__ = (Index("ix_recovery_codes_user_id_digest", "user_id", "digest", unique=True),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    user_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("users.id", ondelete="CASCADE"))
    digest: Mapped[str] = mapped_column(String(64))  # HMAC-SHA256 hex of the code, bound to the user
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

    def __repr__(self) -> str:
        return f"<RecoveryCode {self.id}>"


# Read with the user in the same SELECT, so a login learns the account's factors at no extra query.
# (Read-only: set on a user just created, they stay unloaded.)
User.totp_enabled = column_property(
    exists().where(TotpFactor.user_id == User.id, TotpFactor.secret.is_not(None)).correlate_except(TotpFactor),
    expire_on_flush=False,  # a login stamps the user; what was read of its factors stays readable
)
User.recovery_codes_left = column_property(
    select(func.count(RecoveryCode.id))
    .where(RecoveryCode.user_id == User.id, RecoveryCode.used_at.is_(None))
    .correlate_except(RecoveryCode)
    .scalar_subquery(),
    expire_on_flush=False,
)
