"""/readyz follows its dependencies without a restart; /healthz does not look at them."""

from __future__ import annotations

import os
import signal
import time
import uuid

import pytest

from app import create_app
from app.config import Settings
from tests.conftest import TEST_ENV
from tests.support.app_state import sample
from tests.support.servers import RedisProcess, free_port


@pytest.fixture
def own_redis():  # type: ignore[no-untyped-def]
    server = RedisProcess().start()
    yield server
    server.close()


def _timed_get(client, path):  # type: ignore[no-untyped-def]
    started = time.monotonic()
    response = client.get(path)
    return response, time.monotonic() - started


def test_readyz_fails_when_redis_stops_and_recovers_when_it_returns(make_app, own_redis):
    app = make_app(REDIS_URL=own_redis.url)
    client = app.test_client()
    ready = client.get("/readyz")
    assert ready.status_code == 200
    assert ready.get_json() == {"status": "ok", "checks": {"database": "ok", "redis": "ok"}}

    own_redis.stop()
    down, seconds = _timed_get(client, "/readyz")
    assert down.status_code == 503
    assert down.get_json() == {"status": "fail", "checks": {"database": "ok", "redis": "fail"},
                               "retry_after": int(down.headers["Retry-After"])}
    assert down.mimetype == "application/json"
    assert int(down.headers["Retry-After"]) >= 1
    assert seconds < 2, "the checks are bounded at 1 s"
    assert client.get("/healthz").status_code == 200
    assert sample(app, "otp_auth_dependency_up", dependency="redis") == 0
    assert sample(app, "otp_auth_dependency_up", dependency="database") == 1

    own_redis.start()  # the same port, the same app: no restart
    back = client.get("/readyz")
    assert back.status_code == 200
    assert back.get_json()["checks"]["redis"] == "ok"
    assert sample(app, "otp_auth_dependency_up", dependency="redis") == 1


def test_a_hung_redis_is_given_up_on_within_the_bound(make_app, own_redis):
    app = make_app(REDIS_URL=own_redis.url)
    client = app.test_client()
    assert client.get("/readyz").status_code == 200
    os.kill(own_redis.proc.pid, signal.SIGSTOP)  # accepts connections, answers nothing
    try:
        down, seconds = _timed_get(client, "/readyz")
    finally:
        os.kill(own_redis.proc.pid, signal.SIGCONT)
    assert down.status_code == 503
    assert down.get_json()["checks"] == {"database": "ok", "redis": "fail"}
    assert seconds < 2, "the checks are bounded at 1 s"
    assert client.get("/healthz").status_code == 200


def test_readyz_fails_when_the_database_does_not_answer(redis_url):
    nothing_there = f"postgresql://postgres@127.0.0.1:{free_port()}/none"
    settings = Settings.from_env({**TEST_ENV, "DATABASE_URL": nothing_there, "REDIS_URL": redis_url,
                                  "REDIS_KEY_PREFIX": f"r{uuid.uuid4().hex[:8]}:"})
    app = create_app(settings)
    try:
        response = app.test_client().get("/readyz")
        assert response.status_code == 503
        assert response.get_json() == {"status": "fail", "checks": {"database": "fail", "redis": "ok"},
                                       "retry_after": int(response.headers["Retry-After"])}
        assert app.test_client().get("/healthz").status_code == 200
    finally:
        app.extensions["otp_auth"].redis.close()
