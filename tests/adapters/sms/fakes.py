"""Local stand-ins for the SMS providers' HTTP APIs, driven by the real SDKs.

Each fake listens on a free port and can answer, fail, hang or answer late:
- `mode = "ok"`: accept the message (recorded in `messages`);
- `"error"`: the provider's own error response (5xx);
- `"hang"`: never answer (until the test ends);
- `"slow"`: accept, but only after `delay` seconds (the real client should give up first).
`stop()` takes the fake down: connections are refused.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import threading
import time
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

from app.adapters.sms.base import SmsDeliveryError
from tests.support.servers import free_port
from tests.support.sms import RecordingSmsSender


@dataclass
class Captured:
    path: str
    headers: dict[str, str]
    body: bytes
    form: dict[str, str] = field(default_factory=dict)


class FakeProvider:
    """Base of the fakes: subclasses turn a request into (to, body) and build the answers."""

    ok_status = 200
    error_status = 500
    content_type = "application/json"

    def __init__(self) -> None:
        self.mode = "ok"
        self.delay = 3.0
        self.requests: list[Captured] = []
        self.messages: list[tuple[str, str]] = []
        self._release = threading.Event()
        self._lock = threading.Lock()
        self.port = free_port()
        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), _handler_for(self))
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def stop(self) -> None:
        self._release.set()
        if self._thread.is_alive():
            self._server.shutdown()
            self._server.server_close()

    # Reads `self.messages` exactly as the recording sender does, so AuthFlow can use a fake as its inbox.
    last_code = RecordingSmsSender.last_code

    def answer(self, captured: Captured) -> tuple[int, bytes] | None:
        with self._lock:
            self.requests.append(captured)
            mode = self.mode
        if mode == "hang":
            self._release.wait(30)
            return None
        if mode == "slow":
            self._release.wait(self.delay)
        if mode == "error":
            return self.error_status, self.error_body(captured)
        to, body = self.message_of(captured)
        with self._lock:
            self.messages.append((to, body))
        return self.ok_status, self.ok_body(captured)

    def message_of(self, captured: Captured) -> tuple[str, str]:
        raise NotImplementedError

    def ok_body(self, captured: Captured) -> bytes:
        raise NotImplementedError

    def error_body(self, captured: Captured) -> bytes:
        raise NotImplementedError


def _handler_for(fake: FakeProvider) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - http.server's naming
            raw = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            form = {}
            if self.headers.get("Content-Type", "").startswith("application/x-www-form-urlencoded"):
                form = {key: values[0] for key, values in parse_qs(raw.decode()).items()}
            answer = fake.answer(Captured(self.path, dict(self.headers.items()), raw, form))
            if answer is None:
                self.close_connection = True
                return
            status, payload = answer
            self.send_response(status)
            self.send_header("Content-Type", fake.content_type)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, *args: object) -> None:
            pass

    return Handler


class FakeTwilio(FakeProvider):
    """Twilio's Messages resource: POST /2010-04-01/Accounts/{sid}/Messages.json."""

    ok_status = 201
    error_status = 503

    def message_of(self, captured: Captured) -> tuple[str, str]:
        assert re.fullmatch(r"/2010-04-01/Accounts/AC\w+/Messages\.json", captured.path), captured.path
        return captured.form["To"], captured.form["Body"]

    def ok_body(self, captured: Captured) -> bytes:
        return json.dumps({"sid": "SM" + uuid.uuid4().hex, "status": "queued", "to": captured.form["To"],
                           "body": captured.form["Body"], "num_segments": "1"}).encode()

    def error_body(self, captured: Captured) -> bytes:
        return json.dumps({"code": 20503, "message": "Service unavailable", "status": 503}).encode()


SNS_NS = "http://sns.amazonaws.com/doc/2010-03-31/"


class FakeSns(FakeProvider):
    """The SNS Query API: POST / with Action=Publish, answered in XML."""

    content_type = "text/xml"

    def message_of(self, captured: Captured) -> tuple[str, str]:
        assert captured.form["Action"] == "Publish", captured.form
        assert captured.headers["Authorization"].startswith("AWS4-HMAC-SHA256 ")  # signed by botocore
        return captured.form["PhoneNumber"], captured.form["Message"]

    @staticmethod
    def attributes(captured: Captured) -> dict[str, str]:
        """MessageAttributes.entry.N.Name / .Value.StringValue → {name: value}."""
        form = captured.form
        names = {key.split(".")[2]: value for key, value in form.items()
                 if re.fullmatch(r"MessageAttributes\.entry\.\d+\.Name", key)}
        return {name: form[f"MessageAttributes.entry.{n}.Value.StringValue"] for n, name in names.items()}

    def ok_body(self, captured: Captured) -> bytes:
        return (f'<PublishResponse xmlns="{SNS_NS}"><PublishResult><MessageId>{uuid.uuid4()}</MessageId>'
                f"</PublishResult><ResponseMetadata><RequestId>{uuid.uuid4()}</RequestId></ResponseMetadata>"
                "</PublishResponse>").encode()

    def error_body(self, captured: Captured) -> bytes:
        return (f'<ErrorResponse xmlns="{SNS_NS}"><Error><Type>Receiver</Type><Code>InternalError</Code>'
                f"<Message>try again</Message></Error><RequestId>{uuid.uuid4()}</RequestId></ErrorResponse>").encode()


class WebhookReceiver(FakeProvider):
    """An operator's SMS gateway that checks X-OtpAuth-Signature the way docs/sms.md tells it to."""

    error_status = 502

    def __init__(self, secret: str, tolerance: int = 300, clock: object = time.time) -> None:
        self.secret = secret
        self.tolerance = tolerance
        self.clock = clock
        self.rejected = 0
        super().__init__()

    def verify(self, header: str, raw_body: bytes) -> bool:
        parts = dict(item.split("=", 1) for item in header.split(",") if "=" in item)
        timestamp, given = parts.get("t", ""), parts.get("v1", "")
        if not timestamp.isdigit() or abs(self.clock() - int(timestamp)) > self.tolerance:  # type: ignore[operator]
            return False
        expected = hmac.new(self.secret.encode(), timestamp.encode() + b"." + raw_body, hashlib.sha256).hexdigest()
        return hmac.compare_digest(expected, given)

    def answer(self, captured: Captured) -> tuple[int, bytes] | None:
        if not self.verify(captured.headers.get("X-OtpAuth-Signature", ""), captured.body):
            self.rejected += 1
            return 401, b'{"error": "bad signature"}'
        return super().answer(captured)

    def message_of(self, captured: Captured) -> tuple[str, str]:
        payload = json.loads(captured.body)
        assert set(payload) == {"to", "body", "sent_at"}, payload
        return payload["to"], payload["body"]

    def ok_body(self, captured: Captured) -> bytes:
        return b"{}"

    def error_body(self, captured: Captured) -> bytes:
        return b'{"error": "gateway down"}'


class ScriptedSender:
    """An in-process SmsSender for breaker tests: counts calls and fails while told to."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.failing = False
        self.calls = 0
        self.delivered: list[tuple[str, str]] = []

    def send(self, to: str, body: str) -> None:
        self.calls += 1
        if self.failing:
            raise SmsDeliveryError(f"{self.name} is down (test)")
        self.delivered.append((to, body))
