"""Logs: JSON only, one access line per request, and never a password, code or token."""

from __future__ import annotations

import io
import json
import logging
import re

import pytest

from app.observability.logs import json_handler
from tests.support.app_state import wrong_code
from tests.support.flow import bearer

ACCESS_FIELDS = {"request_id", "method", "route", "path", "status", "duration_ms", "client_ip", "user_id"}


@pytest.fixture
def log_lines():  # type: ignore[no-untyped-def]
    """Everything logged during the test, formatted as the service formats it."""
    stream = io.StringIO()
    handler = json_handler(stream)
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    finally:
        root.removeHandler(handler)


def test_a_full_flow_logs_no_secret(app_and_flow, log_lines, sms):
    app, flow = app_and_flow(LOG_LEVEL="debug")
    client = flow.client
    secrets: list[str] = []

    user = flow.signup()
    secrets.append(user["password"])
    client.post("/api/v1/login", json={"email": user["email"], "password": "a wrong password 1"})
    secrets.append("a wrong password 1")
    pre = flow.login(user)
    sms.fail_next = 1
    flow.send_otp(pre)
    flow.send_otp(pre)
    flow.validate(pre, wrong_code(flow.code_for(user)))
    flow.validate(pre, flow.code_for(user))
    pair = flow.signed_in(user)
    secrets += [pre, pair["access_token"], pair["refresh_token"]]
    refreshed = client.post("/api/v1/token/refresh", json={"refresh_token": pair["refresh_token"]}).get_json()
    client.post("/api/v1/token/refresh", json={"refresh_token": pair["refresh_token"]})  # reuse
    again = flow.signed_in(user)
    client.get("/api/v1/me", headers=bearer(again["access_token"]))
    client.post("/api/v1/logout", headers=bearer(again["access_token"]))
    secrets += [refreshed["access_token"], refreshed["refresh_token"], again["access_token"], again["refresh_token"]]
    codes = [re.search(r"\d{6}", body).group(0) for _, body in sms.messages]  # type: ignore[union-attr]
    assert len(codes) == 3

    lines = log_lines()
    assert len(lines) > 20
    for line in lines:
        text = json.dumps(line)
        for secret in secrets:
            assert secret not in text, line
        for code in codes:
            assert not re.search(rf"(?<![0-9a-f]){code}(?![0-9a-f])", text), line


def test_every_request_has_one_access_line_with_its_user(client, flow, log_lines):
    signed = flow.signed_in()
    client.get("/api/v1/me", headers=bearer(signed["access_token"]), environ_base={"REMOTE_ADDR": "203.0.113.9"})
    client.get("/healthz")
    access = [line for line in log_lines() if line["logger"] == "otp_auth.access"]
    assert [line["route"] for line in access] == [
        "/api/v1/signup", "/api/v1/login", "/api/v1/send-otp", "/api/v1/validate-otp", "/api/v1/me", "/healthz"]
    for line in access:
        assert ACCESS_FIELDS <= set(line)
        assert line["level"] == "INFO" and isinstance(line["duration_ms"], float)
    me = access[4]
    assert me["user_id"] == signed["user"]["id"] and me["status"] == 200 and me["client_ip"] == "203.0.113.9"
    assert access[-1]["user_id"] is None
    assert len({line["request_id"] for line in access}) == len(access)


def test_application_events_are_json_with_the_request_id(client, flow, log_lines):
    user = flow.signup()
    client.post("/api/v1/login", json={"email": user["email"], "password": "a wrong password 1"},
                headers={"X-Request-ID": "trace-42"})
    events = [line for line in log_lines() if line["logger"] == "otp_auth.events"]
    failed = events[-1]
    assert failed["event"] == "login_failed" and failed["details"] == {"reason": "invalid_credentials"}
    assert failed["user_id"] == user["id"] and failed["request_id"] == "trace-42"


def test_account_recovery_logs_no_code_or_token(app_and_flow, log_lines, sms, email):
    _, flow = app_and_flow(LOG_LEVEL="debug")
    client = flow.client
    session = flow.signed_in()
    user = session["user"]
    client.post("/api/v1/email/verification", headers=bearer(session["access_token"]))
    client.post("/api/v1/email/verify", headers=bearer(session["access_token"]),
                json={"code": email.last_code(user["email"])})
    change = client.post("/api/v1/phone/change", headers=bearer(session["access_token"]),
                         json={"phone": "+14155550166"}).get_json()["change_token"]
    change_codes = (re.findall(r"\b(\d{6})\b", email.to(user["email"])[-1].body)[0], sms.last_code("+14155550166"))
    client.post("/api/v1/phone/confirm", headers=bearer(change),
                json={"email_code": wrong_code(change_codes[0]), "sms_code": change_codes[1]})
    client.post("/api/v1/phone/confirm", headers=bearer(change),
                json={"email_code": change_codes[0], "sms_code": change_codes[1]})
    reset = client.post("/api/v1/password/forgot", json={"email": user["email"]}).get_json()["reset_token"]
    ghost = client.post("/api/v1/password/forgot", json={"email": "ghost@example.com"}).get_json()["reset_token"]
    client.post("/api/v1/password/reset", headers=bearer(reset), json={
        "email_code": email.last_code(user["email"]), "sms_code": sms.last_code("+14155550166"),
        "new_password": "a logged-nowhere passphrase"})
    secrets = [change, reset, ghost, "a logged-nowhere passphrase"]
    codes = [code for message in email.messages for code in re.findall(r"\b(\d{6})\b", message.body)]
    codes += [re.search(r"\d{6}", body).group(0) for _, body in sms.messages if re.search(r"\d{6}", body)]
    assert len(codes) >= 6
    for line in log_lines():
        text = json.dumps(line)
        for secret in secrets:
            assert secret not in text, line
        for code in codes:
            assert not re.search(rf"(?<![0-9a-f]){code}(?![0-9a-f])", text), line
