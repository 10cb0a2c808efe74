"""One-time codes: issue and send, verify and count, under the limits the README and openapi.yaml document."""

from __future__ import annotations

import logging
import secrets
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from app.adapters.sms.base import SmsDeliveryError, SmsSender, delivered_by
from app.problems import RateLimited, SmsUnavailable
from app.services import second_step
from app.services.clock import Clock
from app.services.events import Recorder
from app.services.phones import phone_hint
from app.services.ports import OtpStore, SmsBudget, StoreAnswer
from app.services.rate_limits import RateLimitRule
from app.services.sign_in_alerts import SignInAlerts
from app.services.sms_text import SmsTexts
from app.services.tokens import TokenPair, TokenService

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
    def __init__(self, *, store: OtpStore, tokens: TokenService, sender: SmsSender, clock: Clock,
                 settings: OtpSettings, events: Recorder, texts: SmsTexts, budget: SmsBudget,
                 alerts: SignInAlerts) -> None:
        self._store = store
        self._tokens = tokens
        self._sender = sender
        self._clock = clock
        self._settings = settings
        self._events = events
        self._texts = texts
        self._budget = budget
        self._alerts = alerts

    def message(self, code: str, locale: str | None = None) -> str:
        return self._texts.render(code, locale)

    def send(self, pre_token: str, languages: Iterable[tuple[str, float]] = (), client_bucket: str = "",
             kind: str = "pre", before: Callable[[], None] | None = None) -> SendResult:
        """Replaces the login's code with a new one and texts it to the account's phone.

        The text is in the locale saved at signup, else the best of `languages`
        (Accept-Language pairs of tag and q-value), else the default. `kind` 'reset' or 'change'
        texts an account-recovery request's code under the same limits; `before` runs once the send
        is reserved (the request's email): if it raises, the reservation is undone.
        """
        cfg = self._settings
        now = self._clock.now()
        member = secrets.token_hex(8)
        code = generate_code(cfg.length)
        answer = self._store.reserve_send(pre_token, code, now, now + cfg.ttl, member, client_bucket, kind,
                                          stamp=self._events.stamp())
        if answer.status == "sms_budget":
            self._budget.refused(float(answer.value))
        elif answer.status == "sms_guard":
            self._events.sms_guard("refused", answer.values[-1])
        if answer.status != "ok":
            if answer.status in _SEND_RULES:
                self._events.rate_limited(_SEND_RULES[answer.status])
            raise _send_refusal(answer)
        phone, user_id, is_test_number, saved_locale, budget_used, prefix, decision, ip_flag = answer.values
        if before is not None:
            try:
                before()
            except BaseException:
                self._store.finish_send(pre_token, member, delivered=False)
                raise
        self._budget.counted(int(budget_used))
        if decision:  # this send put the prefix over the SMS guard's line (its event is in the stream)
            self._events.sms_guard("blocked", prefix, decision)
        if ip_flag == "1":
            self._events.sms_guard("ip_flagged", prefix)
        provider, seconds = TEST_NUMBER_PROVIDER, None
        if is_test_number != "1":
            locale = self._texts.choose(saved_locale, languages)
            provider, seconds = self._deliver(pre_token, member, phone, self.message(code, locale), user_id)
            log.info("otp sent", extra={"provider": provider, "locale": locale, "user_id": user_id})
        self._store.finish_send(pre_token, member, delivered=True,
                                event=self._events.event("otp_sent", user_id, provider=provider))
        self._events.otp_sent(user_id, provider, ok=True, seconds=seconds)
        if prefix:
            self._events.sms_guard("sent", prefix)
        return SendResult(phone_hint(phone), cfg.ttl, cfg.resend_cooldown, user_id,
                          "" if provider == TEST_NUMBER_PROVIDER else provider)

    def _deliver(self, pre_token: str, member: str, phone: str, body: str, user_id: str) -> tuple[str, float]:
        """Sends the SMS; returns the provider that took it and its latency. On any failure the reservation
        is undone, so no cooldown is charged."""
        settled = False
        started = time.perf_counter()
        try:
            provider = delivered_by(self._sender, phone, body)
            settled = True
            return provider, time.perf_counter() - started
        except SmsDeliveryError as error:
            failed, seconds = error.provider or self._sender.name, time.perf_counter() - started
            log.warning("sms delivery failed", extra={"provider": failed, "reason": str(error)})
            event = self._events.event("otp_send_failed", user_id, provider=failed, error=str(error)[:200])
            self._store.finish_send(pre_token, member, delivered=False, event=event)
            settled = True
            self._events.otp_sent(user_id, failed, ok=False, seconds=seconds, error=str(error))
            raise SmsUnavailable("The SMS provider did not take the message; try again.", retry_after=1) from None
        finally:
            if not settled:
                self._store.finish_send(pre_token, member, delivered=False)

    def verify(self, pre_token: str, code: str, ip: str = "", user_agent: str = "") -> TokenPair:
        """Spends the pre-OTP token and the code for a new session, recorded with the client's
        address and user agent, or counts a wrong guess."""
        minted, now = self._tokens.mint_pair(amr=second_step.amr_of(second_step.SMS)), self._clock.now()
        origin = second_step.session_origin(ip, user_agent, minted.amr)
        answer = self._store.verify(
            pre_token, code, now, secrets.token_hex(8), minted.session_id,
            minted.access_ref, minted.refresh_token, minted.access_expires_at, minted.refresh_expires_at, origin,
            stamp=self._events.stamp())
        user_id = second_step.report(self._events, answer, second_step.SMS)
        if answer.status == "ok":
            if answer.values[1]:  # the SMS guard counted the code verified for this prefix
                self._events.sms_guard("verified", answer.values[1])
            if answer.values[0] == "1":  # a device and network this account has not signed in from lately
                self._alerts.new_device(user_id, origin, now)
            return self._tokens.issue(minted, user_id)
        raise second_step.refusal(answer)


