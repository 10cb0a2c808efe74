"""Alertable signals of the service-wide SMS budget (SMS_MAX_PER_HOUR).

Registered on the app's own metrics registry (app/observability/metrics.py), so /metrics
serves them, merged across gunicorn workers in multiprocess mode. Alert on
`increase(otp_auth_sms_budget_refusals_total[5m]) > 0`: the hour's budget is
spent and codes are being refused, which is either SMS pumping or a budget set
too low for real traffic. `otp_auth_sms_budget_used / otp_auth_sms_budget_limit`
shows how close the current hour is.
"""

from __future__ import annotations

import logging

from prometheus_client import CollectorRegistry, Counter, Gauge

log = logging.getLogger(__name__)


class SmsBudgetMonitor:
    """What the OTP service reports about the budget; one per app."""

    def __init__(self, limit: int, registry: CollectorRegistry) -> None:
        self.limit = limit
        self.refusals = Counter(
            "otp_auth_sms_budget_refusals",
            "Codes refused because the service-wide hourly SMS budget (SMS_MAX_PER_HOUR) was spent.",
            registry=registry)
        self.used = Gauge(
            "otp_auth_sms_budget_used", "SMS counted against the current clock hour's budget.",
            multiprocess_mode="mostrecent", registry=registry)
        self.limit_gauge = Gauge(
            "otp_auth_sms_budget_limit", "SMS_MAX_PER_HOUR (0 = unlimited).",
            multiprocess_mode="mostrecent", registry=registry)
        self.limit_gauge.set(limit)

    def counted(self, used: int) -> None:
        if self.limit:
            self.used.set(used)

    def refused(self, retry_after: float) -> None:
        self.refusals.inc()
        self.used.set(self.limit)
        log.warning("sms hourly budget spent; codes refused", extra={"limit": self.limit, "retry_after": retry_after})
