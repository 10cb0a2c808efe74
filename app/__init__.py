"""otp-auth: sign up, log in with a password, confirm with an SMS code."""

from __future__ import annotations

import os
import secrets
import sys
from pathlib import Path

from flask import Flask

from app.adapters import redis_client
from app.adapters.database import bound_server_waits
from app.adapters.private_files import PRIVATE_UMASK, private_file, private_folder
from app.adapters.sms.base import SmsSender
from app.api import register_blueprints
from app.cli import register_commands
from app.config import ConfigError, Settings
from app.container import build_services, install
from app.debug_guard import flask_class
from app.errors import register_error_handlers
from app.extensions import cors, db, migrate
from app.ip_limits import install_ip_limits
from app.log_config import configure_logging
from app.middleware import register_middleware
from app.services.clock import Clock

# gunicorn halts (instead of respawning workers forever) when a worker exits with 4.
CONFIG_ERROR_EXIT_CODE = 4
MIGRATIONS_DIR = str(Path(__file__).resolve().parent.parent / "migrations")


def create_app(settings: Settings | None = None, *, clock: Clock | None = None, sms: SmsSender | None = None) -> Flask:
    """The WSGI app. Settings come from the environment unless given (tests)."""
    # Every file this process creates (SQLite's WAL, the outbox, metrics files) is for its own user only.
    os.umask(PRIVATE_UMASK)
    try:
        settings = settings or Settings.from_env()
    except ConfigError as error:
        # One line naming the setting, then an exit with no traceback to dig through.
        print(f"otp-auth: configuration error: {error}", file=sys.stderr, flush=True)
        raise SystemExit(CONFIG_ERROR_EXIT_CODE) from None
    app = flask_class(settings)(__name__, static_folder=None, instance_path=instance_folder(settings))
    settings = _with_development_secret(settings, app.instance_path)
    configure_logging(settings.LOG_LEVEL)
    _configure_flask(app, settings)
    client = redis_client.connect(settings, app.instance_path)
    register_extensions(app, settings)
    install(app, build_services(settings, client, clock=clock, sms=sms))
    register_middleware(app, settings)
    register_blueprints(app)
    install_ip_limits(app, settings, client)
    register_error_handlers(app)
    register_commands(app)
    return app


def instance_folder(settings: Settings) -> str:
    """INSTANCE_DIR, or Flask's default: instance/ beside the app package."""
    return str(Path(settings.INSTANCE_DIR).resolve()) if settings.INSTANCE_DIR else Flask(__name__).instance_path


def _with_development_secret(settings: Settings, instance_path: str) -> Settings:
    """Outside production an unset SECRET_KEY is generated once and kept under instance/."""
    if settings.SECRET_KEY:
        return settings
    path = Path(instance_path) / "secret_key"
    private_folder(path.parent)
    try:  # created 0600 with its content in one go: never readable by others, never seen half-made
        with open(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600), "w") as new_key:
            new_key.write(secrets.token_urlsafe(48))
    except FileExistsError:
        private_file(path)  # tightened if an earlier version left it readable
    return settings.replace(SECRET_KEY=path.read_text().strip())


def _configure_flask(app: Flask, settings: Settings) -> None:
    app.config.update(
        SECRET_KEY=settings.SECRET_KEY,
        DEBUG=False,
        TESTING=settings.APP_ENV == "test",
        SQLALCHEMY_DATABASE_URI=database_url(settings, app.instance_path),
        SQLALCHEMY_ENGINE_OPTIONS=engine_options(settings),
        OTP_AUTH_SETTINGS=settings,
    )


def database_url(settings: Settings, instance_path: str) -> str:
    url = settings.DATABASE_URL or f"sqlite:///{Path(instance_path) / 'otp-auth.db'}"
    # psycopg 3 is the driver; plain postgres URLs would make SQLAlchemy look for psycopg2.
    for plain in ("postgres://", "postgresql://"):
        if url.startswith(plain):
            return "postgresql+psycopg://" + url[len(plain):]
    return url


def engine_options(settings: Settings) -> dict[str, object]:
    if (settings.DATABASE_URL or "sqlite").startswith("sqlite"):
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


def register_extensions(app: Flask, settings: Settings) -> None:
    db.init_app(app)
    migrate.init_app(app, db, directory=MIGRATIONS_DIR, render_as_batch=True)
    if settings.CORS_ORIGINS:  # with no origin allowed, CORS adds no header: skip its per-request work
        cors.init_app(
            app,
            resources={r"/api/*": {"origins": list(settings.CORS_ORIGINS)}},
            allow_headers=["Authorization", "Content-Type", "X-Request-ID"],
            expose_headers=["Retry-After", "X-Request-ID"],
            max_age=600,
        )
    if (settings.DATABASE_URL or "sqlite").startswith("sqlite"):
        _tune_sqlite(app)
    else:
        with app.app_context():
            bound_server_waits(db.engine, settings.DATABASE_STATEMENT_TIMEOUT_SECONDS)


def _tune_sqlite(app: Flask) -> None:
    """WAL lets readers work during a write; busy_timeout makes writers queue, not fail."""
    from sqlalchemy import event

    with app.app_context():
        database = db.engine.url.database
        if database and database != ":memory:" and not database.startswith("file:"):
            private_file(Path(database))  # SQLite gives its -wal and -shm files the database file's mode

        @event.listens_for(db.engine, "connect")
        def _on_connect(connection, _record):  # type: ignore[no-untyped-def]
            cursor = connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.close()
