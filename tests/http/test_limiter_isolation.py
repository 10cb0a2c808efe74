"""Regression: two apps in one process keep separate per-IP counters.

A module-level Flask-Limiter keeps the key prefix of the first app it was bound to;
each app now gets its own limiter (app/http/ip_limits.py)."""

import uuid


def test_per_ip_counters_are_not_shared_between_apps(make_app):
    run = uuid.uuid4().hex[:8]
    first = make_app(LOGIN_RATE_LIMIT_PER_IP="1/minute", REDIS_KEY_PREFIX=f"isolation-a-{run}:")
    second = make_app(LOGIN_RATE_LIMIT_PER_IP="1/minute", REDIS_KEY_PREFIX=f"isolation-b-{run}:")
    body = {"email": "nobody@example.com", "password": "not the password"}
    assert first.test_client().post("/api/v1/login", json=body).status_code == 401
    assert second.test_client().post("/api/v1/login", json=body).status_code == 401
    assert second.test_client().post("/api/v1/login", json=body).status_code == 429
