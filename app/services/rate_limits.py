"""Every rule that can refuse a request with `429 rate_limited`, by the name operators see.

The names are the `rule` label of `otp_auth_rate_limited_total`: the metric gets a zero
series for each at start-up, the services report refusals under them, and
docs/operations.md lists each with the settings that tune it (a test compares the two).
The hourly SMS budget is not among them: it answers `503 sms_unavailable` and has
counters of its own (app/observability/sms_budget.py).
"""

from __future__ import annotations

from enum import StrEnum


class RateLimitRule(StrEnum):
    LOGIN_PER_IP = "login_per_ip"
    SIGNUP_PER_IP = "signup_per_ip"
    SEND_OTP_PER_IP = "send_otp_per_ip"
    LOGIN_ACCOUNT_FAILURES = "login_account_failures"
    OTP_RESEND_COOLDOWN = "otp_resend_cooldown"
    OTP_SENDS_PER_LOGIN = "otp_sends_per_login"
    OTP_SENDS_PER_PHONE = "otp_sends_per_phone"
    OTP_ACCOUNT_FAILURES = "otp_account_failures"
    RECOVERY_PER_ACCOUNT = "recovery_per_account"
    RECOVERY_PER_IP = "recovery_per_ip"
    EMAIL_CODE_COOLDOWN = "email_code_cooldown"
    EMAIL_CODES_PER_HOUR = "email_codes_per_hour"
