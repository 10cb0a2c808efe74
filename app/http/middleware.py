"""Per-request plumbing: request ids, security headers, body limit, access log and HTTP metrics."""

from __future__ import annotations

import logging
import re
import time
import uuid

from flask import Flask, Response, g, request
from flask.sessions import SessionInterface
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.middleware.proxy_fix import ProxyFix

from app.config import Settings
from app.container import services

MAX_BODY_BYTES = 64 * 1024
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,128}$")
# Metric labels stay bounded whatever a client sends: unknown paths and methods share one value.
_METHODS = frozenset(("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"))
UNMATCHED_ROUTE = "unmatched"
access_log = logging.getLogger("otp_auth.access")


class NoSessions(SessionInterface):
    """Bearer tokens only (no endpoint needs cookies): Flask's signed-cookie session is never
    read or written, which spared a signing-key derivation on every request."""

    def open_session(self, app: Flask, request: object) -> None:
        return None  # Flask falls back to its read-only null session

    def save_session(self, app: Flask, session: object, response: Response) -> None:
        return None


def register_middleware(app: Flask, settings: Settings) -> None:
    app.config["MAX_CONTENT_LENGTH"] = MAX_BODY_BYTES
    app.session_interface = NoSessions()
    if settings.TRUSTED_PROXY_COUNT:
        # Exactly this many X-Forwarded-For hops are believed; anything further left is the client's word.
        # Flask declares wsgi_app a method, yet replacing it is how its docs say to add WSGI middleware.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=settings.TRUSTED_PROXY_COUNT)  # type: ignore[method-assign]
    app.before_request(_start_request)
    app.after_request(_finish_request)


def _start_request() -> None:
    g.started_at = time.perf_counter()
    given = request.headers.get("X-Request-ID", "")
    g.request_id = given if _REQUEST_ID.match(given) else uuid.uuid4().hex
    if request.content_length is not None and request.content_length > MAX_BODY_BYTES:
        raise RequestEntityTooLarge()
    if request.content_length is None and request.environ.get("wsgi.input_terminated"):
        _check_streamed_body()


def _check_streamed_body() -> None:
    """A chunked body has no length to check up front, and werkzeug's capped read
    silently stops at the cap; read one byte past it to tell 'too large' from 'fits'."""
    request.max_content_length = MAX_BODY_BYTES + 1
    if len(request.get_data(cache=True)) > MAX_BODY_BYTES:
        raise RequestEntityTooLarge()


def _finish_request(response: Response) -> Response:
    response.headers["X-Request-ID"] = g.get("request_id", "")
    response.headers["X-Content-Type-Options"] = "nosniff"
    if request.path.startswith("/api/"):
        # Token-bearing bodies must never sit in a shared or browser cache.
        response.headers["Cache-Control"] = "no-store"
    started = g.get("started_at")
    seconds = time.perf_counter() - started if started else 0.0
    route = request.url_rule.rule if request.url_rule else None
    access_log.info(
        "request",
        extra={
            "method": request.method,
            "route": route,
            "path": request.path,
            "status": response.status_code,
            "duration_ms": round(seconds * 1000, 2),
            "client_ip": request.remote_addr,
            # Set by the services' recorder once the request is known to be about a user.
            "user_id": g.get("user_id"),
        },
    )
    method = request.method if request.method in _METHODS else "other"
    services().metrics.observe_request(route or UNMATCHED_ROUTE, method, response.status_code, seconds)
    return response
