"""The recorder services report to: each event becomes metrics, an audit row and a JSON log line.

Services say what happened ("a code was checked: invalid"); this module knows
which counter, which audit event and which log line that makes. The container
hands every part in; None for metrics or audit means that part is not kept.
"""

from __future__ import annotations

import logging
import uuid
from typing import Any

from app.observability.metrics import Metrics
from app.services.ports import AuditSink, RequestScope
from app.services.rate_limits import RateLimitRule

log = logging.getLogger("otp_auth.events")

# otp check result -> audit event
_OTP_CHECK_EVENTS = {"ok": "otp_ok", "invalid": "otp_failed", "expired": "otp_failed", "exceeded": "otp_exceeded"}
_REFRESH_EVENTS = {"ok": "refresh", "grace": "refresh", "reused": "refresh_reuse"}
_LOGIN_FAILURES = ("invalid_credentials", "disabled")


class Recorder:
    def __init__(self, *, metrics: Metrics | None, audit: AuditSink | None, scope: RequestScope) -> None:
        self.metrics = metrics
        self._audit = audit
        self._scope = scope

    def identify(self, user_id: str | uuid.UUID | None) -> None:
        if user_id:
            self._scope.identify(str(user_id))

    # -- audit rows ---------------------------------------------------------------------------------

    def stage(self, event: str, user_id: str | uuid.UUID | None, **details: Any) -> None:
        """An audit row that joins the caller's transaction: its commit writes it, its rollback drops it."""
        self._record(event, user_id, details, staged=True)

    def write(self, event: str, user_id: str | uuid.UUID | None, **details: Any) -> None:
        """An audit row written on its own (best effort, see AuditTrail.write)."""
        self._record(event, user_id, details, staged=False)

    def _record(self, event: str, user_id: str | uuid.UUID | None, details: dict[str, Any], staged: bool) -> None:
        self.identify(user_id)
        log.info("auth event", extra={"event": event, "user_id": str(user_id) if user_id else None,
                                      "details": details})
        if self._audit is None:
            return
        ip, user_agent = self._scope.client()
        record = self._audit.stage if staged else self._audit.write
        record(event, user_id, ip, user_agent, details)

    # -- the events of the API --------------------------------------------------------------------------

    def signed_up(self) -> None:
        """Counts a committed signup (its audit row was staged with the account)."""
        if self.metrics:
            self.metrics.signups.inc()

    def login(self, result: str, user_id: str | uuid.UUID | None = None) -> None:
        """result: ok | invalid_credentials | disabled | locked. The ok row is staged by the caller."""
        if self.metrics:
            self.metrics.logins.labels(result).inc()
        if result in _LOGIN_FAILURES:
            self.write("login_failed", user_id, reason=result)

    def otp_sent(self, user_id: str, provider: str, ok: bool, seconds: float | None = None,
                 error: str = "") -> None:
        """A code handed to (or refused by) the SMS provider; `seconds` is the provider's latency."""
        result = "ok" if ok else "failed"
        if self.metrics:
            self.metrics.otp_sent.labels(result, provider).inc()
            if seconds is not None:
                self.metrics.sms_duration.labels(provider, result).observe(seconds)
        if ok:
            self.write("otp_sent", user_id, provider=provider)
        else:
            self.write("otp_send_failed", user_id, provider=provider, error=error[:200])

    def otp_checked(self, result: str, user_id: str | None, factor: str = "sms") -> None:
        """result: ok | invalid | expired | exceeded; factor: sms | totp | recovery_code (what was answered)."""
        if self.metrics:
            self.metrics.otp_checks.labels(result).inc()
        event = _OTP_CHECK_EVENTS[result]
        if event == "otp_failed":
            self.write(event, user_id, reason=result, factor=factor)
        else:
            self.write(event, user_id, factor=factor)

    def factor_changed(self, event: str, user_id: str) -> None:
        """event: totp_enrolled | totp_removed | recovery_codes_created (an account's second factors)."""
        self.write(event, user_id)

    def rate_limited(self, rule: RateLimitRule, user_id: str | None = None) -> None:
        self.identify(user_id)
        if self.metrics:
            self.metrics.rate_limited.labels(rule).inc()

    def token_refreshed(self, result: str, user_id: str | None = None) -> None:
        """result: ok | grace (a used token came back inside the grace: a fresh pair) | invalid |
        reused (a spent refresh token came back after the grace: its chain was revoked)."""
        if self.metrics:
            self.metrics.token_refreshes.labels(result).inc()
        if result == "grace":
            self.write("refresh", user_id, grace=True)
        elif result in _REFRESH_EVENTS:
            self.write(_REFRESH_EVENTS[result], user_id)

    def logout(self, user_id: str) -> None:
        self.write("logout", user_id)

    def account_deleted(self, user_id: str, by: str, sessions: int) -> None:
        """Staged in the deletion's transaction, without the request's IP and user agent: an erased
        account keeps audit rows under its id only."""
        log.info("auth event", extra={"event": "account_deleted", "user_id": user_id, "details": {"by": by}})
        if self._audit is not None:
            self._audit.stage("account_deleted", user_id, None, None, {"by": by, "sessions": sessions})

    def sessions_ended(self, user_id: str, by: str, session_ids: list[str]) -> None:
        """Sessions ended by someone other than their own logout. by: user | admin | password_change |
        account_deleted (and, from other flows, password_reset | phone_change)."""
        if session_ids:
            self.write("session_ended", user_id, by=by, sessions=session_ids)
