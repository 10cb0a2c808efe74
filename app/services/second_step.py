"""What the stores' verdicts on a second-step answer mean, whichever factor gave it.

Every factor's answer is settled under the same counters (the login's attempts and
the account's failure window), so the verdicts, their events and their problems
are the same too; only the factor named in the events differs.
"""

from __future__ import annotations

from app.models.auth_event import USER_AGENT_MAX  # a session keeps as much of it as an audit row
from app.problems import InvalidToken, OtpAttemptsExceeded, OtpExpired, OtpInvalid, RateLimited
from app.services.devices import device_fingerprint
from app.services.events import Recorder
from app.services.ports import SessionOrigin, StoreAnswer
from app.services.rate_limits import RateLimitRule

# The factors a login may be finished with, as the API names them, and as `amr` records them (RFC 8176 style).
SMS, TOTP, RECOVERY_CODE = "sms", "totp", "recovery_code"
AMR = {SMS: "sms", TOTP: "otp", RECOVERY_CODE: "rc"}

# Store verdicts -> the result of the check (metric label and audit event).
_CHECK_RESULTS = {
    "ok": "ok",
    "wrong_code": "invalid",
    "replayed": "invalid",
    "no_code": "expired",
    "otp_replaced": "expired",
    "attempts_exceeded": "exceeded",
}


def amr_of(factor: str) -> tuple[str, ...]:
    """The session's `amr` once `factor` has finished a password login."""
    return ("pwd", AMR[factor])


def session_origin(ip: str, user_agent: str, amr: tuple[str, ...]) -> SessionOrigin:
    """What a new session records: the client, its device, and how the user proved who they are."""
    return SessionOrigin(ip, user_agent[:USER_AGENT_MAX], device_fingerprint(user_agent, ip), amr=amr)


def report(events: Recorder, answer: StoreAnswer, factor: str) -> str:
    """Records the verdict; returns the user id it names ('' for no_token)."""
    user_id = answer.values[-1] if answer.values else ""
    if answer.status in _CHECK_RESULTS:
        events.otp_checked(_CHECK_RESULTS[answer.status], user_id, factor)
    elif answer.status == "account_locked":
        events.rate_limited(RateLimitRule.OTP_ACCOUNT_FAILURES, user_id)
    return user_id


def refusal(answer: StoreAnswer) -> Exception:
    """The problem to answer for any verdict but 'ok'."""
    if answer.status in ("wrong_code", "replayed"):
        remaining = max(0, int(answer.value))
        left = f"{remaining} attempt{'s' if remaining != 1 else ''} left"
        if answer.status == "replayed":
            return OtpInvalid(f"That code was already used; wait for the next one in your app. {left}.",
                              attempts_remaining=remaining)
        return OtpInvalid(f"That code is not right; {left}.", attempts_remaining=remaining)
    if answer.status == "no_code":
        return OtpExpired("No code is live for this login: ask for a new one with /send-otp.")
    if answer.status == "otp_replaced":
        return OtpExpired("That code was replaced by a newer one: use the code from the latest SMS.")
    return common_refusal(answer)


def common_refusal(answer: StoreAnswer) -> Exception:
    """Refusals /send-otp shares with the answers: a locked account, a spent login, a bad token."""
    if answer.status == "account_locked":
        return RateLimited(
            "Too many wrong codes for this account; wait before trying again.", retry_after=float(answer.value)
        )
    if answer.status == "attempts_exceeded":
        # Every 429 carries Retry-After; a new login may start at once.
        return OtpAttemptsExceeded("Too many wrong codes for this login; log in again.", retry_after=1)
    return InvalidToken("Send a valid pre-OTP token: Authorization: Bearer <pre_otp_token>.")
