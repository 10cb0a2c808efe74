"""The hot-path savings (docs/benchmarks.md) change cost, not behaviour: these pin the behaviour."""

from __future__ import annotations

from tests.support.flow import bearer


def test_no_session_cookie_is_ever_set(client, flow):
    tokens = flow.signed_in()
    for response in (client.get("/api/v1/me", headers=bearer(tokens["access_token"])),
                     client.get("/healthz"), client.get("/api/v1/auth/check")):
        assert "Set-Cookie" not in response.headers


def test_without_cors_origins_no_origin_is_allowed(client):
    asked = {"Origin": "https://elsewhere.example.com"}
    plain = client.get("/healthz", headers=asked)
    preflight = client.options("/api/v1/login", headers={**asked, "Access-Control-Request-Method": "POST"})
    assert preflight.status_code == 200
    for response in (plain, preflight):
        assert not [name for name in response.headers.keys() if name.startswith("Access-Control-")]

