"""Second-step answers judged outside Redis, settled atomically under the counters SMS codes use."""

from __future__ import annotations

from app.services.ports import AccessRef, SessionOrigin, StoreAnswer
from app.stores.keys import Keys, first_hit
from app.stores.otp import OtpLimits, session_args
from app.stores.scripts import Scripts, as_text, found


class RedisSecondStepStore:
    def __init__(self, keys: Keys, scripts: Scripts, limits: OtpLimits, step_memory: int,
                 fallbacks: tuple[Keys, ...] = ()) -> None:
        self._keys = keys
        self._step_memory = step_memory  # seconds a used authenticator-app step is remembered
        self._scripts = scripts
        self._limits = limits
        self._keysets = (keys, *fallbacks)

    def settle(self, raw_token: str, user_id: str, right: bool, step: int | None, now: float, member: str,
               session_id: str, new_access: AccessRef, new_refresh: str, access_exp: float, refresh_exp: float,
               origin: SessionOrigin) -> StoreAnswer:
        """'ok' carries ('1' if the device is new to the account else '0', user id): the pre-OTP token is
        spent, the pair minted and the session recorded with `origin`. A wrong answer is 'wrong_code'
        (or 'replayed' for a spent TOTP step) with the attempts left."""
        lim = self._limits
        fixed_keys = [self._keys.token(new_access), self._keys.token(new_refresh), self._keys.totp_step(user_id)]

        def attempt(keys: Keys) -> list[bytes]:
            return self._scripts.factor_verify(  # type: ignore[no-any-return]
                keys=[keys.token(raw_token), *fixed_keys],
                args=[repr(now), "right" if right else "wrong", "" if step is None else step,
                      self._step_memory, lim.max_attempts, lim.account_max_failures, lim.account_window,
                      member, session_id, repr(access_exp), repr(refresh_exp), *session_args(self._keys, origin),
                      *self._keys.script_names()],
            )

        result = first_hit(self._keysets, attempt, found)
        return StoreAnswer(as_text(result[0]), tuple(as_text(item) for item in result[1:]))

    def remember_step(self, user_id: str, step: int) -> bool:
        """Marks an authenticator-app step as used; False when it (or a newer one) already was."""
        claimed = self._scripts.totp_step(keys=[self._keys.totp_step(user_id)],
                                          args=[step, self._step_memory])
        return int(claimed) == 1
