"""How the buffering worker decides that a request is whole (app/server/request_buffer.py)."""

from __future__ import annotations

import pytest

from app.server.request_buffer import RequestBuffer, Verdict

HEAD = b"POST /api/v1/login HTTP/1.1\r\nHost: a\r\n"


def fed_bytewise(data: bytes, max_header: int = 1024, max_body: int = 100) -> list[Verdict]:
    buffer = RequestBuffer(max_header, max_body)
    return [buffer.feed(data[i:i + 1]) for i in range(len(data))]


@pytest.mark.parametrize("request_bytes", [
    b"GET /healthz HTTP/1.1\r\nHost: a\r\n\r\n",
    HEAD + b"Content-Length: 5\r\n\r\nhello",
    HEAD + b"Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n",
    HEAD + b"Transfer-Encoding: chunked\r\n\r\n5;ext=1\r\nhello\r\n3\r\nabc\r\n0\r\nX-Trailer: 1\r\n\r\n",
], ids=["no body", "content-length", "chunked", "chunked with extensions and trailers"])
def test_complete_exactly_at_the_last_byte(request_bytes):
    verdicts = fed_bytewise(request_bytes)
    assert verdicts[-1] is Verdict.COMPLETE
    assert set(verdicts[:-1]) == {Verdict.INCOMPLETE}


def test_a_whole_request_in_one_read_is_complete():
    assert RequestBuffer(1024, 100).feed(HEAD + b"Content-Length: 2\r\n\r\n{}") is Verdict.COMPLETE


@pytest.mark.parametrize("head", [
    HEAD + b"Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n",  # smuggling: gunicorn answers 400
    HEAD + b"Transfer-Encoding: gzip\r\n\r\n",  # gunicorn answers 501
    HEAD + b"Content-Length: 5\r\nContent-Length: 6\r\n\r\n",
    HEAD + b"Content-Length: -5\r\n\r\n",
    HEAD + b"Content-Length: 101\r\n\r\n",  # over the body limit: the app answers 413 from the header
    HEAD + b"Transfer-Encoding: chunked\r\n\r\nzz\r\n",  # malformed chunk size
], ids=["cl+te", "unknown coding", "two lengths", "negative length", "over the limit", "bad chunk"])
def test_what_the_server_refuses_is_handed_over_without_waiting_for_a_body(head):
    assert RequestBuffer(1024, 100).feed(head) is Verdict.HAND_OVER


def test_headers_over_the_limit_are_refused_before_they_end():
    buffer = RequestBuffer(64, 100)
    assert buffer.feed(HEAD) is Verdict.INCOMPLETE
    assert buffer.feed(b"X-Long: " + b"a" * 40) is Verdict.HEADERS_TOO_LARGE


def test_chunked_bodies_over_the_limit_are_refused_before_they_end():
    buffer = RequestBuffer(1024, 100)
    assert buffer.feed(HEAD + b"Transfer-Encoding: chunked\r\n\r\n50\r\n" + b"a" * 80 + b"\r\n") is Verdict.INCOMPLETE
    assert buffer.feed(b"20\r\n") is Verdict.BODY_TOO_LARGE


def test_framing_games_with_tiny_chunks_are_refused():
    buffer = RequestBuffer(1024, 100)
    buffer.feed(HEAD + b"Transfer-Encoding: chunked\r\n\r\n")
    verdicts = {buffer.feed(b"0000000000000001\r\na\r\n") for _ in range(30)}
    assert Verdict.BODY_TOO_LARGE in verdicts


def test_expect_continue_is_noticed():
    buffer = RequestBuffer(1024, 100)
    assert buffer.feed(HEAD + b"Expect: 100-continue\r\nContent-Length: 2\r\n\r\n") is Verdict.INCOMPLETE
    assert buffer.expects_continue and buffer.headers_done
