"""POST /password/forgot and /password/reset: every rule of API.md "Account recovery" (forgotten password)."""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from tests.support.app_state import audit_rows
from tests.support.email import RecordingEmailSender
from tests.support.flow import AuthFlow, bearer
from tests.support.sms import RecordingSmsSender

NEW_PASSWORD = "a brand new passphrase"


def forgot(client: FlaskClient, email: str, **headers: str) -> Any:
    return client.post("/api/v1/password/forgot", json={"email": email}, headers=headers)


def reset(client: FlaskClient, token: str, email_code: str, sms_code: str, password: str = NEW_PASSWORD) -> Any:
    return client.post("/api/v1/password/reset", headers=bearer(token),
                       json={"email_code": email_code, "sms_code": sms_code, "new_password": password})


def codes(email: RecordingEmailSender, sms: RecordingSmsSender, user: dict[str, Any]) -> tuple[str, str]:
    return email.last_code(user["email"]), sms.last_code(user["phone"])


def wrong(code: str) -> str:
    return f"{(int(code) + 1) % 10 ** len(code):0{len(code)}d}"


def test_forgot_answers_202_with_a_reset_token_and_sends_both_codes(flow: AuthFlow, email, sms) -> None:
    user = flow.signup()
    response = forgot(flow.client, user["email"])
    assert response.status_code == 202
    body = response.get_json()
    assert set(body) == {"reset_token", "token_type", "expires_in"}
    assert body["token_type"] == "Bearer" and body["expires_in"] == 300
    assert response.headers["Cache-Control"] == "no-store"
    assert len(email.to(user["email"])) == 1 and email.to(user["email"])[0].subject.startswith("Reset")
    assert [to for to, _ in sms.messages] == [user["phone"]]


def test_an_unknown_email_gets_the_same_status_and_body_shape_and_a_token_that_never_works(flow, email, sms) -> None:
    known = forgot(flow.client, flow.signup()["email"])
    email.messages.clear()
    sms.messages.clear()
    unknown = forgot(flow.client, "nobody-here@example.com")
    assert unknown.status_code == known.status_code == 202
    assert set(unknown.get_json()) == set(known.get_json())
    assert unknown.get_json()["expires_in"] == known.get_json()["expires_in"]
    assert len(unknown.get_json()["reset_token"]) == len(known.get_json()["reset_token"])
    assert email.messages == [] and sms.messages == []
    answer = reset(flow.client, unknown.get_json()["reset_token"], "123456", "123456")
    assert answer.status_code == 401 and answer.get_json()["code"] == "invalid_token"


def test_the_right_codes_reset_the_password_and_end_every_session(app: Flask, flow: AuthFlow, email, sms) -> None:
    session = flow.signed_in()
    user = session["user"]
    pending_login = flow.login(user)
    token = forgot(flow.client, user["email"]).get_json()["reset_token"]
    response = reset(flow.client, token, *codes(email, sms, user))
    assert response.status_code == 204
    assert flow.client.get("/api/v1/me", headers=bearer(session["access_token"])).status_code == 401
    refreshed = flow.client.post("/api/v1/token/refresh", json={"refresh_token": session["refresh_token"]})
    assert refreshed.status_code == 401
    assert flow.send_otp(pending_login).status_code == 401
    old = flow.client.post("/api/v1/login", json={"email": user["email"], "password": user["password"]})
    assert old.status_code == 401
    new = flow.signed_in({**user, "password": NEW_PASSWORD})
    me = flow.client.get("/api/v1/me", headers=bearer(new["access_token"])).get_json()
    assert me["email_verified"] is True
    app.extensions["otp_auth"].after_response.drain()
    assert email.to(user["email"])[-1].subject == "Your otp-auth password was changed" or any(
        "password was changed" in message.subject for message in email.to(user["email"]))
    events = [row.event for row in audit_rows(app, user["id"])]
    assert {"password_reset_requested", "password_reset"} <= set(events)


