"""Redis key names. Secrets never appear in a key: tokens, emails and phones
are replaced by a keyed hash (HMAC-SHA256 under a key derived from SECRET_KEY).

Rotation: records are always written under the current SECRET_KEY; a token
look-up that misses under it is retried under each SECRET_KEY_FALLBACKS entry,
so sessions made before the rotation live on until they expire (docs/security.md).
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable, Sequence
from typing import TypeVar

T = TypeVar("T")


class KeyedHasher:
    """HMAC-SHA256 with purpose-separated sub-keys derived from one secret."""

    def __init__(self, secret: str) -> None:
        self._secret = secret.encode()
        # Sub-keys are derived once per purpose, not on every digest (three to four a request).
        self._subkeys: dict[str, bytes] = {}

    def _subkey(self, purpose: str) -> bytes:
        key = self._subkeys.get(purpose)
        if key is None:
            key = self._subkeys[purpose] = hmac.digest(self._secret, purpose.encode(), hashlib.sha256)
        return key

    def digest(self, purpose: str, value: str) -> str:
        return hmac.digest(self._subkey(purpose), value.encode(), hashlib.sha256).hex()


class Keys:
    def __init__(self, prefix: str, hasher: KeyedHasher) -> None:
        self.prefix = prefix
        self._hasher = hasher

    def token(self, raw_token: str) -> str:
        return f"{self.prefix}tok:{self._hasher.digest('token', raw_token)}"

    def user_chains(self, user_id: str) -> str:
        return f"{self.prefix}user:{user_id}:chains"

    def user_disabled(self, user_id: str) -> str:
        return f"{self.prefix}user:{user_id}:disabled"

    def otp_account_failures(self, user_id: str) -> str:
        return f"{self.prefix}otpfail:{user_id}"

    def login_failures(self, email: str) -> str:
        return f"{self.prefix}loginfail:{self._hasher.digest('email', email)}"

    def ip_sends(self, client_ip: str) -> str:
        return f"{self.prefix}ipsends:{self._hasher.digest('ip', client_ip)}"

    def phone_sends(self, phone: str) -> str:
        return f"{self.prefix}phonesends:{self._hasher.digest('phone', phone)}"

    def otp_digest(self, token_key: str, code: str) -> str:
        """The stored form of a code, bound to its login so equal codes never hash alike."""
        return self._hasher.digest("otp", f"{token_key}:{code}")


def first_hit(keysets: Sequence[Keys], attempt: Callable[[Keys], T], hit: Callable[[T], bool]) -> T:
    """Runs `attempt` under each key set until `hit` says it found the record.

    The current keys come first, so a live token costs one round trip; only a
    miss pays for the fallbacks.
    """
    result = attempt(keysets[0])
    for keys in keysets[1:]:
        if hit(result):
            break
        result = attempt(keys)
    return result
