"""A second origin for the web login page: a tiny static server on another free port.

It serves app/web/login.html with `data-api-base` pointing at the API, the way a
deployer would host the page next to their own app, so the browser really makes
cross-origin calls (CORS preflight included).
"""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from app.web import page_html
from tests.support.servers import free_port


class StaticSite:
    def __init__(self) -> None:
        self.port = free_port()  # known first: the API must list this origin in CORS_ORIGINS
        self._server: ThreadingHTTPServer | None = None

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, api_base: str) -> StaticSite:
        html = page_html().replace('data-api-base=""', f'data-api-base="{api_base}"', 1).encode()

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - the stdlib's name
                status, body = (200, html) if self.path.split("?")[0] in ("/", "/login.html") else (404, b"")
                self.send_response(status)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
