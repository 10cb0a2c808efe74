"""A local stand-in for Twilio's Messages API that a test can make fail, hang or
answer slowly. The real TwilioSmsSender talks to it via TWILIO_API_BASE_URL.

Only `POST /2010-04-01/Accounts/<sid>/Messages.json` is served, with the
fields the SDK reads. Messages are kept so tests can read the codes.
"""

from __future__ import annotations

import json
import re
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

from tests.support.servers import free_port

ACCOUNT_SID = "AC" + "0" * 32
AUTH_TOKEN = "fake-auth-token"
FROM_NUMBER = "+15005550006"
# A hung request is let go after this long (or at close) so no thread outlives the test.
HANG_LIMIT_SECONDS = 30.0
_MESSAGES_PATH = re.compile(r"^/2010-04-01/Accounts/(AC\w+)/Messages\.json$")


class FakeSmsProvider:
    """Modes: "ok"; "fail" (HTTP 500); "hang" (never answers); "slow" (answers after `delay`);
    "garbage" (HTTP 200 with an HTML page, as a captive proxy might answer)."""

    def __init__(self) -> None:
        self.mode = "ok"
        self.delay = 0.0
        self.messages: list[tuple[str, str]] = []
        self.requests = 0
        self._lock = threading.Lock()
        self._release = threading.Event()
        self._server = ThreadingHTTPServer(("127.0.0.1", free_port()), _handler_for(self))
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, name="fake-sms", daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def env(self, timeout_seconds: float) -> dict[str, str]:
        """The settings that point the app's Twilio backend here."""
        return {
            "SMS_BACKEND": "twilio",
            "TWILIO_API_BASE_URL": self.url,
            "TWILIO_ACCOUNT_SID": ACCOUNT_SID,
            "TWILIO_AUTH_TOKEN": AUTH_TOKEN,
            "TWILIO_FROM_NUMBER": FROM_NUMBER,
            "SMS_TIMEOUT_SECONDS": str(timeout_seconds),
        }

    def set_mode(self, mode: str, delay: float = 0.0) -> None:
        assert mode in ("ok", "fail", "hang", "slow", "garbage"), mode
        # Let go of requests hung under the previous mode.
        self._release.set()
        self._release = threading.Event()
        self.mode, self.delay = mode, delay

    def sent_to(self, phone: str) -> list[str]:
        with self._lock:
            return [body for to, body in self.messages if to == phone]

    def last_code(self, phone: str) -> str:
        bodies = self.sent_to(phone)
        assert bodies, f"no SMS sent to {phone}"
        match = re.search(r"\b(\d{4,10})\b", bodies[-1])
        assert match, bodies[-1]
        return match.group(1)

    def close(self) -> None:
        self._release.set()
        self._server.shutdown()
        self._server.server_close()

    def _handle(self, handler: BaseHTTPRequestHandler) -> None:
        length = int(handler.headers.get("Content-Length") or 0)
        form = parse_qs(handler.rfile.read(length).decode())
        with self._lock:
            self.requests += 1
        if not _MESSAGES_PATH.match(handler.path):
            _reply(handler, 404, {"code": 20404, "message": "not found", "status": 404})
            return
        mode, delay, release = self.mode, self.delay, self._release
        if mode == "hang":
            release.wait(HANG_LIMIT_SECONDS)
            return  # closes without an answer
        if mode == "fail":
            _reply(handler, 500, {"code": 20500, "message": "Internal Server Error", "status": 500})
            return
        if mode == "garbage":
            handler.send_response(200)
            handler.send_header("Content-Type", "text/html")
            handler.end_headers()
            handler.wfile.write(b"<html><body>Proxy error</body></html>")
            return
        if mode == "slow":
            time.sleep(delay)
        to, body = form.get("To", [""])[0], form.get("Body", [""])[0]
        with self._lock:
            self.messages.append((to, body))
            sid = f"SM{len(self.messages):032d}"
        _reply(handler, 201, {"sid": sid, "to": to, "from": FROM_NUMBER, "status": "queued", "body": body})


def _reply(handler: BaseHTTPRequestHandler, status: int, payload: dict[str, object]) -> None:
    data = json.dumps(payload).encode()
    handler.send_response(status)
    handler.send_header("Content-Type", "application/json")
    handler.send_header("Content-Length", str(len(data)))
    handler.end_headers()
    handler.wfile.write(data)


def _handler_for(provider: FakeSmsProvider) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - http.server's naming
            provider._handle(self)

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - quiet test output
            return

    return Handler
