"""The image, built from the unmodified Dockerfile with podman and run as the chart runs it.

Build (tests/deploy/podman.py): the repository's Dockerfile and .dockerignore on
a copy of the working tree with a developer's clutter planted in it, on a
stand-in Debian bookworm base (no registry is reachable here), dependencies from
requirements.txt with their hashes. Then, on the host's PostgreSQL (a database
of its own) and Redis (a key prefix of its own):

- the hook Job's container migrates the database;
- the Deployment's container serves (read-only root, UID 10001, no
  capabilities, no privilege escalation, tmpfs for each emptyDir, the
  environment the chart renders) and a client signs up, logs in, gets a code
  from the file outbox on the pod's /tmp and trades it for tokens;
- SIGTERM stops it with exit code 0 within terminationGracePeriodSeconds.

Cold (no base image, no dependency layer) about 1.5-5 minutes depending on the
mirror; warm well under a minute. With CI=true missing tools fail the test;
otherwise the tests skip and say what to install.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import uuid
from collections.abc import Iterator
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest

from tests.conftest import postgres_admin_url
from tests.deploy import chart, kubelet
from tests.deploy.dockerfile import DOCKERFILE
from tests.deploy.image_contents import make_context, needed_files, unwanted
from tests.deploy.podman import Podman, missing_tools
from tests.support.http_client import HttpClient
from tests.support.servers import free_port, in_ci, postgres_database
from tests.support.waiting import answers, wait_until

pytestmark = [pytest.mark.slow, pytest.mark.timeout(1200)]

IMAGE_TAG = "localhost/otp-auth:test"
PHONE = "+14155550143"
OUTBOX = "/tmp/sms-outbox.jsonl"  # the chart's default sms.outboxFile, on the /tmp emptyDir


def unavailable(reason: str) -> None:
    if in_ci():
        pytest.fail(f"CI=true and {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def podman() -> Podman:
    missing = missing_tools()
    if missing:
        unavailable(f"the image tests need {', '.join(missing)}: apt-get install podman runc debootstrap slirp4netns")
    if os.geteuid() != 0:
        unavailable("the image tests run podman as root (as CI does)")
    return Podman()


@pytest.fixture(scope="module")
def image(podman: Podman, tmp_path_factory: pytest.TempPathFactory) -> str:
    base = podman.ensure_base_image()
    context = make_context(tmp_path_factory.mktemp("image-context"))
    return podman.build(context, context / DOCKERFILE.name, IMAGE_TAG, base)


def from_container(url: str) -> str:
    """The same server as the container reaches it: the host's loopback through slirp4netns."""
    parts = urlsplit(url)
    if parts.hostname not in ("127.0.0.1", "localhost", "::1"):
        return url
    netloc = parts.netloc.replace(parts.hostname if parts.hostname != "::1" else "[::1]",
                                  kubelet.HOST_FROM_CONTAINER)
    return urlunsplit(parts._replace(netloc=netloc))


@pytest.fixture(scope="module")
def database() -> Iterator[str]:
    admin = postgres_admin_url()
    if not admin:
        unavailable("no PostgreSQL for the image tests: set TEST_DATABASE_URL")
    with postgres_database(admin) as url:
        yield url


@pytest.fixture(scope="module")
def release(database: str, redis_url: str) -> list[dict]:
    """The chart's objects for a first install against this test's database and Redis."""
    return chart.objects({
        "secrets": {"databaseUrl": from_container(database), "redisUrl": from_container(redis_url),
                    "secretKey": uuid.uuid4().hex + uuid.uuid4().hex},
        "redis": {"keyPrefix": f"img{uuid.uuid4().hex[:10]}:"},
    })


def run_to_completion(podman: Podman, release: list[dict], kind: str, image: str,
                      command: list[str] | None = None) -> subprocess.CompletedProcess[str]:
    """One container of `kind` run once, as the hook Job's pod (or a one-off from the same spec)."""
    return podman("run", "--rm", *kubelet.run_args(release, kind, image, command=command), timeout=300, check=False)


@pytest.fixture(scope="module")
def migrated(podman: Podman, release: list[dict], image: str) -> subprocess.CompletedProcess[str]:
    result = run_to_completion(podman, release, "Job", image)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return result


def test_the_image_holds_what_the_app_needs_and_nothing_else(podman, image):
    listing = podman("run", "--rm", "--network=none", image, "find", "/app", "/opt", "-mindepth", "1",
                     "-printf", r"%y %u %p\n").stdout.splitlines()
    entries = [line.split(" ", 2) for line in listing]
    owners = {path: owner for _, owner, path in entries}
    files = {path.removeprefix("/app/") for kind, _, path in entries if kind == "f" and path.startswith("/app/")}
    assert not unwanted(files)
    assert sorted(needed_files() - files) == []
    # Under /opt only the virtualenv the builder stage made.
    assert {path.split("/")[2] for path in owners if path.startswith("/opt/")} == {"venv"}
    # Code and dependencies belong to root: the app's user can read them, not change them.
    assert set(owners.values()) == {"root"}


