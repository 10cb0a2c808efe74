"""The Protocols account recovery owns (app/services/recovery*.py, phone_change.py, email_verification.py)."""

from __future__ import annotations

from typing import Protocol

from app.services.event_record import EventStamp
from app.services.ports import StoreAnswer


class RecoveryStore(Protocol):
    """Recovery requests and email codes: each step one atomic check-and-change (app/stores/recovery.py)."""

    def begin(self, raw_token: str, kind: str, subject: str, now: float, cap: int, member: str,
              fields: dict[str, str] | None, expires_at: float, user_id: str = "",
              email_code: str = "") -> StoreAnswer: ...

    def settle(self, raw_token: str, kind: str, user_id: str, subject: str, member: str, sent: bool,
               expires_at: float) -> None: ...

    def owner(self, raw_token: str, kind: str, now: float) -> str | None: ...

    def fixed_code(self, raw_token: str, code: str) -> str: ...

    def verify(self, raw_token: str, kind: str, mode: str, email_code: str, sms_code: str, now: float, member: str,
               user_id: str, account: str, events: tuple[str, str], stamp: EventStamp | None) -> StoreAnswer: ...

    def reserve_email_code(self, user_id: str, code: str, now: float, expires_at: float,
                           member: str) -> StoreAnswer: ...

    def undo_email_code(self, user_id: str, member: str) -> None: ...

    def check_email_code(self, user_id: str, code: str, now: float, member: str,
                         stamp: EventStamp | None) -> StoreAnswer: ...


class RecoveryCodes(Protocol):
    """Spends one of an account's recovery codes (app/adapters/factor_records.py with its hasher)."""

    def spend(self, user_id: str, code: str) -> bool: ...
