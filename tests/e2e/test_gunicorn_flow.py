"""The whole flow over HTTP against `gunicorn "app:create_app()"`, codes read from the file outbox."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from tests.conftest import TEST_ENV
from tests.support.migrations import migrate
from tests.support.servers import free_port

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.e2e


@pytest.fixture
def server(tmp_path, redis_url, database_url):
    port = free_port()
    outbox = tmp_path / "outbox.jsonl"
    env = {
        **os.environ,
        **TEST_ENV,
        "REDIS_URL": redis_url,
        "REDIS_KEY_PREFIX": f"e2e{port}:",
        "DATABASE_URL": database_url,
        "SMS_BACKEND": "file",
        "SMS_OUTBOX_FILE": str(outbox),
    }
    bin_dir = Path(sys.executable).parent
    migrate(env)
    log = (tmp_path / "gunicorn.log").open("w")
    proc = subprocess.Popen(
        [
            bin_dir / "gunicorn",
            "app:create_app()",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
            "--no-control-socket",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if requests.get(f"{base}/healthz", timeout=5).status_code == 200:
                break
        except requests.RequestException:  # refused before the bind, or a read timeout while workers boot
            time.sleep(0.1)
    else:
        proc.kill()
        proc.wait(timeout=15)
        log.close()
        pytest.fail("gunicorn did not come up: " + (tmp_path / "gunicorn.log").read_text()[-2000:])
    yield base, outbox
    proc.terminate()
    proc.wait(timeout=15)
    log.close()


def last_code(outbox: Path, phone: str) -> str:
    lines = [json.loads(line) for line in outbox.read_text().splitlines()]
    mine = [line for line in lines if line["to"] == phone]
    assert mine and mine[-1]["sent_at"].endswith("Z")
    return mine[-1]["body"].split()[0]


def test_full_flow_over_http(server):
    base, outbox = server
    api = f"{base}/api/v1"
    email = f"e2e{time.time_ns()}@example.com"
    signup = requests.post(
        f"{api}/signup", json={"email": email, "password": "a solid passphrase", "phone": "+14155550177"}, timeout=10
    )
    assert signup.status_code == 201, signup.text
    login = requests.post(f"{api}/login", json={"email": email, "password": "a solid passphrase"}, timeout=10)
    assert login.status_code == 200
    pre = login.json()["pre_otp_token"]
    auth = {"Authorization": f"Bearer {pre}"}
    sent = requests.post(f"{api}/send-otp", headers=auth, timeout=10)
    assert sent.status_code == 200, sent.text
    code = last_code(outbox, "+14155550177")
    tokens = requests.post(f"{api}/validate-otp", headers=auth, json={"otp": code}, timeout=10)
    assert tokens.status_code == 200, tokens.text
    access = tokens.json()["access_token"]
    me = requests.get(f"{api}/me", headers={"Authorization": f"Bearer {access}"}, timeout=10)
    assert me.status_code == 200
    assert me.json()["email"] == email
    assert me.headers["X-Content-Type-Options"] == "nosniff"
    assert requests.get(f"{base}/readyz", timeout=5).json()["status"] == "ok"
    logout = requests.post(f"{api}/logout", headers={"Authorization": f"Bearer {access}"}, timeout=10)
    assert logout.status_code == 204
    assert requests.get(f"{api}/me", headers={"Authorization": f"Bearer {access}"}, timeout=10).status_code == 401


def test_bad_setting_stops_start_up_with_one_line(tmp_path):
    env = {**os.environ, **TEST_ENV, "OTP_TTL_SECONDS": "soon"}
    result = subprocess.run(
        [
            Path(sys.executable).parent / "gunicorn",
            "app:create_app()",
            "--bind",
            f"127.0.0.1:{free_port()}",
            "--no-control-socket",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    # gunicorn.conf.py starts two workers; each stops on the same one line, then gunicorn halts.
    config_lines = {line for line in result.stderr.splitlines() if "configuration error" in line}
    assert config_lines == {"otp-auth: configuration error: OTP_TTL_SECONDS must be a whole number, got 'soon'"}
