"""Access tokens as the settings choose them: opaque, or JWTs signed with the configured keys."""

from __future__ import annotations

from app.config import Settings
from app.services.access_tokens import AccessTokens
from app.services.clock import Clock
from app.services.jwt_codec import JwtCodec


def build_access_tokens(settings: Settings, clock: Clock) -> AccessTokens:
    codec = (JwtCodec(settings.JWT_SIGNING_KEYS, settings.JWT_ISSUER, settings.JWT_AUDIENCE)
             if settings.JWT_SIGNING_KEYS else None)
    return AccessTokens(codec=codec, issue_jwt=settings.issues_jwts,
                        forward_ttl=settings.AUTH_CHECK_JWT_TTL_SECONDS, now=clock.now)