def test_the_token_and_codes_work_once(flow: AuthFlow, email, sms) -> None:
    user = flow.signup()
    token = forgot(flow.client, user["email"]).get_json()["reset_token"]
    pair = codes(email, sms, user)
    assert reset(flow.client, token, *pair).status_code == 204
    again = reset(flow.client, token, *pair, password="yet another passphrase")
    assert again.status_code == 401 and again.get_json()["code"] == "invalid_token"


def test_both_codes_must_be_right(flow: AuthFlow, email, sms) -> None:
    user = flow.signup()
    token = forgot(flow.client, user["email"]).get_json()["reset_token"]
    email_code, sms_code = codes(email, sms, user)
    for pair, left in (((wrong(email_code), sms_code), 4), ((email_code, wrong(sms_code)), 3),
                       ((sms_code, email_code), 2)):
        if pair == (email_code, sms_code):
            continue
        response = reset(flow.client, token, *pair)
        assert response.status_code == 401
        assert response.get_json()["code"] == "otp_invalid"
        assert response.get_json()["attempts_remaining"] == left
    assert reset(flow.client, token, email_code, sms_code).status_code == 204


def test_after_max_attempts_wrong_pairs_the_token_is_revoked_and_the_next_try_is_429(flow: AuthFlow, email,
                                                                                      sms) -> None:
    user = flow.signup()
    token = forgot(flow.client, user["email"]).get_json()["reset_token"]
    email_code, sms_code = codes(email, sms, user)
    remaining = [reset(flow.client, token, wrong(email_code), sms_code).get_json()["attempts_remaining"]
                 for _ in range(5)]
    assert remaining == [4, 3, 2, 1, 0]
    exceeded = reset(flow.client, token, email_code, sms_code)
    assert exceeded.status_code == 429 and exceeded.get_json()["code"] == "otp_attempts_exceeded"
    assert int(exceeded.headers["Retry-After"]) >= 1 and exceeded.get_json()["retry_after"] >= 1
    gone = reset(flow.client, token, email_code, sms_code)
    assert gone.status_code == 401 and gone.get_json()["code"] == "invalid_token"


def test_wrong_pairs_count_in_the_accounts_otp_failure_window(app_and_flow, email, sms) -> None:
    _, flow = app_and_flow(OTP_ACCOUNT_MAX_FAILURES="3")
    user = flow.signup()
    token = forgot(flow.client, user["email"]).get_json()["reset_token"]
    email_code, sms_code = codes(email, sms, user)
    for _ in range(3):
        assert reset(flow.client, token, email_code, wrong(sms_code)).status_code == 401
    locked = reset(flow.client, token, email_code, sms_code)
    assert locked.status_code == 429 and locked.get_json()["code"] == "rate_limited"
    # ...and the account's logins feel it too: the window is the one /validate-otp counts.
    pre = flow.login(user)
    assert flow.send_otp(pre).status_code == 429


def test_an_expired_token_is_invalid_token(flow: AuthFlow, email, sms, clock) -> None:
    user = flow.signup()
    token = forgot(flow.client, user["email"]).get_json()["reset_token"]
    pair = codes(email, sms, user)
    clock.advance(301)
    response = reset(flow.client, token, *pair)
    assert response.status_code == 401 and response.get_json()["code"] == "invalid_token"


def test_a_weak_new_password_is_422_and_spends_nothing(flow: AuthFlow, email, sms) -> None:
    user = flow.signup()
    token = forgot(flow.client, user["email"]).get_json()["reset_token"]
    email_code, sms_code = codes(email, sms, user)
    for weak in ("short", "password123", user["email"].upper()):
        response = reset(flow.client, token, wrong(email_code), sms_code, password=weak)
        assert response.status_code == 422 and "new_password" in response.get_json()["errors"]
    assert reset(flow.client, token, email_code, sms_code).status_code == 204


