"""The CAPTCHA verifier CAPTCHA_PROVIDER names, or None when the step is off."""

from __future__ import annotations

from app.adapters.captcha.base import CaptchaVerifier
from app.adapters.captcha.hcaptcha import HCaptchaVerifier
from app.adapters.captcha.turnstile import TurnstileVerifier
from app.config import Settings


def build_captcha_verifier(settings: Settings) -> CaptchaVerifier | None:
    provider, url = settings.CAPTCHA_PROVIDER, settings.captcha_verify_url
    args = (settings.CAPTCHA_SECRET, settings.CAPTCHA_SITE_KEY, settings.CAPTCHA_TIMEOUT_SECONDS, url)
    if provider == "turnstile":
        return TurnstileVerifier(*args)
    if provider == "hcaptcha":
        return HCaptchaVerifier(*args)
    return None
