"""Reading a test app's state: one metric series, its audit rows; and a code that is surely wrong."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import select

from app.extensions import db
from app.models import AuthEvent


def sample(app: Flask, name: str, **labels: str) -> float:
    """The current value of one series of the app's metrics (0 when it has no value yet)."""
    value = app.extensions["otp_auth"].metrics.registry.get_sample_value(name, labels)
    return value or 0.0


def audit_rows(app: Flask, user_id: str | None = None) -> list[AuthEvent]:
    """The app's audit rows, oldest first, optionally of one user."""
    with app.app_context():
        query = select(AuthEvent).order_by(AuthEvent.id)
        if user_id is not None:
            import uuid

            query = query.where(AuthEvent.user_id == uuid.UUID(user_id))
        rows = list(db.session.scalars(query))
        db.session.expunge_all()
        return rows


def redis_dump(app: Flask) -> list[str]:
    """Every key of the app's prefix, each followed by what it holds (hash fields and values, set and
    sorted-set members, string values), as text. Asserts each key expires."""
    client = app.extensions["otp_auth"].redis
    prefix = app.extensions["otp_auth"].settings.REDIS_KEY_PREFIX
    dump: list[str] = []
    for key in client.scan_iter(match=f"{prefix}*"):
        dump.append(key.decode())
        kind = client.type(key).decode()
        if kind == "hash":
            dump.extend(f"{k.decode()}={v.decode()}" for k, v in client.hgetall(key).items())
        elif kind == "set":
            dump.extend(m.decode() for m in client.smembers(key))
        elif kind == "zset":
            dump.extend(m.decode() for m in client.zrange(key, 0, -1))
        elif kind == "string":
            dump.append(client.get(key).decode(errors="replace"))
        assert client.ttl(key) > 0, f"{key!r} has no TTL"
    return dump


def wrong_code(right: str) -> str:
    return "000000" if right != "000000" else "111111"
