"""Auth-event settings: the Redis Stream, its drain to `auth_events` and the signed webhooks (docs/operations.md)."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

from app.config.base import ConfigError, setting
from app.config.core import CoreSettings
from app.config.parsers import boolean, integer, seconds, text

WEBHOOK_SECRET_PREFIX = "whsec_"  # noqa: S105 - the format, not a secret
# The Standard Webhooks specification asks for secrets of 24 to 64 random bytes.
WEBHOOK_SECRET_BYTES = (24, 64)


def optional_boolean(env: Mapping[str, str], name: str, default: bool | None) -> bool | None:
    """true/false, or None (unset: the group decides from other settings)."""
    if not env.get(name, "").strip():
        return default
    return boolean(env, name, False)


def webhook_secret_bytes(secret: str) -> bytes:
    """The key of a `whsec_<base64>` secret; ValueError when it is not one."""
    if not secret.startswith(WEBHOOK_SECRET_PREFIX):
        raise ValueError("it must start with whsec_")
    try:
        key = base64.b64decode(secret[len(WEBHOOK_SECRET_PREFIX):], validate=True)
    except (binascii.Error, ValueError):
        raise ValueError("the part after whsec_ must be base64") from None
    low, high = WEBHOOK_SECRET_BYTES
    if not low <= len(key) <= high:
        raise ValueError(f"it must hold {low} to {high} random bytes (it holds {len(key)})")
    return key


@dataclass(frozen=True)
class EventSettings(CoreSettings):
    # Far above any backlog the alerts allow (docs/operations.md): trimming only ever drops drained entries.
    EVENTS_STREAM_MAXLEN: int = setting(1_000_000, integer(minimum=10_000))
    EVENTS_BATCH_SIZE: int = setting(200, integer(minimum=1, maximum=1000))
    # A worker that died leaves its entries pending; another takes them after this long.
    EVENTS_CLAIM_IDLE_SECONDS: int = setting(60, integer(minimum=1))
    # Unset: true in development (`make run` needs no worker), false otherwise.
    EVENTS_DRAIN_IN_PROCESS: bool | None = setting(None, optional_boolean)
    # `flask events drain` answers /healthz and /metrics here; 0: no port.
    EVENTS_WORKER_PORT: int = setting(9102, integer(minimum=0, maximum=65535))
    EVENT_WEBHOOK_URL: str = setting("", text)
    EVENT_WEBHOOK_SECRET: str = setting("", text)
    EVENT_WEBHOOK_MAX_AGE_SECONDS: int = setting(86_400, integer(minimum=60))
    EVENT_WEBHOOK_TIMEOUT_SECONDS: float = setting(5.0, seconds)

    @property
    def drain_in_process(self) -> bool:
        if self.EVENTS_DRAIN_IN_PROCESS is not None:
            return self.EVENTS_DRAIN_IN_PROCESS
        return self.APP_ENV == "development"

    def validate(self) -> None:
        super().validate()
        url = self.EVENT_WEBHOOK_URL
        if not url:
            return
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ConfigError("EVENT_WEBHOOK_URL must be an http:// or https:// URL")
        if self.is_production and parts.scheme != "https":
            raise ConfigError("EVENT_WEBHOOK_URL must use https:// when APP_ENV=production (events carry IPs)")
        try:
            webhook_secret_bytes(self.EVENT_WEBHOOK_SECRET)
        except ValueError as error:
            raise ConfigError(f"EVENT_WEBHOOK_SECRET is required with EVENT_WEBHOOK_URL and {error} "
                              "(e.g. whsec_ followed by the base64 of 32 random bytes)") from None
