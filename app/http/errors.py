"""One RFC 9457 problem+json envelope for every error, with stable codes.

Services raise `ApiError` subclasses; Flask's own HTTP errors and outages of
Redis or the database are mapped here, so no view builds an error body.
"""

from __future__ import annotations

import logging
import math

import redis
import sqlalchemy.exc
from flask import Flask, Response, g, json
from werkzeug.exceptions import HTTPException

log = logging.getLogger(__name__)

# A URN: a stable identifier that points at no host we do not own.
PROBLEM_TYPE_BASE = "urn:otp-auth:problem:"


class ApiError(Exception):
    status = 500
    code = "internal_error"
    title = "Internal server error"

    def __init__(self, detail: str, *, retry_after: int | None = None, **extra: object) -> None:
        super().__init__(detail)
        self.detail = detail
        self.retry_after = None if retry_after is None else max(1, math.ceil(retry_after))
        self.extra = extra


class InvalidJson(ApiError):
    status, code, title = 400, "invalid_json", "Body is not valid JSON"


class ValidationFailed(ApiError):
    status, code, title = 422, "validation_error", "Request does not match the schema"

    def __init__(self, errors: dict[str, list[str]], detail: str = "One or more fields are invalid.") -> None:
        super().__init__(detail, errors=errors)


class UnsupportedMediaType(ApiError):
    status, code, title = 415, "unsupported_media_type", "Send application/json"


class EmailTaken(ApiError):
    status, code, title = 409, "email_taken", "Email already registered"


class InvalidCredentials(ApiError):
    status, code, title = 401, "invalid_credentials", "Invalid email or password"


class InvalidToken(ApiError):
    status, code, title = 401, "invalid_token", "Missing, expired or unusable token"


class OtpInvalid(ApiError):
    status, code, title = 401, "otp_invalid", "Wrong code"


class OtpExpired(ApiError):
    status, code, title = 401, "otp_expired", "No live code"


class OtpAttemptsExceeded(ApiError):
    status, code, title = 429, "otp_attempts_exceeded", "Too many wrong codes"


class RateLimited(ApiError):
    status, code, title = 429, "rate_limited", "Too many requests"


class SmsUnavailable(ApiError):
    status, code, title = 503, "sms_unavailable", "SMS provider unavailable"


class ServiceUnavailable(ApiError):
    status, code, title = 503, "service_unavailable", "Service temporarily unavailable"


# Flask/werkzeug HTTP errors → (code, title).
_HTTP_CODES = {
    400: ("invalid_json", "Body is not valid JSON"),
    404: ("not_found", "Not found"),
    405: ("method_not_allowed", "Method not allowed"),
    413: ("payload_too_large", "Request body too large"),
    415: ("unsupported_media_type", "Send application/json"),
    429: ("rate_limited", "Too many requests"),
}

# Seconds a client should wait after a dependency outage before retrying.
OUTAGE_RETRY_AFTER = 2


def problem_response(
    status: int,
    code: str,
    title: str,
    detail: str,
    *,
    retry_after: int | None = None,
    extra: dict[str, object] | None = None,
) -> Response:
    body: dict[str, object] = {
        "type": PROBLEM_TYPE_BASE + code,
        "title": title,
        "status": status,
        "detail": detail,
        "code": code,
        "request_id": g.get("request_id", ""),
    }
    if retry_after is not None:
        body["retry_after"] = retry_after
    if extra:
        body.update(extra)
    response = Response(json.dumps(body), status=status, mimetype="application/problem+json")
    if retry_after is not None:
        response.headers["Retry-After"] = str(retry_after)
    return response


def _from_api_error(error: ApiError) -> Response:
    return problem_response(
        error.status, error.code, error.title, error.detail, retry_after=error.retry_after, extra=error.extra
    )


def _from_http_exception(error: HTTPException) -> Response:
    status = error.code or 500
    if status >= 500:
        return _internal_error(error)
    code, title = _HTTP_CODES.get(status, ("bad_request", error.name))
    detail = error.description or title
    # A 429 always says when to come back (app/http/ip_limits.py answers its own with the real wait).
    retry_after = 1 if status == 429 else None
    response = problem_response(status, code, title, detail, retry_after=retry_after)
    if status == 405 and error.valid_methods:  # type: ignore[attr-defined]
        response.headers["Allow"] = ", ".join(error.valid_methods)  # type: ignore[attr-defined]
    return response


def _dependency_down(error: Exception) -> Response:
    dependency = "redis" if isinstance(error, redis.exceptions.RedisError) else "database"
    log.warning("dependency unavailable: %s", type(error).__name__, extra={"dependency": dependency})
    return problem_response(
        503,
        "service_unavailable",
        "Service temporarily unavailable",
        "A backing service did not answer; try again shortly.",
        retry_after=OUTAGE_RETRY_AFTER,
    )


def _internal_error(error: BaseException) -> Response:
    # The cause goes to the log with the request id; the client sees only the id.
    log.error("unhandled error", exc_info=error if isinstance(error, BaseException) else None)
    return problem_response(500, "internal_error", "Internal server error", "Something went wrong on our side.")


def register_error_handlers(app: Flask) -> None:
    app.register_error_handler(ApiError, _from_api_error)
    app.register_error_handler(HTTPException, _from_http_exception)
    app.register_error_handler(redis.exceptions.ConnectionError, _dependency_down)
    app.register_error_handler(redis.exceptions.TimeoutError, _dependency_down)
    app.register_error_handler(sqlalchemy.exc.OperationalError, _dependency_down)
    app.register_error_handler(sqlalchemy.exc.InterfaceError, _dependency_down)
    app.register_error_handler(Exception, _internal_error)
