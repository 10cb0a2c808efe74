"""The limits every SMS code send and check runs under, from the settings (send-otp, validate-otp
and the account-recovery requests share them)."""

from __future__ import annotations

from limits import parse as parse_limit

from app.config import Settings
from app.stores.otp import OtpLimits
from app.wiring.sms_guard import guard_config


def otp_limits(settings: Settings) -> OtpLimits:
    send_cap = parse_limit(settings.SEND_OTP_RATE_LIMIT_PER_IP)
    return OtpLimits(
        max_attempts=settings.OTP_MAX_ATTEMPTS,
        account_max_failures=settings.OTP_ACCOUNT_MAX_FAILURES,
        account_window=settings.OTP_ACCOUNT_FAILURE_WINDOW_SECONDS,
        resend_cooldown=settings.OTP_RESEND_COOLDOWN_SECONDS,
        max_sends_per_login=settings.OTP_MAX_SENDS_PER_LOGIN,
        max_sends_per_phone_per_hour=settings.OTP_MAX_SENDS_PER_PHONE_PER_HOUR,
        sms_max_per_hour=settings.SMS_MAX_PER_HOUR,
        # Checked inside the send's own script: no extra round trip, and a failed send gives it back.
        sends_per_ip=send_cap.amount,
        sends_per_ip_window=send_cap.get_expiry(),
        guard=guard_config(settings),
    )
