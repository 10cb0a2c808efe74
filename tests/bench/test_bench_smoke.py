"""The benchmark harness end to end, for a couple of seconds on one endpoint.

Proves `make bench` works (servers, fixtures, load generator, results, report
text); asserts what happened, never how fast.
"""

from __future__ import annotations

import json

import pytest

from bench.report import generated
from bench.run import QUICK, run

pytestmark = pytest.mark.e2e


def test_quick_run_measures_auth_check_against_baseline_a(tmp_path):
    out = tmp_path / "results.json"
    results = run(QUICK, out)

    assert json.loads(out.read_text())["runs"] == results["runs"]
    runs = results["runs"]
    assert {(r["target"], r["phase"]) for r in runs} == {
        ("baseline-a", "before"), ("auth-check", ""), ("baseline-a", "between")}
    for record in runs:
        assert record["ok"] > 0, record
        assert record["ok"] == record["requests"], record  # every answer was the expected 2xx
        assert record["transport_errors"] == {}, record
        assert record["server_cpu_ms_per_request"] > 0, record
        assert record["drain_cpu_ms_per_request"] >= 0, record  # the event worker ran beside, measured apart
        assert record["latency_ms"]["p50"] <= record["latency_ms"]["p99"], record
    text = generated(results)
    assert "| auth-check |" in text
    assert "| auth-check | A |" in text  # the ratio row
    assert "drain CPU ms/req" in text
