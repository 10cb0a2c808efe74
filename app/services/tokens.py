"""Token lifecycle: pre-OTP tokens, access/refresh pairs, rotation and revocation."""

from __future__ import annotations

import logging
import secrets
import uuid
from dataclasses import dataclass

from app.problems import InvalidToken
from app.services.clock import Clock
from app.services.events import Recorder
from app.services.ports import TokenRecord, TokenStore

log = logging.getLogger(__name__)


def new_token() -> str:
    """An opaque token: 256 bits from the OS CSPRNG, URL-safe."""
    return secrets.token_urlsafe(32)


@dataclass(frozen=True)
class TokenTtls:
    pre_otp: int
    access: int
    refresh: int
    # A used refresh token presented again within this many seconds of its first use gets a
    # fresh pair (the same client racing itself) instead of revoking its chain.
    refresh_grace: int = 0


@dataclass(frozen=True)
class TokenPair:
    access_token: str
    expires_in: int
    refresh_token: str
    refresh_expires_in: int
    user_id: str = ""
    device_token: str = ""  # validate-otp with "remember_device": a token that skips the second factor


@dataclass(frozen=True)
class MintedPair:
    """A pair made ready before the atomic step that stores it."""

    session_id: str
    access_token: str
    refresh_token: str
    access_expires_at: float
    refresh_expires_at: float

    def as_pair(self, user_id: str, ttls: TokenTtls) -> TokenPair:
        return TokenPair(self.access_token, ttls.access, self.refresh_token, ttls.refresh, user_id)


class TokenService:
    def __init__(self, *, store: TokenStore, clock: Clock, ttls: TokenTtls, events: Recorder) -> None:
        self._store = store
        self._clock = clock
        self.ttls = ttls
        self._events = events

    def issue_pre_otp(self, user_id: str, phone: str, fixed_code: str | None = None,
                      locale: str | None = None, first_login: bool = False) -> str:
        """A pre-OTP token; `fixed_code` is the accepted code of a TEST_PHONE_NUMBERS entry,
        `locale` the language saved at signup for the SMS; `first_login` marks the account's first."""
        token = new_token()
        self._store.create_pre(token, user_id, phone, self._clock.now() + self.ttls.pre_otp, fixed_code, locale,
                               first_login)
        return token

    def mint_pair(self, session_id: str | None = None) -> MintedPair:
        now = self._clock.now()
        return MintedPair(
            session_id or uuid.uuid4().hex,
            new_token(),
            new_token(),
            now + self.ttls.access,
            now + self.ttls.refresh,
        )

    def access_claims(self, raw_token: str) -> TokenRecord:
        """The live access token's record, or InvalidToken (unknown, expired, wrong kind)."""
        record = self._store.get(raw_token)
        if record is None or record.kind != "access" or record.expires_at <= self._clock.now():
            raise InvalidToken("Send a valid access token: Authorization: Bearer <access_token>.")
        self._events.identify(record.user_id)
        return record

    def pre_otp_user(self, raw_token: str) -> str:
        """The user id of a live pre-OTP token, or InvalidToken."""
        record = self._store.get(raw_token)
        if record is None or record.kind != "pre" or record.expires_at <= self._clock.now():
            raise InvalidToken("Send a valid pre-OTP token: Authorization: Bearer <pre_otp_token>.")
        self._events.identify(record.user_id)
        return record.user_id

    def refresh(self, raw_refresh: str) -> TokenPair:
        minted = self.mint_pair()
        status, user_id = self._store.rotate_refresh(
            raw_refresh, minted.access_token, minted.refresh_token, self._clock.now(),
            minted.access_expires_at, minted.refresh_expires_at, self.ttls.refresh_grace,
        )
        if status == "reused":
            # Someone holds a copy of a spent token: the whole chain is now revoked.
            log.warning("refresh token reuse detected; session revoked", extra={"user_id": user_id})
            self._events.token_refreshed("reused", user_id)
            raise InvalidToken("This refresh token was already used; the session has been revoked. Log in again.")
        if status not in ("ok", "grace"):
            self._events.token_refreshed("invalid")
            raise InvalidToken("Send a valid refresh token.")
        self._events.token_refreshed(status, user_id)
        return minted.as_pair(user_id, self.ttls)

    def logout(self, raw_access: str) -> str:
        user_id = self._store.revoke_chain_of(raw_access, self._clock.now())
        if user_id is None:
            raise InvalidToken("Send a valid access token: Authorization: Bearer <access_token>.")
        self._events.logout(user_id)
        return user_id

    def block_logins(self, user_id: str) -> None:
        """Kills the user's outstanding pre-OTP tokens at their next use (a disabled account).

        The marker outlives any pre-OTP token issued before it (plus a minute for a login
        that was already past the password check); later logins are refused by the database."""
        self._store.block_user(user_id, self.ttls.pre_otp + 60)

    def unblock_logins(self, user_id: str) -> None:
        self._store.unblock_user(user_id)
