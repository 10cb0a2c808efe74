"""The two shapes of an access token (ACCESS_TOKEN_FORMAT) and how a presented one finds its record.

Either way the token's record lives in Redis, so logout, an ended session or a
password reset stop the token at once on every endpoint of this service. An
opaque token is filed under itself; a JWT under its `jti`, once its signature,
issuer, audience and expiry have checked out locally (a forged or altered
token costs no Redis call). Both shapes are accepted whatever the format, so
switching formats logs nobody out.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable

from app.services.jwt_codec import AccessClaims, JwtCodec
from app.services.ports import AccessRef, Jti, TokenRecord


def new_token() -> str:
    """An opaque token: 256 bits from the OS CSPRNG, URL-safe (so never three dot-separated parts)."""
    return secrets.token_urlsafe(32)


def new_jti() -> str:
    """A JWT's id: 128 bits from the OS CSPRNG."""
    return secrets.token_urlsafe(16)


class AccessTokens:
    def __init__(self, *, codec: JwtCodec | None, issue_jwt: bool, forward_ttl: int,
                 now: Callable[[], float]) -> None:
        if issue_jwt and codec is None:
            raise ValueError("JWT access tokens need signing keys")
        self._codec = codec
        self._issue_jwt = issue_jwt
        self._forward_ttl = forward_ttl
        self._now = now

    def new_ref(self) -> AccessRef:
        """What the next access token's record is filed under, chosen before the atomic step that stores it."""
        return Jti(new_jti()) if self._issue_jwt else new_token()

    def token_for(self, ref: AccessRef, user_id: str, session_id: str, amr: tuple[str, ...], issued_at: float,
                  expires_at: float) -> str:
        """The token its holder gets: the opaque token itself, or a JWT signed now that the session exists."""
        if isinstance(ref, str):
            return ref
        return self._jwt(user_id, session_id, ref.value, amr, issued_at, expires_at)

    def ref_of(self, presented: str) -> tuple[AccessRef, str | None] | None:
        """(where its record is filed, the user the token names if it is a JWT), or None for a JWT
        that did not check out."""
        if self._codec is None or presented.count(".") != 2:
            return presented, None
        claims = self._codec.verify(presented, self._now())
        if claims is None:
            return None
        return Jti(claims.token_id), claims.user_id

    def forwarded(self, record: TokenRecord, amr: tuple[str, ...]) -> str:
        """A short-lived JWT of a live session, for /auth/check to hand the service behind the ingress.
        It has no record of its own, so this service refuses it as a bearer token."""
        now = self._now()
        return self._jwt(record.user_id, record.session_id, new_jti(), amr, now,
                         min(now + self._forward_ttl, record.expires_at))

    def jwks(self) -> dict[str, list[dict[str, object]]]:
        return self._codec.jwks() if self._codec else {"keys": []}

    def _jwt(self, user_id: str, session_id: str, jti: str, amr: tuple[str, ...], issued_at: float,
             expires_at: float) -> str:
        if self._codec is None:
            raise ValueError("signing a JWT needs JWT_SIGNING_KEYS")
        return self._codec.sign(AccessClaims(user_id, session_id, jti, int(issued_at), int(expires_at), amr))
