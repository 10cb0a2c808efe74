"""GET /sessions, DELETE /sessions/{id}, DELETE /sessions (API.md, "Self-service for a signed-in user")."""

from __future__ import annotations

import re

from tests.support.app_state import audit_rows
from tests.support.flow import bearer

FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
IPHONE = ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
          "Version/17.5 Mobile/15E148 Safari/604.1")
ISO_Z = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ")


def signed_in_from(flow, user, user_agent: str, ip: str):  # type: ignore[no-untyped-def]
    flow.client.environ_base.update({"HTTP_USER_AGENT": user_agent, "REMOTE_ADDR": ip})
    try:
        return flow.signed_in(user)
    finally:
        flow.client.environ_base.pop("HTTP_USER_AGENT")
        flow.client.environ_base.pop("REMOTE_ADDR")


def test_lists_the_users_sessions_newest_first_with_the_current_one_marked(flow, client, clock):
    laptop = signed_in_from(flow, None, FIREFOX, "192.0.2.10")
    user = laptop["user"]
    clock.advance(60)
    phone = signed_in_from(flow, user, IPHONE, "198.51.100.7")
    flow.signed_in()  # someone else's session is never listed

    response = client.get("/api/v1/sessions", headers=bearer(laptop["access_token"]))
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    sessions = response.get_json()["sessions"]
    assert [(s["ip"], s["user_agent"], s["current"]) for s in sessions] == [
        ("198.51.100.7", IPHONE, False), ("192.0.2.10", FIREFOX, True)]
    for session in sessions:
        assert set(session) == {"id", "created_at", "last_used_at", "ip", "user_agent", "current"}
        assert ISO_Z.fullmatch(session["created_at"]) and session["last_used_at"] == session["created_at"]
    assert sessions[0]["created_at"] > sessions[1]["created_at"]
    from_phone = flow.sessions(phone["access_token"])
    assert [s["current"] for s in from_phone] == [True, False]
    assert {s["id"] for s in from_phone} == {s["id"] for s in sessions}


def test_a_refresh_keeps_the_session_and_moves_its_last_use(flow, client, clock):
    pair = flow.signed_in()
    (before,) = flow.sessions(pair["access_token"])
    clock.advance(300)
    refreshed = client.post("/api/v1/token/refresh", json={"refresh_token": pair["refresh_token"]}).get_json()
    (after,) = flow.sessions(refreshed["access_token"])
    assert after["id"] == before["id"] and after["current"]
    assert after["created_at"] == before["created_at"]
    assert after["last_used_at"] > before["last_used_at"]


def test_an_expired_session_is_not_listed(flow, clock):
    old = flow.signed_in()
    clock.advance(2592000 - 60)
    new = flow.signed_in(old["user"])
    clock.advance(61)  # the first session's refresh token has expired
    assert [s["current"] for s in flow.sessions(new["access_token"])] == [True]


def test_ending_one_session_stops_its_tokens_and_no_other(app, flow, client):
    first = flow.signed_in()
    second = flow.signed_in(first["user"])
    target = flow.session_id(second["access_token"])

    response = client.delete(f"/api/v1/sessions/{target}", headers=bearer(first["access_token"]))
    assert response.status_code == 204 and response.data == b""
    assert client.get("/api/v1/me", headers=bearer(second["access_token"])).status_code == 401
    assert client.post("/api/v1/token/refresh", json={"refresh_token": second["refresh_token"]}).status_code == 401
    assert client.get("/api/v1/me", headers=bearer(first["access_token"])).status_code == 200
    assert [s["id"] for s in flow.sessions(first["access_token"])] == [flow.session_id(first["access_token"])]
    event = audit_rows(app, first["user"]["id"])[-1]
    assert (event.event, event.details) == ("session_ended", {"by": "user", "sessions": [target]})


def test_an_id_that_is_not_one_of_the_users_live_sessions_is_not_found(flow, client):
    mine = flow.signed_in()
    theirs = flow.signed_in()
    their_id = flow.session_id(theirs["access_token"])
    ended = flow.signed_in(mine["user"])
    ended_id = flow.session_id(ended["access_token"])
    assert client.post("/api/v1/logout", headers=bearer(ended["access_token"])).status_code == 204

    for session_id in (their_id, ended_id, "0" * 32, "no-such-session"):
        response = client.delete(f"/api/v1/sessions/{session_id}", headers=bearer(mine["access_token"]))
        assert response.status_code == 404, session_id
        assert response.mimetype == "application/problem+json"
        assert response.get_json()["code"] == "not_found"
    # The other user's session is untouched.
    assert client.get("/api/v1/me", headers=bearer(theirs["access_token"])).status_code == 200


def test_ending_the_current_session_is_a_logout(flow, client):
    pair = flow.signed_in()
    current = flow.session_id(pair["access_token"])
    assert client.delete(f"/api/v1/sessions/{current}", headers=bearer(pair["access_token"])).status_code == 204
    assert client.get("/api/v1/me", headers=bearer(pair["access_token"])).status_code == 401
    assert client.delete(f"/api/v1/sessions/{current}", headers=bearer(pair["access_token"])).status_code == 401


def test_ending_every_other_session_keeps_the_current_one(app, flow, client):
    current = flow.signed_in()
    others = [flow.signed_in(current["user"]) for _ in range(3)]
    bystander = flow.signed_in()
    other_ids = sorted(flow.session_id(pair["access_token"]) for pair in others)
    pending = flow.login(current["user"])  # a login waiting for its code ends too

    response = client.delete("/api/v1/sessions", headers=bearer(current["access_token"]))
    assert response.status_code == 204 and response.data == b""
    for pair in others:
        assert client.get("/api/v1/me", headers=bearer(pair["access_token"])).status_code == 401
        assert client.post("/api/v1/token/refresh", json={"refresh_token": pair["refresh_token"]}).status_code == 401
    assert flow.send_otp(pending).status_code == 401
    assert client.get("/api/v1/me", headers=bearer(current["access_token"])).status_code == 200
    assert client.get("/api/v1/me", headers=bearer(bystander["access_token"])).status_code == 200
    assert [s["current"] for s in flow.sessions(current["access_token"])] == [True]
    event = audit_rows(app, current["user"]["id"])[-1]
    assert event.event == "session_ended"
    assert event.details["by"] == "user" and sorted(event.details["sessions"]) == other_ids
    # Nothing left to end is still a success.
    assert client.delete("/api/v1/sessions", headers=bearer(current["access_token"])).status_code == 204


def test_the_session_endpoints_need_an_access_token(flow, client):
    pair = flow.signed_in()
    session_id = flow.session_id(pair["access_token"])
    pre = flow.login(pair["user"])
    for headers in ({}, bearer(pre), bearer(pair["refresh_token"]), bearer("garbage")):
        for method, path in (("GET", "/api/v1/sessions"), ("DELETE", "/api/v1/sessions"),
                             ("DELETE", f"/api/v1/sessions/{session_id}")):
            response = client.open(path, method=method, headers=headers)
            assert response.status_code == 401, (method, path)
            assert response.get_json()["code"] == "invalid_token"
    assert client.get("/api/v1/me", headers=bearer(pair["access_token"])).status_code == 200


def test_the_delete_endpoints_take_no_fields(flow, client):
    pair = flow.signed_in()
    response = client.delete("/api/v1/sessions", headers=bearer(pair["access_token"]), json={"all": True})
    assert response.status_code == 422 and "all" in response.get_json()["errors"]
