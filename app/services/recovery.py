"""Forgotten password: POST /password/forgot, then POST /password/reset (API.md "Account recovery").

`forgot` answers alike for every address: a known one gets a request whose codes go to its mailbox
and its phone; an unknown one the same cap, the same body and a token that never works. `reset`
takes both codes (or the email code and one of the account's recovery codes) with the new password;
the password rules are checked first, so a weak one spends nothing. Success ends every session of
the account, its remembered devices and logins in progress included.
"""

from __future__ import annotations

from collections.abc import Iterable

from app.problems import InvalidToken, ValidationFailed
from app.services.emails import email_lookup_forms
from app.services.events import Recorder
from app.services.notices import Notices
from app.services.passwords import PasswordPolicy
from app.services.recovery_ports import RecoveryCodes
from app.services.recovery_requests import Opened, RecoveryRequests
from app.services.second_step import SMS
from app.services.sessions import SessionService
from app.services.sign_in_alerts import RunLater
from app.services.users import UserService

RESET = "reset"


class PasswordRecovery:
    def __init__(self, *, requests: RecoveryRequests, users: UserService, policy: PasswordPolicy,
                 codes: RecoveryCodes, sessions: SessionService, notices: Notices, run_later: RunLater,
                 events: Recorder) -> None:
        self._requests = requests
        self._users = users
        self._policy = policy
        self._codes = codes
        self._sessions = sessions
        self._notices = notices
        self._run_later = run_later
        self._events = events

    def forgot(self, email: str, languages: Iterable[tuple[str, float]] = (), client_bucket: str = "") -> Opened:
        account = email_lookup_forms(email)[0]
        user = self._users.find_by_email(email)
        if user is None or user.disabled_at is not None:
            return self._requests.decoy(RESET, account)
        opened = self._requests.open(RESET, user, account, user.phone, "password_reset_code", languages,
                                     client_bucket)
        self._events.write("password_reset_requested", user.id)
        return Opened(opened.token, opened.expires_in)  # the hints would tell a known address from another

    def reset(self, raw_token: str, email_code: str, second: tuple[str, str], new_password: str) -> None:
        """`second` is (factor, answer): ('sms', the SMS code) or ('recovery_code', a recovery code)."""
        user_id = self._requests.owner(raw_token, RESET)
        user = self._users.get(user_id)
        if user is None or user.disabled_at is not None:  # deleted or disabled since
            raise InvalidToken("Send a valid reset token: Authorization: Bearer <reset_token>.")
        problems = self._policy.problems(new_password, user.email)
        if problems:  # before any code is judged: a 422 spends nothing
            raise ValidationFailed({"new_password": problems})
        factor, answer = second
        if factor == SMS:
            verdict = self._requests.judge(raw_token, RESET, "both", email_code, answer, user)
        else:
            self._requests.judge(raw_token, RESET, "email", email_code, "", user)
            spent = self._codes.spend(user_id, answer)
            verdict = self._requests.judge(raw_token, RESET, "spend" if spent else "wrong", email_code, "", user)
        self._events.recorded("password_reset", user.id, sessions=len(verdict.values) - 2)
        self._events.sessions_ended(user_id, "password_reset", list(verdict.values[2:]))
        self._users.reset_password(user, new_password)
        # A login begun with the old password while the new one was being written ends too.
        self._sessions.end_all(user_id, "password_reset")
        self._run_later(lambda: self._tell(user.email, user.locale))

    def _tell(self, email: str, locale: str | None) -> None:
        self._notices.email(email, "password_reset_done", locale)
