"""Telling a user by email that one of their recovery codes was used, and when few are left.

A recovery code signs in without the phone or the app, so its owner should hear of every use;
when RECOVERY_CODES_LOW_AT or fewer are left, the notice asks for a new set instead. Sent after
the answer (the count is read then too), and never fails the sign-in.
"""

from __future__ import annotations

import logging
from typing import Protocol

from app.services.clock import readable_utc
from app.services.notices import Notices
from app.services.sign_in_alerts import RunLater
from app.services.users import UserService

log = logging.getLogger(__name__)

USED, LOW = "recovery_code_used", "recovery_codes_low"


class CodesLeft(Protocol):
    def recovery_codes_left(self, user_id: str) -> int: ...


class RecoveryNotices:
    def __init__(self, *, users: UserService, codes: CodesLeft, notices: Notices, run_later: RunLater,
                 low_at: int) -> None:
        self._users = users
        self._codes = codes
        self._notices = notices
        self._run_later = run_later
        self._low_at = low_at

    def code_used(self, user_id: str, ip: str, at: float) -> None:
        self._run_later(lambda: self._email(user_id, ip, at))

    def _email(self, user_id: str, ip: str, at: float) -> None:
        user = self._users.get(user_id)
        if user is None:  # deleted meanwhile
            return
        left = self._codes.recovery_codes_left(user_id)
        template = LOW if left <= self._low_at else USED
        sent = self._notices.email(user.email, template, user.locale, when=readable_utc(at), ip=ip or "unknown",
                                   codes_left=str(left))
        log.info("recovery code notice", extra={"user_id": user_id, "template": template, "sent": sent})
