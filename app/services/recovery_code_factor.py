"""Recovery codes: ten single-use codes for when the phone and the authenticator app are both out of reach.

Each is 10 characters of Crockford's base32 (50 random bits), shown as `xxxxx-xxxxx`;
what a person types back is read forgivingly: case does not matter, the middle hyphen
may be a space or left out, and i, l and o count as 1, 1 and 0. Only keyed hashes are
stored, bound to the account.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Sequence
from typing import Protocol

ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"  # Crockford: no i, l, o or u
LENGTH = 10  # 50 bits
COUNT = 10
# What may be typed (openapi.yaml's ValidateOtpRequest says the same): any ASCII letter but u, or digit.
TYPED = re.compile(r"([0-9A-TV-Za-tv-z]{5})[- ]?([0-9A-TV-Za-tv-z]{5})")
_READ_AS = str.maketrans({"i": "1", "l": "1", "o": "0"})


class Digester(Protocol):
    def digest(self, purpose: str, value: str) -> str: ...


def new_code() -> str:
    raw = "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
    return f"{raw[:5]}-{raw[5:]}"


def normalize(typed: str) -> str | None:
    """The code's canonical 10 characters, or None when `typed` cannot be a recovery code."""
    match = TYPED.fullmatch(typed)
    if match is None:
        return None
    return "".join(match.groups()).lower().translate(_READ_AS)


class RecoveryCodeHasher:
    """Digests under the current SECRET_KEY first, then each fallback (so codes survive a rotation)."""

    def __init__(self, hashers: Sequence[Digester]) -> None:
        self._hashers = tuple(hashers)

    def digest(self, user_id: str, code: str) -> str:
        return self._hashers[0].digest("recovery-code", f"{user_id}:{normalize(code) or code}")

    def candidates(self, user_id: str, code: str) -> list[str]:
        canonical = normalize(code) or code
        return [hasher.digest("recovery-code", f"{user_id}:{canonical}") for hasher in self._hashers]
