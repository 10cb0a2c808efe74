"""POST /phone/change and /phone/confirm: every rule of API.md "Lost or new phone"."""

from __future__ import annotations

import re
from typing import Any

from flask import Flask

from tests.support.app_state import audit_rows
from tests.support.flow import AuthFlow, bearer

NEW_PHONE = "+14155550123"


def change(flow: AuthFlow, token: str, phone: Any = NEW_PHONE) -> Any:
    return flow.client.post("/api/v1/phone/change", headers=bearer(token), json={"phone": phone})


def confirm(flow: AuthFlow, token: str, email_code: str, sms_code: str) -> Any:
    return flow.client.post("/api/v1/phone/confirm", headers=bearer(token),
                            json={"email_code": email_code, "sms_code": sms_code})


def email_code(email: Any, address: str) -> str:
    """The code of the newest email to `address` (its body also shows the new number's last 4 digits)."""
    return str(re.findall(r"\b(\d{6})\b", email.to(address)[-1].body)[0])


def wrong(code: str) -> str:
    return f"{(int(code) + 1) % 10 ** len(code):0{len(code)}d}"


def test_change_with_a_pre_otp_token_sends_codes_to_the_new_number_and_the_email(flow: AuthFlow, email, sms) -> None:
    user = flow.signup()
    pre = flow.login(user)  # the password is proven; the old phone is gone
    response = change(flow, pre, "+1 (415) 555-0123")
    assert response.status_code == 202
    body = response.get_json()
    assert set(body) == {"change_token", "token_type", "expires_in", "sent_to"}
    assert body["token_type"] == "Bearer" and body["expires_in"] == 300
    local, domain = user["email"].split("@")
    assert body["sent_to"] == {"email": f"{local[0]}***@{domain}", "phone": "+1******0123"}
    assert [to for to, _ in sms.messages] == [NEW_PHONE]
    assert len(email.to(user["email"])) == 1


def test_change_with_an_access_token_works_too(flow: AuthFlow) -> None:
    session = flow.signed_in()
    assert change(flow, session["access_token"]).status_code == 202


def test_other_tokens_are_invalid_token(flow: AuthFlow) -> None:
    session = flow.signed_in()
    for token in (session["refresh_token"], "not-a-token"):
        response = change(flow, token)
        assert response.status_code == 401 and response.get_json()["code"] == "invalid_token"


def test_the_phone_is_parsed_like_signup_and_a_bad_one_is_422(app_and_flow) -> None:
    _, flow = app_and_flow(SMS_ALLOWED_COUNTRIES="US")
    session = flow.signed_in()
    for bad in ("12", "+44 20 7946 0958", "+14155550123 ext. 5", 14155550123):
        response = change(flow, session["access_token"], bad)
        assert response.status_code == 422 and "phone" in response.get_json()["errors"], bad


def test_confirm_replaces_the_phone_ends_every_session_and_tells_both(app: Flask, flow: AuthFlow, email, sms) -> None:
    session = flow.signed_in()
    user = session["user"]
    token = change(flow, session["access_token"]).get_json()["change_token"]
    response = confirm(flow, token, email_code(email, user["email"]), sms.last_code(NEW_PHONE))
    assert response.status_code == 200
    assert response.get_json()["phone"] == NEW_PHONE and response.get_json()["email_verified"] is True
    assert flow.client.get("/api/v1/me", headers=bearer(session["access_token"])).status_code == 401
    app.extensions["otp_auth"].after_response.drain()
    assert any(to == user["phone"] and "no longer" in body for to, body in sms.messages)
    assert any("new phone number" in message.subject for message in email.to(user["email"]))
    assert "phone_changed" in [row.event for row in audit_rows(app, user["id"])]
    # The next login's code goes to the new number.
    pre = flow.login(user)
    assert flow.send_otp(pre).status_code == 200
    assert sms.messages[-1][0] == NEW_PHONE


def test_wrong_codes_count_as_for_reset(flow: AuthFlow, email, sms) -> None:
    session = flow.signed_in()
    user = session["user"]
    token = change(flow, session["access_token"]).get_json()["change_token"]
    by_email, sms_code = email_code(email, user["email"]), sms.last_code(NEW_PHONE)
    remaining = [confirm(flow, token, by_email, wrong(sms_code)).get_json()["attempts_remaining"]
                 for _ in range(5)]
    assert remaining == [4, 3, 2, 1, 0]
    exceeded = confirm(flow, token, by_email, sms_code)
    assert exceeded.status_code == 429 and exceeded.get_json()["code"] == "otp_attempts_exceeded"
    assert flow.client.get("/api/v1/me", headers=bearer(session["access_token"])).get_json()["phone"] == user["phone"]


def test_the_pending_change_belongs_to_the_account_not_the_number(flow: AuthFlow, email, sms) -> None:
    alice, bob = flow.signed_in(), flow.signed_in()
    alice_token = change(flow, alice["access_token"]).get_json()["change_token"]
    alice_codes = email_code(email, alice["user"]["email"]), sms.last_code(NEW_PHONE)
    # Bob asks for the same number; his request is his own, and does not replace Alice's.
    assert change(flow, bob["access_token"]).status_code in (202, 429)  # the number's cooldown may refuse it
    assert confirm(flow, alice_token, *alice_codes).status_code == 200
    bob_me = flow.client.get("/api/v1/me", headers=bearer(bob["access_token"])).get_json()
    assert bob_me["phone"] == bob["user"]["phone"]


def test_a_phone_used_by_another_account_is_allowed_as_at_signup(flow: AuthFlow, email, sms) -> None:
    other = flow.signup()
    session = flow.signed_in()
    token = change(flow, session["access_token"], other["phone"]).get_json()["change_token"]
    answer = confirm(flow, token, email_code(email, session["user"]["email"]), sms.last_code(other["phone"]))
    assert answer.status_code == 200 and answer.get_json()["phone"] == other["phone"]


def test_an_email_failure_is_503_and_an_sms_failure_is_503(flow: AuthFlow, email, sms) -> None:
    session = flow.signed_in()
    email.fail_next = 1
    failed = change(flow, session["access_token"])
    assert failed.status_code == 503 and failed.get_json()["code"] == "email_unavailable"
    sms.fail_next = 1
    failed = change(flow, session["access_token"])
    assert failed.status_code == 503 and failed.get_json()["code"] == "sms_unavailable"
    assert change(flow, session["access_token"]).status_code == 202  # nothing was charged


def test_an_unknown_or_expired_change_token_is_invalid_token(flow: AuthFlow, email, sms, clock) -> None:
    session = flow.signed_in()
    token = change(flow, session["access_token"]).get_json()["change_token"]
    pair = email_code(email, session["user"]["email"]), sms.last_code(NEW_PHONE)
    clock.advance(301)
    for candidate in (token, session["access_token"]):
        response = confirm(flow, candidate, *pair)
        assert response.status_code == 401 and response.get_json()["code"] == "invalid_token"
