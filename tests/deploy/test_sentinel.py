"""Redis Sentinel against real processes: a password-protected master and
replica, and a Sentinel (`redis-server --sentinel`) with its own password."""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis

from app.adapters import redis_client
from app.config import Settings
from tests.deploy.topology import Process
from tests.support.flow import AuthFlow
from tests.support.servers import free_port, redis_server_binary
from tests.support.waiting import wait_until

pytestmark = pytest.mark.slow

MASTER_PASSWORD = "master-pw"
SENTINEL_PASSWORD = "sentinel-pw"
SERVICE = "otp-master"


@dataclasses.dataclass
class SentinelSetup:
    master_port: int
    replica_port: int
    sentinel_port: int
    dead_port: int  # listed first in REDIS_SENTINELS: nothing listens there

    @property
    def sentinels(self) -> str:
        return f"127.0.0.1:{self.dead_port},127.0.0.1:{self.sentinel_port}"

    def env(self) -> dict[str, str]:
        return {"REDIS_URL": f"redis://:{MASTER_PASSWORD}@{SERVICE}/0", "REDIS_SENTINELS": self.sentinels,
                "REDIS_SENTINEL_MASTER": SERVICE, "REDIS_SENTINEL_PASSWORD": SENTINEL_PASSWORD}

    def data(self, port: int) -> redis.Redis:
        return redis.Redis(port=port, password=MASTER_PASSWORD, socket_timeout=2)

    def sentinel(self) -> redis.Redis:
        return redis.Redis(port=self.sentinel_port, password=SENTINEL_PASSWORD, socket_timeout=2)


def data_server(port: int, folder: Path, *extra: str) -> list[str]:
    return [redis_server_binary(), "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
            "--dir", str(folder), "--requirepass", MASTER_PASSWORD, "--masterauth", MASTER_PASSWORD, *extra]


def answers(client: redis.Redis) -> bool:
    try:
        return bool(client.ping())
    except redis.exceptions.ConnectionError:
        return False


@pytest.fixture(scope="module")
def setup(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SentinelSetup]:
    folder = tmp_path_factory.mktemp("sentinel")
    s = SentinelSetup(free_port(), free_port(), free_port(), free_port())
    conf = folder / "sentinel.conf"  # Sentinel rewrites its config file: it must be writable
    conf.write_text(f"""port {s.sentinel_port}
bind 127.0.0.1
dir {folder}
requirepass {SENTINEL_PASSWORD}
sentinel monitor {SERVICE} 127.0.0.1 {s.master_port} 1
sentinel auth-pass {SERVICE} {MASTER_PASSWORD}
sentinel down-after-milliseconds {SERVICE} 2000
sentinel failover-timeout {SERVICE} 10000
""")
    processes = [
        Process("master", data_server(s.master_port, folder), folder / "master.log"),
        Process("replica", data_server(s.replica_port, folder, "--replicaof", "127.0.0.1", str(s.master_port)),
                folder / "replica.log"),
        Process("sentinel", [redis_server_binary(), str(conf), "--sentinel"], folder / "sentinel.log"),
    ]
    try:
        for process in processes:
            process.start()
        wait_until(lambda: answers(s.data(s.master_port)) and answers(s.data(s.replica_port)), "master and replica")
        wait_until(lambda: answers(s.sentinel()), "sentinel")
        yield s
    finally:
        for process in processes:
            process.stop()


def test_the_sentinel_client_keeps_the_plain_clients_bounds(setup):
    plain = redis_client.connect(Settings.from_env({"REDIS_URL": "redis://127.0.0.1:1/0"}), "unused")
    sentinel = redis_client.connect(Settings.from_env(setup.env()), "unused")
    bounded = ("socket_timeout", "socket_connect_timeout", "retry_on_error", "client_name")
    plain_kwargs, sentinel_kwargs = plain.connection_pool.connection_kwargs, sentinel.connection_pool.connection_kwargs
    assert {k: sentinel_kwargs[k] for k in bounded} == {k: plain_kwargs[k] for k in bounded}
    assert sentinel_kwargs["retry"].get_retries() == plain_kwargs["retry"].get_retries() == 1
    assert sentinel_kwargs["password"] == MASTER_PASSWORD
    plain.close()
    sentinel.close()


def test_the_whole_flow_runs_on_the_master_sentinel_names(setup, make_app, sms):
    prefix = f"sentinel{uuid.uuid4().hex[:8]}:"
    app = make_app(**setup.env(), REDIS_KEY_PREFIX=prefix)
    client = app.test_client()
    assert client.get("/readyz").get_json() == {"status": "ok", "checks": {"database": "ok", "redis": "ok"}}
    AuthFlow(client, sms).signed_in()
    # The tokens and codes live on the master Sentinel named, not on some other Redis.
    assert list(setup.data(setup.master_port).scan_iter(f"{prefix}*"))


def test_a_wrong_sentinel_password_is_a_fast_503_not_a_hang(setup, make_app):
    app = make_app(**{**setup.env(), "REDIS_SENTINEL_PASSWORD": "wrong"})
    response = app.test_client().get("/readyz")
    assert response.status_code == 503
    assert response.get_json()["checks"]["redis"] == "fail"
    assert response.headers["Retry-After"]


def test_the_client_follows_a_failover_without_a_restart(setup, tmp_path):
    """Run last in this module: it swaps the roles of master and replica."""
    client = redis_client.connect(Settings.from_env(setup.env()), str(tmp_path))
    key = f"failover:{uuid.uuid4().hex}"
    assert client.set(key, "before", ex=60)
    sentinel = setup.sentinel()

    def failover_started() -> bool:
        try:
            return bool(sentinel.execute_command("SENTINEL", "FAILOVER", SERVICE))
        except redis.exceptions.ResponseError:  # NOGOODSLAVE until Sentinel has seen the replica
            return False

    wait_until(failover_started, "SENTINEL FAILOVER accepted", 30)
    wait_until(lambda: int(sentinel.sentinel_get_master_addr_by_name(SERVICE)[1]) == setup.replica_port,
               "the replica promoted", 30)
    wait_until(lambda: setup.data(setup.master_port).info("replication")["role"] == "slave",
               "the old master demoted", 30)

    # The pooled connection still points at the old master, now read-only: one
    # retry asks Sentinel again and lands on the new master.
    assert client.set(key, "after", ex=60)
    assert setup.data(setup.replica_port).get(key) == b"after"
    assert client.get(key) == b"after"
    client.close()
    sentinel.close()
