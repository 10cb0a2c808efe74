"""Starting the event workers of an app: in `flask events drain`, or in the development server's
own process (EVENTS_DRAIN_IN_PROCESS), where `make run` then needs nothing more."""

from __future__ import annotations

import threading

import redis
from flask import Flask

from app.adapters import redis_client
from app.container import services
from app.extensions import db
from app.observability.worker_metrics import StreamGauges
from app.stores.keys import KeyNames
from app.workers.drain import BLOCK_MS
from app.workers.factory import build_workers
from app.workers.runner import WorkerThreads

_GAUGES = "otp_auth.stream_gauges"


def worker_client(app: Flask) -> redis.Redis:
    """A Redis client of the workers' own, whose socket waits out an XREADGROUP BLOCK."""
    settings = services().settings
    seconds = min(60.0, settings.REDIS_SOCKET_TIMEOUT_SECONDS + BLOCK_MS / 1000)
    return redis_client.connect(settings.replace(REDIS_SOCKET_TIMEOUT_SECONDS=seconds), app.instance_path)


def start_workers(app: Flask) -> WorkerThreads:
    """Builds the workers and runs them in daemon threads; the stream's gauges join the app's metrics."""
    with app.app_context():
        found = services()
        client = worker_client(app)
        workers = build_workers(found, client, lambda: db.engine)
        if _GAUGES not in app.extensions:
            app.extensions[_GAUGES] = StreamGauges(client, KeyNames(found.settings.REDIS_KEY_PREFIX))
            found.metrics.registry.register(app.extensions[_GAUGES])
        timeout = found.settings.EVENT_WEBHOOK_TIMEOUT_SECONDS if workers.webhooks else 0.0
    return WorkerThreads(app, workers, timeout).start()


def register_in_process_workers(app: Flask) -> None:
    """With EVENTS_DRAIN_IN_PROCESS (default in development), the first request starts the workers:
    in the process that serves (a gunicorn worker, after the fork), never in `flask db upgrade`."""
    if not app.config["OTP_AUTH_SETTINGS"].drain_in_process:
        return
    lock = threading.Lock()

    def start_once() -> None:
        if "otp_auth.workers" in app.extensions:
            return
        with lock:
            if "otp_auth.workers" not in app.extensions:
                app.extensions["otp_auth.workers"] = start_workers(app)

    app.before_request(start_once)
