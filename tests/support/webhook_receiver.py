"""A webhook receiver the test runs: it records every POST and answers with the statuses it is
told to, and checks Standard Webhooks signatures by hand (not with the service's library)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from tests.support.servers import free_port

SECRET = "whsec_" + base64.b64encode(b"a receiver's secret, 32 bytes!!!").decode()


@dataclass(frozen=True)
class Delivery:
    headers: dict[str, str]
    body: bytes
    status: int  # what the receiver answered

    @property
    def event(self) -> dict[str, Any]:
        return json.loads(self.body)  # type: ignore[no-any-return]


def signature_is_valid(secret: str, headers: dict[str, str], body: bytes) -> bool:
    """The specification's check, written out: base64(HMAC-SHA256(key, "id.timestamp.body")) among the
    space-separated `v1,<signature>` entries, the key being the base64 after `whsec_`."""
    key = base64.b64decode(secret.removeprefix("whsec_"))
    signed = f"{headers['webhook-id']}.{headers['webhook-timestamp']}.".encode() + body
    expected = "v1," + base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()
    return any(hmac.compare_digest(expected, given) for given in headers["webhook-signature"].split(" "))


class WebhookReceiver:
    """`answers` is consumed one status per POST; when empty, `default` is answered."""

    def __init__(self, default: int = 200) -> None:
        self.default = default
        self.answers: list[int] = []
        self.deliveries: list[Delivery] = []
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", free_port()), _handler(self))
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, name="webhook-receiver", daemon=True).start()

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}/hooks/auth"

    def env(self) -> dict[str, str]:
        return {"EVENT_WEBHOOK_URL": self.url, "EVENT_WEBHOOK_SECRET": SECRET}

    def accepted(self) -> list[Delivery]:
        with self._lock:
            return [delivery for delivery in self.deliveries if 200 <= delivery.status < 300]

    def _record(self, headers: dict[str, str], body: bytes) -> int:
        with self._lock:
            status = self.answers.pop(0) if self.answers else self.default
            self.deliveries.append(Delivery(headers, body, status))
            return status

    def __iter__(self) -> Iterator[Delivery]:
        return iter(list(self.deliveries))

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()


def _handler(receiver: WebhookReceiver) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - the name http.server calls
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            status = receiver._record({key.lower(): value for key, value in self.headers.items()}, body)
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002
            return

    return Handler
