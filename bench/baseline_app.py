"""Baseline A: the least a Flask endpoint can do with one Redis round trip.

Served by the same gunicorn settings as the service, it reads the bearer
header and a JSON body like the service does, runs one Redis pipeline (HMGET
of a token-like hash plus its PTTL) and answers a small JSON body. What the
service does beyond this is its own cost: validation, keyed hashing, Lua,
logging, error handling.
"""

from __future__ import annotations

import os

import redis
from flask import Flask, request

KEY = "bench:baseline:token"


def create_app() -> Flask:
    app = Flask(__name__)
    client = redis.Redis.from_url(os.environ["REDIS_URL"], socket_timeout=0.5, socket_connect_timeout=0.5)
    client.hset(KEY, mapping={"kind": "access", "uid": "00000000-0000-0000-0000-000000000000"})

    @app.route("/baseline", methods=["GET", "POST"])
    def baseline():  # type: ignore[no-untyped-def]
        request.get_json(silent=True)
        pipe = client.pipeline(transaction=False)
        pipe.hmget(KEY, "kind", "uid")
        pipe.pttl(KEY)
        (kind, uid), ttl = pipe.execute()
        authorized = bool(request.headers.get("Authorization"))
        return {"kind": kind.decode(), "uid": uid.decode(), "ttl": ttl, "auth": authorized}

    return app
