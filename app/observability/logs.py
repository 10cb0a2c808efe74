"""JSON logs on stderr, each line carrying the request id of its request."""

from __future__ import annotations

import logging
import sys
from typing import TextIO, TypedDict

from flask import g, has_request_context
from pythonjsonlogger.json import JsonFormatter


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if has_request_context():
            record.request_id = g.get("request_id", "")
        return True


class _JsonFormat(TypedDict):
    """JsonFormatter's keyword arguments, shared by the app's handler and gunicorn's."""

    fmt: str
    rename_fields: dict[str, str]
    datefmt: str


_FORMAT: _JsonFormat = {
    "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s",
    "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
    "datefmt": "%Y-%m-%dT%H:%M:%S%z",
}
# The name of the handler configure_logging installs: a second call replaces it rather than adding one.
_HANDLER_NAME = "otp_auth.json"


def json_handler(stream: TextIO) -> logging.Handler:
    """A handler writing one JSON object a line, with the request id of the line's request."""
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter(**_FORMAT))
    handler.addFilter(RequestIdFilter())
    return handler


def gunicorn_logconfig_dict() -> dict[str, object]:
    """gunicorn's `logconfig_dict`: its own lines (boot, signals, worker exits) as JSON on stderr.

    The root logger is left to the app (configure_logging), and gunicorn's access log is
    silenced: the app already writes one JSON line per request, with more in it."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "root": {"level": "INFO", "handlers": []},
        "loggers": {
            "gunicorn.error": {"level": "INFO", "handlers": ["error_console"], "propagate": False},
            "gunicorn.access": {"level": "CRITICAL", "handlers": [], "propagate": False},
        },
        "handlers": {
            "error_console": {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stderr"},
        },
        "formatters": {"json": {"()": "pythonjsonlogger.json.JsonFormatter", **_FORMAT}},
    }


def configure_logging(level: str) -> None:
    handler = json_handler(sys.stderr)
    root = logging.getLogger()
    # Replace, not add: create_app may run more than once in a process (tests, CLI).
    for old in [h for h in root.handlers if h.get_name() == _HANDLER_NAME]:
        root.removeHandler(old)
    handler.set_name(_HANDLER_NAME)
    root.addHandler(handler)
    root.setLevel(level)
