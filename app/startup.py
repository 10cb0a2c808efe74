"""The first steps of create_app: settings (or a one-line exit), the Flask object and its own config."""

from __future__ import annotations

import os
import secrets
import sys
from pathlib import Path

from flask import Flask

from app.adapters.private_files import private_file, private_folder
from app.config import ConfigError, Settings
from app.config.signing_keys import generate_pem, read_keys
from app.http.debug_guard import flask_class

# gunicorn halts (instead of respawning workers forever) when a worker exits with 4.
CONFIG_ERROR_EXIT_CODE = 4


def settings_or_exit(settings: Settings | None) -> Settings:
    """The given settings (tests), else the environment's; a bad value ends the process."""
    try:
        return settings or Settings.from_env()
    except ConfigError as error:
        # One line naming the setting, then an exit with no traceback to dig through.
        print(f"otp-auth: configuration error: {error}", file=sys.stderr, flush=True)
        raise SystemExit(CONFIG_ERROR_EXIT_CODE) from None


def new_flask_app(import_name: str, settings: Settings) -> Flask:
    return flask_class(settings)(import_name, static_folder=None, instance_path=instance_folder(settings))


def instance_folder(settings: Settings) -> str:
    """INSTANCE_DIR, or Flask's default: instance/ beside the app package."""
    return str(Path(settings.INSTANCE_DIR).resolve()) if settings.INSTANCE_DIR else Flask("app").instance_path


def with_development_secret(settings: Settings, instance_path: str) -> Settings:
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


def with_development_signing_key(settings: Settings, instance_path: str) -> Settings:
    """Outside production, JWTs without JWT_SIGNING_KEYS are signed by an Ed25519 key generated
    once and kept under instance/ (production refuses to start instead: see TokenSettings)."""
    if settings.JWT_SIGNING_KEYS or not settings.signs_jwts:
        return settings
    path = Path(instance_path) / "jwt_signing_key.pem"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.touch(mode=0o600)  # private from the first byte
        path.write_text(generate_pem())
    return settings.replace(JWT_SIGNING_KEYS=read_keys(path.read_text(), str(path)))


def configure_flask(app: Flask, settings: Settings) -> None:
    app.config.update(
        SECRET_KEY=settings.SECRET_KEY,
        DEBUG=False,
        TESTING=settings.APP_ENV == "test",
        OTP_AUTH_SETTINGS=settings,
    )
