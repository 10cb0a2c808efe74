"""Remembered devices: validate-otp with "remember_device" answers a device token; login with it skips the
second factor until REMEMBER_DEVICE_DAYS pass, or until the device is forgotten through /sessions."""

from __future__ import annotations

import pytest

from tests.support.app_state import audit_rows
from tests.support.factors import answer, enrolled, totp_code
from tests.support.flow import AuthFlow, bearer

DAY = 86400


def remembered(flow: AuthFlow) -> dict:
    """A signed-in user whose sign-in asked to remember the device; the pair carries the device token."""
    user = flow.signup()
    pre = flow.login(user)
    flow.send_otp(pre)
    response = answer(flow, pre, {"otp": flow.code_for(user), "remember_device": True})
    assert response.status_code == 200, response.get_json()
    return {**response.get_json(), "user": user}


def device_login(flow: AuthFlow, user: dict, device_token: str, password: str | None = None):  # type: ignore[no-untyped-def]
    return flow.client.post("/api/v1/login", json={"email": user["email"], "password": password or user["password"],
                                                   "device_token": device_token})


def test_a_remembered_device_skips_the_second_factor(app, flow, sms):
    pair = remembered(flow)
    assert len(pair["device_token"]) >= 43 and pair["device_token"] not in (pair["access_token"],
                                                                            pair["refresh_token"])
    sent = len(sms.messages)
    response = device_login(flow, pair["user"], pair["device_token"])
    assert response.status_code == 200
    body = response.get_json()
    assert body["otp_required"] is False and "pre_otp_token" not in body
    assert set(body) == {"access_token", "token_type", "expires_in", "refresh_token", "refresh_expires_in",
                         "otp_required"}
    assert flow.client.get("/api/v1/me", headers=bearer(body["access_token"])).status_code == 200
    assert len(sms.messages) == sent
    # The device token works again (for its whole life), unlike codes.
    assert device_login(flow, pair["user"], pair["device_token"]).get_json()["otp_required"] is False
    services = app.extensions["otp_auth"]
    claims = services.tokens.access_claims(body["access_token"])
    session = next(s for s in services.sessions.of_user(claims.user_id) if s.id == claims.session_id)
    assert session.amr == ("pwd", "device")
    events = [row.event for row in audit_rows(app, pair["user"]["id"])]
    assert "device_remembered" in events and events.count("device_sign_in") == 2


def test_without_asking_there_is_no_device_token(flow):
    assert "device_token" not in flow.signed_in()


def test_the_password_is_still_needed(flow):
    pair = remembered(flow)
    refused = device_login(flow, pair["user"], pair["device_token"], password="not the password at all")
    assert refused.status_code == 401 and refused.get_json()["code"] == "invalid_credentials"


@pytest.mark.parametrize("token", ["made-up-token", "x" * 512])
def test_an_unknown_device_token_means_the_usual_second_step(flow, token):
    user = flow.signup()
    response = device_login(flow, user, token)
    assert response.status_code == 200
    assert response.get_json()["otp_required"] is True and "pre_otp_token" in response.get_json()


def test_another_accounts_device_token_does_not_count(flow):
    theirs = remembered(flow)
    mine = flow.signup()
    assert device_login(flow, mine, theirs["device_token"]).get_json()["otp_required"] is True


def test_the_device_is_forgotten_after_remember_device_days(make_app, sms, clock):
    flow = AuthFlow(make_app(REMEMBER_DEVICE_DAYS="7").test_client(), sms)
    pair = remembered(flow)
    clock.advance(7 * DAY - 60)
    assert device_login(flow, pair["user"], pair["device_token"]).get_json()["otp_required"] is False
    clock.advance(61)
    assert device_login(flow, pair["user"], pair["device_token"]).get_json()["otp_required"] is True


def test_any_factor_can_remember_the_device(flow, clock):
    pair = enrolled(flow, clock)
    pre = flow.login(pair["user"])
    response = answer(flow, pre, {"otp": totp_code(pair["totp_secret"], clock), "factor": "totp",
                                  "remember_device": True})
    assert response.status_code == 200
    assert device_login(flow, pair["user"], response.get_json()["device_token"]).get_json()["otp_required"] is False


def test_a_wrong_answer_remembers_nothing(flow):
    user = flow.signup()
    pre = flow.login(user)
    flow.send_otp(pre)
    response = answer(flow, pre, {"otp": "000000" if flow.code_for(user) != "000000" else "111111",
                                  "remember_device": True})
    assert response.status_code == 401 and "device_token" not in response.get_json()


def test_devices_are_listed_and_ended_through_sessions(flow):
    pair = remembered(flow)
    access = bearer(pair["access_token"])
    sessions = flow.client.get("/api/v1/sessions", headers=access).get_json()["sessions"]
    assert len(sessions) == 2  # the sign-in, and the remembered device
    device = next(s for s in sessions if not s["current"])
    assert flow.client.delete(f"/api/v1/sessions/{device['id']}", headers=access).status_code == 204
    assert device_login(flow, pair["user"], pair["device_token"]).get_json()["otp_required"] is True
    assert flow.client.get("/api/v1/me", headers=access).status_code == 200  # the sign-in itself goes on


def test_ending_every_other_session_forgets_every_device(flow):
    pair = remembered(flow)
    assert flow.client.delete("/api/v1/sessions", headers=bearer(pair["access_token"])).status_code == 204
    assert device_login(flow, pair["user"], pair["device_token"]).get_json()["otp_required"] is True


def test_a_password_change_forgets_every_device(flow):
    pair = remembered(flow)
    new_password = "a brand new passphrase 7"
    changed = flow.client.post("/api/v1/password/change", headers=bearer(pair["access_token"]),
                               json={"current_password": pair["user"]["password"], "new_password": new_password})
    assert changed.status_code == 204
    assert device_login(flow, pair["user"], pair["device_token"], new_password).get_json()["otp_required"] is True


def test_logging_out_keeps_the_device(flow):
    pair = remembered(flow)
    assert flow.client.post("/api/v1/logout", headers=bearer(pair["access_token"])).status_code == 204
    assert device_login(flow, pair["user"], pair["device_token"]).get_json()["otp_required"] is False


@pytest.mark.parametrize(("body", "field"), [
    ({"otp": "123456", "remember_device": "yes"}, "remember_device"),
    ({"otp": "123456", "remember_device": 1}, "remember_device"),
    ({"otp": "123456", "remember_device": None}, "remember_device"),
])
def test_remember_device_is_a_boolean(flow, body, field):
    response = answer(flow, flow.login(flow.signup()), body)
    assert response.status_code == 422 and set(response.get_json()["errors"]) == {field}


def test_device_token_must_be_a_string(flow):
    user = flow.signup()
    for value in (123, None, "", "x" * 513):
        response = flow.client.post("/api/v1/login", json={"email": user["email"], "password": user["password"],
                                                           "device_token": value})
        assert response.status_code == 422 and set(response.get_json()["errors"]) == {"device_token"}
