"""One RFC 9457 problem+json envelope for every error, with stable codes.

Services raise the `ApiError`s of app/problems.py; Flask's own HTTP errors and
outages of Redis or the database are mapped to the same catalogue here, so no
view builds an error body and no code is spelled twice.
"""

from __future__ import annotations

import logging

import redis
import sqlalchemy.exc
from flask import Flask, Response, g, json
from werkzeug.exceptions import HTTPException, MethodNotAllowed

from app.problems import ApiError, Problem, ServiceUnavailable

log = logging.getLogger(__name__)

# A URN: a stable identifier that points at no host we do not own.
PROBLEM_TYPE_BASE = "urn:otp-auth:problem:"

# Flask/werkzeug HTTP errors with a problem of their own; any other 4xx is a `bad_request`
# (a malformed request line, header or form): only unparseable JSON is `invalid_json`.
_HTTP_PROBLEMS = {
    problem.status: problem
    for problem in (Problem.NOT_FOUND, Problem.METHOD_NOT_ALLOWED, Problem.PAYLOAD_TOO_LARGE,
                    Problem.UNSUPPORTED_MEDIA_TYPE, Problem.RATE_LIMITED)
}

# Seconds a client should wait after a dependency outage before retrying.
OUTAGE_RETRY_AFTER = 2


def problem_response(error: ApiError, *, status: int | None = None, title: str | None = None) -> Response:
    """The problem JSON of `error`; `status`/`title` stand in for werkzeug errors outside the catalogue."""
    status = status or error.status
    body: dict[str, object] = {
        "type": PROBLEM_TYPE_BASE + error.code,
        "title": title or error.title,
        "status": status,
        "detail": error.detail,
        "code": error.code,
        "request_id": g.get("request_id", ""),
    }
    if error.retry_after is not None:
        body["retry_after"] = error.retry_after
    body.update(error.extra)
    response = Response(json.dumps(body), status=status, mimetype="application/problem+json")
    if error.retry_after is not None:
        response.headers["Retry-After"] = str(error.retry_after)
    return response


def _from_http_exception(error: HTTPException) -> Response:
    status = error.code or 500
    if status >= 500:
        return _internal_error(error)
    problem = _HTTP_PROBLEMS.get(status, Problem.BAD_REQUEST)
    # A 429 always says when to come back (app/http/ip_limits.py answers its own with the real wait).
    retry_after = 1 if problem is Problem.RATE_LIMITED else None
    known = problem.status == status
    detail = error.description or (problem.title if known else error.name)
    response = problem_response(ApiError(detail, retry_after=retry_after, problem=problem),
                                status=status, title=None if known else error.name)
    if isinstance(error, MethodNotAllowed) and error.valid_methods:
        response.headers["Allow"] = ", ".join(error.valid_methods)
    return response


def _dependency_down(error: Exception) -> Response:
    dependency = "redis" if isinstance(error, redis.exceptions.RedisError) else "database"
    log.warning("dependency unavailable: %s", type(error).__name__, extra={"dependency": dependency})
    return problem_response(ServiceUnavailable(retry_after=OUTAGE_RETRY_AFTER))


def _internal_error(error: BaseException) -> Response:
    # The cause goes to the log with the request id; the client sees only the id.
    log.error("unhandled error", exc_info=error if isinstance(error, BaseException) else None)
    return problem_response(ApiError())


def register_error_handlers(app: Flask) -> None:
    app.register_error_handler(ApiError, problem_response)
    app.register_error_handler(HTTPException, _from_http_exception)
    app.register_error_handler(redis.exceptions.ConnectionError, _dependency_down)
    app.register_error_handler(redis.exceptions.TimeoutError, _dependency_down)
    app.register_error_handler(sqlalchemy.exc.OperationalError, _dependency_down)
    app.register_error_handler(sqlalchemy.exc.InterfaceError, _dependency_down)
    app.register_error_handler(Exception, _internal_error)
