"""OTP challenge state, kept on the pre-OTP token's record so each step is one script."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import cast

from app.services.event_record import Event, EventStamp
from app.services.ports import AccessRef, SessionOrigin, StoreAnswer
from app.stores.event_stream import RedisEventStream
from app.stores.keys import Keys, first_hit
from app.stores.scripts import Scripts, as_text, found
from app.stores.sms_guard import GuardArgs, GuardConfig

HOUR = 3600


# A device not seen for an account within this window is new to it (the new-sign-in notice).
DEVICE_MEMORY_SECONDS = 90 * 24 * 3600


@dataclass(frozen=True)
class OtpLimits:
    max_attempts: int
    account_max_failures: int
    account_window: int
    resend_cooldown: int
    max_sends_per_login: int
    max_sends_per_phone_per_hour: int
    sms_max_per_hour: int = 0  # the whole service's SMS per clock hour; 0 = unlimited
    sends_per_ip: int = 0  # SEND_OTP_RATE_LIMIT_PER_IP's amount; 0 = no cap
    sends_per_ip_window: int = 3600  # ... and its window in seconds
    guard: GuardConfig = GuardConfig()  # the SMS-pumping guard (SMS_GUARD_*)


class RedisOtpStore:
    def __init__(self, keys: Keys, scripts: Scripts, limits: OtpLimits, stream: RedisEventStream,
                 fallbacks: tuple[Keys, ...] = ()) -> None:
        self._keys = keys
        self._stream = stream
        self._scripts = scripts
        self._limits = limits
        self._guard_args = GuardArgs(keys, limits.guard)
        # A pre-OTP token made under an old SECRET_KEY is found, and its code hashed, under that key.
        self._keysets = (keys, *fallbacks)

    def reserve_send(self, raw_token: str, code: str, now: float, code_expires_at: float, member: str,
                     client_bucket: str = "", kind: str = "pre", stamp: EventStamp | None = None) -> StoreAnswer:
        """Checks the send limits (the service-wide SMS budget and the SMS guard too) and parks `code` as pending.
        `kind` is the token's: 'pre', or 'reset' / 'change' for an account-recovery request.

        'ok' carries (phone, user id, '1' for a test number, saved locale, SMS used this hour, the guard
        prefix counted ('' if none), the guard's decision ('' | 'block' | 'record', its event added under
        `stamp`)); 'sms_budget' carries the seconds until the budget's hour ends; 'sms_guard' the seconds
        left of the prefix's block and the prefix.
        """
        lim = self._limits
        hour = math.floor(now / HOUR)
        budget_key = self._keys.sms_budget(hour)
        hour_left = (hour + 1) * HOUR - now
        ip_key = self._keys.ip_sends(client_bucket)
        ip_limit = lim.sends_per_ip if client_bucket else 0
        extra = [*self._guard_args(client_bucket, now), *self._stream.script_args(stamp)]

        def attempt(keys: Keys) -> list[bytes]:
            token_key = keys.token(raw_token)
            # redis-py types a script's reply Any; this one is a list of bulk strings.
            return cast("list[bytes]", self._scripts.send_reserve(
                keys=[token_key, budget_key, ip_key, self._stream.key],
                args=[repr(now), keys.otp_digest(token_key, code), repr(code_expires_at), lim.resend_cooldown,
                      lim.max_sends_per_login, lim.max_sends_per_phone_per_hour, lim.account_max_failures,
                      lim.account_window, lim.max_attempts, member, lim.sms_max_per_hour, repr(hour_left),
                      math.ceil(hour_left) + 60, ip_limit, lim.sends_per_ip_window, kind, *extra],
            ))

        return _answer(first_hit(self._keysets, attempt, found))

    def finish_send(self, raw_token: str, member: str, delivered: bool, event: Event | None = None) -> None:
        """Settles the reservation; a failed send gives back its cooldown, caps and SMS budget.
        `event` (otp_sent or otp_send_failed) is added in the same step, if a reservation was settled."""
        args = [member, "ok" if delivered else "failed", *self._stream.event_args(event)]
        first_hit(
            self._keysets,
            lambda keys: self._scripts.send_finish(keys=[keys.token(raw_token), self._stream.key], args=args),
            lambda settled: int(settled) == 1,
        )

    def verify(self, raw_token: str, code: str, now: float, member: str, session_id: str,
               new_access: AccessRef, new_refresh: str, access_exp: float, refresh_exp: float,
               origin: SessionOrigin, stamp: EventStamp | None = None) -> StoreAnswer:
        """'ok' carries ('1' if the device is new to the account else '0', the guard prefix whose verified
        count moved or '', user id); the pre-OTP
        token is spent, the pair minted and the session recorded with `origin`. A verdict on a
        code adds its event (otp_ok, otp_failed, otp_exceeded) under `stamp` in the same step."""
        lim = self._limits
        # The new session is always written under the current SECRET_KEY.
        new_keys = [self._keys.token(new_access), self._keys.token(new_refresh), self._stream.key]
        event_args = self._stream.script_args(stamp)

        def attempt(keys: Keys) -> list[bytes]:
            token_key = keys.token(raw_token)
            return cast("list[bytes]", self._scripts.otp_verify(
                keys=[token_key, *new_keys],
                args=[repr(now), keys.otp_digest(token_key, code), lim.max_attempts, lim.account_max_failures,
                      lim.account_window, member, session_id, repr(access_exp), repr(refresh_exp),
                      *session_args(self._keys, origin),
                      *self._keys.script_names(), *event_args],
            ))

        return _answer(first_hit(self._keysets, attempt, found))


def session_args(keys: Keys, origin: SessionOrigin) -> list[str | int]:
    """What the scripts that open a session record with it: client IP, user agent, amr, kind, the device's
    keyed hash ('' when unknown) and how long a device stays known."""
    device = keys.device(origin.device) if origin.device else ""
    return [origin.ip, origin.user_agent, ",".join(origin.amr), origin.kind, device, DEVICE_MEMORY_SECONDS]


def _answer(result: list[bytes]) -> StoreAnswer:
    return StoreAnswer(as_text(result[0]), tuple(as_text(item) for item in result[1:]))
