"""One-time codes: issue and send, verify and count, under the limits of API.md."""

from __future__ import annotations

import logging
import math
import secrets
from dataclasses import dataclass

from app.adapters.sms.base import SmsDeliveryError, SmsSender
from app.errors import (
    InvalidToken,
    OtpAttemptsExceeded,
    OtpExpired,
    OtpInvalid,
    RateLimited,
    SmsUnavailable,
)
from app.security_metrics import SmsBudgetMonitor
from app.services.clock import Clock
from app.services.phones import phone_hint
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


def generate_code(length: int) -> str:
    """A uniformly random numeric code from the OS CSPRNG."""
    return str(secrets.randbelow(10**length)).zfill(length)


class OtpService:
    def __init__(self, store: RedisOtpStore, tokens: TokenService, sender: SmsSender, clock: Clock,
                 settings: OtpSettings, budget: SmsBudgetMonitor | None = None) -> None:
        self._store = store
        self._tokens = tokens
        self._sender = sender
        self._clock = clock
        self._settings = settings
        self._budget = budget or SmsBudgetMonitor(0)

    def message(self, code: str) -> str:
        minutes = max(1, math.ceil(self._settings.ttl / 60))
        return f"{code} is your {self._settings.sender_name} code. It expires in {minutes} minutes."

    def send(self, pre_token: str) -> SendResult:
        """Replaces the login's code with a new one and texts it to the account's phone."""
        cfg = self._settings
        now = self._clock.now()
        member = secrets.token_hex(8)
        code = generate_code(cfg.length)
        answer = self._store.reserve_send(pre_token, code, now, now + cfg.ttl, member)
        if answer.status == "sms_budget":
            self._budget.refused(float(answer.value))
        if answer.status != "ok":
            raise _send_refusal(answer)
        phone, user_id, is_test_number, budget_used = answer.values
        self._budget.counted(int(budget_used))
        if is_test_number != "1":
            self._deliver(pre_token, member, phone, code)
        self._store.finish_send(pre_token, member, delivered=True)
        return SendResult(phone_hint(phone), cfg.ttl, cfg.resend_cooldown, user_id)

    def _deliver(self, pre_token: str, member: str, phone: str, code: str) -> None:
        """Sends the SMS; on any failure the reservation is undone, so no cooldown is charged."""
        delivered = False
        try:
            self._sender.send(phone, self.message(code))
            delivered = True
        except SmsDeliveryError as error:
            log.warning("sms delivery failed", extra={"provider": self._sender.name, "reason": str(error)})
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
    if answer.status == "sms_budget":
        # The service-wide hourly budget is spent (SMS_MAX_PER_HOUR): a pumping defence, not the caller's fault.
        return SmsUnavailable("Text messages are paused for now; try again later.", retry_after=wait)
    return _common_refusal(answer)


def _common_refusal(answer: StoreAnswer) -> Exception:
    if answer.status == "account_locked":
        return RateLimited(
            "Too many wrong codes for this account; wait before trying again.", retry_after=float(answer.value)
        )
    if answer.status == "attempts_exceeded":
        return OtpAttemptsExceeded("Too many wrong codes for this login; log in again.")
    return InvalidToken("Send a valid pre-OTP token: Authorization: Bearer <pre_otp_token>.")