def test_asking_again_issues_a_new_token_and_the_old_one_stops_working(flow: AuthFlow, email, sms) -> None:
    user = flow.signup()
    first = forgot(flow.client, user["email"]).get_json()["reset_token"]
    old_codes = codes(email, sms, user)
    second = forgot(flow.client, user["email"]).get_json()["reset_token"]
    new_codes = codes(email, sms, user)
    assert first != second
    stale = reset(flow.client, first, *old_codes)
    assert stale.status_code == 401 and stale.get_json()["code"] == "invalid_token"
    assert reset(flow.client, second, *old_codes).status_code in (204, 401)  # equal codes by chance: 204
    if old_codes != new_codes:
        assert reset(flow.client, second, *new_codes).status_code == 204


def test_password_reset_max_per_hour_per_account_then_429_with_retry_after(flow: AuthFlow, clock) -> None:
    user = flow.signup()
    for _ in range(3):
        assert forgot(flow.client, user["email"]).status_code == 202
        clock.advance(31)  # past the resend cooldown of the account's phone
    refused = forgot(flow.client, user["email"])
    assert refused.status_code == 429 and refused.get_json()["code"] == "rate_limited"
    assert 1 <= int(refused.headers["Retry-After"]) == refused.get_json()["retry_after"] <= 3600
    clock.advance(3600)
    assert forgot(flow.client, user["email"]).status_code == 202


def test_an_unknown_email_is_capped_alike(flow: AuthFlow) -> None:
    statuses = [forgot(flow.client, "ghost@example.com").status_code for _ in range(4)]
    assert statuses == [202, 202, 202, 429]


def test_the_per_ip_limit_refuses_with_429(app_and_flow) -> None:
    _, flow = app_and_flow(RECOVERY_RATE_LIMIT_PER_IP="2/hour")
    statuses = [forgot(flow.client, f"nobody{n}@example.com").status_code for n in range(3)]
    assert statuses == [202, 202, 429]


def test_the_sms_goes_through_the_per_phone_hourly_cap(app_and_flow, clock) -> None:
    _, flow = app_and_flow(OTP_MAX_SENDS_PER_PHONE_PER_HOUR="1")
    user = flow.signup()
    assert forgot(flow.client, user["email"]).status_code == 202
    clock.advance(31)
    refused = forgot(flow.client, user["email"])
    assert refused.status_code == 429 and refused.get_json()["code"] == "rate_limited"
    assert "Retry-After" in refused.headers


def test_the_sms_spends_the_sms_budget(app_and_flow, sms) -> None:
    _, flow = app_and_flow(SMS_MAX_PER_HOUR="1")
    first, second = flow.signup(), flow.signup()
    assert forgot(flow.client, first["email"]).status_code == 202
    refused = forgot(flow.client, second["email"])
    assert refused.status_code == 503 and refused.get_json()["code"] == "sms_unavailable"
    assert [to for to, _ in sms.messages] == [first["phone"]]


def test_an_email_failure_is_503_email_unavailable_and_charges_nothing(flow: AuthFlow, email, sms) -> None:
    user = flow.signup()
    for _ in range(3):
        email.fail_next = 1
        failed = forgot(flow.client, user["email"])
        assert failed.status_code == 503 and failed.get_json()["code"] == "email_unavailable"
        assert int(failed.headers["Retry-After"]) >= 1
    assert sms.messages == []
    # Neither the account's hourly cap nor the phone's cooldown was charged.
    token = forgot(flow.client, user["email"]).get_json()["reset_token"]
    assert reset(flow.client, token, *codes(email, sms, user)).status_code == 204


def test_an_sms_failure_is_503_sms_unavailable_and_charges_nothing(flow: AuthFlow, email, sms) -> None:
    user = flow.signup()
    for _ in range(3):
        sms.fail_next = 1
        failed = forgot(flow.client, user["email"])
        assert failed.status_code == 503 and failed.get_json()["code"] == "sms_unavailable"
    token = forgot(flow.client, user["email"]).get_json()["reset_token"]
    assert reset(flow.client, token, *codes(email, sms, user)).status_code == 204


