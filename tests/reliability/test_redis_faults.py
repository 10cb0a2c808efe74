"""Redis stopped or frozen: every endpoint that needs it answers 503 at once, readiness
fails, liveness holds, and the service heals by itself when Redis is back."""

from __future__ import annotations

import socket

import pytest
import redis

from app.adapters import redis_client
from app.config import Settings
from tests.reliability.probes import assert_not_ready, assert_outage_answer, assert_ready, call_all, redis_probes
from tests.support.flow import bearer
from tests.support.servers import RedisProcess

FAULTS = ["stopped", "frozen"]


def break_redis(stack, fault: str) -> None:
    if fault == "stopped":
        stack.redis.stop()
    else:
        stack.redis.pause()  # SIGSTOP: connections are accepted, nothing ever answers


def bring_back(stack, fault: str) -> None:
    if fault == "stopped":
        stack.redis.start()  # same port, empty: nothing is persisted
    else:
        stack.redis.resume()


@pytest.mark.parametrize("fault", FAULTS)
def test_redis_outage_answers_503_then_heals(api, stack, fault):
    client, flow = api.client, api.flow
    pair = flow.signed_in()
    probes = redis_probes(flow, pair["user"], pair)

    break_redis(stack, fault)
    for name, response in call_all(api.new_client, probes).items():
        assert response.status_code == 503, (name, response.get_json())
        assert_outage_answer(response)
    assert_not_ready(client, "redis")

    bring_back(stack, fault)
    # No restart of the app: the very next requests are served.
    assert_ready(client)
    fresh = flow.signed_in()
    assert client.get("/api/v1/me", headers=bearer(fresh["access_token"])).status_code == 200
    refreshed = client.post("/api/v1/token/refresh", json={"refresh_token": fresh["refresh_token"]})
    assert refreshed.status_code == 200
    access = bearer(refreshed.get_json()["access_token"])
    assert client.get("/api/v1/auth/check", headers=access).status_code == 204
    assert client.post("/api/v1/logout", headers=access).status_code == 204

    old_session = client.get("/api/v1/me", headers=bearer(pair["access_token"]))
    if fault == "frozen":
        assert old_session.status_code == 200  # the data outlived the freeze
    else:
        # A Redis restarted without persistence has forgotten every token: sign in again.
        assert old_session.status_code == 401
        assert old_session.get_json()["code"] == "invalid_token"


def test_connect_timeout_bounds_a_redis_that_takes_no_more_connections(tmp_path):
    """Frozen, with its accept queue full: new connections get no SYN-ACK, only the
    connect timeout ends the wait (the frozen cases above end on the socket timeout)."""
    server = RedisProcess(extra_args=("--tcp-backlog", "1")).start()
    waiting: list[socket.socket] = []
    try:
        server.pause()
        for _ in range(8):
            sock = socket.socket()
            sock.setblocking(False)
            sock.connect_ex(("127.0.0.1", server.port))
            waiting.append(sock)
        client = redis_client.connect(Settings.from_env({"REDIS_URL": server.url}), str(tmp_path))
        with pytest.raises(redis.exceptions.TimeoutError, match="connecting"):
            client.ping()
        client.close()
    finally:
        for sock in waiting:
            sock.close()
        server.close()
