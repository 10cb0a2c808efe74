"""The recorder services report to: each event becomes metrics, a JSON log line and an entry on
the auth-event stream, which workers drain to `auth_events` and the webhook (app/workers/).

Services say what happened ("a code was checked: invalid"); this module knows which counter,
which event and which log line that makes. Where a Lua step changes the state an event reports,
the store adds the event inside that step from a `stamp()` (so it exists exactly when the change
happened); the per-event methods then only count and log it. Elsewhere `write` appends it in one
round trip, and `stage` joins the caller's SQL transaction and publishes it once that commits.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import replace
from typing import Any

from redis import RedisError

from app.models.auth_event import USER_AGENT_MAX
from app.observability.metrics import Metrics
from app.services.clock import Clock
from app.services.event_record import Event, EventStamp
from app.services.ports import AuditSink, EventSink, RequestScope
from app.services.rate_limits import RateLimitRule

log = logging.getLogger("otp_auth.events")

# otp check result -> event
_OTP_CHECK_EVENTS = {"ok": "otp_ok", "invalid": "otp_failed", "expired": "otp_failed", "exceeded": "otp_exceeded"}
_REFRESH_EVENTS = {"ok": "refresh", "grace": "refresh", "reused": "refresh_reuse"}
_LOGIN_FAILURES = ("invalid_credentials", "disabled")


class Recorder:
    def __init__(self, *, metrics: Metrics | None, stream: EventSink, audit: AuditSink, scope: RequestScope,
                 clock: Clock) -> None:
        self.metrics = metrics
        self._stream = stream
        self._audit = audit
        self._scope = scope
        self._clock = clock

    def identify(self, user_id: str | uuid.UUID | None) -> None:
        if user_id:
            self._scope.identify(str(user_id))

    # -- making events --------------------------------------------------------------------------------

    def stamp(self) -> EventStamp:
        """A new event's id, time and request (client IP, user agent, request id)."""
        ip, user_agent = self._scope.client()
        return EventStamp(str(uuid.uuid4()), self._clock.now(), ip or "", (user_agent or "")[:USER_AGENT_MAX],
                          self._scope.request_id())

    def event(self, event_type: str, user_id: str | uuid.UUID | None, **details: Any) -> Event:
        return Event(self.stamp(), event_type, str(user_id) if user_id else "", details)

    # -- recording them -------------------------------------------------------------------------------

    def write(self, event_type: str, user_id: str | uuid.UUID | None, **details: Any) -> None:
        """Appends the event to the stream (one round trip). If Redis does not take it, its row is
        inserted into `auth_events` at once instead (only the webhook misses it)."""
        event = self.event(event_type, user_id, **details)
        try:
            self._stream.add([event])
        except RedisError as error:
            log.warning("event not on the stream; writing its row", extra={"event": event_type,
                                                                            "error": type(error).__name__})
            self._count("events_not_on_stream")
            if not self._audit.write(event):
                self._count("audit_write_failures")  # kept nowhere: the alert "AuditRowsDropped"
                return
        self.emitted(event)

    def stage(self, event_type: str, user_id: str | uuid.UUID | None, **details: Any) -> None:
        """For a caller that commits SQL: the row joins its transaction (its rollback drops it) and
        the event goes on the stream once that commits, for the webhook."""
        event = self.event(event_type, user_id, **details)
        self._audit.stage(event, lambda: self._publish_committed(event))

    def _publish_committed(self, event: Event) -> None:
        try:
            self._stream.add([event])
        except RedisError as error:
            # The row is in the table already; only the webhook misses this one.
            log.warning("committed event not on the stream", extra={"event": event.type,
                                                                     "error": type(error).__name__})
            self._count("events_not_on_stream")
        self.emitted(event)

    def emitted(self, event: Event) -> None:
        """An event that was recorded (by a store's atomic step or above): logged and counted."""
        self.recorded(event.type, event.user_id, **event.details)

    def recorded(self, event_type: str, user_id: str | uuid.UUID | None, **details: Any) -> None:
        self.identify(user_id)
        log.info("auth event", extra={"event": event_type, "user_id": str(user_id) if user_id else None,
                                      "details": details})
        if self.metrics:
            self.metrics.events_recorded.labels(event_type).inc()

    def _count(self, counter: str) -> None:
        if self.metrics:
            getattr(self.metrics, counter).inc()

    # -- the events of the API --------------------------------------------------------------------------

    def signed_up(self) -> None:
        """Counts a committed signup (its event was staged with the account)."""
        if self.metrics:
            self.metrics.signups.inc()

    def login(self, result: str, user_id: str | uuid.UUID | None = None) -> None:
        """result: ok | invalid_credentials | disabled | locked. The ok event is added with the
        pre-OTP token (LoginService)."""
        if self.metrics:
            self.metrics.logins.labels(result).inc()
        if result in _LOGIN_FAILURES:
            self.write("login_failed", user_id, reason=result)

    def otp_sent(self, user_id: str, provider: str, ok: bool, seconds: float | None = None,
                 error: str = "") -> None:
        """A code handed to (or refused by) the SMS provider; `seconds` is the provider's latency.
        The event (otp_sent / otp_send_failed) was added by the step that settled the send."""
        result = "ok" if ok else "failed"
        if self.metrics:
            self.metrics.otp_sent.labels(result, provider).inc()
            if seconds is not None:
                self.metrics.sms_duration.labels(provider, result).observe(seconds)
        if ok:
            self.recorded("otp_sent", user_id, provider=provider)
        else:
            self.recorded("otp_send_failed", user_id, provider=provider, error=error[:200])

    def otp_checked(self, result: str, user_id: str | None, factor: str = "sms") -> None:
        """result: ok | invalid | expired | exceeded; factor: sms | totp | recovery_code (what was answered).
        The SMS check's own step added its event; the other factors' events are written here."""
        if self.metrics:
            self.metrics.otp_checks.labels(result).inc()
        event = _OTP_CHECK_EVENTS[result]
        if event == "otp_failed":
            details: dict[str, str] = {"reason": result, "factor": factor}
        else:
            details = {"factor": factor}
        if factor == "sms":
            self.recorded(event, user_id, **details)
        else:
            self.write(event, user_id, **details)

    def factor_changed(self, event: str, user_id: str) -> None:
        """event: totp_enrolled | totp_removed | recovery_codes_created (an account's second factors)."""
        self.write(event, user_id)

    def rate_limited(self, rule: RateLimitRule, user_id: str | None = None) -> None:
        self.identify(user_id)
        if self.metrics:
            self.metrics.rate_limited.labels(rule).inc()

    def sms_guard(self, what: str, prefix: str, mode: str = "") -> None:
        """The SMS guard (its events were added by the send's own step): what = sent | verified | refused (a
        send to a blocked prefix) | blocked (a block decided, in `mode` block or record) | ip_flagged."""
        if self.metrics:
            self.metrics.sms_guard.count(what, prefix, mode)
        if what in ("blocked", "ip_flagged"):
            self.recorded("sms_guard_blocked" if what == "blocked" else "sms_guard_ip_countries", None,
                          destination=prefix, mode=mode)

    def token_refreshed(self, result: str, user_id: str | None = None) -> None:
        """result: ok | grace (a used token came back inside the grace: a fresh pair) | invalid |
        reused (a spent refresh token came back after the grace: its chain was revoked). The event
        was added by the rotating step (a grace refresh's carries grace: true)."""
        if self.metrics:
            self.metrics.token_refreshes.labels(result).inc()
        if result == "grace":
            self.recorded("refresh", user_id, grace=True)
        elif result in _REFRESH_EVENTS:
            self.recorded(_REFRESH_EVENTS[result], user_id)

    def logout(self, user_id: str) -> None:
        """The event was added by the revoking step."""
        self.recorded("logout", user_id)

    def account_deleted(self, user_id: str, by: str, sessions: int) -> None:
        """Staged in the deletion's transaction, without the request's IP and user agent: an erased
        account keeps audit rows under its id only."""
        event = Event(replace(self.stamp(), ip="", user_agent=""), "account_deleted", user_id,
                      {"by": by, "sessions": sessions})
        self._audit.stage(event, lambda: self._publish_committed(event))

    def sessions_ended(self, user_id: str, by: str, session_ids: list[str]) -> None:
        """Sessions ended by someone other than their own logout. by: user | admin | password_change |
        account_deleted (and, from other flows, password_reset | phone_change)."""
        if session_ids:
            self.write("session_ended", user_id, by=by, sessions=session_ids)
