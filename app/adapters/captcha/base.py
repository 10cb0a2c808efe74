"""What a CAPTCHA provider's server-side check is, and the siteverify request both providers share.

Both Cloudflare Turnstile and hCaptcha take a form-encoded POST (`secret`, `response`, `remoteip`,
...) and answer JSON with `success` and `error-codes`. A provider that does not answer within the
timeout, answers other than 200 or sends no such JSON is unavailable: the caller decides whether
that lets the request through (CAPTCHA_FAIL_OPEN).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

import requests


class CaptchaUnavailable(Exception):
    """The provider could not be asked; the message says why (no secret, no token in it)."""


@dataclass(frozen=True)
class CaptchaVerdict:
    success: bool
    error_codes: tuple[str, ...] = ()


class CaptchaVerifier(Protocol):
    name: str
    site_key: str

    def verify(self, token: str, remote_ip: str) -> CaptchaVerdict:
        """The provider's verdict on `token`; raises CaptchaUnavailable when it gives none."""


def siteverify(url: str, form: dict[str, str], timeout: float) -> CaptchaVerdict:
    """POSTs `form` (application/x-www-form-urlencoded) to a siteverify endpoint; connecting and reading
    are each bounded by `timeout`. Redirects are not followed: the secret goes to this URL only."""
    try:
        response = requests.post(url, data=form, timeout=timeout, allow_redirects=False,
                                 headers={"User-Agent": "otp-auth", "Accept": "application/json"})
    except requests.RequestException as error:
        # The exception's text can carry the URL and the form: its type only.
        raise CaptchaUnavailable(type(error).__name__) from None
    if response.status_code != 200:
        raise CaptchaUnavailable(f"HTTP {response.status_code}")
    try:
        body: Any = response.json()
    except ValueError:
        raise CaptchaUnavailable("the answer is not JSON") from None
    if not isinstance(body, dict) or not isinstance(body.get("success"), bool):
        raise CaptchaUnavailable("the answer has no success flag")
    codes = body.get("error-codes") or []
    return CaptchaVerdict(body["success"], tuple(str(code) for code in codes) if isinstance(codes, list) else ())


class SiteverifyVerifier:
    """One provider's siteverify: the form both take, plus what `provider_fields` adds for its own."""

    name = ""

    def __init__(self, secret: str, site_key: str, timeout: float, url: str) -> None:
        self._secret = secret
        self.site_key = site_key
        self._timeout = timeout
        self._url = url

    def provider_fields(self) -> dict[str, str]:
        return {}

    def verify(self, token: str, remote_ip: str) -> CaptchaVerdict:
        form = {"secret": self._secret, "response": token, **self.provider_fields()}
        if remote_ip:
            form["remoteip"] = remote_ip
        return siteverify(self._url, form, self._timeout)
