"""JSON logs on stderr, each line carrying the request id of its request."""

from __future__ import annotations

import logging
import sys

from flask import g, has_request_context
from pythonjsonlogger.json import JsonFormatter


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if has_request_context():
            record.request_id = g.get("request_id", "")
        return True


def configure_logging(level: str) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(
        JsonFormatter(
            "%(asctime)s %(levelname)s %(name)s %(message)s",
            rename_fields={"asctime": "time", "levelname": "level", "name": "logger"},
            datefmt="%Y-%m-%dT%H:%M:%S%z",
        )
    )
    handler.addFilter(RequestIdFilter())
    root = logging.getLogger()
    # Replace, not add: create_app may run more than once in a process (tests, CLI).
    for old in [h for h in root.handlers if getattr(h, "_otp_auth", False)]:
        root.removeHandler(old)
    handler._otp_auth = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    root.setLevel(level)
