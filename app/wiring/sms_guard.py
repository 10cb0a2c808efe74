"""The SMS-pumping guard's settings as the send and verify scripts take them, and the CAPTCHA step."""

from __future__ import annotations

from app.adapters.captcha.factory import build_captcha_verifier
from app.config import Settings
from app.http.request_scope import FlaskRequestScope
from app.observability.metrics import Metrics
from app.services.captcha import CaptchaCheck
from app.stores.sms_guard import GuardConfig


def guard_config(settings: Settings) -> GuardConfig:
    # Test numbers are left alone by the scripts themselves (their login records no prefix).
    return GuardConfig(mode=settings.SMS_GUARD_MODE, min_sends=settings.SMS_GUARD_MIN_SENDS,
                       min_conversion=settings.SMS_GUARD_MIN_CONVERSION, window=settings.SMS_GUARD_WINDOW_SECONDS,
                       block=settings.SMS_GUARD_BLOCK_SECONDS,
                       max_countries_per_ip=settings.SMS_GUARD_MAX_COUNTRIES_PER_IP,
                       allowed=settings.SMS_GUARD_ALLOWED_PREFIXES)


def build_captcha(settings: Settings, metrics: Metrics) -> CaptchaCheck:
    verifier = build_captcha_verifier(settings)
    if verifier is not None:
        metrics.sms_guard.zero(verifier.name)
    scope = FlaskRequestScope()
    return CaptchaCheck(verifier=verifier, fail_open=settings.CAPTCHA_FAIL_OPEN,
                        client_ip=lambda: scope.client()[0] or "", metrics=metrics.sms_guard)
