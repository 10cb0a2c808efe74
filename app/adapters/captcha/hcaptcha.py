"""hCaptcha's server-side verification.

https://docs.hcaptcha.com/#verify-the-user-response-server-side : POST `secret`, `response` (the
widget's token), `remoteip` and `sitekey` (so a token solved for another site is refused,
`sitekey-secret-mismatch`) to api.hcaptcha.com/siteverify.
"""

from __future__ import annotations

from app.adapters.captcha.base import SiteverifyVerifier
from app.config.sms_guard import CAPTCHA_VERIFY_URLS

SITEVERIFY_URL = CAPTCHA_VERIFY_URLS["hcaptcha"]


class HCaptchaVerifier(SiteverifyVerifier):
    name = "hcaptcha"

    def __init__(self, secret: str, site_key: str, timeout: float, url: str = SITEVERIFY_URL) -> None:
        super().__init__(secret, site_key, timeout, url)

    def provider_fields(self) -> dict[str, str]:
        return {"sitekey": self.site_key}
