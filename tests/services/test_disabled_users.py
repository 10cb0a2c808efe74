"""A disabled account cannot log in, and every token it held stops working."""

from __future__ import annotations

from tests.support.app_state import audit_rows, sample
from tests.support.flow import bearer


def _problem(response):  # type: ignore[no-untyped-def]
    body = response.get_json()
    body.pop("request_id")
    return response.status_code, body


def test_a_disabled_user_is_refused_like_a_wrong_password(app, client, flow):
    user = flow.signup()
    admin = app.extensions["otp_auth"].admin
    with app.app_context():
        admin.disable(user["email"])
    right = client.post("/api/v1/login", json={"email": user["email"], "password": user["password"]})
    wrong = client.post("/api/v1/login", json={"email": user["email"], "password": "not the password"})
    assert _problem(right) == _problem(wrong)
    assert right.status_code == 401 and right.get_json()["code"] == "invalid_credentials"
    assert sample(app, "otp_auth_logins_total", result="disabled") == 1
    assert [(row.event, row.details) for row in audit_rows(app, user["id"])][-2:] == [
        ("login_failed", {"reason": "disabled"}), ("login_failed", {"reason": "invalid_credentials"})]

    with app.app_context():
        admin.enable(user["email"])
    assert flow.signed_in(user)["access_token"]


def test_disabling_kills_sessions_and_pending_logins(app, client, flow):
    signed = flow.signed_in()
    user = signed["user"]
    pending = flow.login(user)  # password done, code sent, not yet validated
    assert flow.send_otp(pending).status_code == 200
    code = flow.code_for(user)
    unsent = flow.login(user)  # password done, no code asked for yet

    result = app.test_cli_runner().invoke(args=["users", "disable", user["email"]])
    assert result.exit_code == 0 and "1 session(s) revoked" in result.output

    assert client.get("/api/v1/me", headers=bearer(signed["access_token"])).status_code == 401
    assert client.get("/api/v1/auth/check", headers=bearer(signed["access_token"])).status_code == 401
    assert client.post("/api/v1/token/refresh", json={"refresh_token": signed["refresh_token"]}).status_code == 401
    refused = flow.validate(pending, code)
    assert refused.status_code == 401 and refused.get_json()["code"] == "invalid_token"
    assert flow.send_otp(unsent).get_json()["code"] == "invalid_token"

    # Enabling lifts the block for new logins; the killed tokens stay dead.
    assert app.test_cli_runner().invoke(args=["users", "enable", user["email"]]).exit_code == 0
    assert flow.validate(pending, code).status_code == 401
    assert flow.signed_in(user)["access_token"]
