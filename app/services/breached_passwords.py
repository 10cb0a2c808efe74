"""Optional breached-password check against Have I Been Pwned's Pwned Passwords.

k-anonymity range API: only the first 5 hex characters of the password's SHA-1
leave the process; the service answers every suffix it knows under that prefix
and the match is made here. `Add-Padding` makes every answer about the same size,
so an observer of the TLS stream cannot tell the prefix from the length.

The check fails open: when the API is slow or down, signup goes ahead with the
other checks and a log line says so. Neither the password nor its hash is logged.
"""

from __future__ import annotations

import hashlib
import logging

import requests

log = logging.getLogger(__name__)

PREFIX_LENGTH = 5


class BreachedPasswords:
    def __init__(self, api_url: str, timeout_seconds: float) -> None:
        self._url = api_url if api_url.endswith("/") else api_url + "/"
        self._timeout = timeout_seconds

    def is_breached(self, password: str) -> bool | None:
        """True when the corpus holds the password, False when not, None when it could not be asked."""
        # SHA-1 is what the API indexes by; it protects nothing here, hence usedforsecurity=False.
        digest = hashlib.sha1(password.encode("utf-8"), usedforsecurity=False).hexdigest().upper()
        prefix, suffix = digest[:PREFIX_LENGTH], digest[PREFIX_LENGTH:]
        try:
            response = requests.get(
                self._url + prefix,
                headers={"Add-Padding": "true", "User-Agent": "otp-auth"},
                timeout=self._timeout,
                allow_redirects=False,
            )
        except requests.RequestException as error:
            # The exception text would carry the URL (and so the prefix): log its type only.
            _unavailable(type(error).__name__)
            return None
        if response.status_code != 200:
            _unavailable(f"HTTP {response.status_code}")
            return None
        return _holds(response.text, suffix)


def _unavailable(reason: str) -> None:
    log.warning("password breach check unavailable; password accepted on the other checks", extra={"reason": reason})


def _holds(body: str, suffix: str) -> bool:
    """Padding lines carry a count of 0 and are not breaches."""
    for line in body.splitlines():
        candidate, _, count = line.partition(":")
        if candidate.strip().upper() == suffix:
            return count.strip() not in ("", "0")
    return False
