"""Three replicas behind a round-robin proxy, as the chart deploys them: the
whole flow works whichever replica serves each step, and stopping a replica
mid-run loses no signup."""

from __future__ import annotations

import json
import os
import re
import shutil
import threading
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests
import sqlalchemy

from tests.deploy.topology import LocalCluster
from tests.support.servers import in_ci, postgres_database
from tests.support.waiting import wait_until

pytestmark = [pytest.mark.slow, pytest.mark.timeout(300)]
PASSWORD = "correct horse battery staple"


@pytest.fixture(scope="module")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A throwaway PostgreSQL database; SQLite only when no PostgreSQL is configured."""
    admin = os.environ.get("TEST_DATABASE_URL")
    if admin:
        with postgres_database(admin) as url:
            yield url
    else:
        yield f"sqlite:///{tmp_path_factory.mktemp('topology-db') / 'otp-auth.db'}"


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory, database_url: str) -> Iterator[LocalCluster]:
    if not (shutil.which("nginx") or os.path.exists("/usr/sbin/nginx")):
        if in_ci():
            pytest.fail("nginx is missing: .ci/run installs the Debian package `nginx`")
        pytest.skip("nginx is not installed (apt-get install nginx)")
    # Cheaper Argon2 than production (through the chart's `config`, as an operator
    # could): this test is about routing and shutdown, not hashing cost.
    cheap_hashing = {"ARGON2_TIME_COST": "1", "ARGON2_MEMORY_COST_KIB": "8192", "ARGON2_PARALLELISM": "1"}
    topology = LocalCluster(tmp_path_factory.mktemp("topology"), database_url, config=cheap_hashing).start()
    yield topology
    topology.close()


def identity() -> dict[str, str]:
    n = uuid.uuid4().int
    return {"email": f"topo-{uuid.uuid4().hex[:12]}@example.com", "password": PASSWORD,
            "phone": f"+1415555{n % 10000:04d}"}


def last_code(outbox: Path, phone: str) -> str:
    messages = [json.loads(line) for line in outbox.read_text().splitlines()]
    body = [m["body"] for m in messages if m["to"] == phone][-1]
    return re.search(r"\b(\d{6})\b", body).group(1)  # type: ignore[union-attr]


def stored_emails(database_url: str) -> set[str]:
    url = database_url.replace("postgresql://", "postgresql+psycopg://", 1)
    engine = sqlalchemy.create_engine(url)
    try:
        with engine.connect() as connection:
            return {row[0] for row in connection.execute(sqlalchemy.text("SELECT email FROM users"))}
    finally:
        engine.dispose()


def test_each_step_of_the_flow_is_served_by_a_different_replica(cluster):
    api = f"{cluster.url}/api/v1"
    user = identity()
    assert requests.post(f"{api}/signup", json=user, timeout=10).status_code == 201

    login = requests.post(f"{api}/login", json={"email": user["email"], "password": PASSWORD}, timeout=10)
    assert login.status_code == 200, login.text
    bearer = {"Authorization": f"Bearer {login.json()['pre_otp_token']}"}
    sent = requests.post(f"{api}/send-otp", headers=bearer, timeout=10)
    assert sent.status_code == 200, sent.text
    validated = requests.post(f"{api}/validate-otp", headers=bearer,
                              json={"otp": last_code(cluster.outbox, user["phone"])}, timeout=10)
    assert validated.status_code == 200, validated.text

    served_by = [r.headers["X-Served-By"] for r in (login, sent, validated)]
    replicas = {cluster.replica_address(i) for i in range(3)}
    assert set(served_by) == replicas, served_by  # three steps, three different replicas

    # Each replica's own JSON request log shows the step nginx says it served (the
    # line is written just after the response, so it may trail it a moment).
    for response, path in zip((login, sent, validated), ("/login", "/send-otp", "/validate-otp"), strict=True):
        index = [cluster.replica_address(i) for i in range(3)].index(response.headers["X-Served-By"])
        log = cluster.workdir / f"replica-{index}.log"
        line = f'"path": "/api/v1{path}"'
        wait_until(lambda log=log, line=line: line in log.read_text(), f"{path} in {log.name}", 10)

    me = requests.get(f"{api}/me", headers={"Authorization": f"Bearer {validated.json()['access_token']}"},
                      timeout=10)
    assert me.status_code == 200 and me.json()["email"] == user["email"]

    # Metrics in the chart's multiprocess mode, each replica from its own folder:
    # the replica that served the login counts it.
    login_replica = [cluster.replica_address(i) for i in range(3)].index(login.headers["X-Served-By"])
    scrape = requests.get(f"http://{login.headers['X-Served-By']}/metrics", timeout=10)
    assert scrape.status_code == 200
    assert re.search(r'^otp_auth_logins_total\{result="ok"\} [1-9]', scrape.text, re.M), scrape.text
    assert "process_cpu_seconds_total" not in scrape.text  # per-process series are left out in that mode
    assert list(cluster.metrics_dir(login_replica).glob("*.db"))


def signups_while(cluster: LocalCluster, action, total: int = 60, act_after: int = 15) -> list[tuple[str, int, str]]:
    """`total` concurrent signups through the proxy; `action` runs once `act_after` have answered.

    Returns (email, status, replica that answered) per signup. $upstream_addr
    lists every replica nginx tried; the last one answered.
    """
    api = f"{cluster.url}/api/v1"
    results: list[tuple[str, int, str]] = []
    lock = threading.Lock()
    done = threading.Event()

    def act() -> None:
        action()
        done.set()

    def signup(_: int) -> None:
        user = identity()
        response = requests.post(f"{api}/signup", json=user, timeout=30)
        with lock:
            results.append((user["email"], response.status_code,
                            response.headers.get("X-Served-By", "").split(", ")[-1]))
            if len(results) == act_after:
                threading.Thread(target=act).start()

    with ThreadPoolExecutor(max_workers=6) as pool:
        list(pool.map(signup, range(total)))
    assert done.wait(timeout=60)
    return results


def test_stopping_a_replica_mid_run_loses_no_signup(cluster, database_url):
    # SIGTERM while nginx still routes to the replica: graceful in gunicorn, abrupt for the proxy.
    results = signups_while(cluster, lambda: cluster.stop_replica(1))
    assert not cluster.replicas[1].running()
    assert cluster.replica_address(1) in {served for _, _, served in results}, "it served nothing: proves nothing"

    created = {email for email, status, _ in results if status == 201}
    stored = stored_emails(database_url)
    assert created <= stored, created - stored  # every 201 is in the database

    # A signup the stopping replica had accepted on its socket but never
    # answered comes back 502 (nginx does not resend a POST). It is not lost
    # either: the client's retry gets 201, or 409 if the first attempt landed.
    retried = [email for email, status, _ in results if status != 201]
    assert {status for _, status, _ in results} <= {201, 502}
    for email in retried:
        again = requests.post(f"{cluster.url}/api/v1/signup", json={**identity(), "email": email}, timeout=30)
        assert again.status_code in (201, 409), again.text
    assert {email for email, _, _ in results} <= stored_emails(database_url)
    print(f"stop: {len(created)} signups answered 201 at once, {len(retried)} retried after a 502")


def test_draining_a_replica_first_fails_no_request(cluster, database_url):
    """What the chart's preStop sleep buys: out of the endpoints, then SIGTERM: not even a 502."""
    results = signups_while(cluster, lambda: cluster.drain_replica(2))
    assert not cluster.replicas[2].running()
    assert cluster.replica_address(2) in {served for _, _, served in results}, "it served nothing: proves nothing"
    assert [status for _, status, _ in results] == [201] * len(results)
    assert {email for email, _, _ in results} <= stored_emails(database_url)
    # The one replica left serves everything now.
    after = [requests.post(f"{cluster.url}/api/v1/signup", json=identity(), timeout=30) for _ in range(3)]
    # (nginx may still probe the replica stopped before, after its fail_timeout: the last address answered.)
    answered = [(r.status_code, r.headers["X-Served-By"].split(", ")[-1]) for r in after]
    assert answered == [(201, cluster.replica_address(0))] * 3