def test_a_recovery_code_stands_in_for_the_sms_code(flow: AuthFlow, email, sms) -> None:
    session = flow.signed_in()
    user = session["user"]
    made = flow.client.post("/api/v1/factors/recovery-codes", headers=bearer(session["access_token"]))
    recovery_code = made.get_json()["recovery_codes"][0]
    token = forgot(flow.client, user["email"]).get_json()["reset_token"]
    email_code = email.last_code(user["email"])
    body = {"email_code": email_code, "recovery_code": "zzzzz-zzzzz", "new_password": NEW_PASSWORD}
    bad = flow.client.post("/api/v1/password/reset", headers=bearer(token), json=body)
    assert bad.status_code == 401 and bad.get_json()["attempts_remaining"] == 4
    body["recovery_code"] = recovery_code
    assert flow.client.post("/api/v1/password/reset", headers=bearer(token), json=body).status_code == 204
    # The code is spent.
    token = forgot(flow.client, user["email"]).get_json()["reset_token"]
    body["email_code"] = email.last_code(user["email"])
    assert flow.client.post("/api/v1/password/reset", headers=bearer(token), json=body).status_code == 401


def test_remembered_devices_are_forgotten_and_the_login_failure_count_cleared(app_and_flow, email, sms) -> None:
    _, flow = app_and_flow(LOGIN_MAX_FAILURES="3")
    user = flow.signup()
    pre = flow.login(user)
    flow.send_otp(pre)
    signed = flow.client.post("/api/v1/validate-otp", headers=bearer(pre),
                              json={"otp": flow.code_for(user), "remember_device": True}).get_json()
    device = signed["device_token"]
    for _ in range(3):
        flow.client.post("/api/v1/login", json={"email": user["email"], "password": "not the password!"})
    token = forgot(flow.client, user["email"]).get_json()["reset_token"]
    assert reset(flow.client, token, *codes(email, sms, user)).status_code == 204
    login = flow.client.post("/api/v1/login",
                             json={"email": user["email"], "password": NEW_PASSWORD, "device_token": device})
    assert login.status_code == 200  # the failure count was cleared
    assert login.get_json()["otp_required"] is True  # the device is forgotten


def test_the_wrong_pair_is_recorded_as_password_reset_failed(app: Flask, flow: AuthFlow, email, sms) -> None:
    user = flow.signup()
    token = forgot(flow.client, user["email"]).get_json()["reset_token"]
    email_code, sms_code = codes(email, sms, user)
    reset(flow.client, token, wrong(email_code), sms_code)
    assert "password_reset_failed" in [row.event for row in audit_rows(app, user["id"])]


def test_a_disabled_account_gets_the_unknown_answer_and_its_live_token_stops(app: Flask, flow: AuthFlow, email,
                                                                              sms) -> None:
    user = flow.signup()
    token = forgot(flow.client, user["email"]).get_json()["reset_token"]
    pair = codes(email, sms, user)
    result = app.test_cli_runner().invoke(args=["users", "disable", user["email"]])
    assert result.exit_code == 0, result.output
    sent = len(email.messages)
    assert forgot(flow.client, user["email"]).status_code == 202
    assert len(email.messages) == sent  # answered like an unknown address: nothing sent
    refused = reset(flow.client, token, *pair)
    assert refused.status_code == 401 and refused.get_json()["code"] == "invalid_token"


def test_an_unknown_address_waits_as_long_as_a_recent_real_send(app: Flask, flow: AuthFlow) -> None:
    """The providers' latency must not tell a known address from an unknown one (bench/forgot_timing.py
    measures it); here the waits are recorded, not slept."""
    waits: list[float] = []
    requests = app.extensions["otp_auth"].recovery.requests
    requests.sleep = waits.append
    forgot(flow.client, "nobody-yet@example.com")
    assert waits == []  # no real send seen yet in this process: nothing to match
    forgot(flow.client, flow.signup()["email"])
    forgot(flow.client, "nobody-still@example.com")
    assert len(waits) == 1 and waits[0] >= 0
