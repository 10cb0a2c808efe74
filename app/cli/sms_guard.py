"""`flask sms-guard status | unblock PREFIX | allow PREFIX`: the SMS-pumping guard's ranges
(docs/operations.md, "SMS guard")."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from app.config.sms_guard import parse_prefix
from app.container import services
from app.stores.keys import KeyNames
from app.stores.sms_guard import RedisSmsGuard
from app.wiring.sms_guard import guard_config


def _guard() -> RedisSmsGuard:
    found = services()
    return RedisSmsGuard(found.redis, KeyNames(found.settings.REDIS_KEY_PREFIX), guard_config(found.settings))


def _prefix(_: click.Context, __: click.Parameter, value: str) -> str:
    prefix = parse_prefix(value)
    if prefix is None:
        raise click.BadParameter(f"{value!r} is not a prefix like '+44 740' (calling code, a space, 1-3 digits)")
    return prefix


sms_guard = AppGroup("sms-guard", help="The SMS-pumping guard: per destination prefix, codes sent and verified, "
                                       "blocks.")


@sms_guard.command("status")
def status() -> None:
    """Prefixes counted in the window (busiest first), their conversion and blocks; allowed prefixes."""
    found = services()
    settings, now = found.settings, found.clock.now()
    click.echo(f"mode {settings.SMS_GUARD_MODE}: a prefix with {settings.SMS_GUARD_MIN_SENDS}+ sends in "
               f"{settings.SMS_GUARD_WINDOW_SECONDS}s and under {settings.SMS_GUARD_MIN_CONVERSION:.0%} verified is "
               f"blocked for {settings.SMS_GUARD_BLOCK_SECONDS}s")
    guard = _guard()
    rows = guard.status(now)
    click.echo(f"{'prefix':<10} {'sent':>6} {'verified':>8} {'conversion':>10}  block")
    for row in rows:
        conversion = f"{row.verified / row.sent:.0%}" if row.sent else "-"
        block = f"{row.decided_by} for {row.blocked_for:.0f}s" if row.blocked_for else "-"
        click.echo(f"{row.prefix:<10} {row.sent:>6} {row.verified:>8} {conversion:>10}  {block}")
    for prefix in settings.SMS_GUARD_ALLOWED_PREFIXES:
        click.echo(f"allowed {prefix} (SMS_GUARD_ALLOWED_PREFIXES)")
    for prefix, until in sorted(guard.allowed(now).items()):
        click.echo(f"allowed {prefix} for {until - now:.0f}s more (sms-guard allow)")


@sms_guard.command("unblock")
@click.argument("prefix", callback=_prefix)
def unblock(prefix: str) -> None:
    """Lift a block on PREFIX and forget its counts (it is judged afresh)."""
    lifted = _guard().unblock(prefix)
    services().events.write("sms_guard_unblocked", None, destination=prefix, by="admin")
    click.echo(f"{prefix}: block lifted, counts reset" if lifted else f"{prefix}: nothing was counted or blocked")


@sms_guard.command("allow")
@click.argument("prefix", callback=_prefix)
@click.option("--days", default=30, show_default=True, type=click.IntRange(1, 365),
              help="How long the guard leaves PREFIX alone.")
def allow(prefix: str, days: int) -> None:
    """Exempt PREFIX from the guard for a while (a block on it is lifted); for a permanent exemption
    use SMS_GUARD_ALLOWED_PREFIXES."""
    found = services()
    _guard().allow(prefix, found.clock.now(), days)
    found.events.write("sms_guard_allowed", None, destination=prefix, days=days, by="admin")
    click.echo(f"{prefix}: allowed for {days} day(s)")
