"""Fixtures chain settings → app → client → flow, on real Redis and real databases.

Integration tests run once on SQLite and once on PostgreSQL when
TEST_DATABASE_URL is set (.ci/run sets it; with CI=true it must be).
"""

from __future__ import annotations

import os
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import flask_migrate
import pytest
from flask import Flask
from flask.testing import FlaskClient

from app import create_app
from app.config import Settings
from app.extensions import db
from app.models import AuthEvent, User
from app.services.clock import ManualClock
from tests.support.email import RecordingEmailSender
from tests.support.flow import AuthFlow
from tests.support.servers import RedisProcess, in_ci, postgres_database
from tests.support.sms import RecordingSmsSender

# Cheap Argon2 for tests only; production keeps argon2-cffi's defaults.
TEST_ENV = {
    "APP_ENV": "test",
    "SECRET_KEY": "test-secret-key-that-is-long-enough-0123456789",
    "ARGON2_TIME_COST": "1",
    "ARGON2_MEMORY_COST_KIB": "1024",
    "ARGON2_PARALLELISM": "1",
    "LOG_LEVEL": "info",
}


def pytest_sessionstart(session: pytest.Session) -> None:
    if in_ci() and not os.environ.get("TEST_DATABASE_URL"):
        raise pytest.UsageError("CI=true but TEST_DATABASE_URL is unset: the PostgreSQL tests would not run")


@pytest.fixture(scope="session")
def redis_url() -> Iterator[str]:
    given = os.environ.get("TEST_REDIS_URL")
    if given:
        yield given
        return
    server = RedisProcess().start()
    yield server.url
    server.close()


LOCAL_POSTGRES = "postgresql://postgres@127.0.0.1:5432/test"


def _local_postgres() -> str | None:
    """The machine's PostgreSQL if one answers (as on the project's dev machines), else None."""
    try:
        import psycopg

        with psycopg.connect(LOCAL_POSTGRES, connect_timeout=1):
            return LOCAL_POSTGRES
    except Exception:  # noqa: BLE001 - any failure means "no local PostgreSQL"
        return None


def postgres_admin_url() -> str | None:
    """TEST_DATABASE_URL, else the machine's PostgreSQL if one answers, else None."""
    return os.environ.get("TEST_DATABASE_URL") or _local_postgres()


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str | None]:
    admin = postgres_admin_url()
    if not admin:
        yield None
        return
    with postgres_database(admin) as url:
        yield url


@pytest.fixture(scope="session")
def sqlite_url() -> Iterator[str]:
    with tempfile.TemporaryDirectory(prefix="otp-auth-db-") as folder:
        yield f"sqlite:///{Path(folder) / 'test.db'}"


_migrated: set[str] = set()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, sqlite_url: str, postgres_url: str | None) -> str:
    if request.param == "sqlite":
        return sqlite_url
    if postgres_url is None:
        pytest.skip("PostgreSQL tests need TEST_DATABASE_URL (e.g. postgresql://postgres@127.0.0.1:5432/test)")
    return postgres_url


@pytest.fixture
def env(redis_url: str, database_url: str) -> dict[str, str]:
    """The environment of one test app; tests add or override settings here."""
    return {
        **TEST_ENV,
        "REDIS_URL": redis_url,
        "REDIS_KEY_PREFIX": f"t{uuid.uuid4().hex[:10]}:",
        "DATABASE_URL": database_url,
    }


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
def sms() -> RecordingSmsSender:
    return RecordingSmsSender()


@pytest.fixture
def email() -> RecordingEmailSender:
    return RecordingEmailSender()


@pytest.fixture
def make_app(env: dict[str, str], clock: ManualClock, sms: RecordingSmsSender,
             email: RecordingEmailSender) -> Iterator:
    """Builds an app from `env` plus overrides; migrates its database once per session."""
    apps: list[Flask] = []

    def build(**overrides: str) -> Flask:
        settings = Settings.from_env({**env, **overrides})
        app = create_app(settings, clock=clock, sms=sms, email=email)
        with app.app_context():
            url = app.config["SQLALCHEMY_DATABASE_URI"]
            if url not in _migrated:
                flask_migrate.upgrade()
                _migrated.add(url)
        apps.append(app)
        return app

    yield build
    for app in apps:
        app.extensions["otp_auth"].after_response.drain()
        with app.app_context():
            db.session.remove()
            db.session.query(User).delete()
            db.session.query(AuthEvent).delete()
            db.session.commit()
            db.engine.dispose()
        app.extensions["otp_auth"].redis.close()


@pytest.fixture
def app(make_app) -> Flask:  # type: ignore[no-untyped-def]
    return make_app()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def flow(client: FlaskClient, sms: RecordingSmsSender) -> AuthFlow:
    return AuthFlow(client, sms)


@pytest.fixture
def app_and_flow(make_app, sms):  # type: ignore[no-untyped-def]
    """`app_and_flow(**settings)` -> (app, AuthFlow on it), for tests that change a setting."""

    def build(**overrides: str) -> tuple[Flask, AuthFlow]:
        app = make_app(**overrides)
        return app, AuthFlow(app.test_client(), sms)

    return build


def pytest_terminal_summary(terminalreporter, exitstatus, config):  # type: ignore[no-untyped-def]
    skipped = terminalreporter.stats.get("skipped", [])
    if skipped:
        reasons: dict[str, int] = {}
        for report in skipped:
            reason = str(report.longrepr[2]) if isinstance(report.longrepr, tuple) else str(report.longrepr)
            reasons[reason] = reasons.get(reason, 0) + 1
        for reason, count in sorted(reasons.items()):
            terminalreporter.write_line(f"skipped {count}: {reason}")
