"""The database: its URL and engine options from the settings, the app's binding to it,
and PostgreSQL connections whose every wait on the server is bounded.

statement_timeout is enforced by the server, so it cannot help when the server
cannot answer at all (a frozen host, a stalled disk, a network that drops
packets): psycopg would wait on the socket for ever. Here each wait gives up
a little after the statement timeout, closes the connection (its protocol
state is unknown) and raises OperationalError, which the app answers with 503
and SQLAlchemy's pool discards.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import psycopg
from flask import Flask
from sqlalchemy import Engine, event
from sqlalchemy.engine.interfaces import DBAPIConnection

from app.adapters.private_files import private_file
from app.config import Settings
from app.extensions import db, migrate

MIGRATIONS_DIR = str(Path(__file__).resolve().parent.parent.parent / "migrations")

# Lets a live server's own statement_timeout answer first (the connection stays usable).
SERVER_GRACE_SECONDS = 1.0


def register_database(app: Flask, settings: Settings) -> None:
    """Binds Flask-SQLAlchemy and Flask-Migrate to the app, with the waits bounded as above."""
    app.config.update(
        SQLALCHEMY_DATABASE_URI=database_url(settings, app.instance_path),
        SQLALCHEMY_ENGINE_OPTIONS=engine_options(settings),
    )
    db.init_app(app)
    migrate.init_app(app, db, directory=MIGRATIONS_DIR, render_as_batch=True)
    with app.app_context():
        if _is_sqlite(settings):
            _tune_sqlite(db.engine)
        else:
            bound_server_waits(db.engine, settings.DATABASE_STATEMENT_TIMEOUT_SECONDS)


def database_url(settings: Settings, instance_path: str) -> str:
    url = settings.DATABASE_URL or f"sqlite:///{Path(instance_path) / 'otp-auth.db'}"
    # psycopg 3 is the driver; plain postgres URLs would make SQLAlchemy look for psycopg2.
    for plain in ("postgres://", "postgresql://"):
        if url.startswith(plain):
            return "postgresql+psycopg://" + url[len(plain):]
    return url


def engine_options(settings: Settings) -> dict[str, object]:
    if _is_sqlite(settings):
        return {"connect_args": {"timeout": settings.DATABASE_STATEMENT_TIMEOUT_SECONDS}}
    statement_ms = int(settings.DATABASE_STATEMENT_TIMEOUT_SECONDS * 1000)
    return {
        "pool_pre_ping": True,
        "pool_timeout": settings.DATABASE_CONNECT_TIMEOUT_SECONDS,
        "connect_args": {
            "connect_timeout": max(1, round(settings.DATABASE_CONNECT_TIMEOUT_SECONDS)),
            "options": f"-c statement_timeout={statement_ms}",
        },
    }


def _is_sqlite(settings: Settings) -> bool:
    return (settings.DATABASE_URL or "sqlite").startswith("sqlite")


def _tune_sqlite(engine: Engine) -> None:
    """WAL lets readers work during a write; busy_timeout makes writers queue, not fail."""
    database = engine.url.database
    if database and database != ":memory:" and not database.startswith("file:"):
        private_file(Path(database))  # SQLite gives its -wal and -shm files the database file's mode

    @event.listens_for(engine, "connect")
    def _on_connect(connection: DBAPIConnection, _record: object) -> None:
        cursor = connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()


def bound_server_waits(engine: Engine, statement_timeout: float) -> None:
    limit = statement_timeout + SERVER_GRACE_SECONDS

    class BoundedConnection(psycopg.Connection):
        def wait(self, gen: Any, *args: Any, **kwargs: Any) -> Any:
            if len(args) < 2:
                kwargs.setdefault("timeout", limit)
            started = time.monotonic()
            try:
                return super().wait(gen, *args, **kwargs)
            except psycopg.OperationalError as error:
                if time.monotonic() - started < limit:
                    raise
                self.pgconn.finish()  # not close(): that would wait for the lock this call holds
                raise psycopg.OperationalError(f"no answer from the database within {limit:g} s") from error

    @event.listens_for(engine, "do_connect")
    def _connect(_dialect: Any, _record: Any, cargs: Any, cparams: Any) -> psycopg.Connection:
        return BoundedConnection.connect(*cargs, **cparams)
