"""Alertable signals of the SMS budget (prometheus_client, default registry).

Alert on `increase(otp_auth_sms_budget_refusals_total[5m]) > 0`: the hourly
budget is spent and codes are being refused, which is either an SMS-pumping
attack or a budget set too low for real traffic. `otp_auth_sms_budget_used`
divided by `otp_auth_sms_budget_limit` shows how close the current hour is.
Whatever serves /metrics from the default registry exposes these.
"""

from __future__ import annotations

import logging

from prometheus_client import Counter, Gauge

log = logging.getLogger(__name__)

BUDGET_REFUSALS = Counter(
    "otp_auth_sms_budget_refusals_total",
    "Codes refused because the service-wide hourly SMS budget (SMS_MAX_PER_HOUR) was spent.",
)
BUDGET_USED = Gauge(
    "otp_auth_sms_budget_used",
    "SMS counted against this clock hour's budget, as last seen by this process.",
    multiprocess_mode="max",
)
BUDGET_LIMIT = Gauge(
    "otp_auth_sms_budget_limit",
    "SMS_MAX_PER_HOUR (0 = unlimited).",
    multiprocess_mode="max",
)


class SmsBudgetMonitor:
    """What the OTP service reports about the budget; one per app."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        BUDGET_LIMIT.set(limit)

    def counted(self, used: int) -> None:
        BUDGET_USED.set(used)

    def refused(self, retry_after: float) -> None:
        BUDGET_REFUSALS.inc()
        BUDGET_USED.set(self.limit)
        log.warning("sms hourly budget spent; codes refused", extra={"limit": self.limit, "retry_after": retry_after})
