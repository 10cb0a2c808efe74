"""One-time codes: issue and send, verify and count, under the limits of API.md."""

from __future__ import annotations

import logging
import secrets
from collections.abc import Iterable
from dataclasses import dataclass

from app.adapters.sms.base import SmsDeliveryError, SmsSender, delivered_by
from app.errors import (
    InvalidToken,
    OtpAttemptsExceeded,
    OtpExpired,
    OtpInvalid,
    RateLimited,
    SmsUnavailable,
)
from app.services.clock import Clock
from app.services.phones import phone_hint
from app.services.sms_text import SmsTexts
from app.services.sms_text_catalog import load_catalog
from app.services.tokens import TokenPair, TokenService
from app.stores.otp import RedisOtpStore, StoreAnswer

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class OtpSettings:
    length: int
    ttl: int
    resend_cooldown: int
    sender_name: str


@dataclass(frozen=True)
class SendResult:
    sent_to: str
    expires_in: int
    resend_after: int
    user_id: str = ""
    provider: str = ""  # the SMS backend that took the code; "" when none was sent (TEST_PHONE_NUMBERS)


def generate_code(length: int) -> str:
    """A uniformly random numeric code from the OS CSPRNG."""
    return str(secrets.randbelow(10**length)).zfill(length)


class OtpService:
    def __init__(self, store: RedisOtpStore, tokens: TokenService, sender: SmsSender, clock: Clock,
                 settings: OtpSettings, texts: SmsTexts | None = None) -> None:
        self._store = store
        self._tokens = tokens
        self._sender = sender
        self._clock = clock
        self._settings = settings
        self._texts = texts or SmsTexts(load_catalog(), sender=settings.sender_name, ttl_seconds=settings.ttl)

    def message(self, code: str, locale: str | None = None) -> str:
        return self._texts.render(code, locale)

    def send(self, pre_token: str, languages: Iterable[tuple[str, float]] = ()) -> SendResult:
        """Replaces the login's code with a new one and texts it to the account's phone.

        The text is in the locale saved at signup, else the best of `languages`
        (Accept-Language pairs of tag and q-value), else the default.
        """
        cfg = self._settings
        now = self._clock.now()
        member = secrets.token_hex(8)
        code = generate_code(cfg.length)
        answer = self._store.reserve_send(pre_token, code, now, now + cfg.ttl, member)
        if answer.status != "ok":
            raise _send_refusal(answer)
        phone, user_id, is_test_number, saved_locale = answer.values
        provider = ""
        if is_test_number != "1":
            locale = self._texts.choose(saved_locale, languages)
            provider = self._deliver(pre_token, member, phone, self.message(code, locale))
            log.info("otp sent", extra={"provider": provider, "locale": locale, "user_id": user_id})
        self._store.finish_send(pre_token, member, delivered=True)
        return SendResult(phone_hint(phone), cfg.ttl, cfg.resend_cooldown, user_id, provider)

    def _deliver(self, pre_token: str, member: str, phone: str, body: str) -> str:
        """Sends the SMS and names the provider that took it; on any failure the reservation
        is undone, so no cooldown is charged."""
        delivered = False
        try:
            provider = delivered_by(self._sender, phone, body)
            delivered = True
            return provider
        except SmsDeliveryError as error:
            log.warning("sms delivery failed",
                        extra={"provider": error.provider or self._sender.name, "reason": str(error)})
            raise SmsUnavailable("The SMS provider did not take the message; try again.", retry_after=1) from None
        finally:
            if not delivered:
                self._store.finish_send(pre_token, member, delivered=False)

    def verify(self, pre_token: str, code: str) -> TokenPair:
        """Spends the pre-OTP token and the code for a new session, or counts a wrong guess."""
        minted = self._tokens.mint_pair()
        answer = self._store.verify(
            pre_token, code, self._clock.now(), secrets.token_hex(8), minted.session_id,
            minted.access_token, minted.refresh_token, minted.access_expires_at, minted.refresh_expires_at,
        )
        if answer.status == "ok":
            return minted.as_pair(answer.value, self._tokens.ttls)
        if answer.status == "otp_invalid":
            remaining = max(0, int(answer.value))
            raise OtpInvalid(
                f"That code is not right; {remaining} attempt{'s' if remaining != 1 else ''} left.",
                attempts_remaining=remaining,
            )
        if answer.status == "otp_expired":
            raise OtpExpired("No code is live for this login: ask for a new one with /send-otp.")
        raise _common_refusal(answer)


def _send_refusal(answer: StoreAnswer) -> Exception:
    wait = float(answer.value or 1)
    if answer.status == "cooldown":
        return RateLimited("A code was just sent; wait before asking for another.", retry_after=wait)
    if answer.status == "login_sends":
        return RateLimited("This login has used all its codes; log in again to get more.", retry_after=wait)
    if answer.status == "phone_cap":
        return RateLimited("Too many codes were sent to this phone in the last hour.", retry_after=wait)
    return _common_refusal(answer)


def _common_refusal(answer: StoreAnswer) -> Exception:
    if answer.status == "account_locked":
        return RateLimited(
            "Too many wrong codes for this account; wait before trying again.", retry_after=float(answer.value)
        )
    if answer.status == "attempts_exceeded":
        return OtpAttemptsExceeded("Too many wrong codes for this login; log in again.")
    return InvalidToken("Send a valid pre-OTP token: Authorization: Bearer <pre_otp_token>.")
