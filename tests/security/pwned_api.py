"""Local stand-ins for the Have I Been Pwned range API: one that answers, one that hangs.

Both listen on a port the kernel picks at run time and record nothing but what a
real server would see (the request path and headers).
"""

from __future__ import annotations

import hashlib
import socket
from http.server import BaseHTTPRequestHandler

from tests.support.local_http import LocalHttpServer


def sha1_hex(password: str) -> str:
    return hashlib.sha1(password.encode("utf-8"), usedforsecurity=False).hexdigest().upper()


class FakeRangeApi(LocalHttpServer):
    """GET /range/<5 hex> → `SUFFIX:COUNT` lines, padded with zero-count lines like the real API."""

    def __init__(self, breached: dict[str, int]) -> None:
        self.breached = {sha1_hex(password): count for password, count in breached.items()}
        self.requests: list[tuple[str, dict[str, str]]] = []
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - http.server's naming
                fake.requests.append((self.path, dict(self.headers)))
                prefix = self.path.rsplit("/", 1)[-1].upper()
                lines = [f"{digest[5:]}:{count}" for digest, count in fake.breached.items() if digest[:5] == prefix]
                lines += [f"{i:035X}:0" for i in range(3)]  # padding entries
                body = "\r\n".join(lines).encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/plain")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        super().__init__(Handler)

    @property
    def url(self) -> str:
        return f"{self.origin}/range/"



class HangingServer:
    """Accepts TCP connections (the kernel completes the handshake) and never answers."""

    def __init__(self) -> None:
        self._socket = socket.socket()
        self._socket.bind(("127.0.0.1", 0))
        self._socket.listen(16)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._socket.getsockname()[1]}/range/"

    def __enter__(self) -> HangingServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self._socket.close()
