"""Password policy (NIST SP 800-63B style) and Argon2id hashing."""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from app.services.breached_passwords import BreachedPasswords


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    text = resources.files("app.data").joinpath("common-passwords.txt").read_text(encoding="utf-8")
    return frozenset(line.strip().lower() for line in text.splitlines() if line.strip())


class PasswordPolicy:
    """Length limits, a common-password list, not the email. No composition rules."""

    def __init__(self, min_length: int = 8, max_length: int = 128, breaches: BreachedPasswords | None = None) -> None:
        self.min_length = min_length
        self.max_length = max_length
        self._breaches = breaches

    def problems(self, password: str, email: str | None = None) -> list[str]:
        """Reasons a person can act on; empty when the password is acceptable."""
        # Length counts Unicode code points, as NIST asks; nothing is truncated.
        length = len(password)
        if length < self.min_length:
            return [f"Use at least {self.min_length} characters (this one has {length})."]
        if length > self.max_length:
            return [f"Use at most {self.max_length} characters (this one has {length})."]
        folded = password.casefold()
        # Surrounding spaces do not make the email address a different password.
        if email and folded.strip() == email.strip().casefold():
            return ["Do not use your email address as your password."]
        if folded in common_passwords() or password.lower() in common_passwords():
            return ["This password is one of the most commonly used and easy to guess; choose another."]
        # Last, so a password the local checks already refuse never leaves the process.
        if self._breaches is not None and self._breaches.is_breached(password):
            return [
                "This password has appeared in a data breach (haveibeenpwned.com), so attackers try it early; "
                "choose another."
            ]
        return []


class Passwords:
    """Argon2id hashing with a constant-cost path for unknown accounts."""

    def __init__(self, time_cost: int = 0, memory_cost_kib: int = 0, parallelism: int = 0) -> None:
        defaults = PasswordHasher()
        self._hasher = PasswordHasher(
            time_cost=time_cost or defaults.time_cost,
            memory_cost=memory_cost_kib or defaults.memory_cost,
            parallelism=parallelism or defaults.parallelism,
        )
        # Verified against when the email is unknown, so both failures cost one Argon2 verify.
        self._dummy_hash = self._hasher.hash("dummy password for unknown accounts")

    def hash(self, password: str) -> str:
        return self._hasher.hash(password)

    def verify(self, password_hash: str | None, password: str) -> bool:
        try:
            return self._hasher.verify(password_hash or self._dummy_hash, password) and password_hash is not None
        except (VerificationError, InvalidHashError):
            return False

    def needs_rehash(self, password_hash: str) -> bool:
        return self._hasher.check_needs_rehash(password_hash)
