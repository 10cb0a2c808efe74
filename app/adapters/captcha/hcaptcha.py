"""hCaptcha's server-side verification.

https://docs.hcaptcha.com/#verify-the-user-response-server-side : POST `secret`, `response` (the
widget's token), `remoteip` and `sitekey` (so a token solved for another site is refused,
`sitekey-secret-mismatch`) to api.hcaptcha.com/siteverify.
"""

from __future__ import annotations

from app.adapters.captcha.base import CaptchaVerdict, siteverify
from app.config.sms_guard import CAPTCHA_VERIFY_URLS

SITEVERIFY_URL = CAPTCHA_VERIFY_URLS["hcaptcha"]


class HCaptchaVerifier:
    name = "hcaptcha"

    def __init__(self, secret: str, site_key: str, timeout: float, url: str = SITEVERIFY_URL) -> None:
        self._secret = secret
        self.site_key = site_key
        self._timeout = timeout
        self._url = url

    def verify(self, token: str, remote_ip: str) -> CaptchaVerdict:
        form = {"secret": self._secret, "response": token, "sitekey": self.site_key}
        if remote_ip:
            form["remoteip"] = remote_ip
        return siteverify(self._url, form, self._timeout)
