"""Token lifecycle: pre-OTP tokens, access/refresh pairs, rotation and revocation."""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass

from app.problems import InvalidToken
from app.services.access_tokens import AccessTokens, new_token
from app.services.clock import Clock
from app.services.event_record import Event
from app.services.events import Recorder
from app.services.ports import AccessRef, TokenRecord, TokenStore

log = logging.getLogger(__name__)

# How a session signed in (RFC 8176 `amr`): a password, then a code by SMS. Records made before
# amr was stored carry none and mean this too.
SIGN_IN_AMR = ("pwd", "sms")


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
    """A pair made ready before the atomic step that stores it; the access token itself is made
    after it (`TokenService.issue`), when the session's user is known."""

    session_id: str
    access_ref: AccessRef
    refresh_token: str
    issued_at: float
    access_expires_at: float
    refresh_expires_at: float
    amr: tuple[str, ...] = SIGN_IN_AMR


@dataclass(frozen=True)
class Checked:
    """An access token that passed /auth/check: its user, and the JWT to forward upstream, if any."""

    user_id: str
    forwarded_jwt: str | None = None


class TokenService:
    def __init__(self, *, store: TokenStore, clock: Clock, ttls: TokenTtls, events: Recorder,
                 access: AccessTokens | None = None, forward_jwt: bool = False) -> None:
        self._store = store
        self._clock = clock
        self.ttls = ttls
        self._events = events
        self._access = access or AccessTokens(codec=None, issue_jwt=False, forward_ttl=0, now=clock.now)
        self._forward_jwt = forward_jwt

    def issue_pre_otp(self, user_id: str, phone: str, fixed_code: str | None = None,
                      locale: str | None = None, first_login: bool = False, event: Event | None = None) -> str:
        """A pre-OTP token; `fixed_code` is the accepted code of a TEST_PHONE_NUMBERS entry,
        `locale` the language saved at signup for the SMS; `first_login` marks the account's first;
        `event` (login_ok) is recorded with it."""
        token = new_token()
        self._store.create_pre(token, user_id, phone, self._clock.now() + self.ttls.pre_otp, fixed_code, locale,
                               first_login, event=event)
        if event is not None:
            self._events.emitted(event)
        return token

    def mint_pair(self, session_id: str | None = None, amr: tuple[str, ...] = SIGN_IN_AMR) -> MintedPair:
        now = self._clock.now()
        return MintedPair(session_id or uuid.uuid4().hex, self._access.new_ref(), new_token(), now,
                          now + self.ttls.access, now + self.ttls.refresh, amr)

    def issue(self, minted: MintedPair, user_id: str, session_id: str | None = None,
              amr: tuple[str, ...] | None = None) -> TokenPair:
        """The pair its holder gets, once the atomic step has stored `minted` for `user_id`."""
        access = self._access.token_for(minted.access_ref, user_id, session_id or minted.session_id,
                                        amr or minted.amr, minted.issued_at, minted.access_expires_at)
        return TokenPair(access, self.ttls.access, minted.refresh_token, self.ttls.refresh, user_id)

    def access_claims(self, raw_token: str) -> TokenRecord:
        """The live access token's record, or InvalidToken (unknown, expired, wrong kind, bad JWT)."""
        record = self._live_access(raw_token)
        if record is None:
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

    def _live_access(self, raw_token: str) -> TokenRecord | None:
        found = self._access.ref_of(raw_token)
        if found is None:
            return None
        ref, jwt_user = found
        record = self._store.get(ref)
        if record is None or record.kind != "access" or record.expires_at <= self._clock.now():
            return None
        # A JWT names its user; the record it points at always agrees unless a signing key leaked.
        return record if jwt_user in (None, record.user_id) else None

    def check(self, raw_token: str) -> Checked:
        """/auth/check: the token's user and, with AUTH_CHECK_FORWARD_JWT, a short-lived JWT for upstream."""
        record = self.access_claims(raw_token)
        if not self._forward_jwt:
            return Checked(record.user_id)
        return Checked(record.user_id, self._access.forwarded(record, record.amr or SIGN_IN_AMR))

    def jwks(self) -> dict[str, list[dict[str, object]]]:
        return self._access.jwks()

    def refresh(self, raw_refresh: str) -> TokenPair:
        minted = self.mint_pair()
        answer = self._store.rotate_refresh(
            raw_refresh, minted.access_ref, minted.refresh_token, self._clock.now(),
            minted.access_expires_at, minted.refresh_expires_at, self.ttls.refresh_grace,
            stamp=self._events.stamp(),
        )
        if answer.status == "reused":
            # Someone holds a copy of a spent token: the whole chain is now revoked.
            log.warning("refresh token reuse detected; session revoked", extra={"user_id": answer.value})
            self._events.token_refreshed("reused", answer.value)
            raise InvalidToken("This refresh token was already used; the session has been revoked. Log in again.")
        if answer.status not in ("ok", "grace"):
            self._events.token_refreshed("invalid")
            raise InvalidToken("Send a valid refresh token.")
        user_id, session_id, amr = answer.values
        self._events.token_refreshed(answer.status, user_id)
        return self.issue(minted, user_id, session_id, tuple(amr.split()) or SIGN_IN_AMR)

    def logout(self, raw_access: str) -> str:
        found = self._access.ref_of(raw_access)
        user_id = (self._store.revoke_chain_of(found[0], self._clock.now(), stamp=self._events.stamp())
                   if found else None)
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
