"""Account commands: users show/disable/enable/verify-email/delete, sessions list/revoke, events [purge]."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta

import click
from flask.cli import AppGroup, with_appcontext

from app.container import services
from app.services.admin import UnknownUser
from app.services.clock import isoformat_z, to_datetime

users = AppGroup("users", help="Show, disable, enable or delete an account.")
sessions = AppGroup("sessions", help="List or end the sessions of an account.")


def _when(value: datetime | None) -> str:
    return isoformat_z(value) if value else "-"


@contextmanager
def _known_user() -> Iterator[None]:
    try:
        yield
    except UnknownUser as error:
        raise click.ClickException(str(error)) from None


@users.command("show")
@click.argument("email")
def users_show(email: str) -> None:
    """Print an account (never its password hash)."""
    with _known_user():
        user = services().admin.user(email)
    for name, value in (("id", user.id), ("email", user.email), ("phone", user.phone),
                        ("created_at", _when(user.created_at)), ("last_login_at", _when(user.last_login_at)),
                        ("disabled_at", _when(user.disabled_at)), ("email_verified", user.email_verified)):
        click.echo(f"{name:<14}{value}")


@users.command("disable")
@click.argument("email")
def users_disable(email: str) -> None:
    """Refuse the account's logins and end its sessions."""
    with _known_user():
        user, revoked = services().admin.disable(email)
    click.echo(f"disabled {user.email} since {_when(user.disabled_at)}; {revoked} session(s) revoked")


@users.command("enable")
@click.argument("email")
def users_enable(email: str) -> None:
    """Let a disabled account log in again."""
    with _known_user():
        user = services().admin.enable(email)
    click.echo(f"enabled {user.email}")


@users.command("verify-email")
@click.argument("email")
def users_verify_email(email: str) -> None:
    """Mark the account's email address verified."""
    with _known_user():
        user = services().admin.verify_email(email)
    click.echo(f"verified {user.email}")


@users.command("delete")
@click.argument("email")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def users_delete(email: str, yes: bool) -> None:
    """Erase an account: its row, sessions and Redis records; its audit rows keep only the user id."""
    with _known_user():
        services().admin.user(email)
        if not yes:
            click.confirm(f"Erase the account {email} for good?", abort=True)
        user_id, ended = services().admin.delete(email)
    click.echo(f"deleted {user_id}; {ended} session(s) ended")


@sessions.command("revoke")
@click.option("--user", "email", required=True, help="The account's email.")
def sessions_revoke(email: str) -> None:
    """End every session of an account: its access and refresh tokens stop working."""
    with _known_user():
        revoked = services().admin.revoke_sessions(email)
    click.echo(f"{revoked} session(s) revoked")


@sessions.command("list")
@click.option("--user", "email", required=True, help="The account's email.")
def sessions_list(email: str) -> None:
    """List the live sessions of an account, newest first."""
    with _known_user():
        records = services().admin.sessions(email)
    for record in records:
        click.echo(f"{record.id}  created={_when(to_datetime(record.created_at))}  "
                   f"last_used={_when(to_datetime(record.last_used_at))}  ip={record.ip or '-'}  "
                   f"ua={json.dumps(record.user_agent)}")
    click.echo(f"{len(records)} session(s)")


class Duration(click.ParamType):
    """`90d`, `12h`, `30m` or `2w`."""

    name = "duration"
    _UNITS = {"m": "minutes", "h": "hours", "d": "days", "w": "weeks"}

    def convert(self, value: object, param: click.Parameter | None, ctx: click.Context | None) -> timedelta:
        if isinstance(value, timedelta):
            return value
        match = re.fullmatch(r"\s*(\d+)\s*([mhdw])\s*", str(value))
        if not match or int(match.group(1)) == 0:
            self.fail(f"{value!r} is not a duration like 90d, 12h, 30m or 2w", param, ctx)
        return timedelta(**{self._UNITS[match.group(2)]: int(match.group(1))})


@click.group("events", cls=AppGroup, invoke_without_command=True)
@click.option("--user", "email", help="The account whose events to list.")
@click.option("--limit", default=20, show_default=True, type=click.IntRange(1, 10000))
@click.pass_context
@with_appcontext
def events(ctx: click.Context, email: str | None, limit: int) -> None:
    """List an account's audit events, newest first (or purge old ones)."""
    if ctx.invoked_subcommand:
        return
    if not email:
        raise click.UsageError("give --user EMAIL, or a subcommand (purge)")
    with _known_user():
        rows = services().admin.events(email, limit)
    for row in rows:
        details = json.dumps(row.details, sort_keys=True) if row.details else ""
        click.echo(f"{_when(row.created_at)}  {row.event:<24} ip={row.ip or '-'}  "
                   f"ua={json.dumps(row.user_agent or '')}  {details}".rstrip())


@events.command("purge")
@click.option("--older-than", required=True, type=Duration(), help="Age of the events to delete, e.g. 90d.")
def events_purge(older_than: timedelta) -> None:
    """Delete audit events older than the given age."""
    deleted, before = services().admin.purge_events(older_than)
    click.echo(f"deleted {deleted} event(s) older than {_when(before)}")
