"""SMS settings: providers and their failover, routes, texts, phone policy; see docs/sms.md."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

from app.config.base import ConfigError, setting
from app.config.core import CoreSettings
from app.config.parsers import choice, csv, first_of, integer, lower_text, region, regions, seconds, text
from app.config.sms_templates import TemplateError, load_catalog, lookup

BACKENDS = ("console", "file", "twilio", "sns", "webhook")
MIN_WEBHOOK_SECRET = 32
_HOSTNAME = re.compile(r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$")
_APP_HASH = re.compile(r"^[A-Za-z0-9+/]{11}$")
# AWS: 1-11 letters and digits, at least one letter.
_SENDER_ID = re.compile(r"^(?=.*[A-Za-z])[A-Za-z0-9]{1,11}$")
_E164 = re.compile(r"^\+[1-9]\d{6,14}$")


def backend_list(env: Mapping[str, str], name: str, default: tuple[str, ...]) -> tuple[str, ...]:
    names = tuple(item.lower() for item in csv(env, name, default))
    unknown = [item for item in names if item not in BACKENDS]
    if unknown:
        raise ConfigError(f"{name} names unknown backends {', '.join(unknown)}; use {', '.join(BACKENDS)}")
    if len(set(names)) != len(names):
        raise ConfigError(f"{name} lists a backend twice")
    return names


def routes(env: Mapping[str, str], name: str, default: tuple[tuple[str, str], ...]) -> tuple[tuple[str, str], ...]:
    """`+91=sns,+1=twilio` → (("+91", "sns"), ("+1", "twilio"))."""
    found: list[tuple[str, str]] = []
    for item in csv(env, name, ()):
        prefix, sep, backend = (part.strip() for part in item.partition("="))
        if not sep or not re.fullmatch(r"\+[1-9]\d{0,14}", prefix) or not backend:
            raise ConfigError(f"{name} entries must look like +91=sns, got {item!r}")
        found.append((prefix, backend.lower()))
    if len({prefix for prefix, _ in found}) != len(found):
        raise ConfigError(f"{name} lists a prefix twice")
    return tuple(found) or default


@dataclass(frozen=True)
class SmsSettings(CoreSettings):
    SMS_BACKEND: str = setting("console", choice(*BACKENDS))
    SMS_BACKENDS: tuple[str, ...] = setting((), backend_list)  # failover order; empty: just SMS_BACKEND
    SMS_ROUTES: tuple[tuple[str, str], ...] = setting((), routes)
    SMS_OUTBOX_FILE: str = setting("", text)
    SMS_TIMEOUT_SECONDS: float = setting(5.0, seconds)
    SMS_TOTAL_TIMEOUT_SECONDS: float = setting(10.0, seconds)
    SMS_BREAKER_FAILURE_THRESHOLD: int = setting(5, integer())
    SMS_BREAKER_WINDOW_SECONDS: int = setting(60, integer())
    SMS_BREAKER_COOLDOWN_SECONDS: int = setting(30, integer())
    SMS_SENDER_NAME: str = setting("otp-auth", text)
    SMS_DEFAULT_LOCALE: str = setting("en", text)
    SMS_TEMPLATES_DIR: str = setting("", text)
    SMS_WEBOTP_DOMAIN: str = setting("", lower_text)
    SMS_ANDROID_APP_HASH: str = setting("", text)
    SMS_MAX_PER_HOUR: int = setting(1000, integer(minimum=0))  # every SMS of the service per clock hour; 0 = unlimited
    DEFAULT_PHONE_REGION: str = setting("", region)
    SMS_ALLOWED_COUNTRIES: frozenset[str] = setting(frozenset(), regions)
    TWILIO_ACCOUNT_SID: str = setting("", text)
    TWILIO_AUTH_TOKEN: str = setting("", text)
    TWILIO_FROM_NUMBER: str = setting("", text)
    TWILIO_MESSAGING_SERVICE_SID: str = setting("", text)
    TWILIO_API_BASE_URL: str = setting("https://api.twilio.com", text)
    # boto3's own region variables count too, as they would for any AWS client.
    SNS_REGION: str = setting("", first_of("AWS_REGION", "AWS_DEFAULT_REGION"))
    SNS_ENDPOINT_URL: str = setting("", text)
    SNS_SENDER_ID: str = setting("", text)
    SNS_SMS_TYPE: str = setting("Transactional", choice("transactional", "promotional", shown=str.title))
    SNS_ORIGINATION_NUMBER: str = setting("", text)
    SMS_WEBHOOK_URL: str = setting("", text)
    SMS_WEBHOOK_SECRET: str = setting("", text)

    @property
    def sms_backends(self) -> tuple[str, ...]:
        """The providers in failover order: SMS_BACKENDS, or SMS_BACKEND alone."""
        return self.SMS_BACKENDS or (self.SMS_BACKEND,)

    def validate(self) -> None:
        super().validate()
        backends = self.sms_backends
        if self.is_production and "console" in backends:
            raise ConfigError(
                "SMS_BACKEND=console prints codes to the log; choose file, twilio, sns or webhook "
                "when APP_ENV=production"
            )
        if "file" in backends and not self.SMS_OUTBOX_FILE:
            raise ConfigError("SMS_OUTBOX_FILE is required when SMS_BACKEND=file")
        if "twilio" in backends:
            self._check_twilio()
        for prefix, backend in self.SMS_ROUTES:
            if backend not in backends:
                raise ConfigError(f"SMS_ROUTES sends {prefix} to {backend!r}, which is not in SMS_BACKENDS")
        if "sns" in backends:
            self._check_sns()
        if "webhook" in backends:
            self._check_webhook()
        if self.SMS_WEBOTP_DOMAIN and not _HOSTNAME.match(self.SMS_WEBOTP_DOMAIN):
            raise ConfigError("SMS_WEBOTP_DOMAIN must be a bare host name such as app.example.com (no scheme or path)")
        if self.SMS_ANDROID_APP_HASH and not _APP_HASH.match(self.SMS_ANDROID_APP_HASH):
            raise ConfigError("SMS_ANDROID_APP_HASH must be the 11-character app hash of Google's SMS Retriever API")
        self._check_texts()

    def _check_twilio(self) -> None:
        if not self.TWILIO_ACCOUNT_SID or not self.TWILIO_AUTH_TOKEN:
            raise ConfigError("TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN are required when SMS_BACKEND=twilio")
        if not (self.TWILIO_FROM_NUMBER or self.TWILIO_MESSAGING_SERVICE_SID):
            raise ConfigError("TWILIO_FROM_NUMBER or TWILIO_MESSAGING_SERVICE_SID is required when SMS_BACKEND=twilio")

    def _check_sns(self) -> None:
        if not self.SNS_REGION:
            raise ConfigError("SNS_REGION (or AWS_REGION) is required when SMS_BACKENDS includes sns")
        if self.SNS_ENDPOINT_URL and not _is_http_url(self.SNS_ENDPOINT_URL):
            raise ConfigError("SNS_ENDPOINT_URL must be an http:// or https:// URL")
        if self.SNS_SENDER_ID and not _SENDER_ID.match(self.SNS_SENDER_ID):
            raise ConfigError("SNS_SENDER_ID must be 1-11 letters and digits with at least one letter")
        if self.SNS_ORIGINATION_NUMBER and not _E164.match(self.SNS_ORIGINATION_NUMBER):
            raise ConfigError("SNS_ORIGINATION_NUMBER must be an E.164 number such as +14155550100")

    def _check_webhook(self) -> None:
        url = self.SMS_WEBHOOK_URL
        if not url or not _is_http_url(url):
            raise ConfigError("SMS_WEBHOOK_URL must be an http:// or https:// URL when SMS_BACKENDS includes webhook")
        if self.is_production and not url.startswith("https://"):
            raise ConfigError("SMS_WEBHOOK_URL must use https:// when APP_ENV=production (the body carries the code)")
        if len(self.SMS_WEBHOOK_SECRET) < MIN_WEBHOOK_SECRET:
            raise ConfigError(f"SMS_WEBHOOK_SECRET must be at least {MIN_WEBHOOK_SECRET} characters when using webhook")

    def _check_texts(self) -> None:
        try:
            catalog = load_catalog(self.SMS_TEMPLATES_DIR)
        except TemplateError as error:
            raise ConfigError(f"SMS_TEMPLATES_DIR: {error}") from None
        if lookup(catalog, self.SMS_DEFAULT_LOCALE) is None:
            raise ConfigError(
                f"SMS_DEFAULT_LOCALE {self.SMS_DEFAULT_LOCALE!r} has no template; have: {', '.join(sorted(catalog))}"
            )


def _is_http_url(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in ("http", "https") and bool(parts.netloc)
