"""The worker process's small HTTP server: /healthz for the kubelet, /metrics for Prometheus."""

from __future__ import annotations

import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

# The kubelet's probes and Prometheus reach the worker from outside its pod.
ALL_INTERFACES = "0.0.0.0"  # noqa: S104  # nosec B104


def serve_health(port: int, alive: Callable[[], bool], metrics: Callable[[], tuple[bytes, str]],
                 host: str = ALL_INTERFACES) -> ThreadingHTTPServer:
    """Starts the server in a daemon thread and returns it (`shutdown()` stops it)."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - the name http.server calls
            if self.path == "/healthz":
                ok = alive()
                body, content_type = (b"ok\n" if ok else b"stalled\n"), "text/plain"
                self._answer(200 if ok else 503, body, content_type)
            elif self.path == "/metrics":
                self._answer(200, *metrics())
            else:
                self._answer(404, b"not found\n", "text/plain")

        def _answer(self, status: int, body: bytes, content_type: str) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - http.server's name
            return  # probes every few seconds would flood the JSON log

    server = ThreadingHTTPServer((host, port), Handler)
    threading.Thread(target=server.serve_forever, name="events-health", daemon=True).start()
    return server
