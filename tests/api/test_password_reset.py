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
