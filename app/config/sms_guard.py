"""SMS-pumping defences that adapt: the per-prefix conversion guard and the optional CAPTCHA step.

The guard (docs/security.md, "SMS pumping"): for each destination prefix it counts codes sent and
codes verified over the last SMS_GUARD_WINDOW_SECONDS; once a prefix has had SMS_GUARD_MIN_SENDS
sends in the window and fewer than SMS_GUARD_MIN_CONVERSION of them were verified, its sends are
refused for SMS_GUARD_BLOCK_SECONDS (SMS_GUARD_MODE=block) or the decision is only recorded
(record). The CAPTCHA step asks signup, send-otp and password/forgot for a `captcha_token` that
the provider's siteverify API must accept.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

from app.config.base import ConfigError, setting
from app.config.core import CoreSettings
from app.config.parsers import boolean, choice, csv, integer, seconds, text

GUARD_MODES = ("block", "record", "off")
CAPTCHA_PROVIDERS = ("", "turnstile", "hcaptcha")
# Each provider's siteverify endpoint (CAPTCHA_VERIFY_URL overrides it: tests, self-hosted proxies).
CAPTCHA_VERIFY_URLS = {
    "turnstile": "https://challenges.cloudflare.com/turnstile/v0/siteverify",
    "hcaptcha": "https://api.hcaptcha.com/siteverify",
}
# A destination range (app/services/phone_prefix.py) has the calling code and at most this many digits more.
PREFIX_DIGITS = 3
_PREFIX_FORM = re.compile(rf"^\+[1-9]\d{{0,2}} \d{{1,{PREFIX_DIGITS}}}$")


def parse_prefix(text: str) -> str | None:
    """A destination range as an operator types it (`+44 740`: calling code, one space, digits), or None."""
    value = " ".join(text.split())
    return value if _PREFIX_FORM.match(value) else None


def fraction(env: Mapping[str, str], name: str, default: float) -> float:
    """A share between 0 and 1 (0.2 = 20 %)."""
    raw = (env.get(name) or "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a number between 0 and 1, got {raw!r}") from None
    if not 0 <= value <= 1:
        raise ConfigError(f"{name} must be between 0 and 1, got {value}")
    return value


def prefixes(env: Mapping[str, str], name: str, default: tuple[str, ...]) -> tuple[str, ...]:
    """`+44 740,+1 212` → ('+44 740', '+1 212'): prefixes as app/services/phone_prefix.py writes them."""
    found: list[str] = []
    for item in csv(env, name, default):
        prefix = parse_prefix(item)
        if prefix is None:
            raise ConfigError(f"{name} entries must look like +44 740 (calling code, a space, 1-3 digits), "
                              f"got {item!r}")
        found.append(prefix)
    return tuple(found)


@dataclass(frozen=True)
class SmsGuardSettings(CoreSettings):
    SMS_GUARD_MODE: str = setting("block", choice(*GUARD_MODES))
    SMS_GUARD_MIN_SENDS: int = setting(50, integer(minimum=1))
    SMS_GUARD_MIN_CONVERSION: float = setting(0.2, fraction)
    SMS_GUARD_WINDOW_SECONDS: int = setting(3600, integer(minimum=60, maximum=7 * 86400))
    SMS_GUARD_BLOCK_SECONDS: int = setting(3600, integer(minimum=1, maximum=7 * 86400))
    SMS_GUARD_MAX_COUNTRIES_PER_IP: int = setting(3, integer(minimum=0))  # 0: not flagged
    SMS_GUARD_ALLOWED_PREFIXES: tuple[str, ...] = setting((), prefixes)
    CAPTCHA_PROVIDER: str = setting("", choice(*CAPTCHA_PROVIDERS))  # empty: no CAPTCHA step
    CAPTCHA_SECRET: str = setting("", text)
    CAPTCHA_SITE_KEY: str = setting("", text)
    CAPTCHA_TIMEOUT_SECONDS: float = setting(3.0, seconds)
    CAPTCHA_FAIL_OPEN: bool = setting(False, boolean)
    CAPTCHA_VERIFY_URL: str = setting("", text)  # empty: the provider's own siteverify

    @property
    def captcha_verify_url(self) -> str:
        return self.CAPTCHA_VERIFY_URL or CAPTCHA_VERIFY_URLS.get(self.CAPTCHA_PROVIDER, "")

    def validate(self) -> None:
        super().validate()
        if self.CAPTCHA_PROVIDER:
            if not self.CAPTCHA_SECRET or not self.CAPTCHA_SITE_KEY:
                raise ConfigError(f"CAPTCHA_SECRET and CAPTCHA_SITE_KEY are required when "
                                  f"CAPTCHA_PROVIDER={self.CAPTCHA_PROVIDER}")
            parts = urlsplit(self.captcha_verify_url)
            if parts.scheme not in ("http", "https") or not parts.netloc:
                raise ConfigError("CAPTCHA_VERIFY_URL must be an http:// or https:// URL")
            if self.is_production and parts.scheme != "https":
                raise ConfigError("CAPTCHA_VERIFY_URL must use https:// when APP_ENV=production")
