"""Secrets the service must read back (TOTP secrets), sealed at rest with AES-256-GCM.

The key is derived from SECRET_KEY with HKDF, so a database dump alone opens
nothing. Each sealed value is bound to its owner (the associated data), so a
value copied onto another account's row does not open either. After a rotation
the SECRET_KEY_FALLBACKS still open old values, and `open` says when a value
should be sealed again under the current key.
"""

from __future__ import annotations

import base64
import os
from collections.abc import Sequence

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

_VERSION = "v1"
_NONCE_BYTES = 12


class SealedSecretUnreadable(Exception):
    """No configured key opens the value (SECRET_KEY changed without its fallback, or the row was altered)."""


def _derive(secret_key: str, purpose: str) -> AESGCM:
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=f"otp-auth {purpose} {_VERSION}".encode())
    return AESGCM(key.derive(secret_key.encode()))


class SecretBox:
    def __init__(self, secret_key: str, fallbacks: Sequence[str] = (), purpose: str = "totp-secret") -> None:
        self._ciphers = [_derive(key, purpose) for key in (secret_key, *fallbacks)]

    def seal(self, plaintext: str, owner: str) -> str:
        """`v1:<base64 of nonce + ciphertext>` under the current key."""
        nonce = os.urandom(_NONCE_BYTES)
        sealed = self._ciphers[0].encrypt(nonce, plaintext.encode(), owner.encode())
        return f"{_VERSION}:{base64.urlsafe_b64encode(nonce + sealed).decode()}"

    def open(self, sealed: str, owner: str) -> tuple[str, bool]:
        """The plaintext, and True when it was sealed under a fallback key (seal it again)."""
        version, _, payload = sealed.partition(":")
        if version != _VERSION:
            raise SealedSecretUnreadable(f"unknown sealed-value version {version!r}")
        raw = base64.urlsafe_b64decode(payload)
        nonce, body = raw[:_NONCE_BYTES], raw[_NONCE_BYTES:]
        for index, cipher in enumerate(self._ciphers):
            try:
                return cipher.decrypt(nonce, body, owner.encode()).decode(), index > 0
            except InvalidTag:
                continue
        raise SealedSecretUnreadable("no configured key opens this value")
