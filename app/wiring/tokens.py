"""Tokens as the settings choose them: opaque access tokens, or JWTs signed with the configured keys."""

from __future__ import annotations

import redis

from app.config import Settings
from app.services.access_tokens import AccessTokens
from app.services.clock import Clock
from app.services.events import Recorder
from app.services.jwt_codec import JwtCodec
from app.services.tokens import TokenService, TokenTtls
from app.stores.event_stream import RedisEventStream
from app.stores.keys import Keys
from app.stores.scripts import Scripts
from app.stores.tokens import RedisTokenStore


def build_tokens(settings: Settings, *, client: redis.Redis, keys: Keys, old_keys: tuple[Keys, ...],
                 scripts: Scripts, stream: RedisEventStream, clock: Clock, events: Recorder) -> TokenService:
    return TokenService(
        store=RedisTokenStore(client=client, keys=keys, scripts=scripts, stream=stream, fallbacks=old_keys),
        clock=clock,
        ttls=TokenTtls(settings.PRE_OTP_TOKEN_TTL_SECONDS, settings.ACCESS_TOKEN_TTL_SECONDS,
                       settings.REFRESH_TOKEN_TTL_SECONDS, settings.REFRESH_REUSE_GRACE_SECONDS),
        events=events,
        access=build_access_tokens(settings, clock),
        forward_jwt=settings.AUTH_CHECK_FORWARD_JWT,
    )


def build_access_tokens(settings: Settings, clock: Clock) -> AccessTokens:
    codec = (JwtCodec(settings.JWT_SIGNING_KEYS, settings.JWT_ISSUER, settings.JWT_AUDIENCE)
             if settings.JWT_SIGNING_KEYS else None)
    return AccessTokens(codec=codec, issue_jwt=settings.issues_jwts,
                        forward_ttl=settings.AUTH_CHECK_JWT_TTL_SECONDS, now=clock.now)
