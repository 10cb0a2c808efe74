"""/me, /token/refresh, /logout and /auth/check."""

from tests.support.flow import bearer


def test_me_requires_an_access_token(flow, client):
    pair = flow.signed_in()
    assert client.get("/api/v1/me", headers=bearer(pair["access_token"])).status_code == 200
    pre = flow.login(pair["user"])
    for token in (pre, pair["refresh_token"], "garbage"):
        response = client.get("/api/v1/me", headers=bearer(token))
        assert response.status_code == 401
        assert response.get_json()["code"] == "invalid_token"
    assert client.get("/api/v1/me").status_code == 401


def test_access_token_expires(flow, client, clock):
    pair = flow.signed_in()
    clock.advance(901)
    assert client.get("/api/v1/me", headers=bearer(pair["access_token"])).status_code == 401


def test_refresh_rotates_and_reuse_revokes_the_chain(flow, client, clock):
    first = flow.signed_in()
    second = client.post("/api/v1/token/refresh", json={"refresh_token": first["refresh_token"]})
    assert second.status_code == 200
    pair = second.get_json()
    assert set(pair) == {"access_token", "token_type", "expires_in", "refresh_token", "refresh_expires_in"}
    assert second.headers["Cache-Control"] == "no-store"
    assert client.get("/api/v1/me", headers=bearer(pair["access_token"])).status_code == 200

    clock.advance(10)  # REFRESH_REUSE_GRACE_SECONDS: only a reuse after it revokes (tests/api/test_refresh_grace.py)
    reuse = client.post("/api/v1/token/refresh", json={"refresh_token": first["refresh_token"]})
    assert reuse.status_code == 401
    assert reuse.get_json()["code"] == "invalid_token"
    # Every token of the chain is dead now, access tokens included.
    for token in (first["access_token"], pair["access_token"]):
        assert client.get("/api/v1/me", headers=bearer(token)).status_code == 401
    assert client.post("/api/v1/token/refresh", json={"refresh_token": pair["refresh_token"]}).status_code == 401


def test_refresh_rejects_other_kinds_and_expiry(flow, client, clock):
    pair = flow.signed_in()
    response = client.post("/api/v1/token/refresh", json={"refresh_token": pair["access_token"]})
    assert response.get_json()["code"] == "invalid_token"
    clock.advance(2592001)
    assert client.post("/api/v1/token/refresh", json={"refresh_token": pair["refresh_token"]}).status_code == 401
    assert client.post("/api/v1/token/refresh", json={}).status_code == 422


def test_logout_kills_access_and_refresh(flow, client):
    pair = flow.signed_in()
    other = flow.signed_in(pair["user"])  # a second device keeps its session
    response = client.post("/api/v1/logout", headers=bearer(pair["access_token"]))
    assert response.status_code == 204
    assert response.data == b""
    assert client.get("/api/v1/me", headers=bearer(pair["access_token"])).status_code == 401
    assert client.post("/api/v1/token/refresh", json={"refresh_token": pair["refresh_token"]}).status_code == 401
    assert client.post("/api/v1/logout", headers=bearer(pair["access_token"])).status_code == 401
    assert client.get("/api/v1/me", headers=bearer(other["access_token"])).status_code == 200


def test_logout_refuses_pre_otp_token(flow, client):
    pre = flow.login(flow.signup())
    assert client.post("/api/v1/logout", headers=bearer(pre)).get_json()["code"] == "invalid_token"


def test_auth_check_for_ingress(flow, client):
    pair = flow.signed_in()
    ok = client.get("/api/v1/auth/check", headers=bearer(pair["access_token"]))
    assert ok.status_code == 204
    assert ok.headers["X-User-Id"] == pair["user"]["id"]
    for headers in ({}, bearer(pair["refresh_token"]), bearer(flow.login(pair["user"]))):
        denied = client.get("/api/v1/auth/check", headers=headers)
        assert denied.status_code == 401
        assert "X-User-Id" not in denied.headers
