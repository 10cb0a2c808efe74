"""Sign-in settings: one-time codes, tokens, login throttling, per-IP rates, passwords and Argon2."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from argon2.profiles import RFC_9106_LOW_MEMORY

from app.config.base import ConfigError, setting
from app.config.core import CoreSettings
from app.config.parsers import boolean, csv, integer, rate, seconds, text

_E164 = re.compile(r"\+[1-9]\d{6,14}")


def phone_codes(env: Mapping[str, str], name: str, default: dict[str, str]) -> dict[str, str]:
    """`+15555550100=123456,...` → {"+15555550100": "123456"}; the code's length is checked by validate()."""
    numbers: dict[str, str] = {}
    for item in csv(env, name, ()):
        phone, sep, code = (part.strip() for part in item.partition("="))
        if not sep or not _E164.fullmatch(phone):
            raise ConfigError(f"{name} entries must look like +15555550100=123456, got {item!r}")
        numbers[phone] = code
    return numbers or default


@dataclass(frozen=True)
class AuthSettings(CoreSettings):
    OTP_LENGTH: int = setting(6, integer(minimum=4, maximum=10))
    OTP_TTL_SECONDS: int = setting(300, integer())
    OTP_MAX_ATTEMPTS: int = setting(5, integer())
    OTP_ACCOUNT_MAX_FAILURES: int = setting(20, integer())
    OTP_ACCOUNT_FAILURE_WINDOW_SECONDS: int = setting(3600, integer())
    OTP_RESEND_COOLDOWN_SECONDS: int = setting(30, integer(minimum=0))
    OTP_MAX_SENDS_PER_LOGIN: int = setting(5, integer())
    OTP_MAX_SENDS_PER_PHONE_PER_HOUR: int = setting(10, integer())
    OTP_SEND_ON_LOGIN: bool = setting(False, boolean)
    # Numbers that get a fixed code and no SMS (app store reviewers); the codes are credentials.
    TEST_PHONE_NUMBERS: dict[str, str] = setting({}, phone_codes)
    PRE_OTP_TOKEN_TTL_SECONDS: int = setting(600, integer())
    ACCESS_TOKEN_TTL_SECONDS: int = setting(900, integer())
    REFRESH_TOKEN_TTL_SECONDS: int = setting(2592000, integer())
    LOGIN_MAX_FAILURES: int = setting(5, integer())
    LOGIN_FAILURE_WINDOW_SECONDS: int = setting(900, integer())
    LOGIN_RATE_LIMIT_PER_IP: str = setting("30/minute", rate)
    SIGNUP_RATE_LIMIT_PER_IP: str = setting("30/hour", rate)
    SEND_OTP_RATE_LIMIT_PER_IP: str = setting("20/hour", rate)

    PASSWORD_MIN_LENGTH: int = setting(8, integer())
    PASSWORD_MAX_LENGTH: int = setting(128, integer())
    # Have I Been Pwned range API (k-anonymity): off by default, fails open when unreachable.
    PASSWORD_BREACH_CHECK: bool = setting(False, boolean)
    PASSWORD_BREACH_API_URL: str = setting("https://api.pwnedpasswords.com/range/", text)  # noqa: S105 - a URL
    PASSWORD_BREACH_TIMEOUT_SECONDS: float = setting(1.5, seconds)
    # Argon2id parameters; 0 means argon2-cffi's own (RFC 9106 low-memory) default.
    ARGON2_TIME_COST: int = setting(0, integer(minimum=0))
    ARGON2_MEMORY_COST_KIB: int = setting(0, integer(minimum=0))
    ARGON2_PARALLELISM: int = setting(0, integer(minimum=0))

    def validate(self) -> None:
        super().validate()
        if self.PASSWORD_MIN_LENGTH > self.PASSWORD_MAX_LENGTH:
            raise ConfigError("PASSWORD_MIN_LENGTH must not exceed PASSWORD_MAX_LENGTH")
        if self.PASSWORD_MIN_LENGTH < 8:
            raise ConfigError("PASSWORD_MIN_LENGTH must be at least 8 (NIST SP 800-63B)")
        # Argon2 needs 8 KiB a lane; below that the first hash would crash start-up with a traceback.
        lanes = self.ARGON2_PARALLELISM or RFC_9106_LOW_MEMORY.parallelism
        memory = self.ARGON2_MEMORY_COST_KIB or RFC_9106_LOW_MEMORY.memory_cost
        if memory < 8 * lanes:
            raise ConfigError(f"ARGON2_MEMORY_COST_KIB must be at least 8 x ARGON2_PARALLELISM = {8 * lanes}, "
                              f"got {memory}")
        if self.PASSWORD_BREACH_CHECK and not re.match(r"^https?://", self.PASSWORD_BREACH_API_URL):
            raise ConfigError("PASSWORD_BREACH_API_URL must be an http:// or https:// URL")
        for phone, code in self.TEST_PHONE_NUMBERS.items():
            if not phone.startswith("+"):
                raise ConfigError(f"TEST_PHONE_NUMBERS entry {phone!r} must be in E.164 form")
            if not re.fullmatch(rf"\d{{{self.OTP_LENGTH}}}", code):
                raise ConfigError(f"TEST_PHONE_NUMBERS code for {phone} must be {self.OTP_LENGTH} digits")
