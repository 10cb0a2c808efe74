"""Token records in Redis, each under the keyed hash of its token."""

from __future__ import annotations

import redis
from redis.typing import EncodableT, FieldT

from app.services.event_record import Event, EventStamp
from app.services.phone_prefix import guard_prefix
from app.services.ports import AccessRef, StoreAnswer, TokenRecord
from app.stores.event_stream import RedisEventStream
from app.stores.keys import Keys, first_hit
from app.stores.scripts import Scripts, as_text, found


class RedisTokenStore:
    def __init__(self, client: redis.Redis, keys: Keys, scripts: Scripts, stream: RedisEventStream,
                 fallbacks: tuple[Keys, ...] = ()) -> None:
        self._redis = client
        self._stream = stream
        self._keys = keys
        self._scripts = scripts
        # Keys under old SECRET_KEYs, tried only when the current one misses.
        self._keysets = (keys, *fallbacks)

    def create_pre(self, raw_token: str, user_id: str, phone: str, expires_at: float,
                   fixed_code: str | None = None, locale: str | None = None, first_login: bool = False,
                   event: Event | None = None) -> None:
        """Stores a pre-OTP token; `event` (login_ok) is added in the same MULTI."""
        key = self._keys.token(raw_token)
        extra: dict[FieldT, EncodableT] = {"fixed": self._keys.otp_digest(key, fixed_code)} if fixed_code else {}
        if not fixed_code:  # the SMS guard counts sends per destination prefix; test numbers are exempt
            extra["guard"] = guard_prefix(phone)
        if locale:  # the SMS language, so that sending needs no database read
            extra["locale"] = locale
        if first_login:  # the account's first sign-in: no device is "new" to it yet
            extra["first"] = "1"
        pipe = self._redis.pipeline(transaction=True)
        pipe.hset(
            key,
            mapping={
                "kind": "pre", "uid": user_id, "phone": phone, "exp": repr(expires_at),
                "fails": 0, "sends": 0, "next_send": 0,
                # The OTP scripts find the account and phone counters through these.
                "fkey": self._keys.otp_account_failures(user_id), "pkey": self._keys.phone_sends(phone),
                "dkey": self._keys.user_disabled(user_id),
                **extra,
            },
        )
        pipe.pexpireat(key, int(expires_at * 1000) + 1)
        # Indexed under the user, so that ending the account's sessions reaches logins in progress.
        pending = self._keys.user_pre_tokens(user_id)
        pipe.sadd(pending, key)
        pipe.pexpireat(pending, int(expires_at * 1000) + 1)
        if event is not None:
            self._stream.queue(pipe, event)
        pipe.execute()

    def get(self, token: AccessRef) -> TokenRecord | None:
        kind, uid, exp, sid, amr = first_hit(
            self._keysets,
            lambda keys: self._redis.hmget(keys.token(token), "kind", "uid", "exp", "sid", "amr"),
            lambda values: values[0] is not None,
        )
        if kind is None or uid is None or exp is None:
            return None
        return TokenRecord(as_text(kind), as_text(uid), float(exp), as_text(sid or b""),
                           tuple(as_text(amr or b"").split()))

    def rotate_refresh(self, raw_refresh: str, new_access: AccessRef, new_refresh: str, now: float,
                       access_exp: float, refresh_exp: float, grace: float = 0,
                       stamp: EventStamp | None = None) -> StoreAnswer:
        """'ok' | 'grace' (user id, session id, amr) | 'reused' (user id) | 'no_token'; 'grace': a used
        token came back within `grace` seconds of its first use and got a fresh pair too. ok, grace
        and reused add their event under `stamp`."""
        args = [repr(now), repr(access_exp), repr(refresh_exp), repr(grace), *self._keys.script_names(),
                *self._stream.script_args(stamp)]
        new_keys = [self._keys.token(new_access), self._keys.token(new_refresh), self._stream.key]
        result = first_hit(
            self._keysets,
            lambda keys: self._scripts.refresh(keys=[keys.token(raw_refresh), *new_keys], args=args),
            found,
        )
        return StoreAnswer(as_text(result[0]), tuple(as_text(item) for item in result[1:]))

    def revoke_chain_of(self, access: AccessRef, now: float, stamp: EventStamp | None = None) -> str | None:
        """Revokes the chain of a live access token, adding the logout event under `stamp`;
        returns its user id, or None."""
        args = [repr(now), *self._keys.script_names(), *self._stream.script_args(stamp)]
        result = first_hit(
            self._keysets,
            lambda keys: self._scripts.logout(keys=[keys.token(access), self._stream.key], args=args),
            found,
        )
        return as_text(result[1]) if as_text(result[0]) == "ok" else None

    def block_user(self, user_id: str, seconds: int) -> None:
        """Marks the user disabled for `seconds`: the OTP scripts then refuse their pre-OTP tokens."""
        self._redis.set(self._keys.user_disabled(user_id), "1", ex=seconds)

    def unblock_user(self, user_id: str) -> None:
        self._redis.delete(self._keys.user_disabled(user_id))
