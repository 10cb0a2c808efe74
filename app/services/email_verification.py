"""Verifying the account's email address: POST /email/verification, then POST /email/verify.

The code is emailed to the address on the account (never one in the request), under the limits
of SMS codes: the resend cooldown, OTP_MAX_SENDS_PER_PHONE_PER_HOUR sends an hour to the address,
OTP_MAX_ATTEMPTS wrong codes, and the account's failure window, which wrong email codes fill like
wrong SMS codes. A send the email backend refuses is undone: no cooldown, nothing counted.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable

from app.models import User
from app.problems import InvalidToken, OtpAttemptsExceeded, OtpExpired, OtpInvalid, RateLimited
from app.services.clock import Clock
from app.services.emails import email_hint
from app.services.events import Recorder
from app.services.notices import Mailer
from app.services.otp import SendResult, generate_code
from app.services.rate_limits import RateLimitRule
from app.services.recovery_ports import RecoveryStore
from app.services.tokens import TokenService
from app.services.users import UserService

_SEND_RULES = {"cooldown": RateLimitRule.EMAIL_CODE_COOLDOWN, "email_cap": RateLimitRule.EMAIL_CODES_PER_HOUR,
               "account_locked": RateLimitRule.OTP_ACCOUNT_FAILURES}


class EmailVerification:
    def __init__(self, *, store: RecoveryStore, users: UserService, tokens: TokenService, mailer: Mailer,
                 clock: Clock, events: Recorder, code_length: int, ttl: int, cooldown: int) -> None:
        self._store = store
        self._users = users
        self._tokens = tokens
        self._mailer = mailer
        self._clock = clock
        self._events = events
        self._code_length = code_length
        self._ttl = ttl
        self._cooldown = cooldown

    def send(self, raw_access: str, languages: Iterable[tuple[str, float]] = ()) -> SendResult:
        user = self._signed_in(raw_access)
        code, member, now = generate_code(self._code_length), secrets.token_hex(8), self._clock.now()
        answer = self._store.reserve_email_code(str(user.id), code, now, now + self._ttl, member)
        if answer.status != "ok":
            self._events.rate_limited(_SEND_RULES[answer.status], str(user.id))
            raise RateLimited(_WAIT[answer.status], retry_after=float(answer.value))
        try:
            self._mailer.send(user.email, "email_code", self._mailer.texts.choose(user.locale, languages), code=code)
        except BaseException:
            self._store.undo_email_code(str(user.id), member)
            raise
        self._events.write("email_code_sent", user.id)
        return SendResult(email_hint(user.email), self._ttl, self._cooldown, str(user.id))

    def verify(self, raw_access: str, code: str) -> User:
        user = self._signed_in(raw_access)
        answer = self._store.check_email_code(str(user.id), code, self._clock.now(), secrets.token_hex(8),
                                              self._events.stamp())
        if answer.status == "ok":
            self._events.recorded("email_verified", user.id)
            self._users.mark_email_verified(user)
            return user
        if answer.status == "wrong_code":
            remaining = max(0, int(answer.value))
            raise OtpInvalid(f"That code is not right; {remaining} attempt{'s' if remaining != 1 else ''} left.",
                             attempts_remaining=remaining)
        if answer.status == "attempts_exceeded":
            raise OtpAttemptsExceeded("Too many wrong codes; ask for a new one.", retry_after=1)
        if answer.status == "account_locked":
            self._events.rate_limited(RateLimitRule.OTP_ACCOUNT_FAILURES, str(user.id))
            raise RateLimited(_WAIT["account_locked"], retry_after=float(answer.value))
        raise OtpExpired("No email code is live: ask for one with POST /api/v1/email/verification.")

    def _signed_in(self, raw_access: str) -> User:
        user = self._users.get(self._tokens.access_claims(raw_access).user_id)
        if user is None:
            raise InvalidToken("The account behind this token no longer exists.")
        return user


_WAIT = {"cooldown": "A code was just sent; wait before asking for another.",
         "email_cap": "Too many codes were sent to this address in the last hour.",
         "account_locked": "Too many wrong codes for this account; wait before trying again."}
