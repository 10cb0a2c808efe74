"""Finding 9 (server part) of issue 20: what gunicorn answers itself is problem JSON too.

Raw sockets against gunicorn with the image's config, because HTTP clients refuse to send
these requests. Also pins that the buffering worker still serves the odd-but-valid ones.
"""

from __future__ import annotations

import json
import socket

import pytest

from tests.support.image_server import image_env, image_gunicorn

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def port(redis_url, tmp_path_factory):
    folder = tmp_path_factory.mktemp("server-errors")
    with image_gunicorn(image_env(redis_url, folder), folder / "gunicorn.log") as (_, bound):
        yield bound


def exchange(port: int, request: bytes) -> tuple[bytes, bytes]:
    """Sends `request`, reads until the server closes, returns (status line and headers, body)."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(request)
        received = bytearray()
        for _ in range(1000):
            chunk = sock.recv(65536)
            if not chunk:
                break
            received.extend(chunk)
    head, _, body = bytes(received).partition(b"\r\n\r\n")
    return head, body


def assert_problem(head: bytes, body: bytes, status: int, code: str) -> None:
    assert head.startswith(f"HTTP/1.1 {status} ".encode()), head
    assert b"Content-Type: application/problem+json" in head
    problem = json.loads(body)
    assert (problem["status"], problem["code"]) == (status, code)
    assert problem["type"] == f"urn:otp-auth:problem:{code}"


LOGIN = b"POST /api/v1/login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"


def test_content_length_with_transfer_encoding_is_a_problem(port):
    head, body = exchange(port, LOGIN + b"Content-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n")
    assert_problem(head, body, 400, "bad_request")


def test_one_oversized_header_is_a_problem(port):
    # Over gunicorn's limit_request_field_size (8190): gunicorn's parser refuses it.
    head, body = exchange(port, b"GET /healthz HTTP/1.1\r\nHost: a\r\nX-Big: " + b"a" * 9000 + b"\r\n\r\n")
    assert_problem(head, body, 431, "headers_too_large")


def test_a_huge_header_section_is_refused_before_it_ends(port):
    # Over the worker's 64 KiB: answered while the client is still sending, without a thread.
    many = b"".join(b"X-H%d: %s\r\n" % (i, b"a" * 4000) for i in range(20))
    head, body = exchange(port, b"GET /healthz HTTP/1.1\r\nHost: a\r\n" + many)
    assert_problem(head, body, 431, "headers_too_large")


def test_an_unknown_transfer_coding_is_a_problem(port):
    head, body = exchange(port, LOGIN + b"Transfer-Encoding: gzip, chunked, br\r\n\r\n")
    assert head.split(b" ")[1] in (b"400", b"501"), head
    assert b"Content-Type: application/problem+json" in head
    assert json.loads(body)["code"] in ("bad_request", "not_implemented")


def test_a_malformed_request_line_is_a_problem(port):
    head, body = exchange(port, b"GET /healthz HTTP/9\r\nHost: a\r\n\r\n")
    assert_problem(head, body, 400, "bad_request")


def test_an_oversized_chunked_body_is_refused_before_it_ends(port):
    head, body = exchange(port, LOGIN + b"Transfer-Encoding: chunked\r\n\r\n20000\r\n" + b"a" * 100)
    assert_problem(head, body, 413, "payload_too_large")


def test_an_oversized_content_length_is_still_the_apps_413(port):
    head, body = exchange(port, LOGIN + b"Content-Length: 100000\r\n\r\n{")
    assert_problem(head, body, 413, "payload_too_large")
    assert b"X-Request-ID: " in head  # the app answered, with its request id and access log line


def test_chunked_keepalive_pipelined_and_expect_continue_requests_are_served(port):
    credentials = b'{"email": "nobody@example.com", "password": "wrong password"}'
    chunked = (LOGIN + b"Transfer-Encoding: chunked\r\n\r\n"
               + b"%x\r\n%s\r\n0\r\n\r\n" % (len(credentials), credentials))
    expecting = LOGIN + b"Expect: 100-continue\r\nContent-Length: %d\r\n\r\n" % len(credentials) + credentials
    closing = b"GET /healthz HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n"
    head, body = exchange(port, chunked + expecting + closing)  # three requests on one connection
    answers = (head + b"\r\n\r\n" + body).split(b"HTTP/1.1 ")[1:]
    statuses = [answer[:3] for answer in answers]
    assert statuses in ([b"401", b"100", b"401", b"200"], [b"401", b"100", b"100", b"401", b"200"]), statuses
