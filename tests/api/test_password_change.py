"""POST /api/v1/password/change (API.md, "Self-service for a signed-in user")."""

from __future__ import annotations

from tests.support.app_state import audit_rows
from tests.support.flow import PASSWORD, bearer

NEW = "a brand new passphrase 7"


def change(client, access: str, current: str = PASSWORD, new: str = NEW):  # type: ignore[no-untyped-def]
    return client.post("/api/v1/password/change", headers=bearer(access),
                       json={"current_password": current, "new_password": new})


def login(client, email: str, password: str):  # type: ignore[no-untyped-def]
    return client.post("/api/v1/login", json={"email": email, "password": password})


def test_changes_the_password_and_ends_every_other_session(app, flow, client):
    current = flow.signed_in()
    user = current["user"]
    others = [flow.signed_in(user) for _ in range(2)]
    other_ids = sorted(flow.session_id(pair["access_token"]) for pair in others)
    pending = flow.login(user)
    bystander = flow.signed_in()

    response = change(client, current["access_token"])
    assert response.status_code == 204 and response.data == b""
    assert login(client, user["email"], PASSWORD).get_json()["code"] == "invalid_credentials"
    assert login(client, user["email"], NEW).status_code == 200
    for pair in others:
        assert client.get("/api/v1/me", headers=bearer(pair["access_token"])).status_code == 401
        assert client.post("/api/v1/token/refresh", json={"refresh_token": pair["refresh_token"]}).status_code == 401
    assert flow.send_otp(pending).status_code == 401  # a login proven with the old password
    assert client.get("/api/v1/me", headers=bearer(current["access_token"])).status_code == 200
    assert client.get("/api/v1/me", headers=bearer(bystander["access_token"])).status_code == 200

    rows = [row for row in audit_rows(app, user["id"]) if row.event in ("password_changed", "session_ended")]
    assert [row.event for row in rows] == ["password_changed", "session_ended"]
    assert rows[1].details["by"] == "password_change" and sorted(rows[1].details["sessions"]) == other_ids


def test_a_wrong_current_password_is_invalid_credentials_and_changes_nothing(app, flow, client):
    pair = flow.signed_in()
    other = flow.signed_in(pair["user"])
    response = change(client, pair["access_token"], current="not the password")
    assert response.status_code == 401
    assert response.mimetype == "application/problem+json"
    assert response.get_json()["code"] == "invalid_credentials"
    assert login(client, pair["user"]["email"], PASSWORD).status_code == 200
    assert client.get("/api/v1/me", headers=bearer(other["access_token"])).status_code == 200
    failed = audit_rows(app, pair["user"]["id"])
    assert any(row.event == "login_failed" and row.details.get("during") == "password_change" for row in failed)


def test_wrong_current_passwords_count_toward_login_max_failures(flow, client):
    pair = flow.signed_in()
    email = pair["user"]["email"]
    assert login(client, email, "wrong password one").status_code == 401  # the login form and the change share it
    for _ in range(4):
        assert change(client, pair["access_token"], current="still not it").status_code == 401
    refused = change(client, pair["access_token"])  # the 6th attempt, even with the right password
    assert refused.status_code == 429
    assert refused.get_json()["code"] == "rate_limited"
    assert int(refused.headers["Retry-After"]) == refused.get_json()["retry_after"] >= 1
    assert login(client, email, PASSWORD).status_code == 429


def test_the_window_follows_the_setting_and_a_success_clears_it(app_and_flow, clock):
    _, flow = app_and_flow(LOGIN_MAX_FAILURES="2", ACCESS_TOKEN_TTL_SECONDS="3600")
    pair = flow.signed_in()
    client = flow.client
    assert change(client, pair["access_token"], current="wrong").status_code == 401
    assert change(client, pair["access_token"]).status_code == 204  # the second attempt, right: clears the window
    for _ in range(2):
        assert change(client, pair["access_token"], current="wrong", new="another new passphrase").status_code == 401
    assert change(client, pair["access_token"], current=NEW, new="another new passphrase").status_code == 429
    clock.advance(900)  # LOGIN_FAILURE_WINDOW_SECONDS
    assert change(client, pair["access_token"], current=NEW, new="another new passphrase").status_code == 204


def test_a_new_password_that_breaks_the_rules_is_422_and_spends_nothing(app_and_flow):
    _, flow = app_and_flow(LOGIN_MAX_FAILURES="1")
    pair = flow.signed_in()
    email = pair["user"]["email"]
    for current, new in (("wrong", "short"), ("wrong", "password123"), ("wrong", email.upper()),
                         ("wrong", "x" * 129), (PASSWORD, PASSWORD)):
        response = change(flow.client, pair["access_token"], current=current, new=new)
        assert response.status_code == 422, new
        assert list(response.get_json()["errors"]) == ["new_password"], new
    assert change(flow.client, pair["access_token"]).status_code == 204  # no failure was counted


def test_the_body_is_checked_field_by_field(flow, client):
    pair = flow.signed_in()
    response = client.post("/api/v1/password/change", headers=bearer(pair["access_token"]),
                           json={"current_password": 12, "extra": "x"})
    assert response.status_code == 422
    assert set(response.get_json()["errors"]) == {"current_password", "new_password", "extra"}


def test_needs_an_access_token(flow, client):
    pair = flow.signed_in()
    for headers in ({}, bearer(flow.login(pair["user"])), bearer(pair["refresh_token"])):
        response = client.post("/api/v1/password/change", headers=headers,
                               json={"current_password": PASSWORD, "new_password": NEW})
        assert response.status_code == 401
        assert response.get_json()["code"] == "invalid_token"
    assert login(client, pair["user"]["email"], PASSWORD).status_code == 200
