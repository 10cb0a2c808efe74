"""Start-up checks of the SMS settings (providers, failover, routes, texts); see docs/sms.md.

Called from Settings.validate(); kept apart so app/config.py stays a plain list of settings.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from app.config import ConfigError

if TYPE_CHECKING:
    from app.config import Settings

_HOSTNAME = re.compile(r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$")
_APP_HASH = re.compile(r"^[A-Za-z0-9+/]{11}$")
# AWS: 1-11 letters and digits, at least one letter.
_SENDER_ID = re.compile(r"^(?=.*[A-Za-z])[A-Za-z0-9]{1,11}$")
_E164 = re.compile(r"^\+[1-9]\d{6,14}$")
MIN_WEBHOOK_SECRET = 32


def validate_sms(settings: Settings) -> None:
    backends = settings.sms_backends
    for prefix, backend in settings.SMS_ROUTES:
        if backend not in backends:
            raise ConfigError(f"SMS_ROUTES sends {prefix} to {backend!r}, which is not in SMS_BACKENDS")
    if "sns" in backends:
        _check_sns(settings)
    if "webhook" in backends:
        _check_webhook(settings)
    if settings.SMS_WEBOTP_DOMAIN and not _HOSTNAME.match(settings.SMS_WEBOTP_DOMAIN):
        raise ConfigError("SMS_WEBOTP_DOMAIN must be a bare host name such as app.example.com (no scheme or path)")
    if settings.SMS_ANDROID_APP_HASH and not _APP_HASH.match(settings.SMS_ANDROID_APP_HASH):
        raise ConfigError("SMS_ANDROID_APP_HASH must be the 11-character app hash of Google's SMS Retriever API")
    _check_texts(settings)


def _check_sns(settings: Settings) -> None:
    if not settings.SNS_REGION:
        raise ConfigError("SNS_REGION (or AWS_REGION) is required when SMS_BACKENDS includes sns")
    if settings.SNS_ENDPOINT_URL and not _is_http_url(settings.SNS_ENDPOINT_URL):
        raise ConfigError("SNS_ENDPOINT_URL must be an http:// or https:// URL")
    if settings.SNS_SENDER_ID and not _SENDER_ID.match(settings.SNS_SENDER_ID):
        raise ConfigError("SNS_SENDER_ID must be 1-11 letters and digits with at least one letter")
    if settings.SNS_ORIGINATION_NUMBER and not _E164.match(settings.SNS_ORIGINATION_NUMBER):
        raise ConfigError("SNS_ORIGINATION_NUMBER must be an E.164 number such as +14155550100")


def _check_webhook(settings: Settings) -> None:
    url = settings.SMS_WEBHOOK_URL
    if not url or not _is_http_url(url):
        raise ConfigError("SMS_WEBHOOK_URL must be an http:// or https:// URL when SMS_BACKENDS includes webhook")
    if settings.is_production and not url.startswith("https://"):
        raise ConfigError("SMS_WEBHOOK_URL must use https:// when APP_ENV=production (the body carries the code)")
    if len(settings.SMS_WEBHOOK_SECRET) < MIN_WEBHOOK_SECRET:
        raise ConfigError(f"SMS_WEBHOOK_SECRET must be at least {MIN_WEBHOOK_SECRET} characters when using webhook")


def _check_texts(settings: Settings) -> None:
    from app.services.sms_text_catalog import TemplateError, load_catalog, lookup

    try:
        catalog = load_catalog(settings.SMS_TEMPLATES_DIR)
    except TemplateError as error:
        raise ConfigError(f"SMS_TEMPLATES_DIR: {error}") from None
    if lookup(catalog, settings.SMS_DEFAULT_LOCALE) is None:
        raise ConfigError(
            f"SMS_DEFAULT_LOCALE {settings.SMS_DEFAULT_LOCALE!r} has no template; have: {', '.join(sorted(catalog))}"
        )


def _is_http_url(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in ("http", "https") and bool(parts.netloc)
