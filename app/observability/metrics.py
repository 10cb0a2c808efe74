"""Prometheus metrics: the metric objects of one app, and their exposition.

Under gunicorn every worker is its own process; with PROMETHEUS_MULTIPROC_DIR
set, prometheus_client keeps each worker's values in files there and
`exposition()` merges them, so /metrics answers for the whole pod whichever
worker serves the scrape (see app/observability/gunicorn_hooks.py for the hooks).
"""

from __future__ import annotations

from pathlib import Path

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    values,
)
from prometheus_client.gc_collector import GCCollector
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.platform_collector import PlatformCollector
from prometheus_client.process_collector import ProcessCollector

from app.config import ConfigError
from app.observability.guard_metrics import GuardMetrics
from app.observability.worker_metrics import WorkerMetrics
from app.services.rate_limits import RateLimitRule

REQUEST_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
SMS_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 5.0, 10.0, 30.0)

# Label values known up front get a zero series at start-up, so rate() and
# alert ratios see them before the first event.
LOGIN_RESULTS = ("ok", "invalid_credentials", "disabled", "locked")
OTP_SEND_RESULTS = ("ok", "failed")
OTP_CHECK_RESULTS = ("ok", "invalid", "expired", "exceeded")
REFRESH_RESULTS = ("ok", "grace", "invalid", "reused")
DEPENDENCIES = ("database", "redis")


def multiprocess_enabled() -> bool:
    """True when prometheus_client was loaded with PROMETHEUS_MULTIPROC_DIR in the environment."""
    return bool(getattr(values.ValueClass, "_multiprocess", False))


class Metrics:
    """Every metric of the service, registered on a registry of its own (one per app)."""

    def __init__(self, multiproc_dir: str = "", sms_provider: str = "") -> None:
        if multiproc_dir:
            if not multiprocess_enabled():
                raise ConfigError(
                    "PROMETHEUS_MULTIPROC_DIR must be in the process environment before the app is imported"
                )
            # Worker value files are created on first use; the directory must exist by then.
            Path(multiproc_dir).mkdir(parents=True, exist_ok=True)
        self.multiproc_dir = multiproc_dir
        self.registry = registry = CollectorRegistry()
        self.http_requests = Counter(
            "otp_auth_http_requests", "HTTP requests answered, by route template, method and status.",
            ["route", "method", "status"], registry=registry)
        self.http_duration = Histogram(
            "otp_auth_http_request_duration_seconds", "Time to answer an HTTP request, in seconds.",
            ["route", "method", "status"], buckets=REQUEST_BUCKETS, registry=registry)
        self.signups = Counter("otp_auth_signups", "Accounts created.", registry=registry)
        self.logins = Counter("otp_auth_logins", "Password logins, by result.", ["result"], registry=registry)
        self.otp_sent = Counter(
            "otp_auth_otp_sent", "One-time codes handed to an SMS provider, by result and provider.",
            ["result", "provider"], registry=registry)
        self.otp_checks = Counter("otp_auth_otp_checks", "Codes checked, by result.", ["result"], registry=registry)
        self.rate_limited = Counter(
            "otp_auth_rate_limited", "Requests refused by a rate limit, by rule.", ["rule"], registry=registry)
        self.sms_duration = Histogram(
            "otp_auth_sms_send_duration_seconds", "Time the SMS provider took to take (or refuse) a message.",
            ["provider", "result"], buckets=SMS_BUCKETS, registry=registry)
        self.token_refreshes = Counter(
            "otp_auth_token_refreshes", "Refresh-token presentations, by result (grace = a repeat inside "
            "REFRESH_REUSE_GRACE_SECONDS; reused = reuse detected).",
            ["result"], registry=registry)
        self.messages_sent = Counter(
            "otp_auth_messages_sent", "Emails and notice texts handed to their backend, by channel, template "
            "and result (SMS codes are otp_auth_otp_sent).", ["channel", "template", "result"], registry=registry)
        self.audit_write_failures = Counter(
            "otp_auth_audit_write_failures", "Auth events kept nowhere: neither the stream nor the table took them.",
            registry=registry)
        self.events_recorded = Counter(
            "otp_auth_events_recorded", "Auth events recorded (on the stream, or in the table when Redis failed).",
            ["type"], registry=registry)
        self.events_not_on_stream = Counter(
            "otp_auth_events_not_on_stream", "Auth events Redis did not take: their row was written directly, "
            "their webhook is missed.", registry=registry)
        self.dependency_up = Gauge(
            "otp_auth_dependency_up", "1 when the dependency answered the last readiness check, else 0.",
            ["dependency"], multiprocess_mode="mostrecent", registry=registry)
        # Moved by the event workers (app/workers/), wherever they run: `flask events drain` serves them
        # on EVENTS_WORKER_PORT; in development they run inside the app and show on its /metrics.
        self.workers = WorkerMetrics(registry)
        # The SMS-pumping guard per prefix, and the CAPTCHA step.
        self.sms_guard = GuardMetrics(registry)
        self._zero_series(sms_provider)
        if not multiproc_dir:
            # Per-process figures mean nothing once summed across workers.
            ProcessCollector(registry=registry)
            PlatformCollector(registry=registry)
            GCCollector(registry=registry)

    def _zero_series(self, sms_provider: str) -> None:
        for result in LOGIN_RESULTS:
            self.logins.labels(result)
        for result in OTP_CHECK_RESULTS:
            self.otp_checks.labels(result)
        for result in REFRESH_RESULTS:
            self.token_refreshes.labels(result)
        for rule in RateLimitRule:
            self.rate_limited.labels(rule)
        if sms_provider:
            for result in OTP_SEND_RESULTS:
                self.otp_sent.labels(result, sms_provider)

    def message_sent(self, channel: str, template: str, ok: bool) -> None:
        self.messages_sent.labels(channel, template, "ok" if ok else "failed").inc()

    def observe_request(self, route: str, method: str, status: int, seconds: float) -> None:
        labels = (route, method, str(status))
        self.http_requests.labels(*labels).inc()
        self.http_duration.labels(*labels).observe(seconds)

    def exposition(self) -> tuple[bytes, str]:
        """The Prometheus text format, merged across worker processes in multiprocess mode."""
        if not self.multiproc_dir:
            return generate_latest(self.registry), CONTENT_TYPE_LATEST
        merged = CollectorRegistry()
        MultiProcessCollector(merged, path=self.multiproc_dir)
        return generate_latest(merged), CONTENT_TYPE_LATEST
