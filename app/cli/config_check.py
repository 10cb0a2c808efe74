"""`flask check-config`: the settings in force (secrets hidden) and whether the database and Redis answer."""

from __future__ import annotations

import dataclasses
import re
from urllib.parse import urlsplit, urlunsplit

import click
from flask.cli import with_appcontext

from app.config import Settings
from app.container import services

# Any setting named like a credential, today's or a future one, is shown only as set/unset.
_SECRET_NAME = re.compile(r"(SECRET|PASSWORD|TOKEN|_KEYS?)$|PASSWORD")


def _without_password(url: str) -> str:
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.hostname or ""
    netloc = f"{parts.username or ''}:***@{host}" + (f":{parts.port}" if parts.port else "")
    return urlunsplit(parts._replace(netloc=netloc))


def _shown(name: str, value: object) -> str:
    if _SECRET_NAME.search(name):
        return f"set ({len(str(value))} characters)" if value else "unset"
    if name == "TEST_PHONE_NUMBERS" and isinstance(value, dict):  # their fixed codes are credentials too
        return ", ".join(sorted(value)) if value else "-"
    if isinstance(value, frozenset | tuple):
        return ", ".join(sorted(str(item) for item in value)) or "-"
    if isinstance(value, str) and "://" in value:
        return _without_password(value)
    return str(value) if value != "" else "-"


def summary(settings: Settings) -> list[str]:
    return [f"{field.name} = {_shown(field.name, getattr(settings, field.name))}"
            for field in dataclasses.fields(settings)]


@click.command("check-config")
@with_appcontext
def check_config() -> None:
    """Validate the settings, ping the database and Redis, print a summary without secrets.

    Exits 0 when everything answers, 1 when a dependency does not; a bad setting
    stops `flask` before this runs, with one line naming it (exit 2)."""
    svc = services()
    click.echo("settings (valid):")
    for line in summary(svc.settings):
        click.echo(f"  {line}")
    checks = svc.readiness.check()
    for name, result in checks.items():
        click.echo(f"{name}: {result}")
    failed = sorted(name for name, result in checks.items() if result != "ok")
    if failed:
        raise click.ClickException(f"not ready: {', '.join(failed)} did not answer")
    click.echo("configuration ok")
