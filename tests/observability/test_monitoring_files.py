"""docs/grafana-dashboard.json and docs/prometheus-rules.yaml: valid PromQL over metrics the service exports."""

from __future__ import annotations

import json
import re
from pathlib import Path

import promql_parser
import pytest
import yaml

from app.observability.metrics import Metrics
from app.observability.sms_budget import SmsBudgetMonitor
from app.observability.worker_metrics import StreamGauges

DOCS = Path(__file__).resolve().parents[2] / "docs"
_METRIC = re.compile(r"\botp_auth_[a-z_]+")


class _StreamGaugeNames:
    """The event workers' scrape-time gauges (registered where the workers run), without a Redis to read."""

    def collect(self):  # type: ignore[no-untyped-def]
        return StreamGauges(None, None).describe()  # type: ignore[arg-type]


def _exported_names() -> set[str]:
    names = set()
    metrics = Metrics()
    SmsBudgetMonitor(1, metrics.registry)  # the app registers these on the same registry
    metrics.registry.register(_StreamGaugeNames())
    for family in metrics.registry.collect():
        names.add(family.name)
        names.update(sample.name for sample in family.samples)
        if family.type == "histogram":
            names.update(f"{family.name}_{suffix}" for suffix in ("bucket", "count", "sum"))
        if family.type == "counter":
            names.add(f"{family.name}_total")
    return names


def _check(expr: str) -> set[str]:
    """Parses the expression and returns the otp-auth metrics it reads."""
    promql_parser.parse(expr.replace("$__rate_interval", "5m"))
    return set(_METRIC.findall(expr))


def test_dashboard_panels_query_existing_metrics():
    dashboard = json.loads((DOCS / "grafana-dashboard.json").read_text())
    assert dashboard["uid"] == "otp-auth"
    panels = dashboard["panels"]
    assert len({panel["id"] for panel in panels}) == len(panels)
    exported = _exported_names()
    used: set[str] = set()
    for panel in panels:
        assert {"h", "w", "x", "y"} <= set(panel["gridPos"]) and panel["gridPos"]["x"] + panel["gridPos"]["w"] <= 24
        for target in panel.get("targets", []):
            metrics = _check(target["expr"])
            assert metrics and metrics <= exported, (panel["title"], metrics - exported)
            used |= metrics
    # Every metric of the service is on the dashboard.
    families = {name.removesuffix("_bucket") for name in used}
    for family in Metrics().registry.collect():
        if family.name.startswith("otp_auth_"):
            assert any(name.startswith(family.name) for name in families), family.name


def test_alert_rules_are_complete_and_query_existing_metrics():
    rules = yaml.safe_load((DOCS / "prometheus-rules.yaml").read_text())
    exported = _exported_names()
    alerts = [rule for group in rules["groups"] for rule in group["rules"]]
    names = [alert["alert"] for alert in alerts]
    assert len(names) == len(set(names))
    for alert in alerts:
        metrics = _check(alert["expr"])
        assert metrics and metrics <= exported, (alert["alert"], metrics - exported)
        assert alert["labels"]["severity"] in ("warning", "critical")
        assert {"summary", "description", "runbook_url"} <= set(alert["annotations"])
        if "for" in alert:
            promql_parser.parse_duration(alert["for"])
    # The alerts the operations brief asks for.
    for needed in ("OtpAuthSmsFailureRateHigh", "OtpAuthOtpFailureRatioHigh", "OtpAuthHttp5xxRateHigh",
                   "OtpAuthNotReady"):
        assert needed in names


@pytest.mark.parametrize("expr", ["rate(otp_auth_http_requests_total[5m]", "sum by (route rate(x[5m]))"])
def test_the_promql_check_catches_broken_expressions(expr):
    with pytest.raises(Exception):  # noqa: B017 - the parser raises a plain exception type of its own
        _check(expr)
