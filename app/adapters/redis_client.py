"""The Redis connection: bounded timeouts, at most one retry, Redis Sentinel
when REDIS_SENTINELS is set, and an embedded server for development when
neither REDIS_URL nor REDIS_SENTINELS is set."""

from __future__ import annotations

import logging
from typing import Any, cast

import redis
from redis.backoff import NoBackoff
from redis.connection import parse_url
from redis.retry import Retry
from redis.sentinel import Sentinel

from app.adapters import embedded_redis
from app.config import Settings

log = logging.getLogger(__name__)


def connect(settings: Settings, instance_path: str) -> redis.Redis:
    if settings.REDIS_SENTINELS:
        return _sentinel_master(settings)
    url = settings.REDIS_URL or _embedded_url(instance_path)
    return redis.Redis.from_url(url, **_bounded(settings))


def _bounded(settings: Settings) -> dict[str, Any]:
    """The options every connection to the data shares, plain or through Sentinel."""
    # One retry on a fresh connection recovers from a Redis restart or a
    # Sentinel failover; more would turn a dead Redis into a slow 503 instead
    # of a fast one. No health_check_interval: its PING after an idle spell
    # carries a retry of its own, which let a frozen Redis hold a request for
    # 4x the socket timeout instead of 2x (docs/reliability.md).
    return {
        "socket_timeout": settings.REDIS_SOCKET_TIMEOUT_SECONDS,
        "socket_connect_timeout": settings.REDIS_CONNECT_TIMEOUT_SECONDS,
        "retry": Retry(NoBackoff(), retries=1),
        "retry_on_error": [redis.exceptions.ConnectionError],
        "client_name": "otp-auth",
    }


def _sentinel_master(settings: Settings) -> redis.Redis:
    """A client whose connections go to whichever server the Sentinels call master.

    A connection that finds the old master gone (or demoted to a replica)
    fails with ConnectionError; the one retry asks the Sentinels again.
    """
    sentinel_kwargs: dict[str, Any] = {
        "socket_timeout": settings.REDIS_SOCKET_TIMEOUT_SECONDS,
        "socket_connect_timeout": settings.REDIS_CONNECT_TIMEOUT_SECONDS,
        # No retry per Sentinel (redis-py's default backs off for seconds on a
        # dead one): asking the next Sentinel is the retry.
        "retry": Retry(NoBackoff(), retries=0),
    }
    if settings.REDIS_SENTINEL_PASSWORD:
        sentinel_kwargs["password"] = settings.REDIS_SENTINEL_PASSWORD
    sentinel = Sentinel(list(settings.REDIS_SENTINELS), sentinel_kwargs=sentinel_kwargs)
    # redis-py leaves master_for unannotated; it returns an instance of redis_class.
    return cast(redis.Redis, sentinel.master_for(
        settings.REDIS_SENTINEL_MASTER, redis_class=redis.Redis, **_bounded(settings),
        **_master_credentials(settings.REDIS_URL),
    ))


def stop_embedded() -> None:
    """Stops the embedded server this process started (tests; otherwise it stops when the process ends)."""
    embedded_redis.stop_owned()


def _master_credentials(url: str) -> dict[str, Any]:
    """Username, password, database and TLS for the master, from REDIS_URL (its host is not used)."""
    if not url:
        return {}
    parsed = parse_url(url)
    options = {key: parsed[key] for key in ("username", "password", "db") if parsed.get(key) is not None}
    if url.startswith("rediss://"):
        options["ssl"] = True
    return options


def _embedded_url(instance_path: str) -> str:
    """The development server of this instance folder (app/adapters/embedded_redis.py)."""
    return f"unix://{embedded_redis.socket_for(instance_path)}"
