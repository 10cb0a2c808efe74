"""gunicorn server hooks that run in the master (gunicorn.conf.py imports them)."""

from __future__ import annotations


def when_ready(server: object) -> None:
    """Before any worker: the master starts the development Redis, so it lives exactly as long
    as the server (workers come and go) and stops when the master and its workers are gone."""
    from app.adapters import embedded_redis
    from app.config import ConfigError, Settings
    from app.startup import instance_folder

    try:
        settings = Settings.from_env()
    except ConfigError:
        return  # each worker stops on the same setting with its one-line message
    if settings.REDIS_URL or settings.REDIS_SENTINELS:
        return
    embedded_redis.socket_for(instance_folder(settings))
