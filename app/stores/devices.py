"""Remembered devices in Redis: a device token record under its keyed hash, in a session of its own."""

from __future__ import annotations

from app.services.ports import AccessRef, SessionOrigin, StoreAnswer
from app.stores.keys import Keys, first_hit
from app.stores.otp import session_args
from app.stores.scripts import Scripts, as_text


class RedisDeviceStore:
    def __init__(self, keys: Keys, scripts: Scripts, fallbacks: tuple[Keys, ...] = ()) -> None:
        self._keys = keys
        self._scripts = scripts
        self._keysets = (keys, *fallbacks)  # a device remembered before a SECRET_KEY rotation still counts

    def remember(self, raw_token: str, user_id: str, session_id: str, now: float, expires_at: float,
                 origin: SessionOrigin) -> None:
        self._scripts.device_remember(
            keys=[self._keys.token(raw_token)],
            args=[user_id, session_id, repr(now), repr(expires_at), origin.ip, origin.user_agent,
                  ",".join(origin.amr), *self._keys.script_names()])

    def sign_in(self, raw_token: str, user_id: str, now: float, session_id: str, new_access: AccessRef,
                new_refresh: str, access_exp: float, refresh_exp: float, origin: SessionOrigin) -> StoreAnswer:
        """'ok' carries ('1' for a device new to the account else '0', user id); else 'no_device'."""
        new_keys = [self._keys.token(new_access), self._keys.token(new_refresh)]
        args = [repr(now), user_id, session_id, repr(access_exp), repr(refresh_exp),
                *session_args(self._keys, origin), *self._keys.script_names()]
        result = first_hit(
            self._keysets,
            lambda keys: self._scripts.device_sign_in(keys=[keys.token(raw_token), *new_keys], args=args),
            lambda answer: as_text(answer[0]) == "ok",
        )
        return StoreAnswer(as_text(result[0]), tuple(as_text(item) for item in result[1:]))