def test_the_migration_job_migrates_the_database(migrated, database):
    with psycopg.connect(database) as conn:
        revision = conn.execute("SELECT version_num FROM alembic_version").fetchone()
        tables = {row[0] for row in conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")}
    heads = sorted(p.stem.split("_")[0] for p in (chart.ROOT / "migrations" / "versions").glob("*.py"))
    assert revision == (heads[-1],)
    assert {"users", "auth_events"} <= tables


def test_the_pod_serves_a_whole_sign_in_and_stops_on_sigterm(podman, release, image, migrated):
    port = free_port()
    name = f"otp-auth-test-{uuid.uuid4().hex[:8]}"
    podman("run", "--detach", *kubelet.run_args(release, "Deployment", image, name=name, publish=port))
    api = HttpClient(f"http://127.0.0.1:{port}")
    try:
        wait_until(lambda: answers(f"{api.base_url}/readyz"), "the container to be ready", timeout=60)
        ready = api.get("/readyz")
        assert ready.get_json() == {"status": "ok", "checks": {"database": "ok", "redis": "ok"}}

        email = f"image-{uuid.uuid4().hex[:8]}@example.com"
        password = "correct horse battery staple"
        signup = api.post("/api/v1/signup", json={"email": email, "password": password, "phone": PHONE})
        assert signup.status_code == 201, signup.get_json()
        login = api.post("/api/v1/login", json={"email": email, "password": password})
        assert login.status_code == 200, login.get_json()
        bearer = {"Authorization": f"Bearer {login.get_json()['pre_otp_token']}"}
        assert api.post("/api/v1/send-otp", headers=bearer).status_code == 200
        # As docs/deploy.md's trial reads it: kubectl exec … tail /tmp/sms-outbox.jsonl.
        outbox = podman("exec", name, "cat", OUTBOX).stdout.splitlines()
        message = json.loads(outbox[-1])
        assert message["to"] == PHONE
        code = re.match(r"\d+", message["body"]).group(0)
        tokens = api.post("/api/v1/validate-otp", headers=bearer, json={"otp": code})
        assert tokens.status_code == 200, tokens.get_json()
        me = api.get("/api/v1/me", headers={"Authorization": f"Bearer {tokens.get_json()['access_token']}"})
        assert me.get_json()["email"] == email
        # What the pod's security context promises, seen from inside: gunicorn (PID 1) runs as
        # 10001 with no capabilities and no way to gain privileges, and the root is read-only.
        proc_status = podman("exec", name, "cat", "/proc/1/status").stdout.splitlines()
        status = dict(line.split(":\t", 1) for line in proc_status)
        assert status["Uid"].split()[:2] == ["10001", "10001"]
        assert int(status["CapEff"], 16) == 0 and int(status["CapBnd"], 16) == 0
        assert status["NoNewPrivs"].strip() == "1"
        write = podman("exec", name, "touch", "/app/app/written", check=False)
        assert write.returncode != 0 and "Read-only file system" in write.stderr
        # The workers' metrics are added up in the pod's own emptyDir (multiprocess mode).
        assert "otp_auth" in api.get("/metrics").raw.text

        podman("stop", f"--time={kubelet.grace_seconds(release)}", name, timeout=120)
        state = json.loads(podman("inspect", name).stdout)[0]["State"]
        logs = podman("logs", name).stdout + podman("logs", name).stderr
        assert state["ExitCode"] == 0, logs[-3000:]
        assert "Traceback" not in logs
        assert "Shutting down: Master" in logs
    finally:
        api.close()
        podman("rm", "--force", name, check=False)


# ---- The event worker ----------------------------------------------------------------------
def test_the_event_worker_runs_from_the_same_image_and_drains_the_sign_in(podman, release, image, migrated,
                                                                         database):
    """The worker Deployment's pod (its own spec: read-only root, UID 10001, no capabilities), with
    `--once` added so it settles what the stream holds and exits: the events of the sign-in above
    (signup's row was written with the account; the rest wait in the stream) reach auth_events."""
    command = [*kubelet.workload(release, "Deployment", chart.WORKER)[1]["command"], "--once"]
    result = podman("run", "--rm", *kubelet.run_args(release, "Deployment", image, command=command,
                                                     workload_name=chart.WORKER), timeout=300, check=False)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "settled" in result.stdout
    with psycopg.connect(database) as conn:
        events = {row[0] for row in conn.execute("SELECT DISTINCT event FROM auth_events")}
    assert {"signup", "login_ok", "otp_sent", "otp_ok"} <= events, events


def test_one_off_commands_run_from_the_pod_spec(podman, release, image, migrated):
    """The runner the event worker will use: the API pod's spec, production settings, another command."""
    result = run_to_completion(podman, release, "Deployment", image, ["flask", "--app", "app", "check-config"])
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    assert "configuration ok" in result.stdout
    assert "APP_ENV = production" in result.stdout
    secret_key = chart.secret_data(chart.find(release, "Secret", "otp-auth"))["SECRET_KEY"]
    assert secret_key not in result.stdout + result.stderr
