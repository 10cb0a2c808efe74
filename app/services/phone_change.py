"""Lost or new phone: POST /phone/change, then POST /phone/confirm (API.md "Account recovery").

The change is asked for with a pre-OTP token (the password is proven; the old phone may be gone)
or an access token. Its codes go to the new number and to the account's address; the pending
change belongs to the account (its request record names the user, the number only as where the
code went). Success replaces the phone, ends every session, and tells the old number and the address.
"""

from __future__ import annotations

from collections.abc import Iterable

from app.models import User
from app.problems import InvalidToken
from app.services.events import Recorder
from app.services.notices import Notices
from app.services.phones import phone_hint
from app.services.recovery_requests import Opened, RecoveryRequests
from app.services.sessions import SessionService
from app.services.sign_in_alerts import RunLater
from app.services.tokens import TokenService
from app.services.users import UserService

CHANGE = "change"


class PhoneChange:
    def __init__(self, *, requests: RecoveryRequests, users: UserService, tokens: TokenService,
                 sessions: SessionService, notices: Notices, run_later: RunLater, events: Recorder) -> None:
        self._requests = requests
        self._users = users
        self._tokens = tokens
        self._sessions = sessions
        self._notices = notices
        self._run_later = run_later
        self._events = events

    def change(self, raw_token: str, phone: str, languages: Iterable[tuple[str, float]] = (),
               client_bucket: str = "") -> Opened:
        """`phone` is already parsed and allowed as at signup (E.164)."""
        user = self._signed_in_or_password_proven(raw_token)
        return self._requests.open(CHANGE, user, str(user.id), phone, "phone_change_code", languages, client_bucket,
                                   extra={"new_phone": phone})

    def confirm(self, raw_token: str, email_code: str, sms_code: str) -> User:
        user = self._users.get(self._requests.owner(raw_token, CHANGE))
        if user is None or user.disabled_at is not None:
            raise InvalidToken("Send a valid change token: Authorization: Bearer <change_token>.")
        verdict = self._requests.judge(raw_token, CHANGE, "both", email_code, sms_code, user)
        user_id, new_phone, ended = str(user.id), verdict.values[1], list(verdict.values[2:])
        old_phone = user.phone
        self._sessions_ended(user_id, ended)
        self._users.change_phone(user, new_phone)
        self._sessions.end_all(user_id, "phone_change")
        self._run_later(lambda: self._tell(user, old_phone, new_phone))
        return user

    def _sessions_ended(self, user_id: str, ended: list[str]) -> None:
        """phone_changed was written by the step that spent the request; here it is counted and logged."""
        self._events.recorded("phone_changed", user_id, sessions=len(ended))
        self._events.sessions_ended(user_id, "phone_change", ended)

    def _tell(self, user: User, old_phone: str, new_phone: str) -> None:
        if old_phone != new_phone:
            self._notices.sms(old_phone, "phone_changed_sms", user.locale)
        self._notices.email(user.email, "phone_changed", user.locale, phone_hint=phone_hint(new_phone))

    def _signed_in_or_password_proven(self, raw_token: str) -> User:
        try:
            user_id = self._tokens.pre_otp_user(raw_token)
        except InvalidToken:
            user_id = self._tokens.access_claims(raw_token).user_id
        user = self._users.get(user_id)
        if user is None or user.disabled_at is not None:
            raise InvalidToken("The account behind this token no longer exists or is disabled.")
        return user
