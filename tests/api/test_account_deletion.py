"""DELETE /api/v1/me (API.md, "Self-service for a signed-in user"): the account and all its sessions
are gone, no record of it is left in Redis or `users`, the email can sign up again, and audit rows
keep only the user id."""

from __future__ import annotations

import json

from sqlalchemy import text

from app.extensions import db
from app.stores.keyed_hash import KeyedHasher
from app.stores.keys import Keys
from tests.support.app_state import audit_rows, drain, redis_dump, wrong_code
from tests.support.flow import PASSWORD, bearer

BROWSER = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"


def delete_me(client, access: str, password: str = PASSWORD):  # type: ignore[no-untyped-def]
    return client.delete("/api/v1/me", headers=bearer(access), json={"password": password})


def traces_of(app, user) -> list[str]:  # type: ignore[no-untyped-def]
    """What would name the account: its id, email, phone, and the keyed hashes derived from them."""
    settings = app.extensions["otp_auth"].settings
    keys = Keys(settings.REDIS_KEY_PREFIX, KeyedHasher(settings.SECRET_KEY))
    digests = [name.rsplit(":", 1)[1] for name in (keys.login_failures(user["email"]), keys.phone_sends(user["phone"]))]
    return [user["id"], user["email"], user["phone"], user["phone"].lstrip("+"), *digests]


def leave_every_kind_of_record(app, flow, client):  # type: ignore[no-untyped-def]
    """An account with two sessions, a refreshed chain, a login in progress, a wrong code, a failed
    login, phone sends and a known device, plus an audit row naming its email."""
    client.environ_base["HTTP_USER_AGENT"] = BROWSER
    pair = flow.signed_in()
    user = pair["user"]
    refreshed = client.post("/api/v1/token/refresh", json={"refresh_token": pair["refresh_token"]}).get_json()
    flow.signed_in(user)
    pending = flow.login(user)
    assert flow.send_otp(pending).status_code == 200
    assert flow.validate(pending, wrong_code(flow.code_for(user))).status_code == 401
    assert client.post("/api/v1/login", json={"email": user["email"], "password": "wrong!"}).status_code == 401
    with app.app_context():
        app.extensions["otp_auth"].events.write("note", user["id"], contact=f"write to {user['email']}")
    return user, refreshed


def test_deletion_leaves_nothing_in_redis_or_users_that_names_the_account(app, flow, client):
    user, refreshed = leave_every_kind_of_record(app, flow, client)
    bystander = flow.signed_in()
    traces = traces_of(app, user)
    drain(app)  # events wait in the stream until the drain settles (and, with no webhook group, deletes) them
    before = "\n".join(redis_dump(app))
    # Redis never holds the email itself; everything else is there before the deletion.
    assert [trace for trace in traces if trace not in before] == [user["email"]]

    response = delete_me(client, refreshed["access_token"])
    assert response.status_code == 204 and response.data == b""

    drain(app)
    after = "\n".join(redis_dump(app))
    for trace in traces:
        assert trace not in after, trace
    assert bystander["user"]["id"] in after  # the scan does see other accounts' records
    with app.app_context():
        rows = db.session.execute(text("SELECT * FROM users")).all()
    users = "\n".join(str(value) for row in rows for value in row)
    assert bystander["user"]["email"] in users
    for trace in traces[:4]:
        assert trace not in users, trace


def test_audit_rows_stay_under_the_user_id_only(app, flow, client):
    user, refreshed = leave_every_kind_of_record(app, flow, client)
    drain(app)  # the rows are in the table when the account goes: erasure scrubs them there
    assert delete_me(client, refreshed["access_token"]).status_code == 204

    rows = audit_rows(app, user["id"])
    assert rows[0].event == "signup" and rows[-1].event == "account_deleted"
    assert rows[-1].details == {"by": "user", "sessions": 2}
    for row in rows:
        assert row.ip is None and row.user_agent is None, row.event
        kept = json.dumps(row.details)
        for trace in traces_of(app, user)[1:4]:
            assert trace not in kept, (row.event, kept)
    assert [row.details for row in rows if row.event == "note"] == [{"contact": "[erased]"}]
    with app.app_context():
        every_row = db.session.execute(text("SELECT * FROM auth_events")).all()
    for trace in traces_of(app, user)[1:4]:
        assert trace not in "\n".join(str(value) for row in every_row for value in row)


def test_the_account_and_all_its_sessions_are_gone_and_the_email_can_sign_up_again(flow, client):
    pair = flow.signed_in()
    user = pair["user"]
    other = flow.signed_in(user)
    assert delete_me(client, pair["access_token"]).status_code == 204

    for session in (pair, other):
        for path in ("/api/v1/me", "/api/v1/auth/check", "/api/v1/sessions"):
            assert client.get(path, headers=bearer(session["access_token"])).status_code == 401, path
        assert client.post("/api/v1/token/refresh", json={"refresh_token": session["refresh_token"]}).status_code == 401
    login = client.post("/api/v1/login", json={"email": user["email"], "password": PASSWORD})
    assert login.get_json()["code"] == "invalid_credentials"

    again = flow.signup(email=user["email"], phone=user["phone"])
    assert again["id"] != user["id"]
    assert flow.signed_in(again)["access_token"]


def test_a_wrong_password_is_invalid_credentials_and_deletes_nothing(app_and_flow):
    _, flow = app_and_flow(LOGIN_MAX_FAILURES="2")
    pair = flow.signed_in()
    for _ in range(2):
        response = delete_me(flow.client, pair["access_token"], password="not the password")
        assert response.status_code == 401
        assert response.get_json()["code"] == "invalid_credentials"
    assert flow.client.get("/api/v1/me", headers=bearer(pair["access_token"])).status_code == 200
    # Counted toward LOGIN_MAX_FAILURES: the next try is refused even with the right password.
    refused = delete_me(flow.client, pair["access_token"])
    assert refused.status_code == 429 and refused.get_json()["code"] == "rate_limited"
    assert flow.client.get("/api/v1/me", headers=bearer(pair["access_token"])).status_code == 200


def test_needs_an_access_token_and_a_password(flow, client):
    pair = flow.signed_in()
    for headers in ({}, bearer(flow.login(pair["user"])), bearer(pair["refresh_token"])):
        response = client.delete("/api/v1/me", headers=headers, json={"password": PASSWORD})
        assert response.status_code == 401 and response.get_json()["code"] == "invalid_token"
    for body in ({}, {"password": ""}, {"password": 1}, {"password": PASSWORD, "confirm": True}):
        response = client.delete("/api/v1/me", headers=bearer(pair["access_token"]), json=body)
        assert response.status_code == 422, body
    assert client.get("/api/v1/me", headers=bearer(pair["access_token"])).status_code == 200


def test_events_still_in_the_stream_at_deletion_land_without_ip_user_agent_or_details(app, flow, client):
    user, refreshed = leave_every_kind_of_record(app, flow, client)  # its events are not drained yet
    assert delete_me(client, refreshed["access_token"]).status_code == 204
    rows = audit_rows(app, user["id"])  # drains now, after the deletion
    assert {"signup", "otp_ok", "note", "account_deleted"} <= {row.event for row in rows}
    for row in rows:
        assert row.ip is None and row.user_agent is None, row.event
        if row.event != "account_deleted":
            assert row.details is None, row.event
    left = "\n".join(redis_dump(app))
    for trace in traces_of(app, user):
        assert trace not in left, trace
