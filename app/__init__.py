"""otp-auth: sign up, log in with a password, confirm with an SMS code."""

from __future__ import annotations

import os

from flask import Flask

from app.adapters import redis_client
from app.adapters.database import register_database
from app.adapters.email.base import EmailSender
from app.adapters.private_files import PRIVATE_UMASK
from app.adapters.sms.base import SmsSender
from app.api import register_blueprints
from app.cli import register_commands
from app.config import Settings
from app.container import build_services, install
from app.http.cors import register_cors
from app.http.errors import register_error_handlers
from app.http.ip_limits import install_ip_limits
from app.http.middleware import register_middleware
from app.observability.logs import configure_logging
from app.services.clock import Clock
from app.startup import (
    configure_flask,
    new_flask_app,
    settings_or_exit,
    with_development_secret,
    with_development_signing_key,
)


def create_app(settings: Settings | None = None, *, clock: Clock | None = None, sms: SmsSender | None = None,
               email: EmailSender | None = None) -> Flask:
    """The WSGI app. Settings come from the environment unless given (tests); so do the
    clock and the SMS and email senders, which tests may hand in."""
    # Every file this process creates (SQLite's WAL, the outbox, metrics files) is for its own user only.
    os.umask(PRIVATE_UMASK)
    settings = settings_or_exit(settings)
    app = new_flask_app(__name__, settings)
    settings = with_development_secret(settings, app.instance_path)
    settings = with_development_signing_key(settings, app.instance_path)
    configure_logging(settings.LOG_LEVEL)
    configure_flask(app, settings)
    client = redis_client.connect(settings, app.instance_path)
    register_database(app, settings)
    register_cors(app, settings)
    install(app, build_services(settings, client, clock=clock, sms=sms, email=email))
    register_middleware(app, settings)
    register_blueprints(app)
    install_ip_limits(app, settings, client)
    register_error_handlers(app)
    register_commands(app)
    return app
