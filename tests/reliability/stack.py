"""The private world of the fault tests, the soak and the figures script: a redis-server,
a PostgreSQL cluster and a fake SMS provider that only they use, so they can stop,
freeze and break them at will, plus gunicorn serving the app on top of them."""

from __future__ import annotations

import shutil
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import flask_migrate
import psycopg
from flask import Flask

from app import create_app
from app.config import Settings
from app.extensions import db
from tests.conftest import TEST_ENV
from tests.support.fake_sms_http import FakeSmsProvider
from tests.support.gunicorn import GunicornProcess
from tests.support.postgres_cluster import PostgresCluster
from tests.support.servers import RedisProcess

# Short SMS timeout keeps the "provider hangs" cases quick; the rest are the defaults.
SMS_TIMEOUT_SECONDS = 1.0
# Per-IP limits would turn many clients on 127.0.0.1 into 429s; they are tested elsewhere.
UNLIMITED = {"SIGNUP_RATE_LIMIT_PER_IP": "1000000/hour", "LOGIN_RATE_LIMIT_PER_IP": "1000000/minute"}


@dataclass
class Stack:
    redis: RedisProcess
    postgres: PostgresCluster
    sms: FakeSmsProvider
    database_url: str
    workdir: Path
    gunicorns: list[GunicornProcess] = field(default_factory=list)

    def env(self, **overrides: str) -> dict[str, str]:
        return {
            **TEST_ENV,
            **UNLIMITED,
            **self.sms.env(SMS_TIMEOUT_SECONDS),
            "LOG_LEVEL": "warning",
            "REDIS_URL": self.redis.url,
            "REDIS_KEY_PREFIX": f"r{uuid.uuid4().hex[:8]}:",
            "DATABASE_URL": self.database_url,
            **overrides,
        }

    def settings(self, **overrides: str) -> Settings:
        return Settings.from_env(self.env(**overrides))

    def gunicorn(self, *, workers: int = 3, threads: int = 2, **overrides: str) -> GunicornProcess:
        log = self.workdir / f"gunicorn-{len(self.gunicorns)}.log"
        server = GunicornProcess(self.env(**overrides), log, workers=workers, threads=threads)
        self.gunicorns.append(server)
        return server.start()

    def heal(self) -> None:
        """Undoes whatever a test broke: every dependency up and well again."""
        self.redis.resume()
        if self.redis.proc is None:
            self.redis.start()
        if not self.postgres.is_running():
            self.postgres.start()
        self.sms.set_mode("ok")

    def user_count(self, email_like: str = "%") -> int:
        with psycopg.connect(self.database_url, connect_timeout=5) as conn:
            row = conn.execute("SELECT count(*) FROM users WHERE email LIKE %s", (email_like,)).fetchone()
        return int(row[0]) if row else 0

    def emails(self, email_like: str) -> set[str]:
        with psycopg.connect(self.database_url, connect_timeout=5) as conn:
            rows = conn.execute("SELECT email FROM users WHERE email LIKE %s", (email_like,)).fetchall()
        return {row[0] for row in rows}


def migrate(settings: Settings) -> None:
    app = create_app(settings)
    with app.app_context():
        flask_migrate.upgrade()
    dispose(app)


def dispose(app: Flask) -> None:
    """Closes an in-process app's database and Redis connections."""
    with app.app_context():
        db.session.remove()
        # A /readyz check abandoned after 1 s may still hold a pooled connection; dispose()
        # would orphan it (and psycopg warn when it is collected), so let it come back first.
        deadline = time.monotonic() + 15
        while db.engine.pool.checkedout() and time.monotonic() < deadline:  # type: ignore[attr-defined]
            time.sleep(0.01)
        db.engine.dispose()
    app.extensions["otp_auth"].redis.close()


@contextmanager
def running_stack() -> Iterator[Stack]:
    redis_server = RedisProcess().start()
    postgres = PostgresCluster().start()
    sms = FakeSmsProvider()
    workdir = Path(tempfile.mkdtemp(prefix="otp-auth-reliability-"))
    try:
        with psycopg.connect(postgres.url(), autocommit=True) as conn:
            conn.execute("CREATE DATABASE reliability")
        stack = Stack(redis_server, postgres, sms, postgres.url("reliability"), workdir)
        migrate(stack.settings())
        try:
            yield stack
        finally:
            for server in stack.gunicorns:
                server.stop()
    finally:
        sms.close()
        shutil.rmtree(workdir, ignore_errors=True)
        postgres.close()
        redis_server.close()
