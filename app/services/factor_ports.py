"""What the second-factor services (FactorService, SecondFactorService) need from the outside:
the database's records of an account's factors and the Redis step that settles an answer."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from app.services.ports import AccessRef, SessionOrigin, StoreAnswer


class SecondStepStore(Protocol):
    """Answers judged outside Redis (authenticator app, recovery code), settled under the login's
    and the account's counters, which SMS codes share (SecondFactorService)."""

    def settle(self, raw_token: str, user_id: str, right: bool, step: int | None, now: float, member: str,
               session_id: str, new_access: AccessRef, new_refresh: str, access_exp: float, refresh_exp: float,
               origin: SessionOrigin) -> StoreAnswer: ...

    def remember_step(self, user_id: str, step: int) -> bool: ...


class FactorRecords(Protocol):
    """An account's authenticator app and recovery codes, in the database (FactorService)."""

    def sealed_totp(self, user_id: str) -> tuple[str | None, str | None]: ...  # (confirmed, pending), sealed

    def save_pending_totp(self, user_id: str, sealed: str) -> None: ...

    def confirm_totp(self, user_id: str, sealed: str, at: datetime) -> None: ...

    def reseal_totp(self, user_id: str, sealed: str) -> None: ...

    def remove_totp(self, user_id: str) -> bool: ...

    def replace_recovery_codes(self, user_id: str, digests: list[str], at: datetime) -> None: ...

    # Marks an unused code among the digests used, uncommitted (commit or rollback next); True if one was.
    def spend_recovery_code(self, user_id: str, candidates: list[str], at: datetime) -> bool: ...

    def commit(self) -> None: ...

    def rollback(self) -> None: ...
