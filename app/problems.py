"""Every kind of error the service answers, and the exceptions that raise them.

The one place a problem's `code`, `title` and `status` are spelled: services raise
the exceptions below, and app/http/errors.py turns them (and werkzeug's own HTTP
errors, and outages of Redis or the database) into RFC 9457 problem JSON.
Clients branch on `code`, so a code, once published, is never renamed.
"""

from __future__ import annotations

import math
from enum import Enum


class Problem(Enum):
    """(status, code, title, default detail) of each kind of problem."""

    BAD_REQUEST = (400, "bad_request", "Malformed request", "The request could not be understood.")
    INVALID_JSON = (400, "invalid_json", "Body is not valid JSON", "The body is not valid JSON.")
    INVALID_CREDENTIALS = (401, "invalid_credentials", "Invalid email or password",
                           "The email or password is not right.")
    INVALID_TOKEN = (401, "invalid_token", "Missing, expired or unusable token", "Send a valid token.")
    OTP_INVALID = (401, "otp_invalid", "Wrong code", "That code is not right.")
    OTP_EXPIRED = (401, "otp_expired", "No live code", "No code is live for this login.")
    NOT_FOUND = (404, "not_found", "Not found", "Nothing is served at this path.")
    METHOD_NOT_ALLOWED = (405, "method_not_allowed", "Method not allowed", "This path does not take that method.")
    EMAIL_TAKEN = (409, "email_taken", "Email already registered", "That email is already registered.")
    PAYLOAD_TOO_LARGE = (413, "payload_too_large", "Request body too large", "The body is too large.")
    UNSUPPORTED_MEDIA_TYPE = (415, "unsupported_media_type", "Send application/json",
                              "Send the body as application/json.")
    VALIDATION_ERROR = (422, "validation_error", "Request does not match the schema",
                        "One or more fields are invalid.")
    OTP_ATTEMPTS_EXCEEDED = (429, "otp_attempts_exceeded", "Too many wrong codes",
                             "Too many wrong codes for this login; log in again.")
    RATE_LIMITED = (429, "rate_limited", "Too many requests", "Too many requests; wait and try again.")
    INTERNAL_ERROR = (500, "internal_error", "Internal server error", "Something went wrong on our side.")
    SMS_UNAVAILABLE = (503, "sms_unavailable", "SMS provider unavailable", "The SMS provider did not answer.")
    EMAIL_UNAVAILABLE = (503, "email_unavailable", "Email service unavailable",
                         "The email service did not take the message.")
    SERVICE_UNAVAILABLE = (503, "service_unavailable", "Service temporarily unavailable",
                           "A backing service did not answer; try again shortly.")

    def __init__(self, status: int, code: str, title: str, detail: str) -> None:
        self.status = status
        self.code = code
        self.title = title
        self.detail = detail


class ApiError(Exception):
    """A problem to answer with; `extra` members join the body (`errors`, `attempts_remaining`)."""

    problem: Problem = Problem.INTERNAL_ERROR

    def __init__(self, detail: str | None = None, *, retry_after: float | None = None,
                 problem: Problem | None = None, **extra: object) -> None:
        if problem is not None:  # a problem without a class of its own (werkzeug's HTTP errors)
            self.problem = problem
        self.detail = detail or self.problem.detail
        super().__init__(self.detail)
        # Whole seconds, at least 1: a client counting down from 0 would retry at once.
        self.retry_after = None if retry_after is None else max(1, math.ceil(retry_after))
        self.extra = extra

    @property
    def status(self) -> int:
        return self.problem.status

    @property
    def code(self) -> str:
        return self.problem.code

    @property
    def title(self) -> str:
        return self.problem.title


class InvalidJson(ApiError):
    problem = Problem.INVALID_JSON


class ValidationFailed(ApiError):
    problem = Problem.VALIDATION_ERROR

    def __init__(self, errors: dict[str, list[str]], detail: str | None = None) -> None:
        super().__init__(detail, errors=errors)


class UnsupportedMediaType(ApiError):
    problem = Problem.UNSUPPORTED_MEDIA_TYPE


class NotFound(ApiError):
    problem = Problem.NOT_FOUND


class EmailTaken(ApiError):
    problem = Problem.EMAIL_TAKEN


class InvalidCredentials(ApiError):
    problem = Problem.INVALID_CREDENTIALS


class InvalidToken(ApiError):
    problem = Problem.INVALID_TOKEN


class OtpInvalid(ApiError):
    problem = Problem.OTP_INVALID


class OtpExpired(ApiError):
    problem = Problem.OTP_EXPIRED


class OtpAttemptsExceeded(ApiError):
    problem = Problem.OTP_ATTEMPTS_EXCEEDED


class RateLimited(ApiError):
    problem = Problem.RATE_LIMITED


class SmsUnavailable(ApiError):
    problem = Problem.SMS_UNAVAILABLE


class EmailUnavailable(ApiError):
    problem = Problem.EMAIL_UNAVAILABLE


class ServiceUnavailable(ApiError):
    problem = Problem.SERVICE_UNAVAILABLE
