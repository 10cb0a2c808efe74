"""A gunicorn gthread worker that reads each request whole before a thread takes it.

gunicorn's gthread worker hands a connection to a thread as soon as it has a
first byte, and the thread then reads headers and body with blocking calls: a
client that sends a byte now and then holds a thread for as long as it likes,
and eight such clients stopped a worker (issue 20). Here the worker's event
loop (the thread that already accepts connections and watches kept-alive ones)
reads without blocking until the request is complete; only then does a thread
parse and serve it, from memory. A request that is not whole within
GUNICORN_REQUEST_READ_TIMEOUT seconds is answered 408 and closed; the closing
handshake of every connection happens in the loop too, never in a thread.

Use: `worker_class = buffering_worker(seconds)` (gunicorn.conf.py), or
`--worker-class app.server.worker.BufferingThreadWorker` for the default 10 s.
"""

from __future__ import annotations

import selectors
import socket
import struct
import time
from functools import partial

from gunicorn import http, util
from gunicorn.workers.gthread import TConn, ThreadWorker

from app.http.middleware import MAX_BODY_BYTES
from app.server import problems
from app.server.lingering import LingeringCloses, LingeringConn
from app.server.request_buffer import RequestBuffer, Verdict

# gunicorn's own limits allow ~800 KiB of headers; no client of this API needs more than a few.
MAX_HEADER_BYTES = 64 * 1024


def buffering_worker(read_timeout: int) -> type[BufferingThreadWorker]:
    """The worker class for gunicorn.conf.py, with GUNICORN_REQUEST_READ_TIMEOUT applied."""
    if read_timeout < 1:
        raise ValueError(f"GUNICORN_REQUEST_READ_TIMEOUT must be at least 1 second, got {read_timeout}")
    return type("BufferingThreadWorker", (BufferingThreadWorker,), {"read_timeout": read_timeout})


class _Reading:
    """A connection whose next request is still arriving."""

    def __init__(self, conn: TConn, deadline: float) -> None:
        self.conn = conn
        self.deadline = deadline
        self.buffer = RequestBuffer(MAX_HEADER_BYTES, MAX_BODY_BYTES)
        self.continue_sent = False


class BufferingThreadWorker(LingeringCloses, ThreadWorker):
    # Seconds a client has to send a whole request (from its first byte, or from the connection).
    read_timeout = 10

    def __init__(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        # Both keep insertion order, which is deadline order: every deadline is now + a constant.
        self._reading: dict[TConn, _Reading] = {}
        self._lingering: dict[socket.socket, float] = {}

    def init_process(self) -> None:
        # gunicorn's answers to malformed requests (base.Worker.handle_error) go through
        # util.write_error; in this worker process they become problem JSON.
        util.write_error = problems.write_error
        super().init_process()

    def accept(self, listener: socket.socket) -> None:
        try:
            client, address = listener.accept()
        except BlockingIOError:
            return
        except ConnectionAbortedError:
            return
        self.nr_conns += 1
        # A backstop for the few cases handed to a thread before the request is whole: no
        # blocking read or write on this socket waits longer than the read timeout.
        timeval = struct.pack("ll", self.read_timeout, 0)
        client.setsockopt(socket.SOL_SOCKET, socket.SO_RCVTIMEO, timeval)
        client.setsockopt(socket.SOL_SOCKET, socket.SO_SNDTIMEO, timeval)
        self.enqueue_req(LingeringConn(self, client, address, listener.getsockname()))

    def enqueue_req(self, conn: TConn) -> None:
        """Called for a new connection and for a kept-alive one with a next request: read it first."""
        if self.cfg.is_ssl:  # TLS ends at the ingress; this worker does not buffer TLS records
            super().enqueue_req(conn)
            return
        reading = _Reading(conn, time.monotonic() + self.read_timeout)
        self._reading[conn] = reading
        conn.sock.setblocking(False)
        self.poller.register(conn.sock, selectors.EVENT_READ, partial(self._on_readable, reading))
        ahead = conn.parser.unreader.take_buffered() if conn.parser else b""
        if ahead:  # the previous request's body read ran into this one
            self._advance(reading, ahead)

    def _on_readable(self, reading: _Reading, _sock: socket.socket) -> None:
        try:
            data = reading.conn.sock.recv(65536)
        except (BlockingIOError, InterruptedError):
            return
        except OSError:
            data = b""
        if not data:
            self._stop_reading(reading)
            self._close(reading.conn)
            return
        self._advance(reading, data)

    def _advance(self, reading: _Reading, data: bytes) -> None:
        verdict = reading.buffer.feed(data)
        if verdict is Verdict.INCOMPLETE:
            if reading.buffer.expects_continue and reading.buffer.headers_done and not reading.continue_sent:
                reading.continue_sent = True  # the client waits for this before it sends the body
                _send_quietly(reading.conn.sock, b"HTTP/1.1 100 Continue\r\n\r\n")
            return
        self._stop_reading(reading)
        if verdict is Verdict.HEADERS_TOO_LARGE:
            self._refuse(reading.conn, 431)
        elif verdict is Verdict.BODY_TOO_LARGE:
            self._refuse(reading.conn, 413)
        else:
            self._hand_over(reading, whole=verdict is Verdict.COMPLETE)

    def _hand_over(self, reading: _Reading, *, whole: bool) -> None:
        conn = reading.conn
        conn.sock.setblocking(True)
        if conn.parser is None:
            conn.parser = http.get_parser(self.cfg, conn.sock, conn.client)
        conn.parser.unreader.unread(bytes(reading.buffer.data))
        conn.data_ready = True  # no first-byte wait in the thread: the bytes are here
        conn.whole_request = whole
        super().enqueue_req(conn)

    def _keepalive_after(self, conn: TConn, keepalive: bool) -> bool:
        # A request handed over early (too large, malformed) is answered and closed, so the
        # thread never waits for the rest of a body that may never come.
        if not getattr(conn, "whole_request", True):
            return False
        return bool(super()._keepalive_after(conn, keepalive))

    def _stop_reading(self, reading: _Reading) -> None:
        self._reading.pop(reading.conn, None)
        self._unregister(reading.conn.sock)

    def _refuse(self, conn: TConn, status: int) -> None:
        problems.send_problem(conn.sock, status)
        self.linger(conn.sock)
        self.nr_conns -= 1

    def _close(self, conn: TConn) -> None:
        self.nr_conns -= 1
        util.close(conn.sock)

    def murder_pending(self) -> None:
        """Runs once a loop turn (at least every second): expire slow requests and slow closers."""
        super().murder_pending()
        now = time.monotonic()
        while self._reading:
            reading = next(iter(self._reading.values()))
            if reading.deadline > now:
                break
            self._stop_reading(reading)
            self.log.info("Request not whole after %d s from ip=%s: answered 408", self.read_timeout,
                          reading.conn.client[0] if reading.conn.client else "")
            self._refuse(reading.conn, 408)
        self.expire_lingering(now)


def _send_quietly(sock: socket.socket, data: bytes) -> None:
    try:
        sock.send(data)
    except OSError:
        pass
