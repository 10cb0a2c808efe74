"""Account-recovery state in Redis: password-reset and phone-change requests, and email codes.

A request is a token record (under the keyed hash of its token) that the SMS send scripts take like
a pre-OTP token of its own kind, so its SMS goes through the same per-phone cap, per-IP cap and
SMS budget as /send-otp. Its email code, like every code, is kept only as a keyed hash.
"""

from __future__ import annotations

from typing import cast

import redis

from app.services.event_record import EventStamp
from app.services.phone_prefix import guard_prefix
from app.services.ports import StoreAnswer
from app.stores.event_stream import RedisEventStream
from app.stores.keys import Keys
from app.stores.otp import OtpLimits
from app.stores.scripts import Scripts, as_text

HOUR = 3600


class RedisRecoveryStore:
    def __init__(self, client: redis.Redis, keys: Keys, scripts: Scripts, limits: OtpLimits,
                 stream: RedisEventStream) -> None:
        self._redis = client
        self._keys = keys
        self._scripts = scripts
        self._limits = limits
        self._stream = stream

    # -- requests (password reset, phone change) --------------------------------------------------------

    def begin(self, raw_token: str, kind: str, subject: str, now: float, cap: int, member: str,
              fields: dict[str, str] | None, expires_at: float, user_id: str = "",
              email_code: str = "") -> StoreAnswer:
        """Counts the request against `subject`'s hourly cap and stores its record (`fields`, the email
        code's digest and the counters the send scripts read); `fields` None (an unknown email) stores
        nothing. 'ok', or 'capped' with the seconds to wait."""
        key = self._keys.token(raw_token)
        record: list[str] = []
        if fields is not None:
            full = {**fields, "ecode": self._keys.email_code_digest(key, email_code), "kind": kind, "uid": user_id,
                    "exp": repr(expires_at), "fails": "0", "sends": "0",
                    "next_send": "0", "fkey": self._keys.otp_account_failures(user_id),
                    "pkey": self._keys.phone_sends(fields["phone"]), "dkey": self._keys.user_disabled(user_id)}
            if "fixed" not in fields:  # the SMS guard counts sends per destination prefix; test numbers are exempt
                full["guard"] = guard_prefix(fields["phone"])
            record = [item for pair in full.items() for item in pair]
        result = self._scripts.recovery_begin(
            keys=[key, self._keys.recovery(f"{kind}:requests", subject), self._keys.user_pre_tokens(user_id)],
            args=[repr(now), HOUR, cap, member, "1" if fields is not None else "0", repr(expires_at), *record])
        return _answer(result)

    def settle(self, raw_token: str, kind: str, user_id: str, subject: str, member: str, sent: bool,
               expires_at: float) -> None:
        """Makes the request the account's live one (the previous one stops working), or undoes it."""
        self._scripts.recovery_settle(
            keys=[self._keys.token(raw_token), self._keys.recovery(kind, user_id),
                  self._keys.recovery(f"{kind}:requests", subject)],
            args=["ok" if sent else "failed", member, repr(expires_at)])

    def owner(self, raw_token: str, kind: str, now: float) -> str | None:
        """The user id of a live request of `kind`, or None."""
        values = self._redis.hmget(self._keys.token(raw_token), "kind", "uid", "exp")
        found, uid, exp = (as_text(value) if value is not None else "" for value in values)
        if found != kind or not uid or not exp or float(exp) <= now:
            return None
        return uid

    def fixed_code(self, raw_token: str, code: str) -> str:
        """The stored form of a TEST_PHONE_NUMBERS code on a request (the SMS scripts' `fixed`)."""
        return self._keys.otp_digest(self._keys.token(raw_token), code)

    def verify(self, raw_token: str, kind: str, mode: str, email_code: str, sms_code: str, now: float, member: str,
               user_id: str, account: str, events: tuple[str, str], stamp: EventStamp | None) -> StoreAnswer:
        """'ok' (user id, new phone or '', the SMS guard prefix counted verified or '', then the ids of the
        sessions ended), 'email_ok' (mode 'email'),
        'wrong_code' (attempts left, user id), 'attempts_exceeded', 'account_locked' or 'no_token'."""
        lim = self._limits
        key = self._keys.token(raw_token)
        result = self._scripts.recovery_verify(
            keys=[key, self._keys.user_chains(user_id), self._keys.user_pre_tokens(user_id),
                  self._keys.login_failures(account), self._keys.recovery(kind, user_id), self._stream.key],
            args=[repr(now), kind, mode, self._keys.email_code_digest(key, email_code),
                  self._keys.otp_digest(key, sms_code) if sms_code else "", lim.max_attempts,
                  lim.account_max_failures, lim.account_window, member, *events, *self._keys.script_names(),
                  *self._stream.script_args(stamp)])
        return _answer(result)

    # -- email codes (POST /email/verification, /email/verify) --------------------------------------------

    def reserve_email_code(self, user_id: str, code: str, now: float, expires_at: float, member: str) -> StoreAnswer:
        lim = self._limits
        record = self._keys.recovery("email", user_id)
        return _answer(self._scripts.email_code_send(
            keys=[record, self._keys.recovery("email:sends", user_id), self._keys.otp_account_failures(user_id)],
            args=[repr(now), self._keys.email_code_digest(record, code), repr(expires_at), lim.resend_cooldown,
                  lim.max_sends_per_phone_per_hour, member, lim.account_max_failures, lim.account_window]))

    def undo_email_code(self, user_id: str, member: str) -> None:
        self._scripts.email_code_undo(
            keys=[self._keys.recovery("email", user_id), self._keys.recovery("email:sends", user_id)], args=[member])

    def check_email_code(self, user_id: str, code: str, now: float, member: str,
                         stamp: EventStamp | None) -> StoreAnswer:
        lim = self._limits
        record = self._keys.recovery("email", user_id)
        return _answer(self._scripts.email_code_verify(
            keys=[record, self._keys.otp_account_failures(user_id), self._stream.key],
            args=[repr(now), self._keys.email_code_digest(record, code), lim.max_attempts, lim.account_max_failures,
                  lim.account_window, member, user_id, *self._stream.script_args(stamp)]))


def _answer(result: object) -> StoreAnswer:
    # redis-py types a script's reply Any; these are lists of bulk strings.
    items = cast("list[bytes]", result)
    return StoreAnswer(as_text(items[0]), tuple(as_text(item) for item in items[1:]))
