"""`flask events drain` (the event workers) and `flask events redrive` (dead webhook letters)."""

from __future__ import annotations

import signal
import threading

import click
from flask import current_app

from app.cli.accounts import events
from app.container import services
from app.extensions import db
from app.stores.keys import KeyNames
from app.stores.scripts import Scripts
from app.stores.webhook_retries import RedisWebhookRetries
from app.workers.factory import build_workers, settle_all
from app.workers.health import serve_health
from app.workers.launch import start_workers


@events.command("drain")
@click.option("--once", is_flag=True, help="Settle what is on the stream now, then exit.")
def events_drain(once: bool) -> None:
    """Run the event workers: events to auth_events, and to EVENT_WEBHOOK_URL when set."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    found = services()
    if once:
        settled = settle_all(build_workers(found, found.redis, lambda: db.engine))
        click.echo(f"settled {settled} event(s)")
        return
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    threads = start_workers(app)
    port = found.settings.EVENTS_WORKER_PORT
    server = serve_health(port, threads.alive, found.metrics.exposition) if port else None
    click.echo(f"event workers running (health and metrics on :{port})" if port else "event workers running")
    while not stop.wait(1.0):
        pass  # a stalled worker is the liveness probe's to restart (/healthz)
    threads.stop()
    if server:
        server.shutdown()


@events.command("redrive")
@click.option("--limit", default=1000, show_default=True, type=click.IntRange(1, 100000),
              help="Dead letters to send again at most.")
def events_redrive(limit: int) -> None:
    """Send the webhook's dead letters again (each gets a fresh EVENT_WEBHOOK_MAX_AGE_SECONDS)."""
    found = services()
    if not found.settings.EVENT_WEBHOOK_URL:
        raise click.ClickException("EVENT_WEBHOOK_URL is not set: there is no webhook to send to")
    retries = RedisWebhookRetries(found.redis, KeyNames(found.settings.REDIS_KEY_PREFIX), Scripts(found.redis),
                                  found.settings.EVENTS_STREAM_MAXLEN)
    moved = retries.redrive(found.clock.now(), limit)
    click.echo(f"{moved} dead letter(s) scheduled for delivery")