# The provider label of sends to TEST_PHONE_NUMBERS, which reach no provider.
TEST_NUMBER_PROVIDER = "test_number"
# What a user is told when the SMS guard has paused texts to their number's prefix (SMS pumping).
GUARD_REFUSAL = ("Text messages to numbers like yours are paused for now: try again later, or sign in with "
                 "another factor (an authenticator app or a recovery code).")
# Store verdicts -> the rate-limit rule (metric label) that refused the send.
_SEND_RULES = {
    "cooldown": RateLimitRule.OTP_RESEND_COOLDOWN,
    "login_sends": RateLimitRule.OTP_SENDS_PER_LOGIN,
    "phone_cap": RateLimitRule.OTP_SENDS_PER_PHONE,
    "ip_cap": RateLimitRule.SEND_OTP_PER_IP,
    "account_locked": RateLimitRule.OTP_ACCOUNT_FAILURES,
}


def _send_refusal(answer: StoreAnswer) -> Exception:
    wait = float(answer.value or 1)
    if answer.status == "cooldown":
        return RateLimited("A code was just sent; wait before asking for another.", retry_after=wait)
    if answer.status == "login_sends":
        return RateLimited("This login has used all its codes; log in again to get more.", retry_after=wait)
    if answer.status == "phone_cap":
        return RateLimited("Too many codes were sent to this phone in the last hour.", retry_after=wait)
    if answer.status == "ip_cap":
        return RateLimited("Too many codes were asked for from this network; wait and try again.", retry_after=wait)
    if answer.status == "sms_guard":
        return SmsUnavailable(GUARD_REFUSAL, retry_after=wait)
    if answer.status == "sms_budget":
        # The service-wide hourly budget is spent (SMS_MAX_PER_HOUR): a pumping defence, not the caller's fault.
        return SmsUnavailable("Text messages are paused for now; try again later.", retry_after=wait)
    return second_step.common_refusal(answer)
