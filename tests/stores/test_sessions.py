"""The session records in Redis: their lifetime follows the chain, and chains minted before
sessions were recorded (an upgrade) get a record at their next refresh."""

from __future__ import annotations

from tests.support.flow import bearer


def test_a_session_record_lives_as_long_as_its_chain(app, flow):
    pair = flow.signed_in()
    session_id = flow.session_id(pair["access_token"])
    services = app.extensions["otp_auth"]
    client, prefix = services.redis, services.settings.REDIS_KEY_PREFIX
    record = f"{prefix}session:{session_id}"
    assert client.pexpiretime(record) == client.pexpiretime(f"{prefix}chain:{session_id}") > 0
    assert client.hget(record, "uid").decode() == pair["user"]["id"]
    assert client.hget(record, "amr").decode() == "pwd,sms"
    assert flow.client.post("/api/v1/logout", headers=bearer(pair["access_token"])).status_code == 204
    assert client.exists(record) == 0


def test_a_chain_from_before_sessions_were_recorded_shows_from_its_next_refresh(app, flow, clock):
    pair = flow.signed_in()
    other = flow.signed_in(pair["user"])
    session_id = flow.session_id(pair["access_token"])
    services = app.extensions["otp_auth"]
    services.redis.delete(f"{services.settings.REDIS_KEY_PREFIX}session:{session_id}")  # as an old release left it
    assert [s["id"] for s in flow.sessions(other["access_token"])] == [flow.session_id(other["access_token"])]

    clock.advance(60)
    refreshed = flow.client.post("/api/v1/token/refresh", json={"refresh_token": pair["refresh_token"]}).get_json()
    listed = {s["id"]: s for s in flow.sessions(refreshed["access_token"])}
    assert listed[session_id]["current"] and listed[session_id]["ip"] is None
    assert listed[session_id]["created_at"] == listed[session_id]["last_used_at"]
    # Ending all others reaches it too.
    assert flow.client.delete("/api/v1/sessions", headers=bearer(other["access_token"])).status_code == 204
    assert flow.client.get("/api/v1/me", headers=bearer(refreshed["access_token"])).status_code == 401
