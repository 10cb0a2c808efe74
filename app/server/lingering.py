"""The closing half of the buffering worker: graceful closes happen in its event loop, never in a thread.

gunicorn's own graceful close sleeps up to 2 s reading what the client still
sends; in the worker's loop that would stall every other connection, so the
socket is half-closed and watched instead (app/server/worker.py).
"""

from __future__ import annotations

import selectors
import socket
import time
from typing import Any

from gunicorn import util
from gunicorn.workers.gthread import TConn

# How long a closing connection may take to read our FIN before it is cut (gunicorn waits 2 s too).
LINGER_SECONDS = 2.0


class LingeringCloses:
    """Mixed into the worker, which owns `poller` and `_lingering`."""

    cfg: Any  # gunicorn's Config, which its connections read
    poller: selectors.BaseSelector
    _lingering: dict[socket.socket, float]

    def linger(self, sock: socket.socket) -> None:
        """RFC 9112 9.6: half-close, read what the client still sends, then close, without blocking."""
        try:
            sock.shutdown(socket.SHUT_WR)
            sock.setblocking(False)
            self.poller.register(sock, selectors.EVENT_READ, self._on_linger_readable)
        except (OSError, ValueError, KeyError):
            util.close(sock)
            return
        self._lingering[sock] = time.monotonic() + LINGER_SECONDS

    def _on_linger_readable(self, sock: socket.socket) -> None:
        try:
            if sock.recv(65536):
                return
        except (BlockingIOError, InterruptedError):
            return
        except OSError:
            pass
        self._lingering.pop(sock, None)
        self._unregister(sock)
        util.close(sock)

    def expire_lingering(self, now: float) -> None:
        """Cuts the closing connections whose client never finished its side in time."""
        while self._lingering:
            sock, deadline = next(iter(self._lingering.items()))
            if deadline > now:
                break
            del self._lingering[sock]
            self._unregister(sock)
            util.close(sock)

    def _unregister(self, sock: socket.socket) -> None:
        try:
            self.poller.unregister(sock)
        except (KeyError, ValueError, OSError):
            pass


class LingeringConn(TConn):
    """gunicorn's connection, whose graceful close is left to the worker's loop instead of blocking it."""

    def __init__(self, worker: LingeringCloses, *args) -> None:  # type: ignore[no-untyped-def]
        super().__init__(worker.cfg, *args)
        self._worker = worker

    def close(self, graceful: bool = False) -> None:
        if graceful:
            self._worker.linger(self.sock)
        else:
            util.close(self.sock)
