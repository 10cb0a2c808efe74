"""Account-recovery requests, shared by the password reset and the phone change.

A request sends two codes, one by email and one by SMS, and is answered with both: neither the
phone alone nor the mailbox alone opens the account. Opening one counts against the account's
hourly cap; its SMS goes through OtpService.send, so the per-phone cap, the per-IP cap and the
SMS budget of /send-otp apply to it as they are. A request that could not send a code is undone
(the cap's attempt given back, no cooldown, no budget). A newer request replaces the older one.
"""

from __future__ import annotations

import secrets
import time
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from app.models import User
from app.problems import InvalidToken, OtpAttemptsExceeded, OtpInvalid, RateLimited
from app.services.access_tokens import new_token
from app.services.clock import Clock
from app.services.emails import email_hint, email_lookup_forms
from app.services.events import Recorder
from app.services.notices import Mailer
from app.services.otp import OtpService, generate_code
from app.services.phones import phone_hint
from app.services.ports import StoreAnswer
from app.services.rate_limits import RateLimitRule
from app.services.recovery_ports import RecoveryStore

# What each kind of request records when it succeeds and when a wrong pair of codes comes back.
EVENTS = {"reset": ("password_reset", "password_reset_failed"), "change": ("phone_changed", "phone_change_failed")}


DECOY_ROUND_TRIPS = 4
DECOY_SAMPLES = 64


@dataclass(frozen=True)
class Opened:
    token: str
    expires_in: int
    email_hint: str = ""
    phone_hint: str = ""


@dataclass(frozen=True)
class RequestSettings:
    ttl: int  # OTP_TTL_SECONDS: the request lives as long as its codes
    code_length: int
    max_per_hour: int  # PASSWORD_RESET_MAX_PER_HOUR, per account
    test_numbers: dict[str, str]


class RecoveryRequests:
    def __init__(self, *, store: RecoveryStore, otp: OtpService, mailer: Mailer, clock: Clock,
                 settings: RequestSettings, events: Recorder, sleep: Callable[[float], None] = time.sleep) -> None:
        # How long sending a known address's codes took lately (this process): an unknown address waits
        # as long as one of them, so the providers' latency does not tell the two apart.
        self._send_seconds: deque[float] = deque(maxlen=DECOY_SAMPLES)
        self.sleep = sleep  # replaceable: tests record the waits instead of waiting
        self._store = store
        self._otp = otp
        self._mailer = mailer
        self._clock = clock
        self._settings = settings
        self._events = events

    def open(self, kind: str, user: User, subject: str, phone: str, template: str,
             languages: Iterable[tuple[str, float]], client_bucket: str, extra: dict[str, str] | None = None) -> Opened:
        """Stores the request, emails its code to the account's address and texts the other to `phone`."""
        cfg, token, member, user_id = self._settings, new_token(), secrets.token_hex(8), str(user.id)
        now = self._clock.now()
        expires_at, email_code = now + cfg.ttl, generate_code(cfg.code_length)
        fields = {"phone": phone, **(extra or {})}
        if user.locale:
            fields["locale"] = user.locale
        if phone in cfg.test_numbers:  # a TEST_PHONE_NUMBERS entry: its fixed code, and no SMS
            fields["fixed"] = self._store.fixed_code(token, cfg.test_numbers[phone])
        self._capped(self._store.begin(token, kind, subject, now, cfg.max_per_hour, member, fields, expires_at,
                                       user_id, email_code), user_id)
        locale = self._mailer.texts.choose(user.locale, languages)
        sent, started = False, time.perf_counter()
        try:
            self._otp.send(token, languages, client_bucket, kind=kind, before=lambda: self._mailer.send(
                user.email, template, locale, code=email_code, phone_hint=phone_hint(phone)))
            sent = True
        finally:
            self._store.settle(token, kind, user_id, subject, member, sent, expires_at)
        self._send_seconds.append(time.perf_counter() - started)
        return Opened(token, cfg.ttl, email_hint(user.email), phone_hint(phone))

    def decoy(self, kind: str, subject: str) -> Opened:
        """What an unknown email gets: the same cap, the same answer, a token that never works."""
        cfg, token, member = self._settings, new_token(), secrets.token_hex(8)
        now = self._clock.now()
        self._capped(self._store.begin(token, kind, subject, now, cfg.max_per_hour, member, None, now + cfg.ttl), "")
        started = time.perf_counter()
        # As many round trips as a known address costs after this one (the SMS reservation and its
        # settling, the request's settling, its event): the same Redis work, against a key nobody has...
        for _ in range(DECOY_ROUND_TRIPS):
            self._store.owner(token, kind, now)
        # ...and as long as a recent real send took, the email and SMS providers' time included.
        if self._send_seconds:
            self.sleep(max(0.0, secrets.choice(list(self._send_seconds)) - (time.perf_counter() - started)))
        return Opened(token, cfg.ttl)

    def owner(self, raw_token: str, kind: str) -> str:
        user_id = self._store.owner(raw_token, kind, self._clock.now())
        if user_id is None:
            raise InvalidToken(f"Send a valid {_NAMES[kind]} token: Authorization: Bearer <{kind}_token>.")
        return user_id

    def judge(self, raw_token: str, kind: str, mode: str, email_code: str, sms_code: str, user: User) -> StoreAnswer:
        """One atomic verdict on the request's codes; raises for anything but 'ok' (user id, new phone or '',
        the ids of the sessions ended) and 'email_ok'."""
        answer = self._store.verify(raw_token, kind, mode, email_code, sms_code, self._clock.now(),
                                    secrets.token_hex(8), str(user.id), email_lookup_forms(user.email)[0],
                                    EVENTS[kind], self._events.stamp())
        if answer.status == "ok":
            user_id, new_phone, counted, *ended = answer.values
            if counted:  # the SMS guard counted the code verified for this destination prefix
                self._events.sms_guard("verified", counted)
            return StoreAnswer("ok", (user_id, new_phone, *ended))
        if answer.status == "email_ok":
            return answer
        if answer.status == "wrong_code":
            self._events.recorded(EVENTS[kind][1], user.id, reason="wrong_code")
            remaining = max(0, int(answer.value))
            raise OtpInvalid(f"The email code or the SMS code is not right; {remaining} attempt"
                             f"{'s' if remaining != 1 else ''} left.", attempts_remaining=remaining)
        if answer.status == "attempts_exceeded":
            raise OtpAttemptsExceeded(f"Too many wrong codes for this {_NAMES[kind]}; start again.", retry_after=1)
        if answer.status == "account_locked":
            self._events.rate_limited(RateLimitRule.OTP_ACCOUNT_FAILURES, str(user.id))
            raise RateLimited("Too many wrong codes for this account; wait before trying again.",
                              retry_after=float(answer.value))
        raise InvalidToken(f"Send a valid {_NAMES[kind]} token: Authorization: Bearer <{kind}_token>.")

    def _capped(self, answer: StoreAnswer, user_id: str) -> None:
        if answer.status == "capped":
            self._events.rate_limited(RateLimitRule.RECOVERY_PER_ACCOUNT, user_id or None)
            raise RateLimited("Too many recovery requests for this account; wait and try again.",
                              retry_after=float(answer.value))


_NAMES = {"reset": "reset", "change": "change"}
