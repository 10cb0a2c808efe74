"""The PrometheusRule: the alerts of docs/prometheus-rules.yaml, as the chart's copy of them."""

from __future__ import annotations

import yaml

from tests.deploy.chart import CHART_DIR, ROOT, SCENARIOS, find, objects

DOCS_RULES = ROOT / "docs" / "prometheus-rules.yaml"
CHART_RULES = CHART_DIR / "files" / "prometheus-rules.yaml"


def test_the_charts_rules_are_the_documented_rules():
    # Helm reads no file outside the chart: it keeps a copy. Refresh it with
    #   cp docs/prometheus-rules.yaml helm/otp-auth/files/prometheus-rules.yaml
    assert CHART_RULES.read_bytes() == DOCS_RULES.read_bytes()


def test_the_rule_object_carries_every_alert_unrendered():
    values = SCENARIOS["sms-failover"]
    rule = find(objects(values), "PrometheusRule")
    assert rule["apiVersion"] == "monitoring.coreos.com/v1"
    labels = rule["metadata"]["labels"]
    assert labels["release"] == "prometheus"  # prometheusRule.labels, for the operator's ruleSelector
    assert labels["app.kubernetes.io/instance"] == "demo" and labels["app.kubernetes.io/name"] == "otp-auth"
    assert rule["metadata"]["name"] == "demo-otp-auth"

    # The operator's schema: spec.groups[] of {name, rules[] of {alert|record, expr, for, labels, annotations}}.
    spec = rule["spec"]
    assert spec == yaml.safe_load(DOCS_RULES.read_text())
    assert list(spec) == ["groups"]
    alerts = [r for group in spec["groups"] for r in group["rules"]]
    assert len(alerts) >= 8
    allowed = {"alert", "expr", "for", "labels", "annotations"}
    for group in spec["groups"]:
        assert group["name"] and set(group) <= {"name", "interval", "rules"}
        for alert in group["rules"]:
            assert set(alert) <= allowed and alert["alert"] and alert["expr"], alert
            assert all(isinstance(v, str) for v in {**alert.get("labels", {}), **alert["annotations"]}.values())
    # Helm left the alerts' own templates for Prometheus to fill in.
    assert "{{ $value | humanizePercentage }}" in alerts[0]["annotations"]["summary"]


def test_no_rule_object_unless_asked():
    for name, values in SCENARIOS.items():
        present = [o for o in objects(values) if o["kind"] == "PrometheusRule"]
        assert len(present) == int(values.get("prometheusRule", {}).get("enabled", False)), name
