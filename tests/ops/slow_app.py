"""The real app plus one slow route, for the graceful-shutdown test (gunicorn "tests.ops.slow_app:create()")."""

from __future__ import annotations

import os
import time
from pathlib import Path

from flask import Flask, request

from app import create_app


def create() -> Flask:
    app = create_app()

    @app.get("/test/slow")
    def slow():  # type: ignore[no-untyped-def]
        # Tells the test the request is in flight, then holds the worker busy.
        Path(os.environ["SLOW_MARKER"]).touch()
        time.sleep(float(request.args.get("seconds", "2")))
        return {"slept": True}

    return app
