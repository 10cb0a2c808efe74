"""Access-token settings: opaque or JWT, the signing keys, and the JWT that /auth/check may forward."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from app.config.base import ConfigError, setting
from app.config.core import CoreSettings
from app.config.parsers import boolean, choice, integer, text
from app.config.signing_keys import signing_keys

_HEADER_NAME = re.compile(r"^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,64}$")
# Headers /auth/check answers with already, or that a proxy must not take from it.
_TAKEN_HEADERS = {"x-user-id", "x-request-id", "content-type", "content-length", "cache-control", "set-cookie"}


def header_name(env: Mapping[str, str], name: str, default: str) -> str:
    value = text(env, name, default)
    if not _HEADER_NAME.match(value) or value.lower() in _TAKEN_HEADERS:
        raise ConfigError(f"{name} must be an HTTP header name of its own (e.g. X-Jwt-Assertion), got {value!r}")
    return value


@dataclass(frozen=True)
class TokenSettings(CoreSettings):
    # What /validate-otp and /token/refresh hand out as access tokens; both kinds are accepted either way.
    ACCESS_TOKEN_FORMAT: str = setting("opaque", choice("opaque", "jwt"))
    # PEM blocks or JWKs (Ed25519 or P-256): the first signs, all are published and verify (docs/deploy.md).
    JWT_SIGNING_KEYS: tuple[str, ...] = setting((), signing_keys)
    JWT_ISSUER: str = setting("otp-auth", text)
    JWT_AUDIENCE: str = setting("otp-auth", text)
    # How long verifiers may cache /.well-known/jwks.json; the rotation procedure waits this long.
    JWKS_MAX_AGE_SECONDS: int = setting(300, integer(minimum=0, maximum=86400))
    AUTH_CHECK_FORWARD_JWT: bool = setting(False, boolean)
    AUTH_CHECK_JWT_HEADER: str = setting("X-Jwt-Assertion", header_name)
    AUTH_CHECK_JWT_TTL_SECONDS: int = setting(60, integer(maximum=3600))

    @property
    def issues_jwts(self) -> bool:
        return self.ACCESS_TOKEN_FORMAT == "jwt"  # noqa: S105 - a format's name, not a password

    @property
    def signs_jwts(self) -> bool:
        return self.issues_jwts or self.AUTH_CHECK_FORWARD_JWT

    def validate(self) -> None:
        super().validate()
        if self.is_production and self.signs_jwts and not self.JWT_SIGNING_KEYS:
            raise ConfigError("JWT_SIGNING_KEYS is required when APP_ENV=production and ACCESS_TOKEN_FORMAT=jwt "
                              "or AUTH_CHECK_FORWARD_JWT=true")
        if not self.JWT_ISSUER or not self.JWT_AUDIENCE:
            raise ConfigError("JWT_ISSUER and JWT_AUDIENCE must not be empty")
