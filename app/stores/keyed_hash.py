"""The keyed hash that stands in for every secret in a Redis key name or stored value."""

from __future__ import annotations

import hashlib
import hmac


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
