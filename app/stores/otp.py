"""OTP challenge state, kept on the pre-OTP token's record so each step is one script."""

from __future__ import annotations

from dataclasses import dataclass

import redis

from app.stores.keys import Keys
from app.stores.scripts import Scripts, as_text


@dataclass(frozen=True)
class StoreAnswer:
    """A script's verdict: a status word and the values that go with it."""

    status: str
    values: tuple[str, ...] = ()

    @property
    def value(self) -> str:
        return self.values[0] if self.values else ""


@dataclass(frozen=True)
class OtpLimits:
    max_attempts: int
    account_max_failures: int
    account_window: int
    resend_cooldown: int
    max_sends_per_login: int
    max_sends_per_phone_per_hour: int


class RedisOtpStore:
    def __init__(self, client: redis.Redis, keys: Keys, scripts: Scripts, limits: OtpLimits) -> None:
        self._redis = client
        self._keys = keys
        self._scripts = scripts
        self._limits = limits

    def reserve_send(self, raw_token: str, code: str, now: float, code_expires_at: float, member: str) -> StoreAnswer:
        """Checks the send limits and parks `code` as pending. 'ok' carries (phone, user id, test number?, locale)."""
        token_key = self._keys.token(raw_token)
        lim = self._limits
        result = self._scripts.send_reserve(
            keys=[token_key],
            args=[repr(now), self._keys.otp_digest(token_key, code), repr(code_expires_at), lim.resend_cooldown,
                  lim.max_sends_per_login, lim.max_sends_per_phone_per_hour, lim.account_max_failures,
                  lim.account_window, lim.max_attempts, member],
        )
        return _answer(result)

    def finish_send(self, raw_token: str, member: str, delivered: bool) -> None:
        self._scripts.send_finish(keys=[self._keys.token(raw_token)], args=[member, "ok" if delivered else "failed"])

    def verify(self, raw_token: str, code: str, now: float, member: str, session_id: str,
               new_access: str, new_refresh: str, access_exp: float, refresh_exp: float) -> StoreAnswer:
        """'ok' carries the user id; the pre-OTP token is spent and the pair minted."""
        token_key = self._keys.token(raw_token)
        lim = self._limits
        result = self._scripts.otp_verify(
            keys=[token_key, self._keys.token(new_access), self._keys.token(new_refresh)],
            args=[repr(now), self._keys.otp_digest(token_key, code), lim.max_attempts, lim.account_max_failures,
                  lim.account_window, member, self._keys.prefix, session_id, repr(access_exp), repr(refresh_exp)],
        )
        return _answer(result)


def _answer(result: list[bytes]) -> StoreAnswer:
    return StoreAnswer(as_text(result[0]), tuple(as_text(item) for item in result[1:]))
