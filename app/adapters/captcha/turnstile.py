"""Cloudflare Turnstile's server-side validation.

https://developers.cloudflare.com/turnstile/get-started/server-side-validation/ : POST
`secret`, `response` (the widget's token), `remoteip` and an `idempotency_key` (a UUID that makes a
retried request safe) to /turnstile/v0/siteverify.
"""

from __future__ import annotations

import uuid

from app.adapters.captcha.base import SiteverifyVerifier
from app.config.sms_guard import CAPTCHA_VERIFY_URLS

SITEVERIFY_URL = CAPTCHA_VERIFY_URLS["turnstile"]


class TurnstileVerifier(SiteverifyVerifier):
    name = "turnstile"

    def __init__(self, secret: str, site_key: str, timeout: float, url: str = SITEVERIFY_URL) -> None:
        super().__init__(secret, site_key, timeout, url)

    def provider_fields(self) -> dict[str, str]:
        return {"idempotency_key": str(uuid.uuid4())}
