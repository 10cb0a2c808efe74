"""Cloudflare Turnstile's server-side validation.

https://developers.cloudflare.com/turnstile/get-started/server-side-validation/ : POST
`secret`, `response` (the widget's token), `remoteip` and an `idempotency_key` (a UUID that makes a
retried request safe) to /turnstile/v0/siteverify.
"""

from __future__ import annotations

import uuid

from app.adapters.captcha.base import CaptchaVerdict, siteverify
from app.config.sms_guard import CAPTCHA_VERIFY_URLS

SITEVERIFY_URL = CAPTCHA_VERIFY_URLS["turnstile"]


class TurnstileVerifier:
    name = "turnstile"

    def __init__(self, secret: str, site_key: str, timeout: float, url: str = SITEVERIFY_URL) -> None:
        self._secret = secret
        self.site_key = site_key
        self._timeout = timeout
        self._url = url

    def verify(self, token: str, remote_ip: str) -> CaptchaVerdict:
        form = {"secret": self._secret, "response": token, "idempotency_key": str(uuid.uuid4())}
        if remote_ip:
            form["remoteip"] = remote_ip
        return siteverify(self._url, form, self._timeout)
