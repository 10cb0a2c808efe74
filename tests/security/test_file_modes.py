"""Finding 6 of issue 20: every file the service writes is 0600, every folder 0700.

The embedded set-up (SQLite under instance/, embedded Redis, generated secret key, file
SMS outbox) is run for real: a sign-up, a login and a code sent, then every file is stat-ed.
"""

from __future__ import annotations

import stat
from pathlib import Path

import flask_migrate
import pytest

from app import create_app
from app.adapters.redis_client import stop_embedded
from app.config import Settings
from app.extensions import db
from tests.conftest import TEST_ENV

API = "/api/v1"


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def embedded(tmp_path):
    """An app in the embedded set-up, its instance folder and outbox, stopped afterwards."""
    instance, outbox = tmp_path / "instance", tmp_path / "sms" / "codes" / "outbox.jsonl"
    env = {key: value for key, value in TEST_ENV.items() if key != "SECRET_KEY"}
    settings = Settings.from_env({**env, "INSTANCE_DIR": str(instance), "SMS_BACKEND": "file",
                                  "SMS_OUTBOX_FILE": str(outbox)})
    apps = []

    def start():
        app = create_app(settings)
        with app.app_context():
            flask_migrate.upgrade()
        apps.append(app)
        return app

    yield start, instance, outbox
    for app in apps:
        with app.app_context():
            db.engine.dispose()
        app.extensions["otp_auth"].redis.close()
    stop_embedded()


def use_every_file(app) -> None:  # type: ignore[no-untyped-def]
    client = app.test_client()
    person = {"email": "modes@example.com", "password": "a solid passphrase", "phone": "+14155550123"}
    assert client.post(f"{API}/signup", json=person).status_code == 201
    login = client.post(f"{API}/login", json={"email": person["email"], "password": person["password"]})
    assert login.status_code == 200
    token = login.get_json()["pre_otp_token"]
    assert client.post(f"{API}/send-otp", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    app.extensions["otp_auth"].redis.save()  # the dump: written to a temporary file, renamed over redis.db


def test_every_file_and_folder_the_service_writes_is_private(embedded):
    start, instance, outbox = embedded
    app = start()
    use_every_file(app)
    with app.app_context():  # a connection is open, so the WAL and its index exist now
        db.session.execute(db.text("SELECT 1"))
        files = {path.name: mode(path) for path in instance.iterdir() if not path.is_socket()}
        for name in ("otp-auth.db", "otp-auth.db-wal", "otp-auth.db-shm", "redis.db", "secret_key"):
            assert name in files
        assert files == dict.fromkeys(files, 0o600)
        db.session.remove()
    assert mode(instance) == 0o700
    assert mode(instance / "redis.sock") & 0o077 == 0
    assert mode(outbox) == 0o600
    assert mode(outbox.parent) == mode(outbox.parent.parent) == 0o700


def test_files_an_earlier_version_left_readable_are_tightened(embedded):
    start, instance, outbox = embedded
    instance.mkdir(mode=0o755)
    (instance / "secret_key").write_text("an old development key that is long enough")
    (instance / "otp-auth.db").touch()
    for path in (instance, instance / "secret_key", instance / "otp-auth.db"):
        path.chmod(0o755 if path.is_dir() else 0o644)
    start()
    assert mode(instance) == 0o700
    assert mode(instance / "secret_key") == mode(instance / "otp-auth.db") == 0o600
    assert (instance / "secret_key").read_text() == "an old development key that is long enough"
