"""The factor tables through SQLAlchemy: what FactorService and SecondFactorService read and change."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session, scoped_session

from app.models import RecoveryCode, TotpFactor


def _uuid(user_id: str) -> uuid.UUID:
    return uuid.UUID(user_id)


class SqlFactorRecords:
    def __init__(self, session: Session | scoped_session[Any]) -> None:
        self._session = session

    def sealed_totp(self, user_id: str) -> tuple[str | None, str | None]:
        row = self._session.execute(
            select(TotpFactor.secret, TotpFactor.pending_secret).where(TotpFactor.user_id == _uuid(user_id))
        ).first()
        return (row.secret, row.pending_secret) if row else (None, None)

    def save_pending_totp(self, user_id: str, sealed: str) -> None:
        factor = self._session.get(TotpFactor, _uuid(user_id))
        if factor is None:
            self._session.add(TotpFactor(user_id=_uuid(user_id), pending_secret=sealed))
        else:
            factor.pending_secret = sealed
        self._session.commit()

    def confirm_totp(self, user_id: str, sealed: str, at: datetime) -> None:
        self._session.execute(update(TotpFactor).where(TotpFactor.user_id == _uuid(user_id))
                              .values(secret=sealed, pending_secret=None, confirmed_at=at, updated_at=at))
        self._session.commit()

    def reseal_totp(self, user_id: str, sealed: str) -> None:
        self._session.execute(update(TotpFactor).where(TotpFactor.user_id == _uuid(user_id)).values(secret=sealed))
        self._session.commit()

    def remove_totp(self, user_id: str) -> bool:
        result = self._session.execute(delete(TotpFactor).where(TotpFactor.user_id == _uuid(user_id)))
        self._session.commit()
        return bool(result.rowcount)  # type: ignore[attr-defined]

    def replace_recovery_codes(self, user_id: str, digests: list[str], at: datetime) -> None:
        """The old set goes and the new one comes in one commit: no moment with both, or neither."""
        owner = _uuid(user_id)
        self._session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == owner))
        self._session.execute(RecoveryCode.__table__.insert(), [
            {"id": uuid.uuid4(), "user_id": owner, "digest": digest, "created_at": at} for digest in digests])
        self._session.commit()

    def recovery_codes_left(self, user_id: str) -> int:
        return int(self._session.scalar(select(func.count(RecoveryCode.id)).where(
            RecoveryCode.user_id == _uuid(user_id), RecoveryCode.used_at.is_(None))) or 0)

    def spend_recovery_code(self, user_id: str, candidates: list[str], at: datetime) -> bool:
        """A conditional UPDATE: of concurrent spenders of one code, the database lets one change the row;
        the others find it used (PostgreSQL re-checks the WHERE after the winner commits; SQLite has one
        writer at a time). Left uncommitted, so a refused login can give the code back."""
        result = self._session.execute(
            update(RecoveryCode)
            .where(RecoveryCode.user_id == _uuid(user_id), RecoveryCode.digest.in_(candidates),
                   RecoveryCode.used_at.is_(None))
            .values(used_at=at)
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]

    def commit(self) -> None:
        self._session.commit()

    def rollback(self) -> None:
        self._session.rollback()
