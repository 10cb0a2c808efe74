"""Everything Redis holds about one account, found from its id, email and phone, erased in one script."""

from __future__ import annotations

from app.stores.keys import Keys
from app.stores.scripts import Scripts, as_text


class RedisAccountRecords:
    def __init__(self, keys: Keys, scripts: Scripts, fallbacks: tuple[Keys, ...] = ()) -> None:
        self._keys = keys
        self._scripts = scripts
        # Counters named by a keyed hash may have been written under an old SECRET_KEY too.
        self._keysets = (keys, *fallbacks)

    def record_keys(self, user_id: str, email: str, phone: str) -> list[str]:
        """The account's keys besides its sessions and pre-OTP tokens (which the script finds itself)."""
        named = [self._keys.otp_account_failures(user_id), self._keys.user_disabled(user_id),
                 self._keys.user_devices(user_id)]
        for keys in self._keysets:
            named += [keys.login_failures(email), keys.phone_sends(phone)]
        return named

    def purge(self, user_id: str, email: str, phone: str) -> list[str]:
        ended = self._scripts.revoke_user(
            keys=[self._keys.user_chains(user_id), self._keys.user_pre_tokens(user_id),
                  *self.record_keys(user_id, email, phone)],
            args=[user_id, "", *self._keys.script_names()],
        )
        return [as_text(sid) for sid in ended]
