"""Each metric of app/observability/metrics.py moves when its event happens, and /metrics shows it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from app.observability.metrics import Metrics
from app.services.rate_limits import RateLimitRule
from tests.support.app_state import sample, wrong_code
from tests.support.flow import PASSWORD, bearer


def test_http_requests_are_counted_by_route_template_method_and_status(app, client, flow):
    signed = flow.signed_in()
    labels = {"route": "/api/v1/me", "method": "GET", "status": "200"}
    before = sample(app, "otp_auth_http_requests_total", **labels)
    assert client.get("/api/v1/me", headers=bearer(signed["access_token"])).status_code == 200
    assert sample(app, "otp_auth_http_requests_total", **labels) == before + 1
    assert sample(app, "otp_auth_http_request_duration_seconds_count", **labels) == before + 1

    # Paths that match no route share one label value, whatever a client sends.
    client.get("/no/such/path/123")
    client.get("/another/unknown")
    assert sample(app, "otp_auth_http_requests_total", route="unmatched", method="GET", status="404") == 2
    client.open("/healthz", method="BREW")
    assert sample(app, "otp_auth_http_requests_total", route="unmatched", method="other", status="405") == 1


def test_signups_and_logins_by_result(app, client, flow):
    user = flow.signup()
    assert sample(app, "otp_auth_signups_total") == 1
    client.post("/api/v1/signup", json={"email": user["email"], "password": PASSWORD, "phone": user["phone"]})
    assert sample(app, "otp_auth_signups_total") == 1  # email_taken is no signup

    flow.login(user)
    assert sample(app, "otp_auth_logins_total", result="ok") == 1
    client.post("/api/v1/login", json={"email": user["email"], "password": "wrong password here"})
    client.post("/api/v1/login", json={"email": "nobody@example.com", "password": "wrong password here"})
    assert sample(app, "otp_auth_logins_total", result="invalid_credentials") == 2


def test_login_lockout_counts_as_locked_and_as_a_rate_limit_refusal(make_app):
    app = make_app(LOGIN_MAX_FAILURES="2")
    client = app.test_client()
    wrong = {"email": "someone@example.com", "password": "not the password"}
    statuses = [client.post("/api/v1/login", json=wrong).status_code for _ in range(3)]
    assert statuses == [401, 401, 429]
    assert sample(app, "otp_auth_logins_total", result="locked") == 1
    assert sample(app, "otp_auth_rate_limited_total", rule="login_account_failures") == 1


def test_otp_sent_by_result_and_provider_with_sms_latency(app, flow, sms):
    user = flow.signup()
    pre = flow.login(user)
    sms.fail_next = 1
    assert flow.send_otp(pre).status_code == 503
    assert sample(app, "otp_auth_otp_sent_total", result="failed", provider="recording") == 1
    assert sample(app, "otp_auth_sms_send_duration_seconds_count", provider="recording", result="failed") == 1

    assert flow.send_otp(pre).status_code == 200
    assert sample(app, "otp_auth_otp_sent_total", result="ok", provider="recording") == 1
    assert sample(app, "otp_auth_sms_send_duration_seconds_count", provider="recording", result="ok") == 1


def test_codes_for_test_numbers_are_counted_under_their_own_provider(app_and_flow, sms):
    app, flow = app_and_flow(TEST_PHONE_NUMBERS="+15555550100=123456")
    user = flow.signup(phone="+15555550100")
    assert flow.send_otp(flow.login(user)).status_code == 200
    assert sample(app, "otp_auth_otp_sent_total", result="ok", provider="test_number") == 1
    assert sms.messages == []


def test_otp_checks_by_result(app_and_flow, clock):
    app, flow = app_and_flow(OTP_MAX_ATTEMPTS="2")
    user = flow.signup()

    pre = flow.login(user)
    assert flow.validate(pre, "000000").get_json()["code"] == "otp_expired"  # nothing sent yet
    flow.send_otp(pre)
    wrong = wrong_code(flow.code_for(user))
    assert flow.validate(pre, wrong).status_code == 401
    assert flow.validate(pre, wrong).status_code == 401
    assert flow.validate(pre, flow.code_for(user)).get_json()["code"] == "otp_attempts_exceeded"

    clock.advance(31)
    pre = flow.login(user)
    flow.send_otp(pre)
    assert flow.validate(pre, flow.code_for(user)).status_code == 200

    for result, expected in (("expired", 1), ("invalid", 2), ("exceeded", 1), ("ok", 1)):
        assert sample(app, "otp_auth_otp_checks_total", result=result) == expected, result


@pytest.mark.parametrize(
    ("overrides", "rule"),
    [
        ({}, "otp_resend_cooldown"),
        ({"OTP_RESEND_COOLDOWN_SECONDS": "0", "OTP_MAX_SENDS_PER_LOGIN": "1"}, "otp_sends_per_login"),
        ({"OTP_RESEND_COOLDOWN_SECONDS": "0", "OTP_MAX_SENDS_PER_PHONE_PER_HOUR": "1"}, "otp_sends_per_phone"),
    ],
)
def test_otp_send_refusals_are_counted_by_rule(app_and_flow, overrides, rule):
    app, flow = app_and_flow(**overrides)
    user = flow.signup()
    pre = flow.login(user)
    assert flow.send_otp(pre).status_code == 200
    assert flow.send_otp(pre).status_code == 429
    assert sample(app, "otp_auth_rate_limited_total", rule=rule) == 1


def test_account_lock_on_wrong_codes_is_counted(app_and_flow):
    app, flow = app_and_flow(OTP_ACCOUNT_MAX_FAILURES="1")
    user = flow.signup()
    pre = flow.login(user)
    flow.send_otp(pre)
    wrong = wrong_code(flow.code_for(user))
    assert flow.validate(pre, wrong).status_code == 401
    assert flow.validate(pre, flow.code_for(user)).status_code == 429
    assert sample(app, "otp_auth_rate_limited_total", rule="otp_account_failures") == 1


@pytest.mark.parametrize(("setting", "path", "rule"), [
    ("LOGIN_RATE_LIMIT_PER_IP", "/api/v1/login", "login_per_ip"),
    ("SIGNUP_RATE_LIMIT_PER_IP", "/api/v1/signup", "signup_per_ip"),
])
def test_per_ip_limits_are_counted_by_rule(make_app, setting, path, rule):
    app = make_app(**{setting: "1/minute"})
    client = app.test_client()
    client.post(path, json={})
    assert client.post(path, json={}).status_code == 429
    assert sample(app, "otp_auth_rate_limited_total", rule=rule) == 1


def test_token_refreshes_and_reuse_detection(app, client, flow, clock):
    pair = flow.signed_in()
    first = client.post("/api/v1/token/refresh", json={"refresh_token": pair["refresh_token"]})
    assert first.status_code == 200
    assert client.post("/api/v1/token/refresh", json={"refresh_token": pair["refresh_token"]}).status_code == 200
    clock.advance(10)
    assert client.post("/api/v1/token/refresh", json={"refresh_token": pair["refresh_token"]}).status_code == 401
    assert client.post("/api/v1/token/refresh", json={"refresh_token": "x" * 43}).status_code == 401
    for result in ("ok", "grace", "reused", "invalid"):
        assert sample(app, "otp_auth_token_refreshes_total", result=result) == 1, result


def test_readiness_sets_dependency_gauges(app, client):
    assert client.get("/readyz").status_code == 200
    assert sample(app, "otp_auth_dependency_up", dependency="database") == 1
    assert sample(app, "otp_auth_dependency_up", dependency="redis") == 1


def test_metrics_endpoint_serves_prometheus_text(client, flow):
    flow.signed_in()
    response = client.get("/metrics")
    assert response.status_code == 200
    assert response.mimetype == "text/plain"
    text = response.get_data(as_text=True)
    for line in (
        'otp_auth_otp_checks_total{result="ok"} 1.0',
        'otp_auth_logins_total{result="ok"} 1.0',
        "otp_auth_signups_total 1.0",
        "# TYPE otp_auth_sms_send_duration_seconds histogram",
        "# TYPE process_cpu_seconds_total counter",
    ):
        assert line in text, line


def test_a_refused_send_from_one_ip_is_counted_as_send_otp_per_ip(app_and_flow):
    app, flow = app_and_flow(SEND_OTP_RATE_LIMIT_PER_IP="1/hour")
    assert flow.send_otp(flow.login(flow.signup())).status_code == 200
    assert flow.send_otp(flow.login(flow.signup())).status_code == 429
    assert sample(app, "otp_auth_rate_limited_total", rule="send_otp_per_ip") == 1


def test_every_rate_limit_rule_has_a_zero_series_from_the_start():
    metrics = Metrics()
    exported = {
        sample.labels["rule"]
        for family in metrics.registry.collect() if family.name == "otp_auth_rate_limited"
        for sample in family.samples if sample.name == "otp_auth_rate_limited_total"
    }
    assert exported == set(RateLimitRule)


def test_operations_guide_lists_every_rate_limit_rule():
    guide = (Path(__file__).resolve().parents[2] / "docs" / "operations.md").read_text()
    rules_table = guide.split("Rate-limit rules", 1)[1].split("\n\n", 2)[1]
    listed = set(re.findall(r"^\| `([a-z_]+)` \|", rules_table, re.MULTILINE))
    assert listed == set(RateLimitRule)
