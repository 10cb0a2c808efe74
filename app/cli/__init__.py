"""Admin commands: `flask --app app <command>` (docs/operations.md lists them)."""

from flask import Flask

from app.cli import event_workers  # noqa: F401 - adds `events drain` and `events redrive` to the events group
from app.cli.accounts import events, sessions, users
from app.cli.config_check import check_config
from app.cli.sms_guard import sms_guard


def register_commands(app: Flask) -> None:
    for command in (users, sessions, events, check_config, sms_guard):
        app.cli.add_command(command)
