"""Metrics of the SMS-pumping guard and the CAPTCHA step (docs/security.md, "SMS pumping").

Per destination prefix (app/services/phone_prefix.py: calling code and at most three more digits, a
bounded set): codes sent and verified, sends refused while the prefix is blocked, blocks decided.
Their ratio is the conversion the guard judges; the Grafana dashboard ranks prefixes by both.
"""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter

CAPTCHA_RESULTS = ("ok", "failed", "missing", "unavailable", "fail_open")
GUARD_MODES = ("block", "record")


class GuardMetrics:
    def __init__(self, registry: CollectorRegistry) -> None:
        self.sent = Counter(
            "otp_auth_sms_guard_sent", "SMS codes sent, by destination prefix (counted by the SMS guard).",
            ["prefix"], registry=registry)
        self.verified = Counter(
            "otp_auth_sms_guard_verified", "SMS codes verified, by destination prefix (the guard's conversion).",
            ["prefix"], registry=registry)
        self.refused = Counter(
            "otp_auth_sms_guard_refused", "Sends refused because their prefix was blocked (503 sms_unavailable).",
            ["prefix"], registry=registry)
        self.blocks = Counter(
            "otp_auth_sms_guard_blocks", "Prefixes the guard judged pumped, by prefix and mode (record: not "
            "enforced).", ["prefix", "mode"], registry=registry)
        self.ip_flags = Counter(
            "otp_auth_sms_guard_ip_flags", "Client IPs that asked codes for more than SMS_GUARD_MAX_COUNTRIES_PER_IP "
            "countries in a day.", registry=registry)
        self.captcha = Counter(
            "otp_auth_captcha_checks", "CAPTCHA tokens checked, by provider and result (unavailable: the provider "
            "did not answer and the request was refused; fail_open: ... and let through).",
            ["provider", "result"], registry=registry)

    def count(self, what: str, prefix: str, mode: str = "") -> None:
        """what: sent | verified | refused | blocked | ip_flagged (Recorder.sms_guard)."""
        if what == "ip_flagged":
            self.ip_flags.inc()
        elif what == "blocked":
            self.blocks.labels(prefix, mode).inc()
        else:
            getattr(self, what).labels(prefix).inc()

    def zero(self, captcha_provider: str) -> None:
        """Zero series for the CAPTCHA provider in use, so alert ratios see them before the first check."""
        if captcha_provider:
            for result in CAPTCHA_RESULTS:
                self.captcha.labels(captcha_provider, result)
