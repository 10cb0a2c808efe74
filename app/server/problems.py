"""Problem JSON for the answers the server gives before the app sees a request.

gunicorn answers malformed requests itself (400 for Content-Length with
Transfer-Encoding, 431 for oversized headers, 414, 501 ...) with an HTML page;
the buffering worker answers 408, 413 and 431 while it reads. Both use these
bodies, so every error a client gets is RFC 9457 with a stable `code`. The
detail is fixed per status: nothing the client sent is echoed back.
"""

from __future__ import annotations

import json
import socket

from app.http.errors import PROBLEM_TYPE_BASE

# status → (code, title, detail)
_PROBLEMS = {
    400: ("bad_request", "Malformed request", "The request is not valid HTTP/1.1."),
    403: ("forbidden", "Forbidden", "The request was refused."),
    408: ("request_timeout", "Request took too long",
          "The request did not arrive whole in time; send it again without pausing."),
    413: ("payload_too_large", "Request body too large", "The request body is over the limit."),
    414: ("uri_too_long", "URI too long", "The request line is over the limit."),
    417: ("expectation_failed", "Expectation failed", "Only 'Expect: 100-continue' is understood."),
    431: ("headers_too_large", "Request header fields too large", "The request headers are over the limit."),
    501: ("not_implemented", "Not implemented", "The transfer coding is not supported; send a Content-Length."),
}
_INTERNAL = ("internal_error", "Internal server error", "Something went wrong on our side.")
_REASONS = {400: "Bad Request", 403: "Forbidden", 408: "Request Timeout", 413: "Content Too Large",
            414: "URI Too Long", 417: "Expectation Failed", 431: "Request Header Fields Too Large",
            500: "Internal Server Error", 501: "Not Implemented"}


def problem_bytes(status: int) -> bytes:
    """A whole HTTP/1.1 response, closing the connection, with a problem JSON body."""
    if status not in _PROBLEMS:
        status = 500 if status >= 500 else 400
    code, title, detail = _PROBLEMS.get(status, _INTERNAL)
    body = json.dumps({"type": PROBLEM_TYPE_BASE + code, "title": title, "status": status, "detail": detail,
                       "code": code, "request_id": ""}).encode()
    head = (f"HTTP/1.1 {status} {_REASONS[status]}\r\nConnection: close\r\n"
            f"Content-Type: application/problem+json\r\nContent-Length: {len(body)}\r\n"
            "X-Content-Type-Options: nosniff\r\nCache-Control: no-store\r\n\r\n")
    return head.encode("ascii") + body


def send_problem(sock: socket.socket, status: int) -> None:
    """Best effort: the client may be gone, and a few hundred bytes fit any empty send buffer."""
    try:
        sock.sendall(problem_bytes(status))
    except OSError:
        pass


def write_error(sock: socket.socket, status_int: int, reason: str, mesg: str) -> None:
    """Drop-in for gunicorn.util.write_error (same signature): problem JSON instead of an HTML page."""
    send_problem(sock, status_int)
